"""``markwatch schedule --once`` against the demo marketplace: a real pass (real crawl processes,
matcher, store) records a run with its figures; the next pass re-checks the known listings and
finds a listing the platform said it removed still online (its lead becomes ``still_online``)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from demo_marketplace.process import start_marketplace
from feeds.notices import create_due_notices
from index import open_store
from index.runs import RunLog
from index.store import SearchQuery
from jobs.clock import FakeClock, iso
from jobs.routine import run_pass
from markwatch.config import load_config

ROOT = Path(__file__).resolve().parent.parent
NO_CAMPAIGNS = '[campaigns.yangchenghu_crab]\nenabled = false\n[campaigns.ciie]\nenabled = false\n' \
               '[campaigns.nanhui_peach]\nenabled = false\n'


@pytest.mark.timeout(300)
def test_schedule_once_records_a_run_and_the_next_pass_verifies_a_takedown(tmp_path: Path) -> None:
    with start_marketplace(listings=60, seed=7, labels_out=tmp_path / "labels.jsonl") as market:
        data = tmp_path / "data"
        (tmp_path / "markwatch.toml").write_text(
            f'data_dir = "{data}"\nimage_hash_enabled = false\nautothrottle = false\n'
            f'[schedule_platforms.bazaar]\nspider = "html"\nbase_url = "{market.urls["bazaar"]}"\n'
            f'[schedule_platforms.openmall]\nspider = "api"\nbase_url = "{market.urls["openmall"]}"\n'
            + NO_CAMPAIGNS, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARKWATCH_")}  # the file is the config
        done = subprocess.run([sys.executable, "-m", "markwatch.cli", "schedule", "--once"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout.startswith("run 1: ok")
        (run,) = RunLog(data).last()
        assert (run.trigger, run.status) == ("once", "ok") and run.finished_at
        for name in ("bazaar", "openmall"):
            row = run.platforms[name]
            assert row["status"] == "ok" and row["pages"] > 10 and row["listings"] > 8, row
        assert run.pages == run.platforms["bazaar"]["pages"] + run.platforms["openmall"]["pages"]
        config = load_config(tmp_path / "markwatch.toml", environ={})
        store = open_store(config)
        try:
            stored = store.search(SearchQuery(limit=0)).leads
            assert run.new_leads == len(stored) > 0, "every lead of the first pass is new"
            target = next(lead for lead in stored if lead.listing.get("platform") == "bazaar")
            now = datetime.now(timezone.utc)
            store.transition([target.id], "confirmed", actor="ana", at=iso(now))
            store.linkage.add_platform("bazaar")
            (notice_id,) = [n for n in create_due_notices(store, config, iso(now + timedelta(minutes=5)))
                            if store.linkage.notice(n)["platform"] == "bazaar"]
            store.linkage.record_disposition(notice_id, "bazaar", "removed", "已删除", "", iso(now + timedelta(hours=2)))
            assert store.get(target.id).status == "removed"
        finally:
            store.close()
        # next night: the removed listing is re-checked first; the platform left it online
        clock = FakeClock(now + timedelta(days=1, hours=3))
        only_bazaar = {"bazaar": config.schedule_platforms["bazaar"]}  # one crawl is enough here
        second = run_pass(dataclasses.replace(config, data_dir=data, schedule_platforms=only_bazaar), clock,
                          trigger="cron", simulated=True, say=lambda _: None)
        assert second.status == "ok"
        bazaar = second.platforms["bazaar"]
        assert bazaar.rechecked >= 1 and bazaar.still_online == 1 and bazaar.new_leads == 0
        browse = next(p for p in second.plans if p.label == "bazaar-browse")
        assert browse.rechecks[0].url == target.url and browse.rechecks[0].status == "removed"
        store = open_store(config)
        try:
            assert store.get(target.id).status == "still_online"
            assert store.get(target.id).last_seen.startswith(iso(clock.now())[:13]), "seen at the fake clock's night"
        finally:
            store.close()
        status = subprocess.run([sys.executable, "-m", "markwatch.cli", "schedule", "status"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=60)
        assert status.returncode == 0
        assert f"{second.run_id:>5}" in status.stdout and "still online 1" in status.stdout

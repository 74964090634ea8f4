"""The workbench's /runs page: the routine's runs with their figures per platform, and the campaigns
(a configured one running now, with its report)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

from index.runs import PlatformStats, RunLog
from web_helpers import start_workbench


def test_runs_page_lists_runs_and_campaigns(tmp_path: Path) -> None:
    start = date.today() - timedelta(days=2)
    with start_workbench(tmp_path) as wb:
        wb.app.state.config = dataclasses.replace(wb.app.state.config, campaigns={"flash": {
            "start": start.isoformat(), "end": (start + timedelta(days=4)).isoformat(), "keywords": ["闪购"],
            "label_zh": "闪购专项", "label_en": "Flash sale"}})
        runs = RunLog(wb.config.data_dir)
        ok = runs.start("2026-12-01T02:00:00.000000Z", "cron", "2026-12-01T02:00:01Z", 1, campaigns=["ciie-2026-after"])
        runs.finish(ok, "2026-12-01T02:09:00Z", "ok", {
            "bazaar": PlatformStats(pages=120, listings=97, new_leads=11, errors=2, rechecked=30, still_online=1, duration=40.0),
            "openmall": PlatformStats(pages=80, listings=70, new_leads=4, duration=30.0)}, 41.5)
        bad = runs.start("2026-12-02T02:00:00.000000Z", "catch_up", "2026-12-02T02:00:01Z", 1, missed=2)
        runs.finish(bad, "2026-12-02T02:01:00Z", "failed",
                    {"bazaar": PlatformStats(status="failed", problem="bazaar-browse: exit 1: <b>no page</b>")}, 3.0)
        client = wb.login()
        data = client.get("/runs.json").json()
        page = client.get("/runs")
        english = client.get("/runs?lang=en").text
        anonymous = wb.new_client().get("/runs", follow_redirects=False).status_code
    assert [r["id"] for r in data["runs"]] == [bad, ok]
    assert data["runs"][1]["pages"] == 200 and data["runs"][1]["new_leads"] == 15
    assert data["runs"][1]["platforms"]["bazaar"]["still_online"] == 1
    assert data["schedule_cron"] == "0 2 * * *" and data["next_run"].endswith("02:00")
    flash = {c["name"]: c for c in data["campaigns"]}[f"flash-{start.year}"]
    assert flash["state"] == "running" and flash["keywords"] == ["闪购"]
    assert flash["report"]["days"] == 3 and flash["report"]["leads"] == 0, "counted up to today"
    assert page.status_code == 200 and "例行巡查" in page.text and "闪购专项" in page.text
    assert f'data-run-id="{ok}" data-platform="bazaar"' in page.text
    assert "复查 30 个，仍在线 1 个" in page.text
    assert "&lt;b&gt;no page&lt;/b&gt;" in page.text, "a crawl's problem text is shown escaped"
    assert "Routine runs" in english and "Flash sale" in english
    assert anonymous == 303

"""What a pass re-checks (by risk and age) and what a campaign adds to the crawl; a campaign's report
against normal weeks, counted by a real store."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from index.campaigns import active_campaigns, campaign_report, campaigns_for_year
from index.store import StoredLead
from jobs.clock import iso
from jobs.plan import build_plans
from jobs.platforms import read_targets
from jobs.selection import select
from markwatch.config import load_config

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


def lead(n: int, status: str, age_days: float, right_id: str = "tm-nike", score: float = 0.9,
         platform: str = "bazaar", first_seen_days: float = 60) -> StoredLead:
    url = f"https://{platform}.example/item/{n}"
    return StoredLead(id=f"id{n}", url=url, right_id=right_id, score=score, reasons=[], status=status,
                      listing={"url": url, "platform": platform, "listing_id": str(n)},
                      first_seen=iso(NOW - timedelta(days=first_seen_days)), last_seen=iso(NOW - timedelta(days=age_days)))


def test_rechecks_go_by_risk_then_age_and_leave_out_what_is_not_due() -> None:
    leads = [
        lead(1, "new", 4), lead(2, "dismissed", 10), lead(3, "dismissed", 31), lead(4, "confirmed", 1.5),
        lead(5, "removed", 1.2), lead(6, "still_online", 1), lead(7, "notified", 3), lead(8, "notified", 1.1),
        lead(9, "new", 2), lead(10, "new", 5, score=0.6), lead(11, "rejected", 20), lead(12, "removed", 0.5),
        lead(13, "removed", 2, platform="openmall"),
    ]
    removals = {"id5": NOW - timedelta(days=1.2)}
    chosen = select(leads, NOW, removals=removals)
    order = [r.listing_id for r in chosen["bazaar"]]
    # still_online, then removed / notified (most overdue first), confirmed, new, rejected, dismissed
    assert order == ["6", "7", "5", "8", "4", "1", "11", "3"]
    assert "9" not in order and "10" not in order, "a new lead is re-checked every 3 days, a weak one weekly"
    assert "2" not in order and "12" not in order
    assert chosen["bazaar"][2].reason.startswith("removed: verify the takedown")
    assert [r.listing_id for r in chosen["openmall"]] == ["13"]
    assert [r.listing_id for r in select(leads, NOW, removals=removals, per_platform=3)["bazaar"]] == ["6", "7", "5"]


def test_a_removal_older_than_two_weeks_is_verified_less_often() -> None:
    old = lead(1, "removed", 3)
    assert select([old], NOW, removals={"id1": NOW - timedelta(days=20)}) == {}
    assert select([old], NOW, removals={"id1": NOW - timedelta(days=3)})["bazaar"][0].listing_id == "1"


def test_a_campaign_changes_what_is_crawled(tmp_path: Path) -> None:
    config = dataclasses.replace(load_config(environ={}, data_dir=tmp_path), schedule_platforms={
        "bazaar": {"spider": "html", "base_url": "http://127.0.0.1:8701"},
        "openmall": {"spider": "api", "base_url": "http://127.0.0.1:8703", "rate": 4}})
    crab = lead(1, "new", 2.5, right_id="gi-yangchenghu-crab")  # not due by itself (a new lead: every 3 days)
    nike = lead(2, "new", 2.5)
    targets = read_targets(config)
    quiet_day = date(2026, 8, 20)
    assert [c.name for c in active_campaigns(quiet_day, config)] == ["nanhui_peach-2026"]
    plain = build_plans(targets, select([crab, nike], NOW, []), [])
    assert [p.label for p in plain] == ["bazaar-browse", "openmall-browse"]
    assert all(not p.rechecks and "--keyword" not in p.command(tmp_path) for p in plain)
    crab_season = active_campaigns(date(2026, 10, 20), config)
    assert {c.key for c in crab_season} == {"yangchenghu_crab", "ciie"}
    plans = build_plans(targets, select([crab, nike], NOW, crab_season), crab_season)
    assert [p.label for p in plans] == ["bazaar-browse", "bazaar-search", "openmall-browse", "openmall-search"]
    assert [r.listing_id for r in plans[0].rechecks] == ["1"], "the campaign's right is re-checked sooner"
    assert "yangchenghu_crab-2026" in plans[0].rechecks[0].reason
    command = plans[1].command(tmp_path)
    words = [command[i + 1] for i, arg in enumerate(command) if arg == "--keyword"]
    assert {"大闸蟹", "进博会", "进宝"} <= set(words)
    assert "DOWNLOAD_DELAY=0.250" in plans[3].command(tmp_path), "openmall's rate (4/s) holds in its crawls"


def test_expo_phases_and_config_campaigns(tmp_path: Path) -> None:
    config = dataclasses.replace(load_config(environ={}, data_dir=tmp_path), campaigns={
        "mid_autumn": {"keywords": ["冰皮月饼"]}, "may_day": {"enabled": False},
        "canton_fair": {"start": "2026-10-15", "end": "2026-10-19", "keywords": ["广交会"], "phases": True,
                        "before_days": 10, "after_days": 14, "rights": ["tm-huawei"]}})
    names = {c.name: c for c in campaigns_for_year(2026, config)}
    assert "may_day-2026" not in names and names["mid_autumn-2026"].keywords == ("冰皮月饼",)
    before, during, after = (names[f"ciie-2026-{p}"] for p in ("before", "during", "after"))
    assert (before.start, before.end, during.start, during.end, after.start) == (
        date(2026, 10, 6), date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 10), date(2026, 11, 11))
    assert "sm-ciie" in before.rights and "tm-dyson" in before.rights, "the expo's marks and the exhibitors' brands"
    assert during.cron and not after.keywords and after.follow_up_since == before.start
    fair = [c for c in campaigns_for_year(2026, config) if c.key == "canton_fair"]
    assert [(c.phase, c.start, c.end) for c in fair] == [
        ("before", date(2026, 10, 5), date(2026, 10, 14)), ("during", date(2026, 10, 15), date(2026, 10, 19)),
        ("after", date(2026, 10, 20), date(2026, 11, 2))]
    # the after phase re-checks what was found since the sweep began, whatever its status
    found_in_sweep = lead(1, "dismissed", 2.5, right_id="sm-ciie", first_seen_days=30)
    older = lead(2, "dismissed", 2.5, right_id="sm-ciie", first_seen_days=90)
    now = datetime(2026, 11, 20, 2, tzinfo=timezone.utc)
    found_in_sweep = dataclasses.replace(found_in_sweep, first_seen=iso(now - timedelta(days=30)),
                                         last_seen=iso(now - timedelta(days=2.5)))
    older = dataclasses.replace(older, first_seen=iso(now - timedelta(days=90)), last_seen=iso(now - timedelta(days=2.5)))
    chosen = select([found_in_sweep, older], now, active_campaigns(now.date(), config))
    assert [r.listing_id for r in chosen["bazaar"]] == ["1"]


def test_campaign_report_against_normal_weeks(tmp_path: Path) -> None:
    from index import open_store
    from web_helpers import make_lead

    config = dataclasses.replace(load_config(environ={}, data_dir=tmp_path), campaigns={
        "peach_fair": {"start": "2026-05-20", "end": "2026-05-23", "rights": ["gi-nanhui-peach"]}})
    store = open_store(config)
    try:
        crab = next(c for c in campaigns_for_year(2026, config) if c.name == "nanhui_peach-2026")  # June–August
        n = 0
        for day in range(28):  # normal weeks (May 4–31): one lead every other day
            if day % 2 == 0:
                n += 1
                store.add_leads([make_lead(n, right_id="gi-nanhui-peach")], seen_at=f"2026-05-{4 + day:02d}T03:00:00Z")
        for day in range(10):  # in the season: three a day
            for _ in range(3):
                n += 1
                store.add_leads([make_lead(n, right_id="gi-nanhui-peach")], seen_at=f"2026-06-{1 + day:02d}T03:00:00Z")
        store.add_leads([make_lead(999, right_id="tm-nike")], seen_at="2026-06-02T03:00:00Z")  # another right
        report = campaign_report(store, crab, config=config, today=date(2026, 6, 10))
        fair = next(c for c in campaigns_for_year(2026, config) if c.key == "peach_fair")
        fair_report = campaign_report(store, fair, config=config, today=date(2026, 6, 10))
    finally:
        store.close()
    assert (report["days"], report["leads"], report["leads_per_day"]) == (10, 30, 3.0)
    # the four weeks before: 4–31 May, less the days of a campaign on the same right (20–23 May; May Day,
    # on other rights, counts as normal): 24 days, 12 leads
    assert report["normal_days"] == 24 and report["normal_leads_per_day"] == 0.5 and report["ratio"] == 6.0
    assert report["confirmed"] == 0 and report["removed"] == 0
    # an ended campaign is compared with the weeks before and after it: 22 April–19 May and 24–31 May
    # (June belongs to the peach season, on the same right): 36 days, 12 leads; in it 2 leads in 4 days
    assert (fair_report["leads"], fair_report["normal_days"], fair_report["ratio"]) == (2, 36, 1.5)

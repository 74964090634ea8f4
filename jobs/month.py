"""A month in a minute: ``markwatch demo --days N`` — N nightly routine passes on a fake clock
against the demo marketplace, with the people around them played by the ground truth.

Each simulated day D (the last N days up to today, so the dashboard's default views show them):

- 02:00 the marketplace moves to day D (listings appear, go, sellers come back under new names;
  demo_marketplace/timeline.py) and the routine runs its normal pass (jobs/routine.py): the
  platforms' pages, the due re-checks (removed listings are verified, jobs/selection.py) and the
  running campaigns' keywords. Crawls record what they saw at the fake time (config
  ``simulated_now``), so leads get their first_seen on day D.
- 10:00 the demo analyst reviews a sample of the day's new leads (a fixed share, ``REVIEW_SHARE``)
  against the marketplace's ground truth: confirmed when the listing really infringes that right,
  dismissed otherwise.
- 11:00 notices are made for the confirmed leads (feeds/notices.py through ``store.linkage``).
- 09:00–19:00 the platforms answer the notices of 1–3 days before: most are removed (the marketplace takes
  the listing down), some get a counter-notice or are rejected, and a few "removed" listings stay
  online — the next nights' re-checks find them and the leads become ``still_online``.

What keeps it fast and still honest: the real crawls, matcher and store run every night, but the
rendered storefront (a real Chromium, the slowest platform) is crawled weekly and on the last night,
evidence (WARC + screenshot) is captured on the last night only, and the catalogue is small
(``MONTH_LISTINGS``). Every choice is deterministic (seeded by listing ids).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from index.campaigns import campaign_report, campaigns_between
from jobs.clock import FakeClock, iso
from jobs.routine import open_store, run_pass
from markwatch.config import Config

MONTH_LISTINGS = 240
REVIEW_SHARE = 0.6
REVIEW_MAX = 30
DISPOSITION_SHARES = (("removed", 0.72), ("counter_notice", 0.12), ("rejected", 0.16))
ANSWER_WITHIN_DAYS = 3
"""A platform answers a notice 1 to this many days after it, at some hour of the working day."""
STILL_ONLINE_SHARE = 0.12
"""Of the listings a platform says it removed, this share stays online (the platform did not act)."""
SPIDERS = {"bazaar": "html", "storefront": "rendered", "openmall": "api"}
CAMPAIGN_NAME = "demo_festival"
CAMPAIGN_DAYS = (8, 14)
"""The month's own campaign (an online shopping festival) runs on these days of the month; the
marketplace lists most new goods of its rights then (``--surge``), as sellers do in a peak season."""
CAMPAIGN_RIGHTS = ("tm-nike", "tm-adidas", "tm-louis-vuitton", "tm-gucci", "tm-chanel")
CAMPAIGN_KEYWORDS = ("耐克", "阿迪达斯", "古驰")
LEFT_OUT = {"yangchenghu_crab": {"enabled": False}, "nanhui_peach": {"enabled": False}}
"""Shipped campaigns left out of the month (unless the configuration names them): the harvest seasons
run for months, so their keyword searches would add two crawls to every night of the demo for the
few crab and peach listings of its small catalogue."""
STOREFRONT_EVERY = 7


def _share(key: str) -> float:
    """A fixed number in [0, 1) for ``key`` (deterministic choices)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2 ** 64


@dataclass
class DayLine:
    day: date
    run_id: int
    status: str
    pages: int
    new_leads: int
    confirmed: int
    dismissed: int
    notices: int
    removed: int
    counter: int
    rejected: int
    still_online: int
    campaigns: list[str]
    seconds: float


@dataclass
class MonthResult:
    days: list[DayLine] = field(default_factory=list)
    seconds: float = 0.0
    campaign_reports: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


class Month:
    """``Month(config, urls, labels_file, days).run()`` — ``urls``: platform → base URL of a marketplace
    started with ``--days``."""

    def __init__(self, config: Config, urls: dict[str, str], labels_file: Path, days: int,
                 say: Callable[[str], None] = print, end: date | None = None) -> None:
        self.config = config
        self.urls = urls
        self.days = days
        self.say = say
        self.end = end or datetime.now(timezone.utc).date()
        self.start = self.end - timedelta(days=days - 1)
        self.truth = self.read_truth(labels_file) if Path(labels_file).exists() and urls else {}
        self.pending: list[tuple[str, str]] = []
        """(notice id, platform) made on earlier days and not answered yet."""
        first, last = self.start + timedelta(days=CAMPAIGN_DAYS[0]), self.start + timedelta(days=CAMPAIGN_DAYS[1])
        campaign = {"start": first.isoformat(), "end": last.isoformat(), "rights": list(CAMPAIGN_RIGHTS),
                    "keywords": list(CAMPAIGN_KEYWORDS), "label_zh": "网购节专项（演示）",
                    "label_en": "Online shopping festival (demo campaign)"}
        tables = {**LEFT_OUT, **(config.campaigns or {}), CAMPAIGN_NAME: campaign}
        self.config = dataclasses.replace(config, campaigns=tables)
        self.surge = f"{CAMPAIGN_DAYS[0]}-{CAMPAIGN_DAYS[1]}:{','.join(CAMPAIGN_RIGHTS)}" if days > CAMPAIGN_DAYS[1] else ""

    @staticmethod
    def read_truth(labels_file: Path) -> dict[str, tuple[str, set[str]]]:
        """url → (listing id, rights it infringes) from the marketplace's labels."""
        truth: dict[str, tuple[str, set[str]]] = {}
        with open(labels_file, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                truth[row["url"]] = (row["listing_id"], set(row.get("infringes") or []))
        return truth

    def control(self, platform: str, path: str) -> None:
        request = urllib.request.Request(self.urls[platform] + path, method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def day_config(self, day: int) -> Config:
        platforms = {name: {"spider": SPIDERS[name], "base_url": url} for name, url in self.urls.items()
                     if name != "storefront" or (self.days - 1 - day) % STOREFRONT_EVERY == 0}  # weekly, the last night too
        return dataclasses.replace(self.config, schedule_platforms=platforms)

    def run(self) -> MonthResult:
        result = MonthResult()
        began = time.monotonic()
        store = open_store(self.config)
        try:
            for platform in self.urls:
                if store.linkage.endpoint("platform", platform) is None:
                    store.linkage.add_platform(platform)  # pull feed only: the demo platforms answer below
        finally:
            store.close()
        clock = FakeClock(datetime.combine(self.start, datetime.min.time(), timezone.utc))
        for day in range(self.days):
            today = self.start + timedelta(days=day)
            t = time.monotonic()
            clock.set(datetime.combine(today, datetime.min.time(), timezone.utc) + timedelta(hours=2))
            for platform in self.urls:
                self.control(platform, f"/__day?n={day}")
            last = day == self.days - 1
            passed = run_pass(self.day_config(day), clock, trigger="demo", simulated=True, evidence=last,
                              say=lambda line: None, parallel=4)
            store = open_store(self.config)
            try:
                confirmed, dismissed = self.review(store, today, clock)
                notices = self.notify(store, today, clock)
                answered = self.answer(store, today, clock)
            finally:
                store.close()
            self.pending.extend(notices)
            line = DayLine(today, passed.run_id, passed.status, sum(p.pages for p in passed.platforms.values()),
                           sum(p.new_leads for p in passed.platforms.values()), confirmed, dismissed, len(notices),
                           answered["removed"], answered["counter_notice"], answered["rejected"],
                           sum(p.still_online for p in passed.platforms.values()), passed.campaigns,
                           time.monotonic() - t)
            result.days.append(line)
            for name, row in passed.platforms.items():
                if row.status == "failed":
                    self.say(f"    {name}: {row.problem}")
            self.say(f"  {today} run {line.run_id:>3} {line.status:<6} {line.pages:>4} pages {line.new_leads:>4} new leads; "
                     f"analyst {line.confirmed} confirmed / {line.dismissed} dismissed; {line.notices} notices; platforms "
                     f"removed {line.removed}, counter {line.counter}, rejected {line.rejected}; still online "
                     f"{line.still_online}; {line.seconds:.1f}s" + (f"  [{', '.join(line.campaigns)}]" if line.campaigns else ""))
        result.seconds = time.monotonic() - began
        store = open_store(self.config)
        try:
            result.campaign_reports = [campaign_report(store, c, config=self.config, today=self.end)
                                       for c in campaigns_between(self.start, self.end + timedelta(days=1), self.config)]
            from collections import Counter

            from index.store import STATUSES
            from jobs.selection import stored_leads

            statuses = Counter(lead.status for lead in stored_leads(store))  # the rows themselves
            result.totals = {s: statuses.get(s, 0) for s in STATUSES}
            result.totals["leads"] = sum(statuses.values())
        finally:
            store.close()
        return result

    # -- the people around the routine ---------------------------------------------------------------
    def review(self, store: Any, today: date, clock: FakeClock) -> tuple[int, int]:
        """The analyst's morning: a sample of yesterday night's new leads, decided by the ground truth."""
        from index.store import SearchQuery

        page = store.search(SearchQuery(status=["new"], since=today.isoformat(),
                                        until=(today + timedelta(days=1)).isoformat(), sort="date", limit=0))
        sample = [lead for lead in page.leads if _share(f"review:{lead.id}") < REVIEW_SHARE][:REVIEW_MAX]
        at = iso(clock.now().replace(hour=10))
        good = [lead.id for lead in sample if lead.right_id in self.truth.get(lead.url, ("", set()))[1]]
        bad = [lead.id for lead in sample if lead.id not in set(good)]
        if good:
            store.transition(good, "confirmed", actor="demo", note="ground truth: infringes", at=at)
        if bad:
            store.transition(bad, "dismissed", actor="demo", note="ground truth: does not infringe", at=at)
        return len(good), len(bad)

    def notify(self, store: Any, today: date, clock: FakeClock) -> list[tuple[str, str]]:
        from feeds.notices import create_due_notices

        at = iso(clock.now().replace(hour=11))
        made = create_due_notices(store, self.config, at)
        from index.store import SearchQuery

        again = {store.linkage.notices_of_lead(lead.id)[-1]
                 for lead in store.search(SearchQuery(status=["still_online"], limit=0)).leads
                 if store.linkage.notices_of_lead(lead.id)}
        for notice_id in sorted(again):  # a "removed" listing still online: the notice goes again
            resent = store.linkage.resend(notice_id, at)
            if resent:
                made.append(resent)
        return [(notice_id, str((store.linkage.notice(notice_id) or {}).get("platform", ""))) for notice_id in made]

    def answer(self, store: Any, today: date, clock: FakeClock) -> dict[str, int]:
        """The platforms' answers, a day after the notice: removed (taken down, or not really), counter, rejected."""
        counts = {"removed": 0, "counter_notice": 0, "rejected": 0}
        waiting, self.pending = self.pending, []
        for notice_id, platform in waiting:
            notice = store.linkage.notice(notice_id) or {}
            delay = 1 + int(_share(f"delay:{notice_id}") * ANSWER_WITHIN_DAYS)  # platforms take 1–3 days
            made = date.fromisoformat(str(notice.get("created_at", ""))[:10] or today.isoformat())
            if (today - made).days < delay:
                self.pending.append((notice_id, platform))
                continue
            at = iso(clock.now().replace(hour=9 + int(_share(f"hour:{notice_id}") * 10),
                                         minute=int(_share(f"minute:{notice_id}") * 60)))
            roll, disposition = _share(f"answer:{notice_id}"), "rejected"
            edge = 0.0
            for name, share in DISPOSITION_SHARES:
                edge += share
                if roll < edge:
                    disposition = name
                    break
            reason = {"removed": "已删除链接 listing removed", "counter_notice": "卖家提交反通知 seller counter-notice",
                      "rejected": "证据不足 insufficient evidence"}[disposition]
            declaration = "卖家声明商品为正品并附授权文件" if disposition == "counter_notice" else ""
            store.linkage.record_disposition(notice_id, platform, disposition, reason, declaration, at)
            counts[disposition] += 1
            if disposition == "removed":
                ids = [str(item.get("listing_id")) for item in notice.get("listings", [])
                       if _share(f"still-online:{notice_id}:{item.get('url')}") >= STILL_ONLINE_SHARE and item.get("listing_id")]
                if ids and platform in self.urls:
                    self.control(platform, "/__takedown?id=" + ",".join(ids))
        return counts

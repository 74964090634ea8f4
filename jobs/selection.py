"""Which known listings a run looks at again, most at risk first.

Why by risk and age: a nightly pass cannot re-fetch every listing ever seen, and some matter far
more than others. A listing the platform says it removed is checked again soon after, to verify
the takedown (still online → the lead becomes ``still_online``); notified and confirmed ones
often, to see what the platform did; unreviewed leads now and then (a listing that changed may
score differently); dismissed ones rarely. A running campaign's rights are checked at its own,
shorter interval, and in an expo's ``after`` phase every listing found since the sweep began is
looked at again (the follow-up).

A listing is *due* when its ``last_seen`` is at least its interval old; due listings are ordered
by tier (the table below), then by how overdue they are (age / interval), then by URL, and cut at
``schedule_max_recheck`` per platform. New listings come before all of these: they are what the
crawl's discovery finds, and the re-check requests go into the crawl at lower priorities (tier 0
right after discovery), so a page budget spent early leaves the least urgent re-checks out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator, Mapping, Sequence

from index.campaigns import Campaign
from jobs.clock import parse_iso, to_utc

# status → (tier: 0 = most urgent, re-check interval in days)
POLICY: Mapping[str, tuple[int, float]] = {
    "still_online": (0, 1.0),
    "removed": (1, 1.0),          # within REMOVAL_WATCH_DAYS of the removal; later: REMOVED_LATER_DAYS
    "notified": (1, 1.0),
    "confirmed": (2, 1.0),
    "counter_notice": (2, 2.0),
    "new": (3, 3.0),              # a low score: NEW_LOW_SCORE_DAYS
    "rejected": (4, 14.0),
    "dismissed": (5, 30.0),
}
REMOVAL_WATCH_DAYS = 14.0
"""A removal is verified daily for this many days after it, then every REMOVED_LATER_DAYS."""
REMOVED_LATER_DAYS = 14.0
NEW_LOW_SCORE = 0.7
NEW_LOW_SCORE_DAYS = 7.0


@dataclass(frozen=True)
class Recheck:
    """One known listing to fetch again."""

    url: str
    platform: str
    listing_id: str
    tier: int
    interval_days: float
    age_days: float
    status: str
    """The most urgent status among the listing's leads."""
    reason: str
    campaign: str = ""

    @property
    def overdue(self) -> float:
        return self.age_days / self.interval_days if self.interval_days > 0 else float("inf")

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "listing_id": self.listing_id, "tier": self.tier, "status": self.status,
                "reason": self.reason, "campaign": self.campaign}


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400.0


def removed_at(store: Any, lead_id: str) -> datetime | None:
    """When the lead was last marked removed (its latest step to ``removed``)."""
    steps = [t for t in store.history(lead_id) if t.to_status == "removed"]
    return parse_iso(steps[-1].at) if steps else None


def lead_policy(lead: Any, now: datetime, campaigns: Sequence[Campaign], removal: datetime | None) -> tuple[int, float, str, str]:
    """(tier, interval days, reason, campaign name) of one lead."""
    tier, interval = POLICY.get(lead.status, (5, 30.0))
    reason = lead.status
    if lead.status == "removed":
        if removal is not None and _days(now - removal) > REMOVAL_WATCH_DAYS:
            interval, reason = REMOVED_LATER_DAYS, "removed (verified for two weeks)"
        else:
            reason = "removed: verify the takedown"
    elif lead.status == "new" and lead.score < NEW_LOW_SCORE:
        interval = NEW_LOW_SCORE_DAYS
    chosen = ""
    for campaign in campaigns:
        if lead.right_id not in campaign.rights:
            continue
        follow_up = campaign.follow_up_since is not None and lead.first_seen \
            and parse_iso(lead.first_seen).date() >= campaign.follow_up_since
        if campaign.phase == "after" and not follow_up:
            continue
        if campaign.recheck_days < interval or follow_up:
            interval = min(interval, campaign.recheck_days)
            tier = max(0, tier - 1)
            chosen = campaign.name
            reason = f"{reason}; campaign {campaign.name}" + (" follow-up" if follow_up else "")
    return tier, interval, reason, chosen


def select(leads: Iterable[Any], now: datetime, campaigns: Sequence[Campaign] = (),
           per_platform: int = 500, removals: Mapping[str, datetime | None] | None = None,
           platforms: Sequence[str] | None = None) -> dict[str, list[Recheck]]:
    """Due re-checks per platform, most urgent first, at most ``per_platform`` each.

    ``leads``: stored leads (``index.store.StoredLead``); ``removals``: lead id → when it was removed
    (:func:`removed_at`, for the removed ones)."""
    now = to_utc(now)
    best: dict[str, Recheck] = {}
    for lead in leads:
        platform = str(lead.listing.get("platform") or "")
        if platforms is not None and platform not in platforms:
            continue
        tier, interval, reason, campaign = lead_policy(lead, now, campaigns, (removals or {}).get(lead.id))
        age = _days(now - parse_iso(lead.last_seen)) if lead.last_seen else float("inf")
        if age < interval:
            continue
        candidate = Recheck(lead.url, platform, str(lead.listing.get("listing_id") or ""), tier, interval,
                            age, lead.status, reason, campaign)
        known = best.get(lead.url)
        if known is None or (candidate.tier, -candidate.overdue) < (known.tier, -known.overdue):
            best[lead.url] = candidate
    by_platform: dict[str, list[Recheck]] = {}
    for recheck in best.values():
        by_platform.setdefault(recheck.platform, []).append(recheck)
    return {platform: sorted(rows, key=lambda r: (r.tier, -r.overdue, r.url))[:per_platform]
            for platform, rows in sorted(by_platform.items())}


def stored_leads(store: Any, page: int = 1000) -> Iterator[Any]:
    """Every stored lead, in keyset pages (never all in one answer)."""
    from index.store import SearchQuery

    after = None
    while True:
        result = store.search(SearchQuery(sort="date", limit=page, after=after))
        yield from result.leads
        if not result.next_cursor:
            return
        after = result.next_cursor


def select_from_store(store: Any, now: datetime, campaigns: Sequence[Campaign] = (), per_platform: int = 500,
                      platforms: Sequence[str] | None = None) -> dict[str, list[Recheck]]:
    """:func:`select` over the store's leads (removal times read for the removed ones only)."""
    leads = list(stored_leads(store))
    removals = {lead.id: removed_at(store, lead.id) for lead in leads if lead.status == "removed"}
    return select(leads, now, campaigns, per_platform, removals, platforms)

"""What the dashboard and the period reports show, gathered from the store: one module for both,
so ``/dashboard``, ``/reports`` and ``markwatch report`` count the same way.

Every number comes from a store aggregation (``count``, ``facets``, ``histogram``,
``transition_histogram``, ``notice_to_removal_hours``, ``sellers``); Python only sums a handful of
facet values (the rights into key-goods categories) and takes the middle of the removal times.

Periods are calendar days ``[since, until)`` in UTC; the store compares them with its ISO 8601 times
as text, so ``"2026-07-01"`` is before every time of 1 July.

What counts as what (docs/dashboard.md):
* *leads found* — leads first seen in the period (by right kind, platform, key goods, season);
* *outcomes* — lifecycle steps made in the period, by the status reached (a lead confirmed in July
  that was found in May counts in July's confirmations);
* *confirmation rate* — confirmations ÷ (confirmations + dismissals) made in the period;
* *takedown rate of a platform* — leads removed ÷ leads ever notified, by their present status;
* *typical cases* — the period's highest-scored leads an analyst confirmed, with evidence hashes.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Iterable

from index.campaigns import reports_between
from index.seasons import KEY_GOODS_LABELS, key_goods, windows_between
from index.store import LeadStore, SearchQuery

OUTCOMES = ("confirmed", "dismissed", "notified", "removed", "rejected", "counter_notice", "still_online")
EVER_CONFIRMED = ("confirmed", "notified", "removed", "rejected", "counter_notice", "still_online")
EVER_NOTIFIED = ("notified", "removed", "rejected", "counter_notice", "still_online")
KINDS = ("trademark", "gi", "special_mark")
MAX_RIGHTS = 10_000
TYPICAL_CASES = 10


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    """Exclusive."""

    @property
    def last_day(self) -> date:
        return self.until - timedelta(days=1)

    def bounds(self) -> tuple[str, str]:
        return self.since.isoformat(), self.until.isoformat()

    def title_zh(self) -> str:
        """The report's title as the office files it."""
        s, last = self.since, self.last_day
        if s.month == 1 and s.day == 1 and last.year == s.year:
            if (last.month, last.day) == (6, 30):
                span = f"{s.year}年上半年"
            elif (last.month, last.day) == (12, 31):
                span = f"{s.year}年"
            else:
                span = f"{s.year}年1月1日至{last.month}月{last.day}日"
        elif (s.month, s.day) == (7, 1) and (last.year, last.month, last.day) == (s.year, 12, 31):
            span = f"{s.year}年下半年"
        else:
            span = f"{s.year}年{s.month}月{s.day}日至{last.year}年{last.month}月{last.day}日"
        return f"{span}知识产权行政保护工作情况统计"

    def title_en(self) -> str:
        return f"IP administrative protection: statistics for {self.since.isoformat()} to {self.last_day.isoformat()}"


def preset(year: int, which: str) -> Period:
    """``h1`` (January–June), ``h2`` (July–December) or ``year``."""
    if which == "h1":
        return Period(date(year, 1, 1), date(year, 7, 1))
    if which == "h2":
        return Period(date(year, 7, 1), date(year + 1, 1, 1))
    if which == "year":
        return Period(date(year, 1, 1), date(year + 1, 1, 1))
    raise ValueError(f"period preset must be h1, h2 or year, not {which!r}")


def parse_period(since: str, until: str) -> Period:
    """``since`` and ``until`` as YYYY-MM-DD, both inclusive (as a person says "1 Jan to 30 Jun")."""
    try:
        first, last = date.fromisoformat(since), date.fromisoformat(until)
    except ValueError as exc:
        raise ValueError(f"dates must be YYYY-MM-DD ({exc})") from None
    if last < first:
        raise ValueError(f"the period ends ({until}) before it starts ({since})")
    return Period(first, last + timedelta(days=1))


def _rights(store: LeadStore, query: SearchQuery) -> list[tuple[dict[str, Any], int]]:
    counts = store.facets(query, ["right"], size=MAX_RIGHTS)["right"]
    found = []
    for facet in counts:
        right = store.get_right(facet.value) or {"id": facet.value, "kind": "", "name": facet.value}
        found.append((right, facet.count))
    return found


def _outcomes(store: LeadStore, since: str | None, until: str | None) -> dict[str, int]:
    steps = {status: 0 for status in OUTCOMES}
    for bucket in store.transition_histogram(since, until):
        if bucket.value in steps:
            steps[bucket.value] += bucket.count
    return steps


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def takedown_rates(store: LeadStore, platform: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Per platform: leads ever notified, of them removed, and the rate."""
    platform = tuple(platform)
    notified = store.facets(SearchQuery(status=EVER_NOTIFIED, platform=platform), ["platform"], size=50)["platform"]
    removed = {f.value: f.count for f in
               store.facets(SearchQuery(status=("removed",), platform=platform), ["platform"], size=50)["platform"]}
    return [{"platform": f.value, "notified": f.count, "removed": removed.get(f.value, 0),
             "rate": _rate(removed.get(f.value, 0), f.count)} for f in notified]


def build_report(store: LeadStore, period: Period, config: Any = None) -> dict[str, Any]:
    """The period report: counts by right kind, key goods, platform, season, outcomes, typical cases,
    and the campaigns that started in the period against normal weeks (index/campaigns.py; ``config``
    gives the configured campaigns, None = the shipped ones)."""
    since, until = period.bounds()
    found = SearchQuery(since=since, until=until)
    total = store.count(found)
    facets = store.facets(found, ["kind", "platform"], size=50)
    rights = _rights(store, found)
    goods: dict[str, int] = {}
    for right, count in rights:
        category = key_goods(right)
        goods[category] = goods.get(category, 0) + count
    seasons = []
    for window in windows_between(period.since, period.until, [r for r, _ in rights]):
        first, end = window.overlap(period.since, period.until)  # type: ignore[misc]
        query = SearchQuery(since=first.isoformat(), until=end.isoformat(),
                            right=(window.right_id,) if window.right_id else ())
        seasons.append({"key": window.key, "year": window.year, "label_zh": window.label_zh,
                        "label_en": window.label_en, "right_id": window.right_id,
                        "start": window.start.isoformat(), "end": window.end.isoformat(),
                        "leads": store.count(query)})
    outcomes = _outcomes(store, since, until)
    hours = store.notice_to_removal_hours(since, until)
    cases = store.search(SearchQuery(since=since, until=until, status=EVER_CONFIRMED, sort="score",
                                     limit=TYPICAL_CASES)).leads
    typical = []
    for lead in cases:
        right = store.get_right(lead.right_id) or {}
        typical.append({"id": lead.id, "url": lead.url, "title": str(lead.listing.get("title", "")),
                        "platform": str(lead.listing.get("platform", "")),
                        "seller": str(lead.listing.get("seller_name", "")), "right_id": lead.right_id,
                        "right_name": str(right.get("name", lead.right_id)), "kind": lead.kind,
                        "score": lead.score, "status": lead.status, "first_seen": lead.first_seen,
                        "evidence": [{"captured_at": e.get("captured_at", ""), "sha256": e.get("sha256", {})}
                                     for e in lead.evidence]})
    return {
        "title_zh": period.title_zh(), "title_en": period.title_en(),
        "since": since, "until": period.last_day.isoformat(),
        "leads": total,
        "by_kind": [{"kind": k, "leads": next((f.count for f in facets["kind"] if f.value == k), 0)} for k in KINDS]
                   + [{"kind": f.value, "leads": f.count} for f in facets["kind"] if f.value not in KINDS],
        "by_platform": [{"platform": f.value, "leads": f.count} for f in facets["platform"]],
        "by_key_goods": [{"category": c, "label_zh": KEY_GOODS_LABELS[c][0], "label_en": KEY_GOODS_LABELS[c][1],
                          "leads": goods.get(c, 0)} for c in KEY_GOODS_LABELS],
        "by_right": [{"right_id": r.get("id", ""), "name": r.get("name", ""), "kind": r.get("kind", ""),
                      "key_goods": key_goods(r), "leads": n} for r, n in rights],
        "by_season": seasons,
        "outcomes": outcomes,
        "confirmation_rate": _rate(outcomes["confirmed"], outcomes["confirmed"] + outcomes["dismissed"]),
        "removals_timed": len(hours),
        "median_hours_to_removal": round(statistics.median(hours), 2) if hours else None,
        "takedown_rates": takedown_rates(store),
        "typical_cases": typical,
        "campaigns": reports_between(store, period.since, period.until, config),
    }


def _days(period: Period) -> list[str]:
    return [(period.since + timedelta(days=n)).isoformat() for n in range((period.until - period.since).days)]


def build_dashboard(store: LeadStore, period: Period, platform: tuple[str, ...] = ()) -> dict[str, Any]:
    """The dashboard's numbers: the report's counts plus per-day series and the repeat sellers."""
    since, until = period.bounds()
    query = SearchQuery(since=since, until=until, platform=platform)
    days = _days(period)
    index = {d: i for i, d in enumerate(days)}

    def series(buckets: Iterable[Any], values: Iterable[str]) -> dict[str, list[int]]:
        out = {v: [0] * len(days) for v in values}
        for b in buckets:
            if b.day in index:
                out.setdefault(b.value, [0] * len(days))[index[b.day]] += b.count
        return out

    by_kind = series(store.histogram(query, "kind"), KINDS)
    by_platform = series(store.histogram(query, "platform"), ())
    steps = series(store.transition_histogram(since, until), OUTCOMES)
    rate = [_rate(c, c + d) for c, d in zip(steps["confirmed"], steps["dismissed"])]
    hours = store.notice_to_removal_hours(since, until)
    facets = store.facets(query, ["kind", "platform", "status"], size=20)
    rights = _rights(store, query)
    goods = {c: 0 for c in KEY_GOODS_LABELS}
    for right, count in rights:
        goods[key_goods(right)] += count
    seasons = []
    for window in windows_between(period.since, period.until, [r for r, _ in rights]):
        first, end = window.overlap(period.since, period.until)  # type: ignore[misc]
        seasons.append({"key": window.key, "year": window.year, "label_zh": window.label_zh,
                        "label_en": window.label_en, "right_id": window.right_id,
                        "leads": store.count(SearchQuery(since=first.isoformat(), until=end.isoformat(),
                                                         platform=platform,
                                                         right=(window.right_id,) if window.right_id else ()))})
    sellers = [{"platform": s.platform, "seller_id": s.seller_id, "name": s.name, "leads": s.leads,
                "confirmed": s.confirmed, "takedowns": s.takedowns}
               for s in store.sellers(limit=10) if not platform or s.platform in platform]
    totals = {s: sum(v) for s, v in steps.items()}
    return {
        "since": since, "until": period.last_day.isoformat(), "platform": list(platform), "days": days,
        "leads": store.count(query),
        "leads_by_kind": by_kind, "leads_by_platform": by_platform,
        "steps": steps, "step_totals": totals, "confirmation_rate_by_day": rate,
        "confirmation_rate": _rate(totals["confirmed"], totals["confirmed"] + totals["dismissed"]),
        "removals_timed": len(hours),
        "median_hours_to_removal": round(statistics.median(hours), 2) if hours else None,
        "takedown_rates": takedown_rates(store, platform),
        "status": {f.value: f.count for f in facets["status"]},
        "key_goods": goods, "seasons": seasons, "top_sellers": sellers,
    }


TOP_NETWORKS = 10


def top_networks(store: LeadStore, max_image_distance: int = 4) -> list[dict[str, Any]]:
    """The biggest seller networks (index.networks: sellers sharing contacts, an address or a
    photo) with their sellers' leads and confirmed leads summed; the ten biggest, most confirmed
    first."""
    from index.networks import find_clusters

    clusters = find_clusters(store.seller_links(), max_image_distance=max_image_distance)[:TOP_NETWORKS]
    found = []
    for cluster in clusters:
        summaries = [store.seller(platform, seller_id) for platform, seller_id in cluster.sellers]
        summaries = [s for s in summaries if s is not None]
        found.append({"id": cluster.id, "sellers": len(cluster.sellers),
                      "names": [s.name for s in summaries][:5],
                      "leads": sum(s.leads for s in summaries), "confirmed": sum(s.confirmed for s in summaries)})
    return sorted(found, key=lambda n: (-n["confirmed"], -n["sellers"], n["id"]))


Gettext = Callable[[str], str]

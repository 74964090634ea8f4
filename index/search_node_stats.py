"""The search-node store's statistics for the dashboard and period reports, as aggregations.

Why a ``filters`` aggregation of day ranges: times are ``keyword`` fields holding the store's ISO
8601 strings (see :mod:`index.search_node_schema`: a ``date`` would cut microseconds), so a
``date_histogram`` cannot run on them, and a script (the first ten characters) needs the painless
module, which a slim node (the tests' one) does not load. A keyword range compares text, exactly as
SQLite does, so the node is asked for the first and last time matched and then counts one
``[day, next day)`` bucket per day between them (a sub-aggregation splits each day); empty days are
dropped.

Durations from notice to removal: the steps live in their own index without the lead's other
steps at hand, so the node returns the period's ``removed`` steps and those leads' ``notified``
steps (only those two kinds, only those leads) and the pairing is done here; both lists are bounded
by the removals of the period, not by the size of the store.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from index.store import HISTOGRAM_SPLITS, DayCount, SearchQuery

if TYPE_CHECKING:
    from index.search_node import SearchNodeStore

_SPLIT_FIELDS = {"kind": "kind", "platform": "platform", "status": "status", "right": "right_id"}
assert set(_SPLIT_FIELDS) | {""} == set(HISTOGRAM_SPLITS)
_MAX_DAYS = 4_000
_MAX_VALUES = 1_000


def _days(first: str, last: str) -> list[str]:
    start, end = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    if (end - start).days > _MAX_DAYS:
        raise ValueError(f"a histogram over {(end - start).days} days; narrow the period (at most {_MAX_DAYS})")
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def _edge(store: "SearchNodeStore", index: str, query: dict[str, Any], field: str, order: str) -> str | None:
    api = store.api
    body = {"query": query, "size": 1, "sort": [{field: {"order": order}}], "_source": [field],
            "track_total_hits": False}
    hits = api.call(api.client.search, index=index, body=body)["hits"]["hits"]
    return hits[0]["_source"][field] if hits else None


def _day_histogram(store: "SearchNodeStore", index: str, query: dict[str, Any], field: str,
                   split: str | None) -> list[DayCount]:
    first = _edge(store, index, query, field, "asc")
    last = _edge(store, index, query, field, "desc")
    if first is None or last is None:
        return []
    days = _days(first, last)
    filters = {day: {"range": {field: {"gte": day, "lt": (date.fromisoformat(day) + timedelta(days=1)).isoformat()}}}
               for day in days}
    agg: dict[str, Any] = {"filters": {"filters": filters}}
    if split:
        agg["aggs"] = {"split": {"terms": {"field": split, "size": _MAX_VALUES, "missing": "",
                                           "order": {"_key": "asc"}}}}
    api = store.api
    body = {"query": query, "size": 0, "track_total_hits": False, "aggs": {"days": agg}}
    buckets = api.call(api.client.search, index=index, body=body)["aggregations"]["days"]["buckets"]
    rows: list[DayCount] = []
    for day in days:
        bucket = buckets[day]
        if not bucket["doc_count"]:
            continue
        if split:
            rows.extend(DayCount(day, str(b["key"]), int(b["doc_count"])) for b in bucket["split"]["buckets"])
        else:
            rows.append(DayCount(day, "", int(bucket["doc_count"])))
    return rows


def histogram(store: "SearchNodeStore", query: SearchQuery, split_by: str = "") -> list[DayCount]:
    from index import search_node_query as q

    if split_by not in HISTOGRAM_SPLITS:
        raise ValueError(f"split_by must be one of {', '.join(repr(s) for s in HISTOGRAM_SPLITS)}, not {split_by!r}")
    return _day_histogram(store, store.names.leads, q.query_dsl(query), "first_seen", _SPLIT_FIELDS.get(split_by))


def _period(since: str | None, until: str | None) -> dict[str, Any]:
    bounds = {k: v for k, v in (("gte", since), ("lt", until)) if v is not None}
    return {"range": {"at": bounds}} if bounds else {"match_all": {}}


def transition_histogram(store: "SearchNodeStore", since: str | None, until: str | None) -> list[DayCount]:
    return _day_histogram(store, store.names.transitions, _period(since, until), "at", "to_status")


def _parse(at: str) -> datetime:
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def notice_to_removal_hours(store: "SearchNodeStore", since: str | None, until: str | None) -> list[float]:
    period = _period(since, until)
    removed = store._search_all(store.names.transitions,
                                {"bool": {"filter": [{"term": {"to_status": "removed"}}, period]}},
                                sort=[{"order": "asc"}], source=["lead_id", "at", "order"])
    if not removed:
        return []
    leads = sorted({h["_source"]["lead_id"] for h in removed})
    notices: dict[str, list[tuple[str, int]]] = {}
    for start in range(0, len(leads), 5000):
        part = leads[start:start + 5000]
        for hit in store._search_all(store.names.transitions,
                                     {"bool": {"filter": [{"term": {"to_status": "notified"}},
                                                          {"terms": {"lead_id": part}}]}},
                                     sort=[{"order": "asc"}], source=["lead_id", "at", "order"]):
            src = hit["_source"]
            notices.setdefault(src["lead_id"], []).append((src["at"], int(src["order"])))
    hours: list[float] = []
    for hit in removed:
        src = hit["_source"]
        before = [n for n in notices.get(src["lead_id"], ()) if n[0] <= src["at"]]
        if before:
            latest = max(before)[0]
            hours.append(round((_parse(src["at"]) - _parse(latest)).total_seconds() / 3600, 6))
    return sorted(hours)

"""The SQLite store's statistics for the dashboard and period reports, as SQL.

Why SQL and not Python: a dashboard over a million leads must not pull a million rows into Python
to count them. Times are stored as ISO 8601 text (``2026-12-01T21:30:00.123456Z``), so the UTC day
is ``substr(x, 1, 10)`` and a duration is a difference of ``julianday()`` values; SQLite groups and
counts, Python only wraps the rows.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from index import sqlite_query as q
from index.store import HISTOGRAM_SPLITS, DayCount, SearchQuery

Read = Callable[[str, Sequence[Any]], list[tuple]]
_SPLIT_COLUMNS = {"": "''", "kind": "l.kind", "platform": "l.platform", "status": "l.status",
                  "right": "l.right_id"}
assert set(_SPLIT_COLUMNS) == set(HISTOGRAM_SPLITS)


def histogram(read: Read, query: SearchQuery, split_by: str = "") -> list[DayCount]:
    if split_by not in _SPLIT_COLUMNS:
        raise ValueError(f"split_by must be one of {', '.join(repr(s) for s in HISTOGRAM_SPLITS)}, not {split_by!r}")
    clause, params = q.where(query)
    column = _SPLIT_COLUMNS[split_by]
    rows = read(f"SELECT substr(l.first_seen, 1, 10) AS day, {column} AS value, count(*) FROM leads l "
                f"WHERE {clause} GROUP BY day, value ORDER BY day, value", params)
    return [DayCount(day, value, count) for day, value, count in rows]


def _period(column: str, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["1"], []
    if since is not None:
        clauses.append(f"{column} >= ?")
        params.append(since)
    if until is not None:
        clauses.append(f"{column} < ?")
        params.append(until)
    return " AND ".join(clauses), params


def transition_histogram(read: Read, since: str | None, until: str | None) -> list[DayCount]:
    clause, params = _period("at", since, until)
    rows = read(f"SELECT substr(at, 1, 10) AS day, to_status, count(*) FROM transitions WHERE {clause} "
                "GROUP BY day, to_status ORDER BY day, to_status", params)
    return [DayCount(day, value, count) for day, value, count in rows]


def notice_to_removal_hours(read: Read, since: str | None, until: str | None) -> list[float]:
    clause, params = _period("r.at", since, until)
    rows = read(
        "SELECT (julianday(r.at) - julianday(n.at)) * 24 AS hours FROM transitions r "
        "JOIN transitions n ON n.rowid = (SELECT x.rowid FROM transitions x WHERE x.lead = r.lead "
        "  AND x.to_status = 'notified' AND x.at <= r.at ORDER BY x.at DESC, x.rowid DESC LIMIT 1) "
        f"WHERE r.to_status = 'removed' AND {clause} ORDER BY hours", params)
    return [round(float(h), 6) for (h,) in rows]

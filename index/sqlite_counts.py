"""Facet counts kept by the SQLite store as it writes: exact, and read in microseconds.

Why count tables: counting the facets of an unfiltered search by ``GROUP BY`` reads every lead
(≈470 ms at 100k leads, seconds at 1M), on every search page. The counts change only when a lead is
added, its faceted columns change, or its status moves, so the store keeps them up to date in the
same transaction as the write, so a process killed mid-batch rolls back the counts with the rows
(nothing to repair). New leads are counted per batch (:func:`count_new`, called by the one place
that inserts leads, :func:`index.sqlite_write.write_leads`: one upsert per distinct combination,
where a per-row trigger cost ≈30 µs a lead); every change of a lead's faceted columns is counted by
triggers on ``leads``, so whatever changes a lead (an updated lead, ``transition``, the linkage's
``transition_in``, ``put_rights`` changing a right's kind) the counts follow.

Two tables:

* ``lead_combos``: leads per combination of the five low-cardinality facets (right, kind, platform,
  province, status): a few hundred rows however many leads. An unfiltered search, or one filtered
  only on those facets, takes its total and those five facets from it (a ``GROUP BY`` over a few
  hundred rows).
* ``seller_counts``: leads per seller name, with an index by count: the unfiltered seller facet is
  the index's first rows. A filtered search counts its sellers over the matched leads.

Rows whose count falls to 0 are kept (a lead's status moving back and forth would otherwise delete
and insert them) and are skipped on read.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

from index.store import SearchQuery

COMBO_FIELDS: dict[str, str] = {"right": "right_id", "kind": "kind", "platform": "platform",
                                "province": "province", "status": "status"}
"""Facets (and filters) :data:`lead_combos` answers, with their column in ``leads``."""

_KEY = "right_id, kind, platform, province, status"
_MATCH_OLD = ("right_id = old.right_id AND kind = old.kind AND platform = old.platform "
              "AND province = old.province AND status = old.status")
_ADD_NEW = (f"INSERT INTO lead_combos ({_KEY}, n) VALUES (new.right_id, new.kind, new.platform, new.province, "
            "new.status, 1) ON CONFLICT DO UPDATE SET n = n + 1")
_CHANGED = " OR ".join(f"old.{c} != new.{c}" for c in _KEY.split(", "))
_ADD_SELLER = ("INSERT INTO seller_counts (seller_name, n) VALUES (new.seller_name, 1) "
               "ON CONFLICT DO UPDATE SET n = n + 1")

# Trigger bodies stay on one line each: sqlite_schema splits scripts on ";\n".
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS lead_combos (
    right_id TEXT NOT NULL, kind TEXT NOT NULL, platform TEXT NOT NULL, province TEXT NOT NULL,
    status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY ({_KEY})) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seller_counts (
    seller_name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seller_counts_by_n ON seller_counts (n DESC, seller_name);
CREATE TRIGGER IF NOT EXISTS leads_counted_out AFTER DELETE ON leads BEGIN UPDATE lead_combos SET n = n - 1 WHERE {_MATCH_OLD}; UPDATE seller_counts SET n = n - 1 WHERE seller_name = old.seller_name; END;
CREATE TRIGGER IF NOT EXISTS leads_recounted AFTER UPDATE OF {_KEY} ON leads WHEN {_CHANGED} BEGIN UPDATE lead_combos SET n = n - 1 WHERE {_MATCH_OLD}; {_ADD_NEW}; END;
CREATE TRIGGER IF NOT EXISTS leads_seller_recounted AFTER UPDATE OF seller_name ON leads WHEN old.seller_name != new.seller_name BEGIN UPDATE seller_counts SET n = n - 1 WHERE seller_name = old.seller_name; {_ADD_SELLER}; END;
"""

FILL = f"""
DELETE FROM lead_combos;
DELETE FROM seller_counts;
INSERT INTO lead_combos ({_KEY}, n) SELECT {_KEY}, count(*) FROM leads GROUP BY {_KEY};
INSERT INTO seller_counts (seller_name, n) SELECT seller_name, count(*) FROM leads GROUP BY seller_name
"""
"""Counts a store written before the count tables existed (schema 3 migration: one pass)."""


def count_new(db: Any, leads: Iterable[tuple[str, str, str, str, str]]) -> None:
    """Count newly inserted leads, given as (right_id, kind, platform, province, seller_name), all
    with status ``new`` (inside the inserting transaction)."""
    rows = list(leads)
    combos = Counter([row[:4] for row in rows])  # Counter over a list counts in C
    sellers = Counter([row[4] for row in rows])
    db.executemany(f"INSERT INTO lead_combos ({_KEY}, n) VALUES (?, ?, ?, ?, 'new', ?) "
                   "ON CONFLICT DO UPDATE SET n = n + excluded.n", [(*key, n) for key, n in combos.items()])
    db.executemany("INSERT INTO seller_counts (seller_name, n) VALUES (?, ?) "
                   "ON CONFLICT DO UPDATE SET n = n + excluded.n", list(sellers.items()))


def answers(query: SearchQuery) -> bool:
    """Whether ``lead_combos`` alone gives ``query``'s total and its five low-cardinality facets:
    no full text, no score or date range, no seller filter."""
    return (not query.text.strip() and not _values(query.seller) and query.min_score is None
            and query.max_score is None and query.since is None and query.until is None)


def unfiltered(query: SearchQuery) -> bool:
    return answers(query) and not any(_values(getattr(query, a)) for a in COMBO_FIELDS)


def combo_where(query: SearchQuery) -> tuple[str, list[Any]]:
    clauses, params = ["n > 0"], []
    for attribute, column in COMBO_FIELDS.items():
        values = _values(getattr(query, attribute))
        if values:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    return " AND ".join(clauses), params


def count_sql(query: SearchQuery) -> tuple[str, list[Any]]:
    clause, params = combo_where(query)
    return f"SELECT coalesce(sum(n), 0) FROM lead_combos WHERE {clause}", params


def facet_arm(name: str, query: SearchQuery, size: int) -> tuple[str, list[Any]]:
    """(field, value, count) rows of one facet from the count tables, biggest first, ties by value."""
    if name == "seller":  # only when unfiltered (see :func:`unfiltered`)
        return (f"SELECT * FROM (SELECT 'seller', seller_name, n FROM seller_counts INDEXED BY seller_counts_by_n "
                f"WHERE n > 0 AND seller_name != '' ORDER BY n DESC, seller_name LIMIT {int(size)})"), []
    column = COMBO_FIELDS[name]
    clause, params = combo_where(query)
    return (f"SELECT * FROM (SELECT '{name}', {column}, sum(n) AS c FROM lead_combos WHERE {clause} "
            f"AND {column} != '' GROUP BY {column} HAVING c > 0 ORDER BY c DESC, {column} LIMIT {int(size)})"), params


def _values(values: Sequence[str] | str) -> list[str]:
    if isinstance(values, str):
        return [values] if values else []
    return [v for v in values if v]

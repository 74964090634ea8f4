"""Facet counts kept by the SQLite store as it writes: exact, and read in microseconds; and the
integer keys a full-text search counts its facets by.

Why count tables: counting the facets of an unfiltered search by ``GROUP BY`` reads every lead
(≈470 ms at 100k leads, seconds at 1M), on every search page. The counts change only when a lead is
added, its faceted columns change, or its status moves, so the store keeps them up to date in the
same transaction as the write, so a process killed mid-batch rolls back the counts with the rows
(nothing to repair). New leads are counted per batch (:func:`count_new`, called by the one place
that inserts leads, :mod:`index.sqlite_write`: one upsert per distinct combination, where a
per-row trigger cost ≈30 µs a lead); every change of a lead's faceted columns is counted by
triggers on ``leads``, so whatever changes a lead (an updated lead, ``transition``, the linkage's
``transition_in``, ``put_rights`` changing a right's kind) the counts follow.

Two tables, whose rowids are also keys (schema 4):

* ``lead_combos``: leads per combination of the five low-cardinality facets (right, kind, platform,
  province, status): a few hundred rows however many leads. An unfiltered search, or one filtered
  only on those facets, takes its total and those five facets from it (a ``GROUP BY`` over a few
  hundred rows).
* ``seller_counts``: leads per seller name, with an index by count: the unfiltered seller facet is
  the index's first rows.

Why integer keys on every lead (``leads.combo`` = its ``lead_combos`` row, ``leads.seller_key`` =
its ``seller_counts`` row): a search that the count tables cannot answer (full text, a score or
date range, a seller filter) counts its facets over the leads it matches. SQLite's ``GROUP BY``
sorts the matched rows (it has no hash aggregate): measured at 1M leads, a word in 40% of them
cost ≈1.9 s over the five text columns and ≈0.45 s per integer ``GROUP BY``. Two small integers
per lead in the ``leads_by_listing`` index let :mod:`index.sqlite_search` read the matched leads'
keys in one pass instead, and count them in C (≈0.3 µs a matched lead in all). Keys are given
when a lead is inserted (:func:`keys_for`), and the triggers that move a lead between
combinations move its key with it.

Rows whose count falls to 0 are kept (a lead's status moving back and forth would otherwise delete
and insert them, and their rowid is a key) and are skipped on read.
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
_MATCH_NEW = _MATCH_OLD.replace("old.", "new.")
_ADD_NEW = (f"INSERT INTO lead_combos ({_KEY}, n) VALUES (new.right_id, new.kind, new.platform, new.province, "
            f"new.status, 1) ON CONFLICT ({_KEY}) DO UPDATE SET n = n + 1")
_CHANGED = " OR ".join(f"old.{c} != new.{c}" for c in _KEY.split(", "))
_ADD_SELLER = ("INSERT INTO seller_counts (seller_name, n) VALUES (new.seller_name, 1) "
               "ON CONFLICT (seller_name) DO UPDATE SET n = n + 1")
_SET_COMBO = f"UPDATE leads SET combo = (SELECT id FROM lead_combos WHERE {_MATCH_NEW}) WHERE rowid = new.rowid"
_SET_SELLER = ("UPDATE leads SET seller_key = (SELECT id FROM seller_counts WHERE seller_name = new.seller_name) "
               "WHERE rowid = new.rowid")

TRIGGERS = ("leads_counted_out", "leads_recounted", "leads_seller_recounted", "leads_keyed")

# Trigger bodies stay on one line each: sqlite_schema splits scripts on ";\n".
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS lead_combos (
    id INTEGER PRIMARY KEY, right_id TEXT NOT NULL, kind TEXT NOT NULL, platform TEXT NOT NULL,
    province TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, UNIQUE ({_KEY}));
CREATE TABLE IF NOT EXISTS seller_counts (
    id INTEGER PRIMARY KEY, seller_name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS seller_counts_by_n ON seller_counts (n DESC, seller_name);
CREATE TRIGGER IF NOT EXISTS leads_counted_out AFTER DELETE ON leads BEGIN UPDATE lead_combos SET n = n - 1 WHERE {_MATCH_OLD}; UPDATE seller_counts SET n = n - 1 WHERE seller_name = old.seller_name; END;
CREATE TRIGGER IF NOT EXISTS leads_recounted AFTER UPDATE OF {_KEY} ON leads WHEN {_CHANGED} BEGIN UPDATE lead_combos SET n = n - 1 WHERE {_MATCH_OLD}; {_ADD_NEW}; {_SET_COMBO}; END;
CREATE TRIGGER IF NOT EXISTS leads_seller_recounted AFTER UPDATE OF seller_name ON leads WHEN old.seller_name != new.seller_name BEGIN UPDATE seller_counts SET n = n - 1 WHERE seller_name = old.seller_name; {_ADD_SELLER}; {_SET_SELLER}; END;
"""
"""The count tables and their triggers. New leads get their keys from the one place that inserts
them (:mod:`index.sqlite_write`, through :func:`keys_for`), not from an ``AFTER INSERT`` trigger:
schema 4 had one as a safety net, and even with its ``WHEN`` false it cost 15–28 µs a lead on the
bulk path (SQLite enters the trigger program for every row; S-write's measurement)."""

FILL = f"""
DELETE FROM lead_combos;
DELETE FROM seller_counts;
INSERT INTO lead_combos ({_KEY}, n) SELECT {_KEY}, count(*) FROM leads GROUP BY {_KEY};
INSERT INTO seller_counts (seller_name, n) SELECT seller_name, count(*) FROM leads GROUP BY seller_name;
UPDATE leads SET combo = (SELECT c.id FROM lead_combos c WHERE c.right_id = leads.right_id AND c.kind = leads.kind AND c.platform = leads.platform AND c.province = leads.province AND c.status = leads.status), seller_key = (SELECT s.id FROM seller_counts s WHERE s.seller_name = leads.seller_name)
"""
"""Counts and keys for a store written before them (the schema 4 migration: a few passes)."""

DROP = "\n".join(f"DROP TRIGGER IF EXISTS {name};" for name in TRIGGERS) + """
DROP INDEX IF EXISTS seller_counts_by_n;
DROP TABLE IF EXISTS lead_combos;
DROP TABLE IF EXISTS seller_counts;
"""
"""What a schema 3 store had of the count tables (keyless), dropped before :data:`SCHEMA` and :data:`FILL`."""


_COMBOS_PER_LOOKUP = 200  # 800 parameters a query
_WANTED_COMBOS = ("SELECT c.id, c.right_id, c.kind, c.platform, c.province FROM wanted w JOIN lead_combos c "
                  "ON c.right_id = w.right_id AND c.kind = w.kind AND c.platform = w.platform "
                  "AND c.province = w.province AND c.status = 'new'")
"""The 'new' rows of the combinations in ``wanted``, one seek each in the key's unique index. Why
not ``right_id IN (…)``: that read every combination of those rights again for every 500 asked
(measured: 2.1 of the writer's 10.8 CPU-s at 100k fresh leads, 10,383 combinations of 67 rights)."""


def keys_for(db: Any, leads: Sequence[tuple[str, str, str, str, str]]) -> list[tuple[int, int]]:
    """The (combo, seller_key) of each lead about to be inserted with status ``new``, given as
    (right_id, kind, platform, province, seller_name) like :func:`count_new`'s rows; makes the
    (uncounted) rows of keys not seen before. Inside the inserting transaction."""
    combos = list(dict.fromkeys([row[:4] for row in leads]))
    sellers = list(dict.fromkeys([row[4] for row in leads]))
    db.executemany(f"INSERT INTO lead_combos ({_KEY}, n) VALUES (?, ?, ?, ?, 'new', 0) ON CONFLICT DO NOTHING", combos)
    db.executemany("INSERT INTO seller_counts (seller_name, n) VALUES (?, 0) ON CONFLICT DO NOTHING",
                   [(name,) for name in sellers])
    combo_ids: dict[tuple[str, str, str, str], int] = {}
    seller_ids: dict[str, int] = {}
    for start in range(0, len(combos), _COMBOS_PER_LOOKUP):
        part = combos[start:start + _COMBOS_PER_LOOKUP]
        for id_, *key in db.execute(f"WITH wanted (right_id, kind, platform, province) AS (VALUES "
                                    f"{','.join(['(?, ?, ?, ?)'] * len(part))}) {_WANTED_COMBOS}",
                                    [value for combo in part for value in combo]):
            combo_ids[tuple(key)] = id_  # type: ignore[index]
    for start in range(0, len(sellers), 10_000):
        part = sellers[start:start + 10_000]
        seller_ids.update(db.execute(f"SELECT seller_name, id FROM seller_counts WHERE seller_name IN "
                                     f"({','.join('?' * len(part))})", part))
    return [(combo_ids[row[:4]], seller_ids[row[4]]) for row in leads]


def count_new(db: Any, leads: Iterable[tuple[str, str, str, str, str]]) -> None:
    """Count newly inserted leads, given as (right_id, kind, platform, province, seller_name), all
    with status ``new`` (inside the inserting transaction)."""
    rows = list(leads)
    combos = Counter([row[:4] for row in rows])  # Counter over a list counts in C
    sellers = Counter([row[4] for row in rows])
    db.executemany(f"INSERT INTO lead_combos ({_KEY}, n) VALUES (?, ?, ?, ?, 'new', ?) "
                   f"ON CONFLICT ({_KEY}) DO UPDATE SET n = n + excluded.n", [(*key, n) for key, n in combos.items()])
    db.executemany("INSERT INTO seller_counts (seller_name, n) VALUES (?, ?) "
                   "ON CONFLICT (seller_name) DO UPDATE SET n = n + excluded.n", list(sellers.items()))


def answers(query: SearchQuery) -> bool:
    """Whether ``lead_combos`` alone gives ``query``'s total and its five low-cardinality facets:
    no full text, no score or date range, no seller filter."""
    return (not query.text.strip() and not listed(query.seller) and query.min_score is None
            and query.max_score is None and query.since is None and query.until is None)


def unfiltered(query: SearchQuery) -> bool:
    return answers(query) and not any(listed(getattr(query, a)) for a in COMBO_FIELDS)


def combo_where(query: SearchQuery) -> tuple[str, list[Any]]:
    """The WHERE clause over ``lead_combos`` for ``query``'s filters on the five facets it holds."""
    clauses, params = ["n > 0"], []
    for attribute, column in COMBO_FIELDS.items():
        values = listed(getattr(query, attribute))
        if values:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    return " AND ".join(clauses), params


def combo_filtered(query: SearchQuery) -> bool:
    return any(listed(getattr(query, a)) for a in COMBO_FIELDS)


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


def listed(values: Sequence[str] | str) -> list[str]:
    """A filter's values as a list without blanks (a single string passed where a sequence was
    meant is that one value); the one reading of a filter for both the count tables and the SQL
    of :mod:`index.sqlite_query`."""
    if isinstance(values, str):
        return [values] if values else []
    return [v for v in values if v]

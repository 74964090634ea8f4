"""A :class:`~index.store.SearchQuery` as SQL for the SQLite store: filters, keyset page, facets.

Why keyset pagination: ``OFFSET 24950`` makes SQLite walk and drop 24,950 rows, so page 500 would
cost 500 pages. The cursor instead carries the last row's sort key and id, and the next page
starts there with an index seek (``score <= :s`` on ``leads_by_score``), so every page costs what
the first one does. Order: score (or first_seen) descending, ties by id ascending.

Why facets in one statement: the matched leads are grouped once by the combination of the
low-cardinality facets (right, kind, platform, province, status: a few hundred combinations
however many leads match, in a ``MATERIALIZED`` CTE), each of those facets sums the combinations,
and the seller facet is its own ``GROUP BY``; the arms are glued with ``UNION ALL``. SQLite does
the counting; no Python loop sees a row.
"""

from __future__ import annotations

from typing import Any, Sequence

from index.fulltext import match_expression
from index.store import FACET_FIELDS, SearchQuery, decode_cursor

FACET_COLUMNS: dict[str, str] = {"right": "right_id", "kind": "kind", "platform": "platform",
                                 "seller": "seller_name", "province": "province", "status": "status"}
assert set(FACET_COLUMNS) == set(FACET_FIELDS)
_SORT_COLUMNS = {"score": "score", "date": "first_seen"}
_LIST_FILTERS = (("right", "right_id"), ("kind", "kind"), ("platform", "platform"),
                 ("seller", "seller_name"), ("province", "province"), ("status", "status"))
NOTHING = "0"  # a WHERE that matches no row


PLACE_FIRST_MAX = 20_000
"""A full-text search with a province filter starts from the leads of those provinces (and
platforms) when at most this many leads are there (see :func:`where`)."""
_PLACE_COLUMNS = ("province", "platform")


def place_filter(query: SearchQuery) -> tuple[str, list[Any]] | None:
    """The province (and platform) part of ``query`` as a WHERE clause over ``leads_by_place``, when
    ``query`` is a full-text search that could start from it (None otherwise)."""
    if not query.text.strip() or not _as_list(query.province):
        return None
    clauses, params = [], []
    for column in _PLACE_COLUMNS:
        values = _as_list(getattr(query, column))
        if values:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    return " AND ".join(clauses), params


def where(query: SearchQuery, alias: str = "l", place_first: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause (without the keyword) and its parameters for ``query``'s filters.

    ``place_first`` (a full-text search whose province/platform filters leave few leads, see
    :func:`place_filter`): SQLite cannot know how many listings a MATCH yields, so by default it
    starts from the matches and looks each one up in ``leads_by_listing`` (≈3 µs per matched lead:
    ≈270 ms for a word in 9% of 1M leads). With ``place_first`` the other terms are written with a
    unary ``+`` (not usable with an index), so SQLite starts from ``leads_by_place`` and only
    checks each of those leads' listing against the matches (a ≈0.25 µs-per-match set)."""
    clauses: list[str] = []
    params: list[Any] = []
    plus = "+" if place_first else ""
    if query.text.strip():
        expression = match_expression(query.text)
        if expression is None:
            return NOTHING, []
        clauses.append(f"{plus}{alias}.listing IN (SELECT rowid FROM listing_text WHERE listing_text MATCH ?)")
        params.append(expression)
    for attribute, column in _LIST_FILTERS:
        values = _as_list(getattr(query, attribute))
        if values:
            mark = "" if column in _PLACE_COLUMNS else plus
            clauses.append(f"{mark}{alias}.{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    for value, clause in ((query.min_score, "score >= ?"), (query.max_score, "score <= ?"),
                          (query.since, "first_seen >= ?"), (query.until, "first_seen < ?")):
        if value is not None:
            clauses.append(f"{plus}{alias}.{clause}")
            params.append(value)
    return (" AND ".join(clauses) or "1"), params


def _as_list(values: Sequence[str] | str) -> list[str]:
    if isinstance(values, str):  # a single value passed where a sequence was meant
        return [values] if values else []
    return [v for v in values if v]


def order_by(query: SearchQuery, alias: str = "l") -> str:
    column = _SORT_COLUMNS[_sort(query)]
    return f"{alias}.{column} DESC, {alias}.id ASC"


def _sort(query: SearchQuery) -> str:
    if query.sort not in _SORT_COLUMNS:
        raise ValueError(f"sort must be one of {', '.join(_SORT_COLUMNS)}, not {query.sort!r}")
    return query.sort


def after(query: SearchQuery, alias: str = "l") -> tuple[str, list[Any]]:
    """The keyset condition for ``query.after`` ("" when on the first page)."""
    if not query.after:
        return "", []
    key, last_id = decode_cursor(query.after, _sort(query))
    column = f"{alias}.{_SORT_COLUMNS[_sort(query)]}"
    # "key <= ?" alone is what lets SQLite seek in the index; the OR then drops the ties already shown.
    return f"{column} <= ? AND ({column} < ? OR {alias}.id > ?)", [key, key, last_id]


COVERING_SCAN = " INDEXED BY leads_by_listing"
"""Counting the leads a filter-only search matches by reading all of ``leads_by_listing`` (it
holds every filtered and faceted column, so no lead row is read) costs about half of finding them
through a filter's index and reading each row (measured: 17 vs 30 ms at 100k leads for a province
and a status; 45 vs 102 ms for a kind and a score range); the store uses it when the filters leave
more than :data:`COVERING_SHARE` of the leads."""
COVERING_SHARE = 0.05

_FEW_VALUES = ("right", "kind", "platform", "province", "status")
"""Facets with few distinct values: counted together in one GROUP BY over their combinations."""


def facets_sql(query: SearchQuery, fields: Sequence[str], size: int, place_first: bool = False,
               matched: tuple[str, list[Any]] | None = None, hint: str = "") -> tuple[str, list[Any]]:
    """One statement giving (field, value, count) rows, biggest first per field (ties by value);
    empty values (a lead with no province) are not a facet value.

    The matched leads are grouped once by the combination of the low-cardinality facets (a few
    hundred combinations however many leads match), and each of those facets sums the
    combinations; the seller facet, with many values, is its own GROUP BY. ``matched``: the WHERE
    clause and parameters to use instead of :func:`where`'s (the store's ``temp.hits``); ``hint``
    follows ``leads l`` (an ``INDEXED BY``, see :data:`COVERING_SCAN`)."""
    unknown = [f for f in fields if f not in FACET_COLUMNS]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r}; facets: {', '.join(FACET_FIELDS)}")
    clause, params = matched if matched is not None else where(query, place_first=place_first)
    few = [f for f in _FEW_VALUES if f in fields]
    many = [f for f in fields if f not in few]
    # A full-text query matches a bounded set: find it once for every arm. Without text, reading
    # the matched rows into a temporary table would cost more than letting each arm scan.
    once = bool(query.text.strip()) and bool(few) and bool(many)
    ctes: list[str] = []
    if once:
        columns = ", ".join(FACET_COLUMNS[f] for f in fields)
        ctes.append(f"matched AS MATERIALIZED (SELECT {columns} FROM leads l WHERE {clause})")
        source, all_params = "matched l", list(params)
    else:
        source, all_params = f"leads l{hint} WHERE {clause} AND", []
    arms: list[str] = []
    for name in fields:
        column = FACET_COLUMNS[name]
        if name in few:
            origin, counted = "combos WHERE", "sum(n)"
        else:
            origin, counted = (f"{source} WHERE" if once else source), "count(*)"
            if not once:
                all_params.extend(params)
        arms.append(f"SELECT * FROM (SELECT '{name}', {column}, {counted} AS c FROM {origin} {column} != '' "
                    f"GROUP BY {column} ORDER BY c DESC, {column} LIMIT {int(size)})")
    if few:
        columns = ", ".join(FACET_COLUMNS[f] for f in few)
        combos_from = source if once else f"leads l{hint} WHERE {clause}"
        ctes.append(f"combos AS MATERIALIZED (SELECT {columns}, count(*) AS n FROM {combos_from} GROUP BY {columns})")
        if not once:
            all_params = list(params) + all_params
    sql = " UNION ALL ".join(arms)
    return (f"WITH {', '.join(ctes)} {sql}" if ctes else sql), all_params

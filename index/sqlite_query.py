"""A :class:`~index.store.SearchQuery` as SQL for the SQLite store: filters, keyset page, facets.

Why keyset pagination: ``OFFSET 24950`` makes SQLite walk and drop 24,950 rows, so page 500 would
cost 500 pages. The cursor instead carries the last row's sort key and id, and the next page
starts there with an index seek (``score <= :s`` on ``leads_by_score``), so every page costs what
the first one does. Order: score (or first_seen) descending, ties by id ascending.

Two ways to write the filters: :func:`where` over the leads' own columns (the planner may start
from a filter's index: ``leads_by_right``, ``leads_by_status``, ``leads_by_place``), and
:func:`keyed_where` over the keys ``leads_by_listing`` and ``leads_by_combo`` hold, for the
passes that count facets (:mod:`index.sqlite_search`).
"""

from __future__ import annotations

from typing import Any

from index.fulltext import match_expression
from index.sqlite_counts import listed
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
    if not query.text.strip() or not listed(query.province):
        return None
    clauses, params = [], []
    for column in _PLACE_COLUMNS:
        values = listed(getattr(query, column))
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
        values = listed(getattr(query, attribute))
        if values:
            mark = "" if column in _PLACE_COLUMNS else plus
            clauses.append(f"{mark}{alias}.{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    _ranges(query, alias, plus, clauses, params)
    return (" AND ".join(clauses) or "1"), params


def keyed_where(query: SearchQuery, alias: str = "l", seek: bool = False) -> tuple[str, list[Any]]:
    """``query``'s filters (not its text) over what ``leads_by_listing`` and ``leads_by_combo``
    hold: the five low-cardinality filters as the lead's ``combo`` among the matching rows of
    ``lead_combos``, the seller filter as its ``seller_key``, score and date ranges as they are. A
    search that counts its facets filters this way, so it reads an index alone
    (:mod:`index.sqlite_search`).

    Every term has a unary ``+`` unless ``seek``: joined to full-text matches by ``listing``,
    SQLite would otherwise seek ``(listing, combo)`` once per combination in the list (measured:
    4.6 s instead of 0.15 s for a word in 400k listings and one platform's 36 combinations).
    ``seek`` (a search without full text, read ``INDEXED BY leads_by_combo``): the combinations
    and the score range are left bare, so SQLite seeks each combination's scores in range."""
    clauses: list[str] = []
    params: list[Any] = []
    combo: list[str] = []
    plus = "" if seek else "+"
    for attribute, column in _LIST_FILTERS:
        values = listed(getattr(query, attribute))
        if values and attribute != "seller":
            combo.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if combo:
        clauses.append(f"{plus}{alias}.combo IN (SELECT id FROM lead_combos WHERE {' AND '.join(combo)})")
    sellers = listed(query.seller)
    if sellers:
        clauses.append(f"+{alias}.seller_key IN (SELECT id FROM seller_counts WHERE seller_name IN "
                       f"({','.join('?' * len(sellers))}))")
        params.extend(sellers)
    _ranges(query, alias, plus, clauses, params)
    return (" AND ".join(clauses) or "1"), params


def _ranges(query: SearchQuery, alias: str, mark: str, clauses: list[str], params: list[Any]) -> None:
    """Append ``query``'s score and date ranges to ``clauses``/``params`` (both filter writers use
    them as they are; ``mark`` "+" keeps SQLite from choosing an index for them)."""
    for value, clause in ((query.min_score, "score >= ?"), (query.max_score, "score <= ?"),
                          (query.since, "first_seen >= ?"), (query.until, "first_seen < ?")):
        if value is not None:
            clauses.append(f"{mark}{alias}.{clause}")
            params.append(value)


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


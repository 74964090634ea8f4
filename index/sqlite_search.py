"""Search in the SQLite store: a page of leads, its total and its facet counts (what
:class:`~index.sqlite_store.SQLiteStore` answers ``search``, ``count`` and ``facets`` with).

Why the facets are counted this way: a search the count tables cannot answer (:mod:`index.sqlite_counts`:
full text, a score or date range, a seller filter) must count the leads it matches. SQLite's only
way to ``GROUP BY`` is to sort the rows first; measured at 1M leads for a word in 40% of them, the
five text columns cost ≈1.9 s and one integer column ≈0.45 s, per facet statement. So every lead
carries two integer keys (``combo``: its right, kind, platform, province and status together;
``seller_key``) in the ``leads_by_listing`` and ``leads_by_combo`` indexes, and the matched
leads' keys are read in ONE pass — the full-text matches joined to ``leads_by_listing`` in rowid
order, or without full text the entries of the query's combinations in ``leads_by_combo``; no
lead row read — as one ``group_concat`` string of joint keys (:data:`_JOINT`), which numpy parses
and counts (``bincount``) in C: ≈0.4 µs per matched lead in all (≈165 ms for 400k full-text
matches at 1M, ≈0.28 µs of it the seek of each match in ``leads_by_listing``; ≈0.15 µs per lead
without full text), against ≈7 µs before. The five facets then come from the few
hundred combinations' counts, the seller facet from the sellers' (top values by count, ties by
name, the names looked up for those alone). No Python loop sees a lead.

Why the counting pass of a broad word is split over two read connections: most of its cost is
SQLite's (the seek of each match, reading the keys, ``group_concat``), and sqlean's sqlite3 runs
a statement without the GIL. So a word whose matches are estimated at :data:`SPLIT_MIN` or more
counts the matches of its lower listing rowids on this connection while a thread counts the upper
ones (``MATCH ? AND t.rowid BETWEEN ? AND ?``: FTS5 reads each term's list from the bound on) on
another reader of the store's pool that is free now (never one waited for: with none free the
pass runs whole, as it would anyway). Where to split comes from counting the matches in a few
thin rowid windows (:data:`SAMPLES`), so both halves get about as many. Both statements must read
the same snapshot: ``PRAGMA data_version`` is read before and after, and a commit in between makes
the pass run again whole here.

Why a cache of matches: the search page asks for its rows, total and facets, and its next pages
for the same total and facets. The counted keys of a search (:class:`Matched`) are kept, up to
:data:`MATCHED_CACHE` searches, while the database is unchanged: ``PRAGMA data_version`` moves
when another connection commits and ``total_changes`` when this one writes, and either drops them.

The page's rows: the full-text matches joined to their leads and sorted, or — when the matches are
many, so that walking the sort index from the top finds a page soon — the sort index walked with a
full-text check of each lead's listing (``rowid = ?`` within the MATCH: a seek in each term's list).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Callable, ContextManager, Sequence

import numpy as np
import orjson

from index import sqlite_counts
from index import sqlite_query as q
from index.fulltext import match_expression
from index.store import FACET_FIELDS, FacetValue, SearchPage, SearchQuery, StoredLead, encode_cursor

LOOKUP_FACTOR = 400
"""A walk of the sort index looks each lead's listing up in the full text when matches² ≥ this ×
page × leads, and checks it against the matches found once otherwise (see ``SQLiteSearch._listed``)."""

RANGE_FACTOR = 100
"""A walk checks the matches from its lowest listing on (``rowid >= ?``, see ``SQLiteSearch._listed``)
when they are expected to be fewer than this × the leads it walks (a match costs ≈0.3 µs, a
lookup of a walked lead ≥30 µs)."""

SPLIT_MIN = 40_000
"""Full-text matches (estimated, before the other filters) from which the counting pass is split over
two connections (see module doc). Measured at 1M leads (load 15–19; CPU of the process / of the
calling thread, medians): 礼盒, 398k matches, whole 181–193 CPU-ms, split 192–195 / 104–107;
耐克, 167k: 89–90, split 94–99 / 50–53; 耐克 礼盒 正品, 25k: 45, split 50 / 27. A split costs
≈2–8 % more CPU (the sample, a thread, a second statement) and, when a core is free, halves the
pass's wall time. Below ≈40k matches the pass is under ≈30 ms, not what sets the page's p95, and
on a server whose cores are all busy the split would only cost: it stays whole."""

SAMPLES = 8
"""Thin rowid windows (each 1/(16 × SAMPLES) of the listings' range) whose matches estimate a word's
matches and where they lie (≈1/16 of the full-text lookup's cost: ≈1.5 ms for a word in 40% of 1M
listings, ≈8 ms for seven words in one query; only searched for words whose lists FTS5 seeks in,
:func:`_seekable`)."""

MATCHED_CACHE = 16
"""Searches whose counted matches are kept while the store is unchanged (a few KB each, plus 8
bytes per seller)."""

_COMBO_ORDER = tuple(sqlite_counts.COMBO_FIELDS)  # right, kind, platform, province, status
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Matched:
    """The leads a search matches, counted: ``combos[k]`` leads in combination ``k`` (a
    ``lead_combos`` rowid), ``sellers[k]`` leads of seller key ``k``."""

    total: int
    combos: np.ndarray
    sellers: np.ndarray
    candidates: int = 0
    """Leads whose listing the full text matches before the other filters (0: not counted)."""
    parts: int = 1
    """Connections the counting pass ran on (2: split, see module doc)."""


_NONE = Matched(0, _EMPTY, _EMPTY)


def _counts(keys: str | None, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Leads per combination and per seller key from a ``group_concat`` of joint keys
    ``combo + seller_key × base`` (:data:`_JOINT`): "7,3,7" with base 4 → combos [0, 0, 0, 3],
    sellers [2, 1], as ``bincount`` arrays."""
    if not keys:
        return _EMPTY, _EMPTY
    sellers, combos = np.divmod(np.fromstring(keys, dtype=np.int64, sep=","), base)
    return np.bincount(combos), np.bincount(sellers)


_BASE = "(SELECT coalesce(max(id), 0) + 1 FROM lead_combos)"
_JOINT = f"(l.combo + l.seller_key * {_BASE})"
_TEXT_SOURCE = "FROM listing_text t CROSS JOIN"
_MATCH = "WHERE listing_text MATCH ?"
"""A lead's two keys as one integer, ``combo + seller_key × base`` (base: one more than the
highest combination; read in the same statement, so the same snapshot as the keys): one
``group_concat`` and one parse instead of two (measured at 1M leads, a word in 400k listings:
165 instead of 175 ms for the pass, 11 instead of 19 ms to parse and count)."""


def _seekable(expression: str) -> bool:
    """Whether FTS5 reads only a rowid range's part of each term's list for ``expression``: true of
    single tokens (``"礼盒"``), not of phrases (``"阿迪 迪达 达斯"``: measured at 1M, 24 ms for
    half of the rowids or for 1/128 of them as for all 26) nor prefixes (``"礼"*``), whose halves
    and sample windows would each pay the whole lookup."""
    return all(" " not in term and not term.endswith("*") for term in expression.split(" AND "))


def _json_ids(ids: np.ndarray) -> str:
    return orjson.dumps(ids.astype(np.int64), option=orjson.OPT_SERIALIZE_NUMPY).decode()


class SQLiteSearch:
    """``search``, ``count`` and ``facets`` over the store's connection ``db`` (every statement
    runs holding ``lock``). ``stored`` turns rows of ``lead_columns`` (over ``leads l`` and
    ``listings s``) into :class:`StoredLead` objects. ``spare(db)``, when given, lends another
    read connection of the same store that is free now (or None), for the block: the other half of
    a split counting pass (see module doc)."""

    def __init__(self, db: Any, lock: "threading.RLock", stored: Callable[[list[tuple]], list[StoredLead]],
                 lead_columns: str, spare: Callable[[Any], ContextManager[Any]] | None = None):
        self._db = db
        self._spare = spare
        self._lock = lock
        self._stored = stored
        self._lead_columns = lead_columns
        self._matched: OrderedDict[tuple[Any, ...], Matched] = OrderedDict()
        self._generation: tuple[int, int] | None = None
        self._places: dict[tuple[Any, ...], bool] = {}  # _place_first's answers, kept like the matches

    def forget(self) -> None:
        """Drop the counted matches (a benchmark measuring searches seen for the first time does)."""
        with self._lock:
            self._matched.clear()
            self._places.clear()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- the matched leads, counted ----------------------------------------------------------------
    def matched(self, query: SearchQuery) -> Matched:
        """``query``'s matched leads counted by combination and by seller (kept, see module doc)."""
        with self._lock:
            generation = (self._db.execute("PRAGMA data_version").fetchone()[0], self._db.total_changes)
            if generation != self._generation:
                self._matched.clear()
                self._places.clear()
                self._generation = generation
            source, params = self._source(query)
            key = (source, tuple(params))
            found = self._matched.get(key)
            if found is not None:
                self._matched.move_to_end(key)
                return found
            keyed, keyed_params = q.keyed_where(query)
            if source is None:
                found = _NONE
            elif query.text.strip() and source.endswith(f"WHERE listing_text MATCH ? AND {keyed}") and keyed != "1":
                # The filters inside the aggregate (group_concat skips NULL): count(*) then also
                # says how many leads the text alone matches, for the page's walk (_listed).
                (keys, base, candidates), parts = self._pass(
                    f"SELECT group_concat(CASE WHEN {keyed} THEN {_JOINT} END), {_BASE}, count(*)", keyed_params,
                    source.removesuffix(f" AND {keyed}"), [params[0]])
                combos, sellers = _counts(keys, base)
                found = Matched(int(combos.sum()), combos, sellers, candidates, parts)
            else:
                (keys, base), parts = self._pass(f"SELECT group_concat({_JOINT}), {_BASE}", [], source, params)
                combos, sellers = _counts(keys, base)
                found = Matched(int(combos.sum()), combos, sellers, int(combos.sum()), parts)
            self._matched[key] = found
            while len(self._matched) > MATCHED_CACHE:
                self._matched.popitem(last=False)
            return found

    def _pass(self, select: str, select_params: list[Any], source: str,
              params: list[Any]) -> tuple[tuple[Any, ...], int]:
        """The row of ``select`` (a ``group_concat`` of keys, the base, then counts) over ``source``,
        and the connections it ran on: split in two by listing rowid when ``source`` starts from
        the full text and its matches are many (see module doc), the halves' keys joined and their
        counts added."""
        whole = f"{select} {source}"
        split = (self._split(params[0]) if self._spare is not None and source.startswith(_TEXT_SOURCE)
                 and _seekable(params[0]) else None)
        if split is not None:
            ranged = whole.replace(_MATCH, f"{_MATCH} AND t.rowid BETWEEN ? AND ?", 1)
            low, middle, high = split
            with self._spare(self._db) as other:
                if other is not None:
                    version = self._db.execute("PRAGMA data_version").fetchone()[0]
                    upper: list[Any] = []

                    def count_upper() -> None:
                        try:
                            upper.append(other.execute(ranged, [*select_params, params[0], middle + 1, high,
                                                                *params[1:]]).fetchone())
                        except BaseException as exc:  # re-raised by the caller after the join
                            upper.append(exc)

                    thread = threading.Thread(target=count_upper, name="markwatch-count-half", daemon=True)
                    thread.start()
                    try:
                        lower = self._db.execute(ranged, [*select_params, params[0], low, middle,
                                                          *params[1:]]).fetchone()
                    finally:
                        thread.join()
                    if isinstance(upper[0], BaseException):
                        raise upper[0]
                    if self._db.execute("PRAGMA data_version").fetchone()[0] == version:  # one snapshot
                        keys = ",".join(k for k in (lower[0], upper[0][0]) if k) or None
                        return (keys, lower[1], *(a + b for a, b in zip(lower[2:], upper[0][2:]))), 2
        return self._db.execute(whole, [*select_params, *params]).fetchone(), 1

    def _split(self, expression: str) -> tuple[int, int, int] | None:
        """Listing rowids ``(low, middle, high)`` splitting ``expression``'s matches into two halves
        of about as many, when they are estimated at :data:`SPLIT_MIN` or more (None otherwise):
        the matches counted in :data:`SAMPLES` thin windows, one in each equal slice of the rowids,
        and the middle put where half of the estimate is reached."""
        # (Two subqueries: min and max in one SELECT read the whole table, ≈110 ms at 1M.)
        low, high = self._db.execute("SELECT (SELECT min(rowid) FROM listings), (SELECT max(rowid) FROM listings)"
                                     ).fetchone()
        if low is None or high - low + 1 < max(16 * SAMPLES, SPLIT_MIN):  # (then fewer matches than that)
            return None
        slice_ = (high - low + 1) / SAMPLES
        width = max(1, int(slice_ / 16))
        starts = [low + int(i * slice_ + (slice_ - width) / 2) for i in range(SAMPLES)]
        counts = [self._db.execute("SELECT count(*) FROM listing_text WHERE listing_text MATCH ? AND rowid BETWEEN ? AND ?",
                                   [expression, start, start + width - 1]).fetchone()[0] for start in starts]
        if not sum(counts) or sum(counts) * slice_ / width < SPLIT_MIN:
            return None
        half, seen = sum(counts) / 2, 0.0
        for i, n in enumerate(counts):  # matches assumed even within a slice
            if seen + n >= half:
                middle = low + int((i + (half - seen) / n) * slice_)
                return low, min(max(middle, low), high - 1), high
            seen += n
        return None  # unreachable: the counts reach their half

    def _source(self, query: SearchQuery) -> tuple[str | None, list[Any]]:
        """``FROM … WHERE …`` over the leads ``query`` matches, as ``leads l`` (None: nothing can match).

        Full text: the matches, in listing rowid order, joined to ``leads_by_listing`` (a seek each,
        ≈0.2 µs: no lead row read), filtered on the keys it holds (:func:`index.sqlite_query.keyed_where`);
        or, when a province filter leaves few leads, those leads checked against the matches
        (:func:`index.sqlite_query.where`'s ``place_first``). Filters alone: the entries of the
        combinations they leave in ``leads_by_combo`` (scores in range only; schema 6), or, with no
        filter on those five facets, ``leads_by_listing`` read whole (a 1M-entry index: ≈60 ms)."""
        keyed, params = q.keyed_where(query)
        if query.text.strip():
            expression = match_expression(query.text)
            if expression is None:
                return None, []
            if self._place_first(query):
                clause, place_params = q.where(query, place_first=True)
                return f"FROM leads l INDEXED BY leads_by_place WHERE {clause}", place_params
            return (f"FROM listing_text t CROSS JOIN leads l INDEXED BY leads_by_listing ON l.listing = t.rowid "
                    f"WHERE listing_text MATCH ? AND {keyed}", [expression, *params])
        if sqlite_counts.combo_filtered(query):
            seek, params = q.keyed_where(query, seek=True)
            return f"FROM leads l INDEXED BY leads_by_combo WHERE {seek}", params
        return f"FROM leads l INDEXED BY leads_by_listing WHERE {keyed}", params

    def _place_first(self, query: SearchQuery) -> bool:
        """Whether a full-text search should start from its province/platform filters
        (:func:`index.sqlite_query.where`): when at most ``PLACE_FIRST_MAX`` leads pass them, counted
        on the ``leads_by_place`` index alone (≈0.1 ms; bounds the cost of starting there)."""
        place = q.place_filter(query)
        if place is None:
            return False
        clause, params = place
        key = (clause, *params)
        if key not in self._places:
            rows = self._read(f"SELECT count(*) FROM (SELECT 1 FROM leads INDEXED BY leads_by_place WHERE {clause} "
                              f"LIMIT {q.PLACE_FIRST_MAX + 1})", params)
            self._places[key] = rows[0][0] <= q.PLACE_FIRST_MAX
        return self._places[key]

    # -- count, page, facets -----------------------------------------------------------------------
    def count(self, query: SearchQuery) -> int:
        if sqlite_counts.answers(query):
            return self._read(*sqlite_counts.count_sql(query))[0][0]
        return self.matched(query).total

    def search(self, query: SearchQuery) -> SearchPage:
        if query.limit < 0:
            raise ValueError("limit must be 0 (all) or more")
        with self._lock:
            total = self.count(query)
            top, params = self._top(query, total)
            if top is None:
                return SearchPage(leads=[], next_cursor=None, total=total)
            # The page's rows are chosen from the leads alone; only they are then joined to their listing.
            rows = self._read(f"SELECT {self._lead_columns} FROM ({top}) AS top JOIN leads l ON l.rowid = top.rowid "
                              f"JOIN listings s ON s.rowid = l.listing ORDER BY {q.order_by(query)}", params)
            more = bool(query.limit) and len(rows) > query.limit
            leads = self._stored(rows[:query.limit] if query.limit else rows)
        cursor = None
        if more:
            last = leads[-1]
            cursor = encode_cursor(query.sort, last.score if query.sort == "score" else last.first_seen, last.id)
        return SearchPage(leads=leads, next_cursor=cursor, total=total)

    def _top(self, query: SearchQuery, total: int) -> tuple[str | None, list[Any]]:
        """The statement choosing the page's lead rowids (None: no row to show)."""
        keyset, keyset_params = q.after(query)
        limit = f" LIMIT {query.limit + 1}" if query.limit else ""
        order = q.order_by(query)
        walk = self._walk(query, total)
        if query.text.strip():
            expression = match_expression(query.text)
            if expression is None or not total:
                return None, []
            if walk:
                clause, params = q.where(replace(query, text=""))
                if keyset:
                    clause, params, keyset = f"{clause} AND {keyset}", [*params, *keyset_params], ""
                walked = f"FROM leads l{walk} WHERE {clause}"
                check, check_params = self._listed(query, total, self.matched(query).candidates or total,
                                                   expression, (f"{walked} ORDER BY {order}", params))
                source, params = f"FROM leads l{walk} WHERE {check} AND {clause}", [*check_params, *params]
            else:
                source, params = self._source(query)
                assert source is not None
        else:
            clause, params = q.where(query)
            source = f"FROM leads l{walk} WHERE {clause}"
        if keyset:
            source, params = f"{source} AND {keyset}", [*params, *keyset_params]
        return f"SELECT l.rowid {source} ORDER BY {order}{limit}", params

    def _listed(self, query: SearchQuery, total: int, candidates: int, expression: str,
                walked: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
        """How a walk of the sort index checks that a lead's listing matches the text
        ``expression``, as a clause and its parameters; ``walked`` is the walk (``FROM … WHERE …
        ORDER BY …`` over ``leads l`` without the text, and its parameters).

        Either the text's matches found once into a temporary b-tree (``IN``: ≈0.25 µs per lead the
        text matches, ``candidates``, filters or not) or a full-text lookup of each lead walked
        (``EXISTS`` with ``rowid =``: ≈30–200 µs each, and a walk sees page × leads / ``total`` of
        them): the first while candidates × total < 400 × page × leads (measured at 100k leads, a
        word in 17%: 5 instead of 56 ms; at 1M the broad words walk with ``EXISTS``: ≈5–20 ms, where
        ``IN`` of a word in 400k listings, filtered to 80k leads, cost ≈90 ms).

        Between the two, for a walk by date whose first leads are on recent listings (new leads
        are mostly on new listings; a walk by score is not tried: the 2 × page × leads / total
        leads read to find the lowest listing cost ≈5 ms at 1M for nothing), the matches from the
        lowest of those listings on (``MATCH … AND rowid >= ?``: FTS5 reads the word's list from
        there, ≈0.3 µs a match) and the lookup for any lead on an older listing: the same answer, and at 1M a lookup of a recent
        listing costs ≈190 µs (the newest rows are spread over FTS5's small, unmerged segments)
        against ≈30 µs for an old one (measured at 1M, 礼盒 by date: the page 22 → 2 CPU-ms)."""
        leads = self._read("SELECT max(rowid) FROM leads")[0][0] or 0
        if candidates * total < LOOKUP_FACTOR * (query.limit + 1) * leads:
            return "l.listing IN (SELECT rowid FROM listing_text WHERE listing_text MATCH ?)", [expression]
        lookup = "EXISTS (SELECT 1 FROM listing_text t WHERE listing_text MATCH ? AND t.rowid = l.listing)"
        if query.sort != "date":  # the best scores are on listings of every age: nothing to bound
            return lookup, [expression]
        seen = (query.limit + 1) * leads // max(total, 1)  # leads the walk is expected to see
        source, params = walked
        low, listings = self._read(f"SELECT (SELECT min(listing) FROM (SELECT l.listing {source} LIMIT ?)), "
                                   f"(SELECT max(rowid) FROM listings)", [*params, 2 * seen + 50])[0]
        if low is None or not listings or candidates * (listings - low + 1) > RANGE_FACTOR * seen * listings:
            return lookup, [expression]
        return (f"(l.listing >= ? AND l.listing IN (SELECT rowid FROM listing_text WHERE listing_text MATCH ? "
                f"AND rowid >= ?) OR l.listing < ? AND {lookup})", [low, expression, low, low, expression])

    def _walk(self, query: SearchQuery, total: int) -> str:
        """``INDEXED BY`` the sort's index when the query matches a big share of the leads.

        Two ways to a page: fetch every match and sort them (cost ∝ matches), or walk the sort index
        from the top and keep the rows that match (cost ∝ page size × leads / matches). SQLite
        cannot know how many rows a full-text match yields, so it always sorts; the exact count is
        known here (the page's ``total``), so the cheaper way is chosen: walk when
        matches² > 4 × page × leads (e.g. more than ≈14,000 matches of 1M leads for 50 a page)."""
        if not query.limit or not total:  # (filters alone: SQLite may start from a filter's index and sort)
            return ""
        leads = self._read("SELECT max(rowid) FROM leads")[0][0] or 0
        if total * total <= 4 * (query.limit + 1) * leads:
            return ""
        return " INDEXED BY leads_by_score" if query.sort == "score" else " INDEXED BY leads_by_date"

    def facets(self, query: SearchQuery, fields: Sequence[str] = FACET_FIELDS,
               size: int = 10) -> dict[str, list[FacetValue]]:
        unknown = [f for f in fields if f not in q.FACET_COLUMNS]
        if unknown:
            raise ValueError(f"unknown facet {unknown[0]!r}; facets: {', '.join(FACET_FIELDS)}")
        result: dict[str, list[FacetValue]] = {name: [] for name in fields}
        if not fields or size <= 0:
            return result
        with self._lock:
            counted = self._counted_facets(query, fields)
            if counted:
                arms = [sqlite_counts.facet_arm(name, query, size) for name in counted]
                for name, value, count in self._read(" UNION ALL ".join(arm for arm, _ in arms),
                                                     [p for _, arm_params in arms for p in arm_params]):
                    result[name].append(FacetValue(value, count))
            rest = [name for name in fields if name not in counted]
            if rest:
                found = self.matched(query)
                few = [name for name in rest if name in sqlite_counts.COMBO_FIELDS]
                if few:
                    result.update(self._combo_facets(found.combos, few, size))
                if "seller" in rest:
                    result["seller"] = self._top_sellers(found.sellers, size)
        return result

    @staticmethod
    def _counted_facets(query: SearchQuery, fields: Sequence[str]) -> list[str]:
        """The facets of ``fields`` that the count tables answer exactly for ``query``
        (:mod:`index.sqlite_counts`): the five low-cardinality ones when ``query`` filters only on
        those, the seller facet too when it does not filter at all."""
        if not sqlite_counts.answers(query):
            return []
        everything = sqlite_counts.unfiltered(query)
        return [name for name in fields if name in sqlite_counts.COMBO_FIELDS or (everything and name == "seller")]

    def _combo_facets(self, combos: np.ndarray, names: Sequence[str], size: int) -> dict[str, list[FacetValue]]:
        """The facets ``names`` (of the five in a combination) from counts per combination."""
        ids = np.flatnonzero(combos)
        sums: dict[str, Counter[str]] = {name: Counter() for name in names}
        if ids.size:
            rows = self._read("SELECT id, right_id, kind, platform, province, status FROM lead_combos "
                              "WHERE id IN (SELECT value FROM json_each(?))", [_json_ids(ids)])
            for id_, *values in rows:  # one row per combination matched: a few hundred at most
                n = int(combos[id_])
                for name in names:
                    sums[name][values[_COMBO_ORDER.index(name)]] += n
        return {name: [FacetValue(v, c) for v, c in sorted(((v, c) for v, c in sums[name].items() if v),
                                                           key=lambda vc: (-vc[1], vc[0]))[:size]]
                for name in names}

    def _top_sellers(self, sellers: np.ndarray, size: int) -> list[FacetValue]:
        """The ``size`` sellers with most matched leads (ties by name; no name is not a value):
        every seller above the size-th count, and of those at it the first by name."""
        blank = self._read("SELECT id FROM seller_counts WHERE seller_name = ''")
        if blank and blank[0][0] < len(sellers) and sellers[blank[0][0]]:
            sellers = sellers.copy()
            sellers[blank[0][0]] = 0
        k = min(size, int(np.count_nonzero(sellers)))
        if not k:
            return []
        kth = np.partition(sellers, len(sellers) - k)[len(sellers) - k]
        above, tied = np.flatnonzero(sellers > kth), np.flatnonzero(sellers == kth)
        named = self._read("SELECT id, seller_name FROM seller_counts WHERE id IN (SELECT value FROM json_each(?))",
                           [_json_ids(above)]) if above.size else []
        named += self._read("SELECT id, seller_name FROM seller_counts WHERE id IN (SELECT value FROM json_each(?)) "
                            "ORDER BY seller_name LIMIT ?", [_json_ids(tied), k - above.size])
        ranked = sorted(((name, int(sellers[id_])) for id_, name in named), key=lambda vc: (-vc[1], vc[0]))
        return [FacetValue(name, count) for name, count in ranked[:size]]

"""How leads become rows: checked and serialised (:func:`prepare`, :func:`prepare_ahead`), then
planned and written a chunk at a time with a few ``executemany`` calls (:func:`write_chunk`),
inside transactions of many chunks (:class:`BulkWriter`).

Why plan first: a million-lead ``markwatch index`` run spends its time per row, so a chunk asks
SQLite two questions up front (which of its URLs and lead ids it already has), decides for every
lead whether it is new, updated or unchanged — including the same lead or listing twice in one
chunk — and then writes each kind of row with one ``executemany`` (≈10× cheaper per row than one
``execute`` each). New rowids for listings are handed out here, which is safe because the chunk
runs inside the one write transaction (``BEGIN IMMEDIATE``).

Why a prepared lead is a plain tuple (:data:`PREPARED_FIELDS`): ``markwatch index`` prepares in a
worker process and the writer unpickles every lead on its critical path; a tuple of str/bytes
costs ≈3.5 µs a lead to unpickle, a slotted dataclass ≈10 µs. Its first seven fields are the
listing's (:data:`LISTING_FIELDS`), so :meth:`SQLiteStore.see_listing` plans a bare listing with
the same code.

Why transactions of many chunks: a commit writes every page the transaction dirtied, and new
leads land all over the id, score and date indexes, so a commit costs about as much for 2,000
leads as for 20,000 (measured at 100k leads: 30 µs a lead at 2,000 per transaction, 8 at 50,000).
New leads are added to the count tables once per transaction (:class:`PendingCounts`): one upsert
per distinct combination of the transaction instead of nearly one per lead of a small chunk.

Why the bulk writer's connection gets a bigger page cache (:data:`BULK_PRAGMAS`): in a store
that already holds many leads, one big transaction dirties pages all over the randomly keyed
indexes (id, score, seller, combination); once they outgrow the cache SQLite spills them to the
WAL mid-transaction and reads them back. Measured on the leads table alone, 100k leads added to
900k (CPU, loaded machine): 20,000 a transaction with 128 MiB 53.5 µs a lead (commit 20.2),
100,000 a transaction with 128 MiB 51.3 (commit 5.9), 100,000 with 512 MiB 42.3 (commit 7.4);
sorting a chunk by id before inserting it did not pay (56.2). The map covers a store beyond 1 GiB.

Why a big load defers the lead indexes (:class:`BulkWriter` ``defer_indexes``, decided by
:func:`index.sqlite_store.defers_indexes`): the eight secondary indexes of ``leads``, most of them
keyed at random (score, date, combination), cost ≈34 µs a new lead kept up row by row and ≈12 µs a
lead built afresh with ``CREATE INDEX`` (measured at 1M leads). A load bigger than the store drops
them in its first transaction and builds them in its last; a load killed between leaves them
missing, and the next opening of the store builds them (:func:`index.sqlite_schema.restore_lead_indexes`).
Measured, ``markwatch index`` into an empty store, base and new alternated in one session (load
≈3): writer 100k 7.2–8.8 -> 5.8–6.3 CPU-s (3 runs each), 1M 91.7 -> 76.7.

A listing whose content changed keeps its earlier version in ``listing_versions``; its full-text
tokens and its seller link values (``listing_links``: phones, WeChat ids, addresses, photo hash,
read here once so that seller networks never re-read every listing) are replaced. A lead keeps
its status and history whatever changes.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from threading import RLock
from typing import Any, Iterable, Iterator, Sequence, TypeVar

import orjson
import sqlean as sqlite3

from index import sqlite_counts
from index.fulltext import index_text
from index.lead_check import MAX_LISTING_BYTES, check_lead, unicode_problem
from index.sellers import listing_links
from index.store import IndexCounts, lead_id, listing_hash

_CHUNK = 10_000  # parameters per IN (...) query
BULK_PRAGMAS = ("PRAGMA cache_size=-524288", "PRAGMA mmap_size=4294967296")
"""Settings of the connection a :class:`BulkWriter` writes through: 512 MiB of page cache (filled
only as pages are used: a small store never gets there) and a 4 GiB memory map (see above)."""


FTS_AUTOMERGE = "INSERT INTO listing_text (listing_text, rank) VALUES ('automerge', 8)"
"""Set by a bulk load that defers its indexes (kept in the store: FTS5's own config table). Why:
FTS5 merges its segments as rows arrive, by default once 4 of a level are there; at 8 it merges
less often. Measured, bigram rows into the store's FTS5 table alone, 100k-row transactions: 1M rows
10.0/11.7 -> 7.6/9.6 µs a row (default/8 alternated twice), a word's MATCH count the same (4.6-12.6
ms either way, noise); 300k rows 8.4/8.8 -> 6.1/7.4."""


@dataclass(slots=True)
class PreparedLead:
    """A checked lead with everything the tables need, serialised once (the search node's
    backend writes from it too)."""

    id: str
    url: str
    right_id: str
    score: float
    reasons: bytes
    reason_codes: bytes
    listing: dict[str, Any]
    body: bytes
    content_hash: str
    platform: str
    seller_id: str
    seller_name: str
    province: str


PREPARED_FIELDS = ("url", "content_hash", "body", "title_tokens", "description_tokens", "seller_tokens",
                   "links", "id", "right_id", "score", "reasons", "reason_codes", "platform", "seller_id",
                   "seller_name", "province")
"""The fields of a prepared lead tuple (:func:`prepare_ahead`), in order. ``links`` is a tuple of
distinct (kind, value) pairs (:func:`index.sellers.listing_links`)."""
LISTING_FIELDS = 7
"""The first this-many fields of a prepared lead are its listing's: what a bare listing has."""
(URL, HASH, BODY, TITLE, DESCRIPTION, SELLER_TEXT, LINKS, ID, RIGHT, SCORE, REASONS, CODES, PLATFORM, SELLER_ID,
 SELLER_NAME, PROVINCE) = range(len(PREPARED_FIELDS))

PreparedTuple = tuple
"""A prepared lead, :data:`PREPARED_FIELDS` as a plain tuple."""


def _serialised(obj: Any) -> tuple[dict[str, Any], str, bytes, bytes, bytes, str] | str:
    """(listing, province, body, reasons, reason codes, content hash) of a storable lead, or the
    reason it cannot be stored: what :func:`prepare` and :func:`prepare_ahead` share."""
    reason = check_lead(obj)
    if reason is not None:
        return reason
    listing = obj["listing"]
    province = obj.get("ship_from_province") or ""
    reason = unicode_problem(obj["url"], obj["right_id"], province)
    if reason is not None:
        return reason
    try:
        body = orjson.dumps(listing)
        reasons = orjson.dumps(obj["reasons"])
        codes = orjson.dumps(obj.get("reason_codes") or [])
        content_hash = listing_hash(listing)
    except orjson.JSONEncodeError as exc:
        if "surrogates" in str(exc):
            return "text is not valid Unicode (a lone surrogate)"
        return f"cannot be stored as JSON: {exc}"
    if len(body) > MAX_LISTING_BYTES:
        return f"listing is {len(body):,} bytes of JSON, more than {MAX_LISTING_BYTES:,}"
    return listing, province, body, reasons, codes, content_hash


def prepare(obj: Any) -> PreparedLead | str:
    """The prepared lead, or the reason it cannot be stored."""
    done = _serialised(obj)
    if isinstance(done, str):
        return done
    listing, province, body, reasons, codes, content_hash = done
    seller_name = listing.get("seller_name") or ""
    return PreparedLead(lead_id(obj["url"], obj["right_id"]), obj["url"], obj["right_id"],
                        float(obj["score"]), reasons, codes, listing, body, content_hash,
                        listing.get("platform") or "", listing.get("seller_id") or seller_name,
                        seller_name, province)


def prepare_ahead(obj: Any) -> PreparedTuple | str:
    """:func:`prepare` plus the full-text tokens and seller link values, as the plain tuple
    :func:`write_chunk` takes (:data:`PREPARED_FIELDS`), or the reason the lead cannot be stored:
    all the per-lead work but the writing, so another process can do it for the writer
    (``markwatch index`` runs it in a worker). The tuple is :func:`as_tuple` of :func:`prepare`,
    made without the :class:`PreparedLead` between (≈1.5 µs a lead less)."""
    done = _serialised(obj)
    if isinstance(done, str):
        return done
    listing, province, body, reasons, codes, content_hash = done
    url, right_id = obj["url"], obj["right_id"]
    seller_name = listing.get("seller_name") or ""
    return (url, content_hash, body, *listing_text(listing), listing_link_values(listing), lead_id(url, right_id),
            shared(right_id), float(obj["score"]), reasons, shared(codes), shared(listing.get("platform") or ""),
            shared(listing.get("seller_id") or seller_name), shared(seller_name), shared(province))


def as_tuple(x: PreparedLead) -> PreparedTuple:
    """The tuple form (:data:`PREPARED_FIELDS`) of a prepared lead; its few-valued fields are
    :func:`shared`."""
    return (x.url, x.content_hash, x.body, *listing_text(x.listing), listing_link_values(x.listing), x.id,
            shared(x.right_id), x.score, x.reasons, shared(x.reason_codes), shared(x.platform), shared(x.seller_id),
            shared(x.seller_name), shared(x.province))


_SHARED: dict[Any, Any] = {}
_Shared = TypeVar("_Shared", str, bytes)
_SHARED_MAX = 100_000


def shared(value: _Shared) -> _Shared:
    """One object for equal values (right, platform, province, seller, reason codes) within a
    process. Why: pickle writes an object it has already written in a chunk as a reference, so the
    writer unpickles one str for a platform instead of one per lead, and that one str keeps its
    hash and its UTF-8 form (SQLite's binding) for every lead that has it."""
    kept = _SHARED.get(value)
    if kept is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        kept = _SHARED[value] = value
    return kept


def prepared_listing(listing: dict[str, Any]) -> PreparedTuple:
    """A bare listing in the first :data:`LISTING_FIELDS` fields of a prepared lead (raises
    ``ValueError`` when it cannot be stored as JSON)."""
    try:
        content_hash, body = listing_hash(listing), orjson.dumps(listing)
    except orjson.JSONEncodeError as exc:
        raise ValueError(f"listing {str(listing.get('url'))[:200]!r} cannot be stored: {exc}") from exc
    return (listing["url"], content_hash, body, *listing_text(listing), listing_link_values(listing))


def listing_text(listing: dict[str, Any]) -> tuple[str, str, str]:
    return (index_text(listing.get("title") or ""), index_text(listing.get("description") or ""),
            index_text(listing.get("seller_name") or ""))


def listing_link_values(listing: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The listing's distinct seller link values, in the order found."""
    return tuple(dict.fromkeys(listing_links(listing)))


def chunked(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def lookup(db: sqlite3.Connection, sql: str, keys: Sequence[Any]) -> list[tuple]:
    """Rows of ``sql`` (with one ``{marks}`` placeholder list) for every key, in chunks."""
    rows: list[tuple] = []
    for part in chunked(keys):
        rows.extend(db.execute(sql.format(marks=",".join("?" * len(part))), part).fetchall())
    return rows


class ListingPlan:
    """What becomes of one listing URL in this chunk."""

    __slots__ = ("rowid", "known", "current", "contents")

    def __init__(self, rowid: int, known: bool, stored_hash: str):
        self.rowid = rowid
        self.known = known
        self.current = stored_hash
        """The content hash the listing has once the sightings so far are written."""
        self.contents: list[PreparedTuple] = []
        """Sightings with a content different from the one before, in the order seen (the last
        becomes current, the others go to the history)."""

    def see(self, item: PreparedTuple) -> None:
        """Another sighting (a prepared lead or listing)."""
        if item[HASH] != self.current:
            self.contents.append(item)
            self.current = item[HASH]


STORED_LISTINGS = "SELECT rowid, url, content_hash FROM listings WHERE url IN ({marks})"
INSERT_LISTING = ("INSERT INTO listings (rowid, url, content_hash, body, first_seen, last_seen, version_seen) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rowid) DO UPDATE SET "
                  "content_hash = excluded.content_hash, body = excluded.body, "
                  "last_seen = excluded.last_seen, version_seen = excluded.version_seen")
INSERT_TEXT = "INSERT INTO listing_text (rowid, title, description, seller) VALUES (?, ?, ?, ?)"
INSERT_LINK = "INSERT INTO listing_links (listing, kind, value) VALUES (?, ?, ?)"


def next_listing_rowid(db: sqlite3.Connection) -> int:
    return (db.execute("SELECT max(rowid) FROM listings").fetchone()[0] or 0) + 1


class ListingPlanner:
    """Collects the listings of a chunk (``plans``, by URL), then writes them (:meth:`write`)."""

    def __init__(self, db: sqlite3.Connection, urls: Iterable[str], stored: list[tuple] | None = None):
        """``stored``: the rows of :data:`STORED_LISTINGS` for these URLs, when already asked."""
        unique = list(dict.fromkeys(urls))
        self.plans: dict[str, ListingPlan] = {
            url: ListingPlan(rowid, True, content_hash)
            for rowid, url, content_hash in (lookup(db, STORED_LISTINGS, unique) if stored is None else stored)}
        if len(self.plans) < len(unique):
            next_rowid = next_listing_rowid(db)
            for url in unique:
                if url not in self.plans:
                    self.plans[url] = ListingPlan(next_rowid, False, "")
                    next_rowid += 1

    def write(self, db: sqlite3.Connection, now: str) -> None:
        """Write every plan: new and changed listings with their history, text and links; the
        others' ``last_seen``."""
        inserts, versions, fts, links, changed, unchanged = [], [], [], [], [], []
        for url, plan in self.plans.items():
            contents = plan.contents
            if not contents:
                unchanged.append((now, plan.rowid))
                continue
            rowid, last = plan.rowid, contents[-1]
            if plan.known:
                changed.append((rowid,))
            if len(contents) > 1:
                versions.extend((rowid, x[HASH], x[BODY], now, now) for x in contents[:-1])
            inserts.append((rowid, url, last[HASH], last[BODY], now, now, now))
            fts.append((rowid, last[TITLE], last[DESCRIPTION], last[SELLER_TEXT]))
            if last[LINKS]:
                links.extend((rowid, kind, value) for kind, value in last[LINKS])
        if changed:  # the stored current version joins the history before it is replaced
            db.executemany("INSERT INTO listing_versions (listing, content_hash, body, first_seen, last_seen) "
                           "SELECT rowid, content_hash, body, version_seen, last_seen FROM listings "
                           "WHERE rowid = ?", changed)
            db.executemany("DELETE FROM listing_text WHERE rowid = ?", changed)
            db.executemany("DELETE FROM listing_links WHERE listing = ?", changed)
        if versions:
            db.executemany("INSERT INTO listing_versions (listing, content_hash, body, first_seen, last_seen) "
                           "VALUES (?, ?, ?, ?, ?)", versions)
        if inserts:
            db.executemany(INSERT_LISTING, inserts)
            db.executemany(INSERT_TEXT, fts)
        if links:
            db.executemany(INSERT_LINK, links)
        if unchanged:
            db.executemany("UPDATE listings SET last_seen = ? WHERE rowid = ?", unchanged)


_COMBO_KEY, _SELLER_KEY = itemgetter(0, 1, 2, 3), itemgetter(4)
"""A facet row's key in ``lead_combos`` (right, kind, platform, province) and in ``seller_counts``."""


class PendingCounts:
    """Facet values of leads inserted in the open transaction, not yet in the count tables, and
    the count tables' keys already known (:meth:`keys`).

    The values are added before the transaction commits (:meth:`flush`), and before any statement
    that updates a lead's counted columns: the count triggers then find the rows they decrement.
    The keys are kept across the transactions of one writer (a key, once committed, never changes);
    a writer that rolls back starts a new :class:`PendingCounts`, forgetting keys made since."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.combo_ids: dict[tuple[str, str, str, str], int] = {}
        self.seller_ids: dict[str, int] = {}

    def keys(self, db: sqlite3.Connection, rows: list[tuple[str, str, str, str, str]]) -> list[tuple[int, int]]:
        """The (combo, seller_key) of leads about to be inserted, given as (right_id, kind,
        platform, province, seller_name) (:func:`index.sqlite_counts.keys_for`, asked only for the
        keys not known yet). Looked up with ``map`` (in C): once every key is known, as in most of
        a big load, this is all a chunk costs."""
        combo_ids, seller_ids = self.combo_ids, self.seller_ids
        combos = list(map(combo_ids.get, map(_COMBO_KEY, rows)))
        sellers = list(map(seller_ids.get, map(_SELLER_KEY, rows)))
        if None in combos or None in sellers:
            missing = [row for row, combo, seller in zip(rows, combos, sellers) if combo is None or seller is None]
            for row, (combo, seller) in zip(missing, sqlite_counts.keys_for(db, missing)):
                combo_ids[row[:4]] = combo
                seller_ids[row[4]] = seller
            combos = list(map(combo_ids.__getitem__, map(_COMBO_KEY, rows)))
            sellers = list(map(seller_ids.__getitem__, map(_SELLER_KEY, rows)))
        return list(zip(combos, sellers))

    def flush(self, db: sqlite3.Connection) -> None:
        if self.rows:
            sqlite_counts.count_new(db, self.rows)
            self.rows = []


def write_chunk(db: sqlite3.Connection, items: Sequence[PreparedTuple], now: str,
                pending: PendingCounts) -> dict[str, int]:
    """Write prepared leads (inside the caller's transaction); returns the new, updated and
    unchanged counts. New leads' facet values go to ``pending``."""
    urls = [x[URL] for x in items]
    unique = list(dict.fromkeys(urls))
    stored_listings = lookup(db, STORED_LISTINGS, unique)
    if FRESH_PATH and not stored_listings and len(unique) == len(urls):
        return write_fresh(db, items, now, pending)
    listings = ListingPlanner(db, unique, stored_listings)
    plans = listings.plans
    known: dict[str, tuple] = {}
    rowids: dict[str, int] = {}
    # Only a listing already stored can have stored leads: a lead is only ever written with its
    # listing, and neither is deleted. A chunk of new listings (a first load) asks nothing.
    stored = list(dict.fromkeys([x[ID] for x in items if plans[x[URL]].known]))
    for rowid, i, *state in lookup(db, "SELECT rowid, id, listing_hash, score, reasons, reason_codes FROM leads "
                                   "WHERE id IN ({marks})", stored) if stored else ():
        known[i] = tuple(state)
        rowids[i] = rowid
    new: dict[str, PreparedTuple] = {}
    updated: dict[str, PreparedTuple] = {}
    touched: set[str] = set()
    unchanged = 0
    for x in items:
        plans[x[URL]].see(x)
        i = x[ID]
        state = (x[HASH], x[SCORE], x[REASONS], x[CODES])
        before = known.get(i)
        known[i] = state
        if before is None:
            new[i] = x
        elif before != state:
            (new if i in new else updated)[i] = x
        else:
            unchanged += 1
            if i not in new and i not in updated:
                touched.add(i)
    listings.write(db, now)
    kinds = right_kinds(db, (*new.values(), *updated.values()))
    if new:
        insert_leads(db, new.values(), [plans[x[URL]].rowid for x in new.values()], kinds, now, pending)
    if updated:
        pending.flush(db)  # the count triggers move these leads from the combinations they are in
        db.executemany(
            "UPDATE leads SET score = ?, reasons = ?, reason_codes = ?, listing_hash = ?, kind = ?, "
            "platform = ?, seller_id = ?, seller_name = ?, province = ?, last_seen = ? WHERE rowid = ?",
            [(x[SCORE], x[REASONS], x[CODES], x[HASH], kinds.get(x[RIGHT], ""), x[PLATFORM], x[SELLER_ID],
              x[SELLER_NAME], x[PROVINCE], now, rowids[i]) for i, x in updated.items()])
    if touched:
        db.executemany("UPDATE leads SET last_seen = ? WHERE rowid = ?", [(now, rowids[i]) for i in touched])
    return {"new": len(new), "updated": len(items) - len(new) - unchanged, "unchanged": unchanged}


FRESH_PATH = True
"""Whether :func:`write_chunk` writes a chunk of new listings each seen once through
:func:`write_fresh` (the differential test turns it off to compare with the planned path)."""


def write_fresh(db: sqlite3.Connection, items: Sequence[PreparedTuple], now: str,
                pending: PendingCounts) -> dict[str, int]:
    """:func:`write_chunk` of a chunk none of whose listings is stored and none seen twice (a
    first load's): every listing and lead is new, so the rows are made straight from the items,
    without a plan for each listing (≈5 of the writer's ≈9 µs of Python a lead, measured at 100k).
    The rows, rowids and order are the planned path's (tests/test_index_bulk_load.py compares them)."""
    first = next_listing_rowid(db)
    rowids = range(first, first + len(items))
    db.executemany(INSERT_LISTING, [(rowid, x[URL], x[HASH], x[BODY], now, now, now) for rowid, x in zip(rowids, items)])
    db.executemany(INSERT_TEXT, [(rowid, x[TITLE], x[DESCRIPTION], x[SELLER_TEXT]) for rowid, x in zip(rowids, items)])
    links = [(rowid, kind, value) for rowid, x in zip(rowids, items) if x[LINKS] for kind, value in x[LINKS]]
    if links:
        db.executemany(INSERT_LINK, links)
    insert_leads(db, items, rowids, right_kinds(db, items), now, pending)
    return {"new": len(items), "updated": 0, "unchanged": 0}


def right_kinds(db: sqlite3.Connection, items: Iterable[PreparedTuple]) -> dict[str, str]:
    """The kind of each right the items name (a right not in the store has none)."""
    return dict(lookup(db, "SELECT id, kind FROM rights WHERE id IN ({marks})", list({x[RIGHT] for x in items})))


def insert_leads(db: sqlite3.Connection, new: Iterable[PreparedTuple], listings: Iterable[int], kinds: dict[str, str],
                 now: str, pending: PendingCounts) -> None:
    """Insert new leads, each with its listing's rowid, with their count keys; their facet values
    go to ``pending``."""
    new = list(new)
    facets = [(x[RIGHT], kinds.get(x[RIGHT], ""), x[PLATFORM], x[PROVINCE], x[SELLER_NAME]) for x in new]
    db.executemany(
        "INSERT INTO leads (id, listing, url, right_id, score, reasons, reason_codes, listing_hash, kind, "
        "platform, seller_id, seller_name, province, status, first_seen, last_seen, combo, seller_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?)",
        [(x[ID], listing, x[URL], x[RIGHT], x[SCORE], x[REASONS], x[CODES], x[HASH], f[1], x[PLATFORM],
          x[SELLER_ID], x[SELLER_NAME], x[PROVINCE], now, now, combo, seller)
         for x, listing, f, (combo, seller) in zip(new, listings, facets, pending.keys(db, facets))])
    pending.rows.extend(facets)


def counted(items: Sequence[PreparedTuple | PreparedLead | str], write: Any) -> IndexCounts:
    """The :class:`IndexCounts` of a chunk whose str items are the reasons those leads were
    refused; ``write(prepared tuples)`` writes the others and returns their counts."""
    if set(map(type, items)) <= {tuple}:  # a worker's chunk without refusals: no per-item Python loop
        prepared, problems = items, ()
    else:
        prepared = [as_tuple(x) if isinstance(x, PreparedLead) else x for x in items if not isinstance(x, str)]
        problems = tuple((position, x) for position, x in enumerate(items) if isinstance(x, str))
    counts = write(prepared) if prepared else {"new": 0, "updated": 0, "unchanged": 0}
    return IndexCounts(read=len(items), skipped=len(problems), problems=problems, **counts)


class BulkWriter:
    """Writes chunks of prepared leads in transactions of at least ``leads_per_transaction``
    leads (the last one smaller): what ``markwatch index`` writes through
    (:meth:`index.sqlite_store.SQLiteStore.bulk_writer`).

    A transaction is all or nothing: a process killed in the middle of one leaves the store as
    the last commit left it, and the chunks since then are written again by the next run (leads
    are keyed by url + right_id, so nothing is doubled). The store's lock and SQLite's write lock
    are held while a transaction is open."""

    def __init__(self, db: sqlite3.Connection, lock: RLock, path: Path, leads_per_transaction: int,
                 seen_at: str | None = None, defer_indexes: bool = False):
        if leads_per_transaction < 1:
            raise ValueError(f"leads_per_transaction must be at least 1, got {leads_per_transaction}")
        self._db, self._lock, self._path = db, lock, path
        self.leads_per_transaction = leads_per_transaction
        self.seen_at = seen_at
        self._transaction: ExitStack | None = None
        self._now = ""
        self._in_transaction = 0
        self._pending = PendingCounts()
        self.commits = 0
        self.defer_indexes = defer_indexes
        """Whether the first transaction drops the lead indexes and :meth:`finish` builds them
        (the caller holds the store's :class:`~index.sqlite_schema.LoadLock` meanwhile)."""
        self.indexes_dropped = False
        """Whether an open or committed transaction of this writer dropped them."""

    def add(self, items: Sequence[PreparedTuple | PreparedLead | str]) -> IndexCounts:
        """Write one chunk (a str item is the reason that lead was refused); commits when the
        open transaction has reached its size."""
        counts = counted(items, self._write)
        if self._in_transaction >= self.leads_per_transaction:
            self.commit()
        return counts

    def _write(self, prepared: list[PreparedTuple]) -> dict[str, int]:
        if self._transaction is None:
            from index.sqlite_schema import write_transaction
            from index.store import utc_now

            if not self.commits:
                with self._lock:
                    for pragma in BULK_PRAGMAS:
                        self._db.execute(pragma)
            stack = ExitStack()
            stack.enter_context(write_transaction(self._db, self._lock, self._path, "the store"))
            self._transaction, self._now, self._in_transaction = stack, self.seen_at or utc_now(), 0
            if self.defer_indexes and not self.indexes_dropped:
                from index.sqlite_schema import drop_lead_indexes

                drop_lead_indexes(self._db)
                self.indexes_dropped = True
                self._db.execute(FTS_AUTOMERGE)
        self._in_transaction += len(prepared)
        return write_chunk(self._db, prepared, self._now, self._pending)

    def commit(self) -> None:
        """Commit the open transaction, if any."""
        if self._transaction is not None:
            transaction, self._transaction = self._transaction, None
            try:
                self._pending.flush(self._db)
            except BaseException as exc:
                transaction.__exit__(type(exc), exc, exc.__traceback__)
                raise
            transaction.close()
            self.commits += 1

    def finish(self) -> None:
        """Build the lead indexes this writer dropped, in its last transaction (opened for them
        when none is), and commit it: the load's end."""
        if self.indexes_dropped:
            from index.sqlite_schema import build_lead_indexes, write_transaction

            if self._transaction is None:
                stack = ExitStack()
                stack.enter_context(write_transaction(self._db, self._lock, self._path, "the store"))
                self._transaction = stack
            try:
                build_lead_indexes(self._db)
            except BaseException as exc:
                self.rollback(exc)
                raise
            self.indexes_dropped = False
        self.commit()

    def rollback(self, exc: BaseException) -> None:
        """Give up the open transaction (``exc`` is why). Indexes dropped by a transaction rolled
        back are there again; by a committed one, still missing (:meth:`finish` or the next
        opening of the store builds them)."""
        if self._transaction is not None:
            transaction, self._transaction = self._transaction, None
            self._pending = PendingCounts()
            transaction.__exit__(type(exc), exc, exc.__traceback__)
            if not self.commits:
                self.indexes_dropped = False

"""The embedded lead store: :class:`SQLiteStore`, the :class:`~index.store.LeadStore` in one
SQLite file (the default; no server to set up).

Why SQLite, and which: one file in ``data_dir``, crash-safe transactions, and FTS5 for full text.
It is sqlean.py's SQLite (3.45+), because the store needs FTS5's ``contentless_delete`` (3.43);
the system's SQLite is never used.

Connections: one connection writes (a lock serialises threads, SQLite's own lock other processes)
and up to :data:`READERS` read (opened as they are needed, each with its own lock and its own
:class:`~index.sqlite_search.SQLiteSearch`, see :meth:`SQLiteStore._reader`): in WAL mode readers
never wait for the writer nor for each other, and sqlean's sqlite3 releases the GIL while a
statement runs, so the workbench's request threads search at the same time, beside a triage write.
A read inside this thread's own write transaction stays on the writer (it sees its own changes).

Writes:
every :meth:`add_leads` call is one ``BEGIN IMMEDIATE`` … ``COMMIT``, so a process killed in the
middle of a batch leaves the store as it was before the batch, and re-running the same file adds
nothing twice (leads are keyed by :func:`~index.store.lead_id`). Layout, settings and full text:
:mod:`index.sqlite_schema`, :mod:`index.fulltext`; batch planning: :mod:`index.sqlite_write`;
search SQL: :mod:`index.sqlite_query`.

Bad input: a lead that breaks CONTRACTS §3 (wrong types, title over 10,000 characters, listing
JSON over 1 MiB, a lone surrogate) is skipped with its reason in ``IndexCounts.problems``.

Sellers: keyed by (platform, seller_id); a listing without a seller id counts under its seller
name as the id.

Measured (2026-12-01, this 2-core machine shared with other work, so CPU seconds of the process
rather than wall time; demo-style leads, ≈1 KB each): ``markwatch index`` of 100k leads takes
≈15.5 CPU-s in one process (≈6,400 leads/s) and ≈11 CPU-s on the writer's critical path with
its worker (≈9,000 leads/s); a Chinese query with two facet filters, its page of 50, total and
all six facets costs p50 6 ms / p95 26 ms at 100k leads and p50 ≈50 ms / p95 ≈265 ms at 1M, the
p95 being a word found in 9% of all listings. Cost grows with the leads the words match (≈3 µs
each: the full-text hit is resolved to its leads through ``leads_by_listing``). Since schema 2 a
search whose province (and platform) filters leave ≤20,000 leads starts from ``leads_by_place``
instead (:func:`index.sqlite_query.where`): the same query, search + facets, costs p95 13.5 CPU-ms
at 100k (was 39) and 105 CPU-ms at 1M (was 373, measured on one 1M store in one run). Since schema
3 the facets and total of a search without full text, score or date range come from count tables
kept in the writing transaction (:mod:`index.sqlite_counts`): the unfiltered search page costs ≈9
CPU-ms at 100k and at 1M (was ≈420 ms at 100k: every lead scanned). Since schema 4 the searches
the count tables cannot answer count their facets from two integer keys per lead read in one pass
and counted in C (:mod:`index.sqlite_search`), ≈0.3–0.6 µs per matched lead instead of ≈2–7:
bench/serve.py at 1M (2026-12-02, load ≈15–20, each search seen the first time) all six URLs CPU
p50 122 / p95 315 ms (the code before, same session: 635 / 2,596), the same search again 24 / 113.
What is left grows with the leads the words match before the filters (a word in 40% of 1M listings:
≈250 ms); a next step for broad filters: full-text rows carrying platform/province tags, so FTS5
intersects those filters itself.
"""

from __future__ import annotations

import itertools
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

import orjson
import sqlean as sqlite3

from index import sqlite_stats
from index.sellers import COUNTED_STATUSES
from index.sqlite_schema import LoadLock, connect, write_transaction
from index.sqlite_write import (BulkWriter, ListingPlanner, PendingCounts, PreparedLead, PreparedTuple, counted, lookup,
                                 prepare, prepare_ahead, prepared_listing, write_chunk)
from index.store import (FACET_FIELDS, DayCount, FacetValue, IndexCounts, ListingSeen, ListingVersion, SearchPage,
                         SearchQuery, SellerSummary, StoredLead, StoreError, Transition, TransitionError,
                         check_transition, encode_cursor, utc_now)

if TYPE_CHECKING:
    from index.sqlite_search import SQLiteSearch

READERS = 4
"""Read connections a store opens at most. Why 4: ``markwatch serve`` runs a worker process per
core, each answering many requests on threads; more than a few statements at once per process only
queue for the same cores (and each connection keeps its own page cache)."""

DEFER_MIN_LEADS = 5_000
"""The fewest leads a load must bring for it to defer the lead indexes (:func:`defers_indexes`):
below that, maintaining them costs well under a second and readers keep their indexes."""


def defers_indexes(stored: int, expected: int | None) -> bool:
    """Whether a bulk load of ``expected`` leads into a store of ``stored`` defers the lead
    indexes (drops them first, builds them at the end): when it brings at least
    :data:`DEFER_MIN_LEADS` and more leads than the store holds (never when it does not know).

    Why that rule (measured at 1M leads, issue 7): keeping the eight indexes up row by row costs
    ≈34 µs a new lead, building them afresh ≈12 µs a lead of the store after the load; so deferring
    pays once the new leads are more than about half the store. "More than the store holds" leaves
    room for a file whose leads are partly stored already (a re-run, which costs the indexes
    nothing), and the worst it can cost (every lead of the file already stored) is ≈24 µs a lead."""
    return expected is not None and expected >= DEFER_MIN_LEADS and expected > stored


_LEAD_COLUMNS = ("l.id, l.url, l.right_id, l.score, l.reasons, l.reason_codes, s.body, l.status, "
                 "l.first_seen, l.last_seen, l.kind, l.province")
_CONFIRMED = ("confirmed", "notified", "removed", "rejected", "counter_notice", "still_online")
"""Statuses a lead reaches only through an analyst's confirmation (a seller's confirmed count)."""


class _ReadConnection:
    """A reader's connection, as the searches get it. Why not the connection itself: their SQL
    names lead indexes (``INDEXED BY``), and a bulk load drops those while it runs
    (:func:`defers_indexes`); a statement naming one that is missing fails in SQLite, so it runs
    again without the hint, planned with what is there: the same answer, slower. Costs nothing
    while the indexes are there."""

    __slots__ = ("_db",)

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            unhinted = _without_missing_index(sql, str(exc))
            if unhinted is None:
                raise
            return self.execute(unhinted, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def _without_missing_index(sql: str, error: str) -> str | None:
    """``sql`` without its ``INDEXED BY`` the missing index that ``error`` names; None when the
    error is another one."""
    import re

    missing = re.fullmatch(r"no such index: (\w+)", error)
    if missing is None:
        return None
    unhinted = re.sub(rf"\s+INDEXED BY {missing.group(1)}\b", "", sql)
    return unhinted if unhinted != sql else None


@dataclass
class _Reader:
    """One read connection: its lock (held while a statement of it runs) and its search with the
    counted matches it keeps (valid for this connection: ``PRAGMA data_version`` is per connection)."""

    db: _ReadConnection
    lock: threading.RLock
    searcher: SQLiteSearch


class _Searches:
    """``SQLiteStore.searcher``: what a caller (a benchmark, a test) asks of the store's searches."""

    def __init__(self, store: "SQLiteStore") -> None:
        self._store = store

    def forget(self) -> None:
        """Drop the counted matches of every reader (a benchmark measuring first views does)."""
        for reader in tuple(self._store._readers):
            reader.searcher.forget()

    def __getattr__(self, name: str) -> Any:
        if not self._store._readers:
            with self._store._reader():  # opens the first
                pass
        return getattr(self._store._readers[0].searcher, name)


class SQLiteStore:
    """:class:`~index.store.LeadStore` in the SQLite file at ``path`` (created when missing)."""

    def __init__(self, path: str | Path, readers: int = READERS):
        self.path = Path(path)
        try:
            self._db = connect(self.path)
        except (sqlite3.DatabaseError, RuntimeError) as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}; check the path, or move a "
                             "damaged file away and index again") from exc
        self._lock = threading.RLock()
        self._wrote = False
        self._linkage: Any = None
        self._max_readers = max(1, readers)
        self._readers: list[_Reader] = []
        self._opening = threading.Lock()
        self._turn = itertools.count()
        self._held = 0  # readers in use now (under self._opening)
        self._writing = threading.local()  # .depth: this thread's open write transactions

    @property
    def searcher(self) -> "_Searches":
        """The readers' search, count and facets (:mod:`index.sqlite_search`): ``forget()`` drops
        every reader's counted matches; anything else is the first reader's."""
        return _Searches(self)

    @contextmanager
    def _reader(self, query: SearchQuery | None = None) -> Iterator[_Reader]:
        """A read connection for the statements of the block, held by this thread meanwhile.

        A search while no reader is in use goes to the first (a lone caller's searches all do, and
        find their counted matches there); a search beside others goes to the reader its words
        and filters hash to (:meth:`_slot`; all ``readers`` are opened for the first search),
        waiting for it when busy: each search's counted matches are then kept by one reader, so a
        page's search and facets, its next pages and other analysts' same search all find them,
        and no search counts them again on another reader (measured at 1M leads, 20 threads on
        repeat views: the first free reader for each call, which spread a search's counted
        matches over four caches, cost 32 CPU-ms a page against 8 on one connection). Other
        reads: the first free reader in order, else a new one while fewer than ``readers`` are
        open, else the next in turn."""
        if query is not None:
            with self._opening:
                while len(self._readers) < self._max_readers:
                    self._readers.append(self._open_reader())
                idle = self._held == 0
            chosen = self._readers[0 if idle else self._slot(query)]
            chosen.lock.acquire()
        else:
            chosen = self._any_reader()
        with self._opening:
            self._held += 1
        try:
            yield chosen
        finally:
            with self._opening:
                self._held -= 1
            chosen.lock.release()

    def _slot(self, query: SearchQuery) -> int:
        """The reader ``query`` goes to: its words and filters (not its sort, page size or cursor) hashed."""
        key = repr(replace(query, sort="score", limit=0, after=None))
        return zlib.crc32(key.encode()) % self._max_readers

    def _any_reader(self) -> _Reader:
        """The first free reader, else a new one (up to ``readers``), else the next in turn: held."""
        chosen = self._free_reader()
        if chosen is None:
            with self._opening:
                chosen = self._readers[next(self._turn) % len(self._readers)]
            chosen.lock.acquire()
        return chosen

    def _free_reader(self, skip: sqlite3.Connection | None = None) -> _Reader | None:
        """The first reader (other than the one on ``skip``) that is free now, else a new one while
        fewer than ``readers`` are open: held; None when every reader is open and busy."""
        chosen = next((r for r in tuple(self._readers) if r.db is not skip and r.lock.acquire(blocking=False)), None)
        if chosen is None:
            with self._opening:
                if len(self._readers) < self._max_readers:
                    chosen = self._open_reader()
                    chosen.lock.acquire()
                    self._readers.append(chosen)
        return chosen

    def _open_reader(self) -> _Reader:
        if self._db is None:
            raise StoreError(f"the store {self.path} is closed")
        db = connect(self.path)
        db.execute("PRAGMA query_only=ON")  # a reader never writes, not even by mistake
        db = _ReadConnection(db)
        # imported here: it brings numpy (≈0.15 CPU-s), which a writer such as markwatch index never needs
        from index.sqlite_search import SQLiteSearch

        lock = threading.RLock()
        return _Reader(db, lock, SQLiteSearch(db, lock, lambda rows: self._stored(rows, db), _LEAD_COLUMNS,
                                              self._spare))

    @contextmanager
    def _spare(self, busy: sqlite3.Connection) -> Iterator[sqlite3.Connection | None]:
        """A read connection other than ``busy`` that is free now (or opened, while fewer than
        ``readers`` are), held for the block; None when there is none: the other half of a broad
        search's counting pass (:mod:`index.sqlite_search`), which never waits for a reader."""
        chosen = self._free_reader(skip=busy) if self._db is not None else None  # (closed: no reader is left)
        if chosen is None:
            yield None
            return
        try:
            yield chosen.db
        finally:
            chosen.lock.release()

    def _in_write(self) -> bool:
        return getattr(self._writing, "depth", 0) > 0

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (all or nothing), holding SQLite's write lock from the start."""
        with write_transaction(self._db, self._lock, self.path, "the store") as db:
            self._writing.depth = getattr(self._writing, "depth", 0) + 1
            try:
                yield db
            finally:
                self._writing.depth -= 1
            self._wrote = True

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection to read on, held for the block: a reader, or the writer inside this thread's
        own write transaction (so that the transaction sees what it wrote)."""
        if self._in_write():
            with self._lock:
                yield self._db
        else:
            with self._reader() as reader:
                yield reader.db

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._connection() as db:
            return db.execute(sql, params).fetchall()

    # -- rights ----------------------------------------------------------------------------------
    def put_rights(self, rights: Iterable[Mapping[str, Any]]) -> int:
        from pydantic import ValidationError

        from markwatch.contracts import Right

        rows = []
        for raw in rights:
            try:
                right = Right.model_validate(dict(raw))
            except ValidationError as exc:
                raise ValueError(f"right {raw.get('id', '?')!r}: {exc.errors()[0]['msg']}") from exc
            rows.append((right.id, right.kind, orjson.dumps(right.model_dump(mode="json")).decode()))
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO rights (id, kind, body) VALUES (?, ?, ?)", rows)
            db.executemany("UPDATE leads SET kind = ? WHERE right_id = ? AND kind != ?",
                           [(kind, rid, kind) for rid, kind, _ in rows])
        return len(rows)

    def get_right(self, right_id: str) -> dict[str, Any] | None:
        rows = self._read("SELECT body FROM rights WHERE id = ?", (right_id,))
        return orjson.loads(rows[0][0]) if rows else None

    # -- listings and leads ----------------------------------------------------------------------
    def see_listing(self, listing: Mapping[str, Any], seen_at: str | None = None) -> ListingSeen:
        url = listing.get("url")
        if not isinstance(url, str) or not url:
            raise ValueError("a listing needs its url (CONTRACTS §2)")
        now = seen_at or utc_now()
        item = prepared_listing(dict(listing))
        with self._write() as db:
            planner = ListingPlanner(db, [url])
            plan = planner.plans[url]
            known, before = plan.known, plan.current
            plan.see(item)
            planner.write(db, now)
            db.execute("UPDATE leads SET last_seen = ? WHERE listing = ?", (now, plan.rowid))
        return ListingSeen(known=known, changed=before != item[1], content_hash=item[1])

    def add_leads(self, leads: Iterable[Mapping[str, Any]], seen_at: str | None = None) -> IndexCounts:
        return self.add_prepared([prepare(obj) for obj in leads], seen_at)

    lead_preparer = staticmethod(prepare_ahead)
    """Optional capability (not in the LeadStore protocol): a picklable function that does the
    per-lead work of :meth:`add_leads` except writing, so a bulk loader can run it in another
    process and hand the results to :meth:`add_prepared` or a :meth:`bulk_writer` (``markwatch
    index`` does)."""

    def add_prepared(self, items: Sequence[PreparedLead | PreparedTuple | str],
                     seen_at: str | None = None) -> IndexCounts:
        """:meth:`add_leads` for leads already through :func:`~index.sqlite_write.prepare` or
        :attr:`lead_preparer` (a str item is the reason that lead was refused); one transaction."""
        now = seen_at or utc_now()

        def write(prepared: list[PreparedTuple]) -> dict[str, int]:
            with self._write() as db:
                pending = PendingCounts()
                counts = write_chunk(db, prepared, now, pending)
                pending.flush(db)
            return counts

        return counted(items, write)

    @contextmanager
    def bulk_writer(self, leads_per_transaction: int, seen_at: str | None = None,
                    expected_leads: int | None = None) -> Iterator[BulkWriter]:
        """Optional capability: a :class:`~index.sqlite_write.BulkWriter` that adds chunks of
        prepared leads in transactions of ``leads_per_transaction`` leads (``markwatch index``:
        one commit per 20,000 leads costs a third of one per 2,000). Committed on leaving the
        block; an error rolls back only the open transaction.

        ``expected_leads``, the leads the caller is about to write (an estimate; None: unknown),
        decides whether the load defers the lead indexes (:func:`defers_indexes`): dropped in its
        first transaction, built in its last, under the store's
        :class:`~index.sqlite_schema.LoadLock`. A load ended by an error builds them before
        returning; a killed one leaves them to the next opening of the store."""
        lock = LoadLock(self.path)
        defer = defers_indexes(self._stored_leads(), expected_leads) and lock.acquire()
        writer = BulkWriter(self._db, self._lock, self.path, leads_per_transaction, seen_at, defer_indexes=defer)
        try:
            try:
                yield writer
            except BaseException as exc:
                writer.rollback(exc)
                if writer.indexes_dropped and isinstance(exc, Exception):
                    writer.finish()  # the store whole again before the error goes on
                raise
            writer.finish()
        finally:
            lock.release()
            self._wrote = self._wrote or writer.commits > 0

    def _stored_leads(self) -> int:
        """How many leads the store holds (their rowids are never reused: the largest is the count)."""
        with self._lock:
            return self._db.execute("SELECT max(rowid) FROM leads").fetchone()[0] or 0

    def get(self, lead_id: str) -> StoredLead | None:
        with self._connection() as db:
            rows = db.execute(f"SELECT {_LEAD_COLUMNS} FROM leads l JOIN listings s ON s.rowid = l.listing "
                              "WHERE l.id = ?", (lead_id,)).fetchall()
            return self._stored(rows, db)[0] if rows else None

    def search(self, query: SearchQuery) -> SearchPage:
        with self._reader(query) as reader:
            return reader.searcher.search(query)

    def facets(self, query: SearchQuery, fields: Sequence[str] = FACET_FIELDS,
               size: int = 10) -> dict[str, list[FacetValue]]:
        with self._reader(query) as reader:
            return reader.searcher.facets(query, fields, size)

    def count(self, query: SearchQuery) -> int:
        with self._reader(query) as reader:
            return reader.searcher.count(query)

    def listing_history(self, url: str) -> list[ListingVersion]:
        rows = self._read(
            "SELECT v.content_hash, v.body, v.first_seen, v.last_seen FROM listing_versions v "
            "JOIN listings s ON s.rowid = v.listing WHERE s.url = ? "
            "UNION ALL SELECT content_hash, body, version_seen, last_seen FROM listings WHERE url = ?",
            (url, url))
        # UNION ALL keeps the arms in order: earlier versions by rowid (the index), then the current.
        return [ListingVersion(url, h, orjson.loads(body), first, last) for h, body, first, last in rows]

    def _stored(self, rows: list[tuple], db: sqlite3.Connection) -> list[StoredLead]:
        """Rows of ``_LEAD_COLUMNS`` as leads with their evidence, read on ``db`` (held by the caller)."""
        leads = [StoredLead(id=r[0], url=r[1], right_id=r[2], score=r[3], reasons=orjson.loads(r[4]),
                            reason_codes=orjson.loads(r[5]), listing=orjson.loads(r[6]), status=r[7],
                            first_seen=r[8], last_seen=r[9], kind=r[10], province=r[11]) for r in rows]
        if leads:
            urls = list({lead.url for lead in leads})
            refs: dict[str, list[dict[str, Any]]] = {}
            for url, ref in lookup(db, "SELECT url, ref FROM evidence WHERE url IN ({marks}) ORDER BY rowid", urls):
                refs.setdefault(url, []).append(orjson.loads(ref))
            for lead in leads:
                lead.evidence = list(refs.get(lead.url, ()))
        return leads

    # -- lifecycle -------------------------------------------------------------------------------
    def transition(self, lead_ids: Sequence[str], to_status: str, actor: str, note: str = "",
                   at: str | None = None) -> list[Transition]:
        ids = list(dict.fromkeys(lead_ids))
        when = at or utc_now()
        if not ids:
            return []
        with self._write() as db:
            return self.transition_in(db, ids, to_status, actor, note, when)

    def transition_in(self, db: sqlite3.Connection, ids: Sequence[str], to_status: str, actor: str, note: str,
                      when: str) -> list[Transition]:
        """:meth:`transition` inside the caller's write transaction (the linkage's notices and
        dispositions step their leads in the same transaction as their own rows)."""
        found = {i: (rowid, status) for rowid, i, status in
                 lookup(db, "SELECT rowid, id, status FROM leads WHERE id IN ({marks})", ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise TransitionError(f"no lead with id {missing[0]!r}" +
                                  (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
        for i in ids:
            try:
                check_transition(found[i][1], to_status)
            except TransitionError as exc:
                raise TransitionError(f"lead {i}: {exc}") from None
        db.executemany("UPDATE leads SET status = ? WHERE rowid = ?", [(to_status, found[i][0]) for i in ids])
        db.executemany("INSERT INTO transitions (lead, from_status, to_status, at, actor, note) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       [(found[i][0], found[i][1], to_status, when, actor, note) for i in ids])
        return [Transition(i, found[i][1], to_status, when, actor, note) for i in ids]

    def history(self, lead_id: str) -> list[Transition]:
        rows = self._read("SELECT t.from_status, t.to_status, t.at, t.actor, t.note FROM transitions t "
                          "JOIN leads l ON l.rowid = t.lead WHERE l.id = ? ORDER BY t.rowid", (lead_id,))
        return [Transition(lead_id, *row) for row in rows]

    # -- statistics (index/sqlite_stats.py) --------------------------------------------------------
    def histogram(self, query: SearchQuery, split_by: str = "") -> list[DayCount]:
        return sqlite_stats.histogram(self._read, query, split_by)

    def transition_histogram(self, since: str | None = None, until: str | None = None) -> list[DayCount]:
        return sqlite_stats.transition_histogram(self._read, since, until)

    def notice_to_removal_hours(self, since: str | None = None, until: str | None = None) -> list[float]:
        return sqlite_stats.notice_to_removal_hours(self._read, since, until)

    # -- evidence --------------------------------------------------------------------------------
    def add_evidence(self, url: str, ref: Mapping[str, Any]) -> None:
        """Kept by URL: leads on ``url`` indexed later get the reference too."""
        body = orjson.dumps(dict(ref)).decode()
        with self._write() as db:
            db.execute("INSERT INTO evidence (url, ref) VALUES (?, ?)", (url, body))

    # -- sellers ---------------------------------------------------------------------------------
    _SELLERS = (
        "SELECT g.platform, g.seller_id, "
        " (SELECT seller_name FROM leads x WHERE x.platform = g.platform AND x.seller_id = g.seller_id "
        "  ORDER BY x.last_seen DESC LIMIT 1), g.leads, g.confirmed, g.takedowns, g.first_seen, g.last_seen, "
        " (SELECT max(t.at) FROM transitions t JOIN leads y ON y.rowid = t.lead WHERE y.platform = g.platform "
        "  AND y.seller_id = g.seller_id AND t.to_status = 'confirmed') "
        "FROM (SELECT platform, seller_id, count(*) AS leads, "
        f" sum(status IN ({','.join(repr(s) for s in _CONFIRMED)})) AS confirmed, "
        " sum(status = 'removed') AS takedowns, min(first_seen) AS first_seen, max(last_seen) AS last_seen "
        " FROM leads WHERE seller_id != '' {where} GROUP BY platform, seller_id HAVING count(*) >= ? "
        " ORDER BY confirmed DESC, leads DESC, platform, seller_id {limit}) g "
        "ORDER BY g.confirmed DESC, g.leads DESC, g.platform, g.seller_id")

    def seller(self, platform: str, seller_id: str) -> SellerSummary | None:
        rows = self._read(self._SELLERS.format(where="AND platform = ? AND seller_id = ?", limit=""),
                          (platform, seller_id, 1))
        return SellerSummary(*rows[0]) if rows else None

    def sellers(self, limit: int = 50, min_leads: int = 1) -> list[SellerSummary]:
        rows = self._read(self._SELLERS.format(where="", limit=f"LIMIT {int(limit)}" if limit else ""),
                          (min_leads,))
        return [SellerSummary(*row) for row in rows]

    def seller_leads(self, platform: str, seller_id: str, limit: int = 0) -> list[StoredLead]:
        with self._connection() as db:
            rows = db.execute(f"SELECT {_LEAD_COLUMNS} FROM leads l JOIN listings s ON s.rowid = l.listing "
                              "WHERE l.platform = ? AND l.seller_id = ? ORDER BY l.first_seen DESC, l.id"
                              + (f" LIMIT {int(limit)}" if limit else ""), (platform, seller_id)).fetchall()
            return self._stored(rows, db)

    def seller_links(self) -> list[tuple[str, str, str, str]]:
        """The link values of the current listing of every lead with a seller (as
        index.sellers.link_rows gives them), kept in ``listing_links`` when a listing is written
        or changes, so a changed listing never leaves a stale link and no listing is re-read."""
        return self._read("SELECT DISTINCT l.platform, l.seller_id, k.kind, k.value FROM leads l "
                          "JOIN listing_links k ON k.listing = l.listing WHERE l.seller_id != '' "
                          "ORDER BY 1, 2, 3, 4")

    def seller_confirmations(self, sellers: Sequence[tuple[str, str]] | None = None
                             ) -> dict[tuple[str, str], list[str]]:
        counted = ",".join("?" * len(COUNTED_STATUSES))
        sql = ("SELECT l.platform, l.seller_id, max(t.at) FROM leads l JOIN transitions t ON t.lead = l.rowid "
               f"WHERE t.to_status = 'confirmed' AND l.status IN ({counted}) {{where}} GROUP BY l.rowid")
        statuses = sorted(COUNTED_STATUSES)
        found: dict[tuple[str, str], list[str]] = {}
        if sellers is None:
            rows = self._read(sql.format(where=""), statuses)
        else:
            rows = []
            for platform, seller_id in dict.fromkeys(sellers):
                rows += self._read(sql.format(where="AND l.platform = ? AND l.seller_id = ?"),
                                   [*statuses, platform, seller_id])
        for platform, seller_id, at in rows:
            found.setdefault((platform, seller_id), []).append(at)
        return found

    # -- platform linkage (index/linkage_sqlite.py) -------------------------------------------------
    @property
    def linkage(self) -> Any:
        """The :class:`index.linkage.LinkageStore` in this database, through this store's writer."""
        with self._lock:
            if self._linkage is None:
                from index.linkage_sqlite import linkage_of_sqlite_store

                self._linkage = linkage_of_sqlite_store(self)
            return self._linkage

    # -- housekeeping ----------------------------------------------------------------------------
    def flush(self) -> None:
        """Commits are durable when each call returns; this also folds the WAL into the file."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        with self._opening:
            readers, self._readers = self._readers, []
        for reader in readers:
            with reader.lock:
                reader.db.close()
        with self._lock:
            if self._db is None:
                return
            try:
                if self._wrote:  # refresh the planner's statistics when worth it; a reader never
                    self._db.execute("PRAGMA optimize")  # writes (it would wait for a busy writer)
            finally:
                self._db.close()
                self._db = None  # type: ignore[assignment]

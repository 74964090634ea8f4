"""The SQLite store's tables, indexes and connection settings.

Why these settings: WAL lets searches read while ``markwatch index`` writes, and a killed writer
leaves only an uncommitted tail that SQLite drops on the next open (nothing half-written is ever
visible); ``synchronous=NORMAL`` in WAL mode keeps every commit across a process crash (only a
power cut may lose the last commits, never corrupt the file) at a fraction of FULL's fsyncs.

JSON (listing bodies, reasons, evidence references) is stored as orjson's UTF-8 bytes (BLOBs): no
decoding on the bulk path; SQLite's json functions are not used on them.

Why this shape: a lead row carries copies of what it is filtered and faceted by (right kind,
platform, seller, province, status), so a search is one table plus the full-text table, and each
facet is counted by ``GROUP BY`` over the matched rows — or, for a search without full text, score
or date range, read from the count tables kept with every write (:mod:`index.sqlite_counts`).
Each lead also carries two integer keys, ``combo`` (its row of ``lead_combos``: right, kind,
platform, province, status) and ``seller_key`` (its row of ``seller_counts``), and
``leads_by_listing`` (listing, combo, seller_key, score, first_seen) holds what a search filters
and counts by, so a full-text search finds, filters and counts its leads from that index alone,
never reading the lead rows (:mod:`index.sqlite_search`). Listing text lives once per listing (several leads share it)
in a contentless FTS5 table keyed by the listing's rowid; ``contentless_delete`` lets a changed
listing replace its tokens. Earlier versions of a listing move to
``listing_versions``; the current one stays in ``listings``.

The SQLite is sqlean.py's (3.45+; FTS5, ``contentless_delete`` needs 3.43), not the system's.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import sqlean as sqlite3

from index import sqlite_counts

sqlite3.register_adapter(bytes, bytes)
"""Why: the sqlite3 module binds an exact int, float or str at once, but looks every other value's
type up among the adapters and then asks the value for ``__conform__`` — an AttributeError made
and dropped for each bytes value bound (a listing's body, a lead's reasons and reason codes:
three a lead). With bytes registered the lookup finds ``bytes`` (which returns the value itself)
and the value binds as the BLOB it was. Measured, 100k rows of two bytes values and an int into an
in-memory table: 4.7 -> 2.2-3.0 µs a row; the bulk writer's instructions (valgrind, 20k leads) fell
by the AttributeErrors' share (PyErr_Format, 3.7 % of them). Process-wide and harmless: a bytes
value binds as before in every connection."""

SCHEMA_VERSION = 6
"""1: first layout; 2: adds ``leads_by_place``; 3: adds the facet count tables and their triggers
(:mod:`index.sqlite_counts`) and ``listing_links``; 4: the count tables' rows become keys, each lead
carries its two (``combo``, ``seller_key``) and ``leads_by_listing`` holds those instead of the
text columns; 5: drops schema 4's ``leads_keyed`` insert trigger (the writer gives the keys);
6: adds ``leads_by_combo`` (see :data:`COMBO_INDEX`).
Opening an older store migrates it (:data:`MIGRATIONS`)."""

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=30000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-131072",  # 128 MiB of page cache
    "PRAGMA mmap_size=1073741824",
    "PRAGMA foreign_keys=OFF",
)

PAGE_SIZE = "PRAGMA page_size=16384"
"""The page size a new store is made with (before its first table; a store made with another keeps
its own, SQLite changes it only by VACUUM). Why 16 KiB, not SQLite's 4 KiB: a lead and its listing
are ≈1.6 KiB over six tables and eight indexes, written to the WAL and then to the store a page at
a time; bigger pages mean a quarter of the writes and fewer page splits. Measured (issue 7), the
bulk writer alone, 100k prepared leads into a new store, alternated twice: 5.45/5.40 -> 5.20/5.22
CPU-s (system time 0.92/0.90 -> 0.71/0.66); its instructions (valgrind, 20k leads) 253k -> 249k a
lead. 8, 32 and 64 KiB were not better than 16 within this machine's noise."""

LINKS = """
CREATE TABLE IF NOT EXISTS listing_links (
    listing INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (listing, kind, value)) WITHOUT ROWID;
"""
"""Seller link values of each current listing (index.sellers.listing_links), written with the listing."""

COMBO_INDEX = "CREATE INDEX IF NOT EXISTS leads_by_combo ON leads (combo, score, seller_key, first_seen)"
"""Schema 6: the leads of some combinations, by score, with the keys they are counted by. A
search without full text that filters on the five combination facets (and perhaps a score or
date range, or a seller) reads only the entries of its combinations — and of those, only the
scores in its range — instead of all of ``leads_by_listing`` (measured at 1M leads: kind=gi with
min_score 0.7, 200k leads, 23 instead of 111 ms; a province and a status, 167k leads, 29 instead
of 84 ms, for the seller facet the count tables cannot give). Built in ≈2 CPU-s at 1M leads."""

LEAD_INDEXES: dict[str, str] = {
    "leads_by_score": "CREATE INDEX IF NOT EXISTS leads_by_score ON leads (score DESC, id)",
    "leads_by_date": "CREATE INDEX IF NOT EXISTS leads_by_date ON leads (first_seen DESC, id)",
    "leads_by_listing": "CREATE INDEX IF NOT EXISTS leads_by_listing ON leads (listing, combo, seller_key, score, "
                        "first_seen)",
    "leads_by_right": "CREATE INDEX IF NOT EXISTS leads_by_right ON leads (right_id)",
    "leads_by_seller": "CREATE INDEX IF NOT EXISTS leads_by_seller ON leads (platform, seller_id)",
    "leads_by_status": "CREATE INDEX IF NOT EXISTS leads_by_status ON leads (status)",
    "leads_by_place": "CREATE INDEX IF NOT EXISTS leads_by_place ON leads (province, platform, listing)",
    "leads_by_combo": COMBO_INDEX,
}
"""The secondary indexes of ``leads``, by name: what a bulk load into a store small beside it
drops in its first transaction and builds again in its last (:func:`drop_lead_indexes`,
:func:`build_lead_indexes`), and what opening a store builds when a killed load left them missing
(:func:`connect`). Not among them: the UNIQUE index on ``leads.id`` (a constraint, and the writer
looks leads up by it).

Why ``leads_by_right`` and ``leads_by_status`` stay beside ``leads_by_combo`` (issue 7, measured at
100k bench leads, 1 % confirmed, with and without them): their builds cost ≈0.1 CPU-s per 100k
leads of a bulk load (≈2 % of the writer), while without them the kind update of ``put_rights``
(every right, every ``markwatch index`` run) scans every lead (0.4 -> 15.7 ms a right), a histogram
filtered on status or right does too (1 -> 39 ms), a page of a rare right walks ``leads_by_score``
(1.7 -> 7.8 ms) and the linkage's confirmed leads 2.3 -> 6.3 ms; tests/test_index_lead_indexes.py
checks those reads still seek."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rights (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS listings (
    rowid INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    body TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    version_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS listing_versions (
    rowid INTEGER PRIMARY KEY, listing INTEGER NOT NULL, content_hash TEXT NOT NULL,
    body TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS listing_versions_by_listing ON listing_versions (listing);
CREATE TABLE IF NOT EXISTS leads (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, listing INTEGER NOT NULL,
    url TEXT NOT NULL, right_id TEXT NOT NULL, score REAL NOT NULL, reasons TEXT NOT NULL,
    reason_codes TEXT NOT NULL, listing_hash TEXT NOT NULL, kind TEXT NOT NULL,
    platform TEXT NOT NULL, seller_id TEXT NOT NULL, seller_name TEXT NOT NULL,
    province TEXT NOT NULL, status TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, combo INTEGER NOT NULL DEFAULT 0, seller_key INTEGER NOT NULL DEFAULT 0);
""" + ";\n".join(LEAD_INDEXES.values()) + """;
CREATE VIRTUAL TABLE IF NOT EXISTS listing_text USING fts5 (
    title, description, seller, content='', contentless_delete=1, tokenize='ascii');
CREATE TABLE IF NOT EXISTS transitions (
    rowid INTEGER PRIMARY KEY, lead INTEGER NOT NULL, from_status TEXT NOT NULL,
    to_status TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS transitions_by_lead ON transitions (lead);
CREATE TABLE IF NOT EXISTS evidence (
    rowid INTEGER PRIMARY KEY, url TEXT NOT NULL, ref TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS evidence_by_url ON evidence (url);
""" + LINKS + sqlite_counts.SCHEMA


LISTING_INDEX = "CREATE INDEX leads_by_listing ON leads (listing, combo, seller_key, score, first_seen)"


def _keys(conn: sqlite3.Connection) -> None:
    """Schema 4: the count tables again with their rows as keys, each lead's keys, the new
    ``leads_by_listing`` (≈30 s at 1M leads, once)."""
    for statement in _statements(sqlite_counts.DROP):
        conn.execute(statement)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(leads)")}
    for column in ("combo", "seller_key"):
        if column not in columns:
            conn.execute(f"ALTER TABLE leads ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    conn.execute("DROP INDEX IF EXISTS leads_by_listing")
    for statement in _statements(sqlite_counts.SCHEMA + sqlite_counts.FILL):
        conn.execute(statement)
    conn.execute(LISTING_INDEX)


MIGRATIONS: dict[int, Any] = {
    2: "CREATE INDEX IF NOT EXISTS leads_by_place ON leads (province, platform, listing)",
    3: LINKS,
    4: _keys,
    5: "DROP TRIGGER IF EXISTS leads_keyed",
    6: COMBO_INDEX,
}
"""What turns a store of the version before into this version (SQL, or a function of the
connection; one transaction with the rest)."""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the store at ``path`` with the settings above, schema in place.

    ``isolation_level=None``: the store opens its own transactions (``BEGIN IMMEDIATE``), so a
    batch is exactly one transaction and no implicit one is left open between calls."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute(PAGE_SIZE)  # a no-op unless the file is new (and still empty)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise RuntimeError(f"{path} holds store schema {version}, newer than this markwatch's "
                           f"{SCHEMA_VERSION}; use the markwatch that wrote it, or upgrade")
    if version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have created or migrated it meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                for statement in _statements(SCHEMA):
                    conn.execute(statement)
            for step in range(version + 1, SCHEMA_VERSION + 1) if version else ():
                if callable(MIGRATIONS[step]):
                    MIGRATIONS[step](conn)
                else:
                    for statement in _statements(MIGRATIONS[step]):
                        conn.execute(statement)
                if step == 3:
                    _fill_links(conn)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    restore_lead_indexes(conn, path)
    return conn


def missing_lead_indexes(conn: sqlite3.Connection) -> list[str]:
    """The :data:`LEAD_INDEXES` the store has not got (a bulk load's, running or killed)."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                               "AND tbl_name = 'leads'")}
    return [name for name in LEAD_INDEXES if name not in present]


def restore_lead_indexes(conn: sqlite3.Connection, path: Path) -> bool:
    """Build the :data:`LEAD_INDEXES` a bulk load killed before its last transaction left missing
    (whether it was killed is what its :class:`LoadLock` says: the kernel drops the lock of a dead
    process); a load still running is left alone, it builds them when it ends, and readers meanwhile
    plan without them. Returns whether it built any. Costs one query when nothing is missing."""
    if not missing_lead_indexes(conn):
        return False
    lock = LoadLock(path)
    if not lock.acquire():
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            build_lead_indexes(conn)  # IF NOT EXISTS: another process may have built them meanwhile
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        lock.release()
    return True


def drop_lead_indexes(conn: sqlite3.Connection) -> None:
    """Drop the :data:`LEAD_INDEXES` (inside the caller's transaction, holding a :class:`LoadLock`)."""
    for name in LEAD_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def build_lead_indexes(conn: sqlite3.Connection) -> None:
    """Create the :data:`LEAD_INDEXES` that are missing (inside the caller's transaction)."""
    for statement in LEAD_INDEXES.values():
        conn.execute(statement)


class LoadLock:
    """An exclusive ``flock`` on ``<store>-loading``, held by a bulk load while the store's lead
    indexes are dropped, and by whoever builds them again.

    Why a lock file and not a row of the store: a row says a load began, not whether it is still
    running; the kernel releases the lock of a process however it ends (SIGKILL included), so an
    opener that gets the lock knows the indexes' absence is a dead load's, and one that does not
    knows a load is running. Where ``fcntl`` is missing (Windows) the lock is never had: no load
    defers its indexes there, and nothing rebuilds."""

    def __init__(self, store_path: Path | str):
        self.path = Path(f"{store_path}-loading")
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another holder has it (or no flock here)."""
        try:
            import fcntl
        except ImportError:
            return False
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the only descriptor of the lock releases it


def _fill_links(conn: sqlite3.Connection) -> None:
    """``listing_links`` of a store written before schema 3: read once from every listing."""
    import orjson

    from index.sellers import listing_links

    rows = conn.execute("SELECT rowid, body FROM listings").fetchall()
    conn.executemany("INSERT OR IGNORE INTO listing_links (listing, kind, value) VALUES (?, ?, ?)",
                     [(rowid, kind, value) for rowid, body in rows for kind, value in listing_links(orjson.loads(body))])


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


@contextmanager
def write_transaction(db: sqlite3.Connection, lock: "threading.RLock", path: Path | str,
                      holder: str) -> Iterator[sqlite3.Connection]:
    """One write transaction on ``db`` (all or nothing), holding ``lock`` and SQLite's write lock from
    the start (BEGIN IMMEDIATE); ``holder`` names what another process may hold in the error. The lead
    store and the linkage store both write this way."""
    from index.store import StoreError

    with lock:
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{path}: cannot start writing ({exc}); another process may hold "
                             f"{holder} for longer than 30 s") from exc
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

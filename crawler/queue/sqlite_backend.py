"""The leased queue in one local SQLite file: the single-process crawl (``--resume DIR``), and any
crawl without ``--redis`` (in memory then).

Why SQLite rather than Scrapy's JOBDIR queues: those write the queue's state only on a graceful stop
(scrapy#4106), so a crawl killed with SIGKILL and resumed finds every request seen and none queued.
Here every push, lease and acknowledgement is one committed transaction (WAL, ``synchronous=NORMAL``:
it survives the process being killed, which is what a crawl must survive), so a resumed crawl finds
exactly what was queued, and takes back what the dead process had leased.

One crawl at a time per file: the directory is locked (``flock``) while a crawl uses it, so every
lease found at start belongs to a process that is gone.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sqlite3
import uuid
from pathlib import Path
from typing import IO, Iterable

from crawler.queue.backend import Counts, Pushed, QueueBackend, Taken

DB_FILE = "markwatch-queue.sqlite"
LOCK_FILE = "markwatch-queue.lock"

SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    id INTEGER PRIMARY KEY,
    payload BLOB NOT NULL,
    priority INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ready', 'delayed', 'leased')),
    due REAL,
    owner TEXT,
    deadline REAL
);
CREATE INDEX IF NOT EXISTS entry_by_state ON entry (state, priority DESC, id DESC);
CREATE INDEX IF NOT EXISTS entry_by_due ON entry (state, due);
CREATE INDEX IF NOT EXISTS entry_by_deadline ON entry (state, deadline);
CREATE TABLE IF NOT EXISTS seen (fingerprint TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS listing (url TEXT PRIMARY KEY, entry TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
"""


class QueueLockedError(RuntimeError):
    """Another crawl is using the same resume directory."""


class SqliteBackend(QueueBackend):
    """``directory`` None: an in-memory queue (a crawl without --resume: nothing to resume from)."""

    def __init__(self, directory: str | os.PathLike[str] | None, worker: str | None = None):
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.path: Path | None = None
        self._lock: IO[str] | None = None
        if directory is not None:
            folder = Path(directory)
            folder.mkdir(parents=True, exist_ok=True)
            self._lock = (folder / LOCK_FILE).open("a+", encoding="utf-8")
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._lock.seek(0)
                holder = self._lock.read().strip() or "another process"
                self._lock.close()
                raise QueueLockedError(
                    f"another crawl ({holder}) is using {folder}: wait for it to end, or give this one "
                    "its own --resume directory") from None
            self._lock.seek(0)
            self._lock.truncate()
            self._lock.write(f"pid {os.getpid()}\n")
            self._lock.flush()
            self.path = folder / DB_FILE
        self.db = sqlite3.connect(str(self.path) if self.path else ":memory:", isolation_level=None,
                                  check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def describe(self) -> str:
        return f"local queue {self.path}" if self.path else "in-memory queue"

    # -- helpers -------------------------------------------------------------------------------
    def _bump(self, name: str, by: int = 1) -> None:
        if by:
            self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value", (f"count:{name}", by))

    def _meta(self, key: str) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def _transaction(self) -> "_Tx":
        return _Tx(self.db)

    # -- QueueBackend ----------------------------------------------------------------------------
    def begin(self, now: float) -> bool:
        with self._transaction():
            if self._meta("finished"):  # the last crawl of this job ended: this is the next one
                for table in ("entry", "seen", "listing", "meta"):
                    self.db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
                self._bump("restarted")
            taken_back = self.db.execute(
                "UPDATE entry SET state = 'ready', owner = NULL, deadline = NULL WHERE state = 'leased'").rowcount
            self._bump("requeued", taken_back)
        return True

    def push(self, fingerprint: str | None, payload: bytes, priority: int, now: float, delay: float = 0.0,
             budgeted: bool = False, budget: int | None = None) -> Pushed:
        with self._transaction():
            if fingerprint is not None and self.db.execute(
                    "SELECT 1 FROM seen WHERE fingerprint = ?", (fingerprint,)).fetchone():
                self._bump("seen")
                return Pushed.SEEN
            if budgeted and budget is not None and self._meta("budget") >= budget:
                self._bump("over_budget")
                return Pushed.OVER_BUDGET
            if fingerprint is not None:
                self.db.execute("INSERT INTO seen(fingerprint) VALUES (?)", (fingerprint,))
            if budgeted:
                self.db.execute("INSERT INTO meta(key, value) VALUES ('budget', 1) "
                                "ON CONFLICT(key) DO UPDATE SET value = value + 1")
            if delay > 0:
                self.db.execute("INSERT INTO entry(payload, priority, state, due) VALUES (?, ?, 'delayed', ?)",
                                (payload, priority, now + delay))
                self._bump("delayed")
            else:
                self.db.execute("INSERT INTO entry(payload, priority, state) VALUES (?, ?, 'ready')",
                                (payload, priority))
            self._bump("pushed")
        return Pushed.QUEUED

    def take(self, now: float, lease_seconds: float) -> Taken | None:
        with self._transaction():
            self.db.execute("UPDATE entry SET state = 'ready', due = NULL WHERE state = 'delayed' AND due <= ?", (now,))
            expired = self.db.execute("UPDATE entry SET state = 'ready', owner = NULL, deadline = NULL "
                                      "WHERE state = 'leased' AND deadline < ?", (now,)).rowcount
            self._bump("requeued", expired)
            row = self.db.execute("SELECT id, payload FROM entry WHERE state = 'ready' "
                                  "ORDER BY priority DESC, id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            self.db.execute("UPDATE entry SET state = 'leased', owner = ?, deadline = ? WHERE id = ?",
                            (self.worker, now + lease_seconds, row[0]))
            self._bump("taken")
        return Taken(str(row[0]), bytes(row[1]))

    def ack(self, entries: Iterable[str]) -> int:
        others = 0
        with self._transaction():
            for entry in entries:
                row = self.db.execute("SELECT state, owner FROM entry WHERE id = ?", (int(entry),)).fetchone()
                if row is None:
                    continue
                if row[0] == "leased" and row[1] != self.worker:
                    others += 1
                    continue
                self.db.execute("DELETE FROM entry WHERE id = ?", (int(entry),))
                self._bump("acked")
            self._bump("late_acks", others)
        return others

    def extend(self, entries: Iterable[str], now: float, lease_seconds: float) -> list[str]:
        lost: list[str] = []
        with self._transaction():
            for entry in entries:
                changed = self.db.execute("UPDATE entry SET deadline = ? WHERE id = ? AND state = 'leased' AND owner = ?",
                                          (now + lease_seconds, int(entry), self.worker)).rowcount
                if not changed:
                    lost.append(entry)
        return lost

    def release(self, entries: Iterable[str]) -> None:
        with self._transaction():
            for entry in entries:
                released = self.db.execute("UPDATE entry SET state = 'ready', owner = NULL, deadline = NULL "
                                           "WHERE id = ? AND state = 'leased' AND owner = ?",
                                           (int(entry), self.worker)).rowcount
                self._bump("released", released)

    def claim_listing(self, url: str, entry: str) -> bool:
        with self._transaction():
            row = self.db.execute("SELECT entry FROM listing WHERE url = ?", (url,)).fetchone()
            if row is None:
                self.db.execute("INSERT INTO listing(url, entry) VALUES (?, ?)", (url, entry))
                return True
        return bool(entry) and row[0] == entry

    def budget_used(self) -> int:
        return self._meta("budget")

    def counts(self) -> Counts:
        by_state = dict(self.db.execute("SELECT state, COUNT(*) FROM entry GROUP BY state").fetchall())
        return Counts(ready=by_state.get("ready", 0), delayed=by_state.get("delayed", 0),
                      leased=by_state.get("leased", 0))

    def has_work(self) -> bool:
        return self.db.execute("SELECT 1 FROM entry LIMIT 1").fetchone() is not None

    def next_due(self) -> float | None:
        row = self.db.execute("SELECT MIN(due) FROM entry WHERE state = 'delayed'").fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def stats(self) -> dict[str, int]:
        rows = self.db.execute("SELECT key, value FROM meta WHERE key LIKE 'count:%'").fetchall()
        return {key.removeprefix("count:"): int(value) for key, value in rows}

    def finish(self, now: float) -> bool:
        with self._transaction():
            if self.db.execute("SELECT 1 FROM entry LIMIT 1").fetchone():
                return False
            self.db.execute("INSERT INTO meta(key, value) VALUES ('finished', ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (int(now),))
        return True

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()  # closing the file releases the flock
            self._lock = None


class _Tx:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on an error): one atomic step."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")

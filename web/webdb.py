"""The web service's own small SQLite database (``data_dir/web.sqlite``): users, and whatever
else belongs to the workbench and not to the leads (saved searches, API keys of analysts, …).

Why not the lead store: users and saved searches are not leads. The LeadStore protocol has two
backends (SQLite, a search node); keeping accounts out of it means either backend works with the
same login, and the store's contract stays about leads. Each area of the web service declares its
own tables with :meth:`WebDatabase.ensure_schema` (``CREATE TABLE IF NOT EXISTS …``) when the app
is built, so no area edits another's module to add a table.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

WEB_DB_FILE = "web.sqlite"
"""The web service's database inside ``data_dir``."""


class WebDatabase:
    """One SQLite connection shared by the service's threads (serialised by a lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                   timeout=30.0)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._lock = threading.RLock()

    def ensure_schema(self, script: str) -> None:
        """Run idempotent DDL (``CREATE TABLE IF NOT EXISTS …; CREATE INDEX IF NOT EXISTS …``)."""
        with self._lock:
            self._db.executescript(script)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (all or nothing)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()

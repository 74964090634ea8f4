"""The record of routine passes: ``DATA_DIR/jobs.sqlite``, table ``runs``.

Why a small database of its own and not the lead store: the store protocol holds what was found
(leads, listings, their lifecycle) and has two backends; a run is the routine's own bookkeeping,
written while the crawls it started are writing the store, needed the same way whichever backend
holds the leads, and tiny (one row a night). Plain SQLite (WAL, one short transaction per write)
also survives a run killed mid-way: its row stays ``running`` until the next pass, holding the
lock, marks it ``crashed``.

Why in ``index``: the routine (jobs/) writes it, the workbench's /runs page and ``markwatch
schedule status`` read it, and ``web`` may not import ``jobs``.

A run row: when it was due (``slot``), why it ran (``trigger``: cron | catch_up | once | demo),
the campaigns running then, its status (running | ok | failed | crashed | skipped), totals and the
figures of each platform (pages, listings, new leads, errors, re-checked, still online, duration).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DB_FILE = "jobs.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slot TEXT NOT NULL,
    trigger TEXT NOT NULL,
    missed INTEGER NOT NULL DEFAULT 0,
    campaigns TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    pid INTEGER,
    pages INTEGER NOT NULL DEFAULT 0,
    listings INTEGER NOT NULL DEFAULT 0,
    new_leads INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    duration REAL NOT NULL DEFAULT 0,
    platforms TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_slot ON runs (slot);
"""

STATUSES = ("running", "ok", "failed", "crashed", "skipped")


@dataclass
class PlatformStats:
    """What one platform's crawl did in a run."""

    pages: int = 0
    listings: int = 0
    new_leads: int = 0
    errors: int = 0
    """Bad pages and failed requests."""
    rechecked: int = 0
    """Known listings put in the crawl to be looked at again."""
    still_online: int = 0
    """Listings reported removed that the crawl found online (``still_online`` leads)."""
    duration: float = 0.0
    status: str = "ok"
    """ok | failed | skipped (outside its window)."""
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Run:
    id: int
    slot: str
    trigger: str
    missed: int
    campaigns: list[str]
    started_at: str
    finished_at: str | None
    status: str
    pid: int | None
    pages: int = 0
    listings: int = 0
    new_leads: int = 0
    errors: int = 0
    duration: float = 0.0
    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class RunLog:
    """The runs table (opened per call: a pass and a status command may use it at once)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / DB_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.row_factory = sqlite3.Row
        return db

    def start(self, slot: str, trigger: str, started_at: str, pid: int, missed: int = 0,
              campaigns: list[str] | None = None) -> int:
        with closing(self._connect()) as db:
            cur = db.execute("INSERT INTO runs (slot, trigger, missed, campaigns, started_at, status, pid) "
                             "VALUES (?, ?, ?, ?, ?, 'running', ?)",
                             (slot, trigger, missed, json.dumps(campaigns or [], ensure_ascii=False), started_at, pid))
            return int(cur.lastrowid)

    def finish(self, run_id: int, finished_at: str, status: str, platforms: dict[str, PlatformStats],
               duration: float, note: str = "") -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        rows = {name: p.to_json() for name, p in platforms.items()}
        total = lambda key: sum(int(p.get(key, 0)) for p in rows.values())  # noqa: E731
        with closing(self._connect()) as db:
            db.execute("UPDATE runs SET finished_at=?, status=?, pages=?, listings=?, new_leads=?, errors=?, "
                       "duration=?, platforms=?, note=? WHERE id=?",
                       (finished_at, status, total("pages"), total("listings"), total("new_leads"), total("errors"),
                        duration, json.dumps(rows, ensure_ascii=False), note, run_id))

    def mark_crashed(self, pid: int, note: str) -> int:
        """Runs left ``running`` by process ``pid`` (it died): ``crashed``. Returns how many."""
        with closing(self._connect()) as db:
            cur = db.execute("UPDATE runs SET status='crashed', note=? WHERE status='running' AND pid=?", (note, pid))
            return cur.rowcount

    def last_slot(self) -> str | None:
        """The slot of the latest run that started (any status): the schedule goes on from there."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT max(slot) FROM runs WHERE status != 'skipped'").fetchone()
        return row[0] if row and row[0] else None

    def last(self, limit: int = 10) -> list[Run]:
        """The latest runs, newest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_run(row) for row in rows]

    def get(self, run_id: int) -> Run | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        return _run(row) if row else None


def _run(row: sqlite3.Row) -> Run:
    data = dict(row)
    data["campaigns"] = json.loads(data["campaigns"] or "[]")
    data["platforms"] = json.loads(data["platforms"] or "{}")
    return Run(**data)

"""The :class:`~index.linkage.LinkageStore` in SQLite, for both lead-store backends.

Why one class for both: the linkage's own rows (parties, keys, notices, items, outbox, attempts,
dispositions, tips) are the same whatever holds the leads; only two things differ, and they sit in
a small "lead side" object:

- how a write transaction is opened: on the SQLite backend it is the lead store's own
  ``BEGIN IMMEDIATE`` (:meth:`index.sqlite_store.SQLiteStore._write`), so a notice, its items,
  outbox and clue rows and the leads' step confirmed → notified commit together or not at all; beside
  a search node it is a transaction of ``linkage.sqlite``;
- how leads are stepped: the SQLite backend calls
  :meth:`~index.sqlite_store.SQLiteStore.transition_in` inside that transaction; the node side
  writes the steps as pending *moves* in the linkage transaction and applies them through the node
  after the commit (:meth:`_NodeLeads.settle`), and again at the next write if the process died in
  between. A lead with a pending move to ``notified`` is never put into a second notice.

Cost: ``create_due_notices`` plans every due chunk from one query (lead id, platform, right, time
of the latest confirmation) and reads the leads of a chunk only inside its own transaction:
6,000 confirmed leads → 50 notices with clues and outbox rows in 0.66 CPU-s on SQLite (2026-12-02,
this shared 2-core machine). Beside a node the plan costs one search and one ``mget``.

Times are stored in one canonical form (:func:`canon`: ``2026-11-26T02:13:00.000000Z``) so that
SQL compares them as strings correctly whatever form a caller passed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import statistics
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import orjson
import sqlean as sqlite3

from index.linkage import (COUNTER_NOTICE_DAYS, DISPOSITIONS, PARTY_KINDS, Credentials, Delivery, DispositionError,
                           Endpoint, LinkageError, NoticeComposer, NoticeDraft, UnknownParty, default_composer)
from index.sqlite_schema import PRAGMAS, write_transaction
from index.store import SearchQuery, StoredLead, StoreError, TransitionError, utc_now

ACTOR = "linkage"
"""The actor of the lead steps the linkage makes (notices, dispositions, re-crawls)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS linkage_parties (
    kind TEXT NOT NULL, name TEXT NOT NULL, webhook_url TEXT, enabled INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT NOT NULL DEFAULT '', regions TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL,
    PRIMARY KEY (kind, name));
CREATE TABLE IF NOT EXISTS linkage_keys (
    key_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL,
    revoked_at TEXT);
CREATE INDEX IF NOT EXISTS linkage_keys_by_party ON linkage_keys (kind, name);
CREATE TABLE IF NOT EXISTS linkage_secrets (
    rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, secret TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT);
CREATE INDEX IF NOT EXISTS linkage_secrets_by_party ON linkage_secrets (kind, name);
CREATE TABLE IF NOT EXISTS linkage_notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc_kind TEXT NOT NULL,
    party_kind TEXT NOT NULL, party_name TEXT NOT NULL, platform TEXT NOT NULL, right_id TEXT NOT NULL,
    parent_id TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, status TEXT NOT NULL, body BLOB NOT NULL,
    disposition TEXT NOT NULL DEFAULT '', disposition_reason TEXT NOT NULL DEFAULT '',
    declaration TEXT NOT NULL DEFAULT '', disposed_at TEXT, deadline TEXT, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS linkage_notices_by_party ON linkage_notices (party_kind, party_name, seq);
CREATE INDEX IF NOT EXISTS linkage_notices_by_parent ON linkage_notices (parent_id);
CREATE TABLE IF NOT EXISTS linkage_items (
    notice_seq INTEGER NOT NULL, position INTEGER NOT NULL, lead_id TEXT NOT NULL, url TEXT NOT NULL,
    PRIMARY KEY (notice_seq, position));
CREATE INDEX IF NOT EXISTS linkage_items_by_lead ON linkage_items (lead_id);
CREATE INDEX IF NOT EXISTS linkage_items_by_url ON linkage_items (url);
CREATE TABLE IF NOT EXISTS linkage_moves (
    rowid INTEGER PRIMARY KEY, lead_id TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL,
    at TEXT NOT NULL, note TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS linkage_moves_pending ON linkage_moves (done, lead_id);
CREATE TABLE IF NOT EXISTS linkage_outbox (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, notice_id TEXT NOT NULL, kind TEXT NOT NULL,
    name TEXT NOT NULL, payload BLOB NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, next_at TEXT,
    leased_until TEXT, status TEXT NOT NULL DEFAULT 'pending', last_status INTEGER,
    last_error TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS linkage_outbox_due ON linkage_outbox (status, next_at);
CREATE INDEX IF NOT EXISTS linkage_outbox_by_notice ON linkage_outbox (notice_id);
CREATE TABLE IF NOT EXISTS linkage_attempts (
    rowid INTEGER PRIMARY KEY, delivery_id TEXT NOT NULL, at TEXT NOT NULL, status INTEGER,
    error TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS linkage_attempts_by_delivery ON linkage_attempts (delivery_id);
CREATE TABLE IF NOT EXISTS linkage_tips (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, right_id TEXT,
    source TEXT NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL,
    updated_at TEXT NOT NULL, lead_ids TEXT NOT NULL DEFAULT '[]')
"""

_TABLES = SCHEMA.count("CREATE TABLE")
TIP_STATUSES = ("new", "crawled", "matched", "unmatched", "failed")
_KEY_PREFIX = {"platform": "mwp_", "office": "mwo_"}


# -- times ----------------------------------------------------------------------------------------------

def parse_time(value: str) -> datetime:
    """An ISO 8601 time as an aware UTC datetime (a time without zone is taken as UTC)."""
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise LinkageError(f"{value!r} is not an ISO 8601 time (e.g. 2026-11-26T02:13:00Z)") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canon(value: str | None) -> str:
    """``value`` in the one form stored (now when None)."""
    return utc_now() if value is None else format_time(parse_time(value))


def shifted(value: str, seconds: float) -> str:
    return format_time(parse_time(value) + timedelta(seconds=seconds))


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def new_api_key(kind: str) -> str:
    return _KEY_PREFIX[kind] + secrets.token_urlsafe(32)


def new_webhook_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes (Standard Webhooks: 24 to 64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def new_webhook_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def _check_kind(kind: str) -> None:
    if kind not in PARTY_KINDS:
        raise LinkageError(f"party kind {kind!r}: use one of {', '.join(PARTY_KINDS)}")


def _check_url(url: str | None) -> str | None:
    if url is None or not str(url).strip():
        return None
    url = str(url).strip()
    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise LinkageError(f"webhook URL {url[:80]!r} must be an http:// or https:// URL")
    return url


# -- lead sides -----------------------------------------------------------------------------------------

class _SQLiteLeads:
    """The SQLite backend: the lead store's own connection, lock and write transaction."""

    def __init__(self, store: Any) -> None:
        self.store = store

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.store._write() as db:
            yield db

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.store._read(sql, params)

    def confirmed(self, db: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
        """(lead id, platform, right id, time of its latest confirmation) of every confirmed lead."""
        rows = db.execute("SELECT l.id, l.platform, l.right_id, max(t.at) FROM leads l JOIN transitions t "
                          "ON t.lead = l.rowid WHERE l.status = 'confirmed' AND t.to_status = 'confirmed' "
                          "GROUP BY l.rowid").fetchall()
        return [(i, platform, right_id, canon(when)) for i, platform, right_id, when in rows]

    def still(self, db: sqlite3.Connection, ids: Sequence[str], status: str) -> list[str]:
        """The leads of ``ids`` that are in ``status`` now (read inside the write transaction)."""
        current = self.statuses(ids)
        return [i for i in dict.fromkeys(ids) if current.get(i) == status]

    def leads(self, ids: Sequence[str], planned: bool = False) -> dict[str, StoredLead]:
        found = {}
        for i in dict.fromkeys(ids):
            lead = self.store.get(i)
            if lead is not None:
                found[i] = lead
        return found

    def statuses(self, ids: Sequence[str]) -> dict[str, str]:
        from index.sqlite_write import lookup

        with self.store._lock:
            return dict(lookup(self.store._db, "SELECT id, status FROM leads WHERE id IN ({marks})",
                               list(dict.fromkeys(ids))))

    def forget(self) -> None:
        """Nothing is remembered between calls."""

    def pending_notified(self, db: sqlite3.Connection) -> set[str]:
        return set()

    def move(self, db: sqlite3.Connection, ids: Sequence[str], from_status: str, to_status: str, at: str,
             note: str) -> list[str]:
        """Step the leads of ``ids`` that are in ``from_status`` (others are left as they are)."""
        current = self.statuses(ids)
        chosen = [i for i in dict.fromkeys(ids) if current.get(i) == from_status]
        if chosen:
            self.store.transition_in(db, chosen, to_status, ACTOR, note, at)
        return chosen

    def settle(self) -> None:
        """Nothing is ever pending: the steps commit with the linkage rows."""

    def close(self) -> None:
        """The lead store closes its own connection."""


class _NodeLeads:
    """Beside a search node: ``linkage.sqlite`` of its own; lead steps through the node after commit."""

    def __init__(self, store: Any, path: Path) -> None:
        self.store = store
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30.0)
            for pragma in PRAGMAS:
                self.db.execute(pragma)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the linkage database {self.path}: {exc}") from exc
        self.lock = threading.RLock()
        self._found: dict[str, StoredLead] = {}

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with write_transaction(self.db, self.lock, self.path, "it") as db:
            yield db

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, params).fetchall()

    def confirmed(self, db: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
        pending = self.pending_notified(db)
        leads = [lead for lead in self.store.search(SearchQuery(status=["confirmed"], limit=0, sort="date")).leads
                 if lead.id not in pending]
        docs = self._docs([lead.id for lead in leads])
        found = []
        for lead in leads:
            self._found[lead.id] = lead  # for :meth:`leads` while this run lasts (:meth:`forget`)
            # The node keeps each lead's latest confirmation (``last_confirmed``); a lead without one
            # (written by an older markwatch) costs a history request.
            seen = (docs.get(lead.id) or {}).get("last_confirmed")
            if not seen:
                steps = [t.at for t in self.store.history(lead.id) if t.to_status == "confirmed"]
                seen = max(steps, key=canon) if steps else lead.last_seen
            found.append((lead.id, str(lead.listing.get("platform") or ""), lead.right_id, canon(seen)))
        return found

    def still(self, db: sqlite3.Connection, ids: Sequence[str], status: str) -> list[str]:
        """The planned leads without a pending move (the node was read when planning)."""
        pending = {r[0] for r in db.execute("SELECT lead_id FROM linkage_moves WHERE done = 0").fetchall()}
        return [i for i in dict.fromkeys(ids) if i not in pending]

    def leads(self, ids: Sequence[str], planned: bool = False) -> dict[str, StoredLead]:
        found = {}
        for i in dict.fromkeys(ids):
            lead = self._found.get(i) if planned else None
            lead = lead or self.store.get(i)
            if lead is not None:
                found[i] = lead
        return found

    def _docs(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Status and latest confirmation of each lead, in one request to the node."""
        if not ids:
            return {}
        return self.store._mget(self.store.names.leads, list(ids), source=["status", "last_confirmed"])

    def statuses(self, ids: Sequence[str]) -> dict[str, str]:
        current = {i: doc.get("status", "") for i, doc in self._docs(list(dict.fromkeys(ids))).items()}
        # A step written here and not yet on the node is where the lead is going.
        marks = ",".join("?" * len(current))
        if current:
            for lead_id, to_status in self.read(f"SELECT lead_id, to_status FROM linkage_moves WHERE done = 0 "
                                                f"AND lead_id IN ({marks}) ORDER BY rowid", list(current)):
                current[lead_id] = to_status
        return current

    def forget(self) -> None:
        self._found.clear()

    def pending_notified(self, db: sqlite3.Connection) -> set[str]:
        return {r[0] for r in db.execute("SELECT lead_id FROM linkage_moves WHERE done = 0 AND "
                                         "to_status = 'notified'").fetchall()}

    def move(self, db: sqlite3.Connection, ids: Sequence[str], from_status: str, to_status: str, at: str,
             note: str) -> list[str]:
        current = self.statuses(ids)
        chosen = [i for i in dict.fromkeys(ids) if current.get(i) == from_status]
        db.executemany("INSERT INTO linkage_moves (lead_id, from_status, to_status, at, note) VALUES (?, ?, ?, ?, ?)",
                       [(i, from_status, to_status, at, note) for i in chosen])
        return chosen

    def settle(self) -> None:
        """Apply pending moves through the node, oldest first; a lead no longer in the move's
        from-status (moved meanwhile) is skipped. Idempotent: safe after a crash at any point."""
        with self.lock:
            pending = self.read("SELECT rowid, lead_id, from_status, to_status, at, note FROM linkage_moves "
                                "WHERE done = 0 ORDER BY rowid")
            if not pending:
                return
            groups: dict[tuple[str, str, str, str], list[tuple[int, str]]] = {}
            for rowid, lead_id, from_status, to_status, at, note in pending:
                groups.setdefault((from_status, to_status, at, note), []).append((rowid, lead_id))
            for (from_status, to_status, at, note), rows in groups.items():
                on_node = {i: doc.get("status") for i, doc in self._docs([lead for _, lead in rows]).items()}
                ready = [lead for _, lead in rows if on_node.get(lead) == from_status]
                if ready:
                    try:
                        self.store.transition(ready, to_status, ACTOR, note, at=at)
                    except TransitionError:  # moved by someone else between the read and the step
                        for lead in ready:
                            try:
                                self.store.transition([lead], to_status, ACTOR, note, at=at)
                            except TransitionError:
                                pass
                with self.write() as db:
                    db.executemany("UPDATE linkage_moves SET done = 1 WHERE rowid = ?", [(r,) for r, _ in rows])

    def close(self) -> None:
        with self.lock:
            self.db.close()


# -- the store ------------------------------------------------------------------------------------------

_NOTICE_COLUMNS = ("seq, id, doc_kind, party_kind, party_name, platform, right_id, parent_id, created_at, status, "
                   "body, disposition, disposition_reason, declaration, disposed_at, deadline, updated_at")
_OUTBOX_COLUMNS = ("o.id, o.kind, o.name, p.webhook_url, o.payload, o.attempt, o.next_at, o.notice_id, o.status, "
                   "o.last_status, o.last_error, o.created_at, o.leased_until")


class SQLiteLinkage:
    """:class:`~index.linkage.LinkageStore` over a lead side (:class:`_SQLiteLeads` / :class:`_NodeLeads`)."""

    def __init__(self, side: Any) -> None:
        self.side = side
        tables = {r[0] for r in side.read("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                          "name LIKE 'linkage_%'")}
        if len(tables) < _TABLES:  # created once; afterwards opening never waits for a busy writer
            with side.write() as db:
                for statement in _statements(SCHEMA):
                    db.execute(statement)

    def close(self) -> None:
        self.side.close()

    # -- parties ----------------------------------------------------------------------------------
    def add_platform(self, name: str, webhook_url: str | None = None, now: str | None = None) -> Credentials:
        return self._add_party("platform", name, (), webhook_url, now)

    def add_office(self, name: str, regions: Sequence[str], webhook_url: str | None = None,
                   now: str | None = None) -> Credentials:
        cleaned = tuple(dict.fromkeys(str(r).strip() for r in regions if str(r).strip()))
        if not cleaned:
            raise LinkageError(f"office {name!r}: give the provinces of its jurisdiction (--regions 江苏省,浙江省)")
        return self._add_party("office", name, cleaned, webhook_url, now)

    def _add_party(self, kind: str, name: str, regions: tuple[str, ...], webhook_url: str | None,
                   now: str | None) -> Credentials:
        name = str(name).strip()
        if not name or len(name) > 200:
            raise LinkageError(f"a {kind} needs a name of 1 to 200 characters")
        url = _check_url(webhook_url)
        at = canon(now)
        key, secret = new_api_key(kind), new_webhook_secret()
        with self.side.write() as db:
            if db.execute("SELECT 1 FROM linkage_parties WHERE kind = ? AND name = ?", (kind, name)).fetchone():
                raise LinkageError(f"{kind} {name!r} exists already; use 'markwatch {kind} rotate-key {name}' "
                                   "for a new key")
            db.execute("INSERT INTO linkage_parties (kind, name, webhook_url, regions, created_at) VALUES (?, ?, ?, ?, ?)",
                       (kind, name, url, orjson.dumps(list(regions)).decode(), at))
            db.execute("INSERT INTO linkage_keys (key_hash, kind, name, created_at) VALUES (?, ?, ?, ?)",
                       (key_hash(key), kind, name, at))
            db.execute("INSERT INTO linkage_secrets (kind, name, secret, created_at) VALUES (?, ?, ?, ?)",
                       (kind, name, secret, at))
        return Credentials(name, key, secret)

    def _require(self, db: sqlite3.Connection, kind: str, name: str) -> None:
        _check_kind(kind)
        if not db.execute("SELECT 1 FROM linkage_parties WHERE kind = ? AND name = ?", (kind, name)).fetchone():
            raise UnknownParty(f"no {kind} named {name!r} (see 'markwatch {kind} list')")

    def set_webhook(self, kind: str, name: str, webhook_url: str | None) -> None:
        url = _check_url(webhook_url)
        with self.side.write() as db:
            self._require(db, kind, name)
            db.execute("UPDATE linkage_parties SET webhook_url = ?, enabled = 1, disabled_reason = '' "
                       "WHERE kind = ? AND name = ?", (url, kind, name))

    def rotate_key(self, kind: str, name: str, now: str | None = None) -> str:
        at = canon(now)
        _check_kind(kind)
        key = new_api_key(kind)
        with self.side.write() as db:
            self._require(db, kind, name)
            db.execute("UPDATE linkage_keys SET revoked_at = ? WHERE kind = ? AND name = ? AND revoked_at IS NULL",
                       (at, kind, name))
            db.execute("INSERT INTO linkage_keys (key_hash, kind, name, created_at) VALUES (?, ?, ?, ?)",
                       (key_hash(key), kind, name, at))
        return key

    def revoke_key(self, kind: str, name: str, now: str | None = None) -> None:
        at = canon(now)
        with self.side.write() as db:
            self._require(db, kind, name)
            db.execute("UPDATE linkage_keys SET revoked_at = ? WHERE kind = ? AND name = ? AND revoked_at IS NULL",
                       (at, kind, name))

    def rotate_secret(self, kind: str, name: str, now: str | None = None,
                      overlap_seconds: float = 86400.0) -> str:
        at = canon(now)
        secret = new_webhook_secret()
        with self.side.write() as db:
            self._require(db, kind, name)
            db.execute("UPDATE linkage_secrets SET expires_at = ? WHERE kind = ? AND name = ? AND expires_at IS NULL",
                       (shifted(at, max(0.0, overlap_seconds)), kind, name))
            db.execute("INSERT INTO linkage_secrets (kind, name, secret, created_at) VALUES (?, ?, ?, ?)",
                       (kind, name, secret, at))
        return secret

    def party_for_key(self, api_key: str) -> Endpoint | None:
        if not isinstance(api_key, str) or not api_key or len(api_key) > 512:
            return None
        digest = key_hash(api_key)
        rows = self.side.read("SELECT key_hash, kind, name FROM linkage_keys WHERE key_hash = ? AND revoked_at IS NULL",
                              (digest,))
        if not rows or not hmac.compare_digest(rows[0][0], digest):
            return None
        return self.endpoint(rows[0][1], rows[0][2])

    def signing_secrets(self, kind: str, name: str, now: str | None = None) -> list[str]:
        at = canon(now)
        rows = self.side.read("SELECT secret FROM linkage_secrets WHERE kind = ? AND name = ? AND "
                              "(expires_at IS NULL OR expires_at > ?) ORDER BY expires_at IS NOT NULL, rowid DESC",
                              (kind, name, at))
        return [r[0] for r in rows]

    @staticmethod
    def _endpoint(row: tuple) -> Endpoint:
        kind, name, url, enabled, reason, regions, created = row
        return Endpoint(kind=kind, name=name, webhook_url=url, enabled=bool(enabled),
                        regions=tuple(orjson.loads(regions)), disabled_reason=reason, created_at=created)

    _PARTY = "SELECT kind, name, webhook_url, enabled, disabled_reason, regions, created_at FROM linkage_parties"

    def endpoint(self, kind: str, name: str) -> Endpoint | None:
        rows = self.side.read(f"{self._PARTY} WHERE kind = ? AND name = ?", (kind, name))
        return self._endpoint(rows[0]) if rows else None

    def endpoints(self) -> list[Endpoint]:
        rows = self.side.read(f"{self._PARTY} ORDER BY kind = 'office', name")
        return [self._endpoint(r) for r in rows]

    def disable_endpoint(self, kind: str, name: str, reason: str) -> None:
        with self.side.write() as db:
            self._require(db, kind, name)
            db.execute("UPDATE linkage_parties SET enabled = 0, disabled_reason = ? WHERE kind = ? AND name = ?",
                       (str(reason)[:500], kind, name))

    # -- notices ----------------------------------------------------------------------------------
    def create_due_notices(self, now: str, settle_seconds: float, max_listings: int = 300, *,
                           composer: NoticeComposer | None = None) -> list[str]:
        if max_listings < 1:
            raise LinkageError("max_listings must be at least 1")
        composer = composer or default_composer()
        at = canon(now)
        ready_before = shifted(at, -max(0.0, float(settle_seconds)))
        self.side.settle()
        self.side.forget()
        with self.side.write() as db:  # planned under the write lock: a consistent picture of the leads
            chunks = self._due_chunks(db, ready_before, max_listings)
        created: list[str] = []
        for platform, right_id, planned in chunks:
            with self.side.write() as db:
                # Re-read inside the notice's transaction: another process may have put some of these
                # leads into a notice since, or an analyst dismissed them.
                ids = self.side.still(db, planned, "confirmed")
                if not ids:
                    continue
                found = self.side.leads(ids, planned=True)
                leads = [found[i] for i in ids if i in found]
                created.append(self._write_notice(db, composer, platform, right_id, leads, at, "confirmed"))
            self.side.settle()
        return created

    def _due_chunks(self, db: sqlite3.Connection, ready_before: str,
                    max_listings: int) -> list[tuple[str, str, list[str]]]:
        """(platform, right id, lead ids) of every notice due: groups whose newest confirmation is
        before ``ready_before``, oldest group first, each cut into chunks of ``max_listings`` in order
        of confirmation."""
        groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for lead_id, platform, right_id, confirmed_at in self.side.confirmed(db):
            if not platform:
                continue  # no platform to notify: stays confirmed (the analyst sees it in the workbench)
            groups.setdefault((platform, right_id), []).append((confirmed_at, lead_id))
        due = sorted(((min(members), key, sorted(members)) for key, members in groups.items()
                      if max(members)[0] <= ready_before))
        chunks = []
        for _, (platform, right_id), members in due:
            ids = [lead_id for _, lead_id in members]
            chunks += [(platform, right_id, ids[n:n + max_listings]) for n in range(0, len(ids), max_listings)]
        return chunks

    def _write_notice(self, db: sqlite3.Connection, composer: NoticeComposer, platform: str, right_id: str,
                      leads: list[StoredLead], at: str, from_status: str) -> str:
        """One notice, its items, outbox row, clues (+ their outbox rows) and the leads' step, in ``db``'s
        transaction."""
        right = self._right(right_id)
        seq = self._insert_doc(db, "notice", "platform", platform, platform, right_id, "", at)
        notice_id = f"ntc-{seq:07d}"
        draft = NoticeDraft(notice_id=notice_id, created_at=at, platform=platform, right=right, leads=leads)
        body = composer.compose_notice(draft)
        self._finish_doc(db, seq, notice_id, body, leads)
        self._queue(db, "platform", platform, notice_id, body, at)
        offices = [e for e in self.endpoints() if e.kind == "office"]
        for clue in composer.route_clues(draft, offices):
            if not clue.leads:
                continue
            clue_seq = self._insert_doc(db, "clue", "office", clue.office, platform, right_id, notice_id, at)
            clue_id = f"clu-{clue_seq:07d}"
            clue_body = composer.compose_clue(clue_id, body, clue)
            self._finish_doc(db, clue_seq, clue_id, clue_body, list(clue.leads))
            self._queue(db, "office", clue.office, clue_id, clue_body, at)
        moved = self.side.move(db, [lead.id for lead in leads], from_status, "notified", at, f"notice {notice_id}")
        if len(moved) != len(leads):
            raise TransitionError(f"notice {notice_id}: some of its leads are no longer {from_status}; try again")
        return notice_id

    def _right(self, right_id: str) -> dict[str, Any]:
        store = self.side.store
        right = store.get_right(right_id)
        return dict(right) if right else {"id": right_id}

    @staticmethod
    def _insert_doc(db: sqlite3.Connection, doc_kind: str, party_kind: str, party_name: str, platform: str,
                    right_id: str, parent_id: str, at: str) -> int:
        placeholder = f"pending-{secrets.token_hex(8)}"
        cursor = db.execute("INSERT INTO linkage_notices (id, doc_kind, party_kind, party_name, platform, right_id, "
                            "parent_id, created_at, status, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent', "
                            "x'', ?)", (placeholder, doc_kind, party_kind, party_name, platform, right_id, parent_id,
                                        at, at))
        return int(cursor.lastrowid)

    @staticmethod
    def _finish_doc(db: sqlite3.Connection, seq: int, doc_id: str, body: dict[str, Any],
                    leads: Sequence[StoredLead]) -> None:
        body = {**body, "id": doc_id}
        db.execute("UPDATE linkage_notices SET id = ?, body = ? WHERE seq = ?", (doc_id, orjson.dumps(body), seq))
        db.executemany("INSERT INTO linkage_items (notice_seq, position, lead_id, url) VALUES (?, ?, ?, ?)",
                       [(seq, n, lead.id, lead.url) for n, lead in enumerate(leads)])

    @staticmethod
    def _queue(db: sqlite3.Connection, kind: str, name: str, doc_id: str, body: dict[str, Any], at: str) -> None:
        """An outbox row when the party exists with a webhook (a disabled one's row waits for it)."""
        row = db.execute("SELECT webhook_url FROM linkage_parties WHERE kind = ? AND name = ?", (kind, name)).fetchone()
        if not row or not row[0]:
            return
        db.execute("INSERT INTO linkage_outbox (id, notice_id, kind, name, payload, next_at, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (new_webhook_id(), doc_id, kind, name, orjson.dumps({**body, "id": doc_id}), at, at, at))

    def _doc(self, row: tuple) -> dict[str, Any]:
        (seq, doc_id, doc_kind, party_kind, party_name, platform, right_id, parent_id, created_at, status, body,
         disposition, reason, declaration, disposed_at, deadline, updated_at) = row
        doc = orjson.loads(body)
        doc["status"] = status
        if disposition:
            doc["disposition"] = {"disposition": disposition, "reason": reason, "declaration": declaration,
                                  "at": disposed_at}
        if deadline:
            doc["counter_notice_deadline"] = deadline
        return doc

    def notice(self, notice_id: str) -> dict[str, Any] | None:
        rows = self.side.read(f"SELECT {_NOTICE_COLUMNS} FROM linkage_notices WHERE id = ?", (str(notice_id),))
        return self._doc(rows[0]) if rows else None

    def notice_seq(self, notice_id: str) -> int | None:
        rows = self.side.read("SELECT seq FROM linkage_notices WHERE id = ?", (str(notice_id),))
        return rows[0][0] if rows else None

    def notices(self, platform: str | None = None, status: str | None = None, limit: int = 100,
                before_seq: int | None = None) -> list[dict[str, Any]]:
        clauses, params = ["doc_kind = 'notice'"], []
        if platform:
            clauses.append("platform = ?")
            params.append(platform)
        if status:
            clauses.append("status = ?")
            params.append(status)
        if before_seq is not None:
            clauses.append("seq < ?")
            params.append(int(before_seq))
        sql = f"SELECT {_NOTICE_COLUMNS} FROM linkage_notices WHERE {' AND '.join(clauses)} ORDER BY seq DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [{**self._doc(r), "seq": r[0]} for r in self.side.read(sql, params)]

    def notices_of_lead(self, lead_id: str) -> list[str]:
        rows = self.side.read("SELECT n.id FROM linkage_items i JOIN linkage_notices n ON n.seq = i.notice_seq "
                              "WHERE i.lead_id = ? ORDER BY n.seq", (lead_id,))
        return [r[0] for r in rows]

    def feed(self, kind: str, name: str, after_seq: int, limit: int) -> list[tuple[int, dict[str, Any]]]:
        _check_kind(kind)
        doc_kind = "notice" if kind == "platform" else "clue"
        rows = self.side.read(f"SELECT {_NOTICE_COLUMNS} FROM linkage_notices WHERE party_kind = ? AND party_name = ? "
                              f"AND doc_kind = ? AND seq > ? ORDER BY seq LIMIT ?",
                              (kind, name, doc_kind, int(after_seq), max(0, int(limit))))
        return [(r[0], self._doc(r)) for r in rows]

    def record_disposition(self, notice_id: str, platform: str, disposition: str, reason: str = "",
                           declaration: str = "", at: str | None = None) -> dict[str, Any]:
        if disposition not in DISPOSITIONS:
            raise LinkageError(f"disposition {disposition!r}: use one of {', '.join(DISPOSITIONS)}")
        when = canon(at)
        reason, declaration = str(reason or "")[:10_000], str(declaration or "")[:50_000]
        self.side.settle()
        with self.side.write() as db:
            row = db.execute("SELECT seq, disposition FROM linkage_notices WHERE id = ? AND doc_kind = 'notice' "
                             "AND platform = ?", (str(notice_id), platform)).fetchone()
            if row is None:
                raise KeyError(f"no notice {notice_id!r} for platform {platform!r}")
            seq, before = row
            if before and before != disposition:
                raise DispositionError(f"notice {notice_id} is already {before}; it cannot become {disposition}")
            if not before:
                deadline = shifted(when, COUNTER_NOTICE_DAYS * 86400) if disposition == "counter_notice" else None
                db.execute("UPDATE linkage_notices SET status = ?, disposition = ?, disposition_reason = ?, "
                           "declaration = ?, disposed_at = ?, deadline = ?, updated_at = ? WHERE seq = ?",
                           (disposition, disposition, reason, declaration, when, deadline, when, seq))
                ids = [r[0] for r in db.execute("SELECT lead_id FROM linkage_items WHERE notice_seq = ? "
                                                "ORDER BY position", (seq,)).fetchall()]
                self.side.move(db, ids, "notified", disposition, when, f"notice {notice_id}: {disposition}")
        self.side.settle()
        return self.notice(notice_id)  # type: ignore[return-value]

    def counter_notices_due(self, now: str, warn_days: float) -> list[dict[str, Any]]:
        at = parse_time(canon(now))
        horizon = format_time(at + timedelta(days=max(0.0, float(warn_days))))
        rows = self.side.read("SELECT seq, id, platform, right_id, declaration, disposed_at, deadline FROM "
                              "linkage_notices WHERE doc_kind = 'notice' AND disposition = 'counter_notice' AND "
                              "deadline <= ? ORDER BY deadline, seq", (horizon,))
        found = []
        for seq, notice_id, platform, right_id, declaration, disposed_at, deadline in rows:
            ids = [r[0] for r in self.side.read("SELECT lead_id FROM linkage_items WHERE notice_seq = ?", (seq,))]
            open_ids = [i for i, s in self.side.statuses(ids).items() if s == "counter_notice"]
            if not open_ids:
                continue  # the analyst has decided on every lead (confirmed again or dismissed)
            left = (parse_time(deadline) - at).total_seconds() / 86400
            found.append({"notice_id": notice_id, "platform": platform, "right_id": right_id,
                          "declaration": declaration, "at": disposed_at, "deadline": deadline,
                          "overdue": left < 0, "days_left": round(left, 2), "lead_ids": open_ids})
        return found

    def mark_still_online(self, url: str, at: str) -> list[str]:
        when = canon(at)
        self.side.settle()
        with self.side.write() as db:
            ids = list(dict.fromkeys(r[0] for r in db.execute(
                "SELECT lead_id FROM linkage_items WHERE url = ?", (url,)).fetchall()))
            moved = self.side.move(db, ids, "removed", "still_online", when, "re-crawl: listing still online") if ids else []
        self.side.settle()
        return moved

    def resend(self, notice_id: str, now: str, *, composer: NoticeComposer | None = None) -> str | None:
        composer = composer or default_composer()
        at = canon(now)
        self.side.settle()
        with self.side.write() as db:
            row = db.execute("SELECT seq, platform, right_id FROM linkage_notices WHERE id = ? AND "
                             "doc_kind = 'notice'", (str(notice_id),)).fetchone()
            if row is None:
                raise KeyError(f"no notice {notice_id!r}")
            seq, platform, right_id = row
            ids = [r[0] for r in db.execute("SELECT lead_id FROM linkage_items WHERE notice_seq = ? ORDER BY position",
                                            (seq,)).fetchall()]
            statuses = self.side.statuses(ids)
            online = [i for i in ids if statuses.get(i) == "still_online"]
            if not online:
                return None
            leads = self.side.leads(online)
            new_id = self._write_notice(db, composer, platform, right_id, [leads[i] for i in online if i in leads],
                                        at, "still_online")
        self.side.settle()
        return new_id

    def linkage_stats(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        clauses, params = ["n.doc_kind = 'notice'"], []
        if since:
            clauses.append("n.created_at >= ?")
            params.append(canon(since))
        if until:
            clauses.append("n.created_at < ?")
            params.append(canon(until))
        rows = self.side.read("SELECT n.platform, n.disposition, n.created_at, n.disposed_at, count(i.lead_id) FROM "
                              "linkage_notices n LEFT JOIN linkage_items i ON i.notice_seq = n.seq WHERE "
                              f"{' AND '.join(clauses)} GROUP BY n.seq ORDER BY n.platform", params)
        stats: dict[str, dict[str, Any]] = {}
        hours: dict[str, list[float]] = {}
        for platform, disposition, created, disposed, listings in rows:
            s = stats.setdefault(platform, {"platform": platform, "notices": 0, "listings": 0, "removed": 0,
                                            "rejected": 0, "counter": 0, "pending": 0})
            s["notices"] += 1
            s["listings"] += listings
            key = {"removed": "removed", "rejected": "rejected", "counter_notice": "counter"}.get(disposition, "pending")
            s[key] += listings
            if disposition == "removed" and disposed:
                hours.setdefault(platform, []).append(
                    (parse_time(disposed) - parse_time(created)).total_seconds() / 3600)
        for platform, s in stats.items():
            answered = s["removed"] + s["rejected"] + s["counter"]
            s["answered"] = answered
            s["takedown_rate"] = round(s["removed"] / answered, 4) if answered else None
            s["counter_notice_rate"] = round(s["counter"] / answered, 4) if answered else None
            s["median_hours_to_removal"] = (round(statistics.median(hours[platform]), 2)
                                            if hours.get(platform) else None)
        return list(stats.values())

    # -- outbox -----------------------------------------------------------------------------------
    @staticmethod
    def _delivery(row: tuple) -> Delivery:
        (delivery_id, kind, name, url, payload, attempt, next_at, notice_id, status, last_status, last_error,
         created_at, leased_until) = row
        return Delivery(id=delivery_id, kind=kind, name=name, url=url or "", payload=bytes(payload), attempt=attempt,
                        next_at=next_at, notice_id=notice_id, status=status, last_status=last_status,
                        last_error=last_error, created_at=created_at, leased_until=leased_until)

    _DUE = (f"SELECT {_OUTBOX_COLUMNS} FROM linkage_outbox o JOIN linkage_parties p ON p.kind = o.kind AND "
            "p.name = o.name WHERE o.status = 'pending' AND o.next_at <= ? AND (o.leased_until IS NULL OR "
            "o.leased_until <= ?) AND p.enabled = 1 AND p.webhook_url IS NOT NULL ORDER BY o.next_at, o.rowid LIMIT ?")

    def due_deliveries(self, now: str, limit: int = 50) -> list[Delivery]:
        at = canon(now)
        return [self._delivery(r) for r in self.side.read(self._DUE, (at, at, int(limit)))]

    def lease_deliveries(self, now: str, lease_seconds: float, limit: int = 50) -> list[Delivery]:
        at = canon(now)
        until = shifted(at, max(0.0, float(lease_seconds)))
        with self.side.write() as db:
            rows = db.execute(self._DUE, (at, at, int(limit))).fetchall()
            db.executemany("UPDATE linkage_outbox SET leased_until = ?, updated_at = ? WHERE id = ?",
                           [(until, at, r[0]) for r in rows])
        return [self._delivery(r[:12] + (until,)) for r in rows]

    def record_attempt(self, delivery_id: str, at: str, status: int | None, error: str,
                       next_at: str | None, dead: bool) -> None:
        when = canon(at)
        with self.side.write() as db:
            row = db.execute("SELECT notice_id FROM linkage_outbox WHERE id = ?", (delivery_id,)).fetchone()
            if row is None:
                raise KeyError(f"no delivery {delivery_id!r}")
            db.execute("INSERT INTO linkage_attempts (delivery_id, at, status, error) VALUES (?, ?, ?, ?)",
                       (delivery_id, when, status, str(error or "")[:2000]))
            if dead:
                state, due = "dead", None
            elif next_at is None:
                state, due = "delivered", None
                db.execute("UPDATE linkage_notices SET status = 'acknowledged', updated_at = ? WHERE id = ? AND "
                           "status = 'sent'", (when, row[0]))
            else:
                state, due = "pending", canon(next_at)
            db.execute("UPDATE linkage_outbox SET attempt = attempt + 1, status = ?, next_at = ?, leased_until = NULL, "
                       "last_status = ?, last_error = ?, updated_at = ? WHERE id = ?",
                       (state, due, status, str(error or "")[:2000], when, delivery_id))

    _ONE = f"SELECT {_OUTBOX_COLUMNS} FROM linkage_outbox o LEFT JOIN linkage_parties p ON p.kind = o.kind AND p.name = o.name"

    def delivery(self, delivery_id: str) -> Delivery | None:
        rows = self.side.read(f"{self._ONE} WHERE o.id = ?", (delivery_id,))
        return self._delivery(rows[0]) if rows else None

    def deliveries_of(self, notice_id: str) -> list[Delivery]:
        return [self._delivery(r) for r in self.side.read(f"{self._ONE} WHERE o.notice_id = ? ORDER BY o.rowid",
                                                          (notice_id,))]

    def attempts(self, delivery_id: str) -> list[dict[str, Any]]:
        rows = self.side.read("SELECT at, status, error FROM linkage_attempts WHERE delivery_id = ? ORDER BY rowid",
                              (delivery_id,))
        return [{"at": at, "status": status, "error": error} for at, status, error in rows]

    def dead_letters(self, limit: int = 100) -> list[Delivery]:
        sql = f"{self._ONE} WHERE o.status = 'dead' ORDER BY o.updated_at DESC, o.rowid DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._delivery(r) for r in self.side.read(sql)]

    def replay(self, delivery_ids: Sequence[str] | None = None, now: str | None = None) -> int:
        at = canon(now)
        with self.side.write() as db:
            if delivery_ids is None:
                cursor = db.execute("UPDATE linkage_outbox SET status = 'pending', attempt = 0, next_at = ?, "
                                    "leased_until = NULL, updated_at = ? WHERE status = 'dead'", (at, at))
                return cursor.rowcount
            count = 0
            for delivery_id in dict.fromkeys(delivery_ids):
                count += db.execute("UPDATE linkage_outbox SET status = 'pending', attempt = 0, next_at = ?, "
                                    "leased_until = NULL, updated_at = ? WHERE id = ?",
                                    (at, at, delivery_id)).rowcount
            return count

    # -- offices ----------------------------------------------------------------------------------
    def office_items(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.side.read("SELECT seq, id, parent_id, platform, right_id, created_at, status FROM linkage_notices "
                              "WHERE doc_kind = 'clue' AND party_name = ? ORDER BY seq DESC LIMIT ?", (name, int(limit)))
        found = []
        for seq, clue_id, parent_id, platform, right_id, created_at, status in rows:
            items = self.side.read("SELECT lead_id, url FROM linkage_items WHERE notice_seq = ? ORDER BY position",
                                   (seq,))
            statuses = self.side.statuses([i for i, _ in items])
            parent = self.side.read("SELECT status FROM linkage_notices WHERE id = ?", (parent_id,))
            found.append({"id": clue_id, "seq": seq, "notice_id": parent_id, "platform": platform,
                          "right_id": right_id, "created_at": created_at, "status": status,
                          "notice_status": parent[0][0] if parent else "",
                          "listings": [{"lead_id": i, "url": u, "status": statuses.get(i, "")} for i, u in items]})
        return found

    # -- tips -------------------------------------------------------------------------------------
    def add_tip(self, url: str, right_id: str | None, source: str, note: str, at: str) -> str:
        url = str(url or "").strip()
        if not url.startswith(("http://", "https://")) or len(url) > 2000:
            raise LinkageError("a tip needs the listing's http(s) URL (at most 2000 characters)")
        when = canon(at)
        with self.side.write() as db:
            cursor = db.execute("INSERT INTO linkage_tips (id, url, right_id, source, note, at, status, updated_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, 'new', ?)",
                                (f"pending-{secrets.token_hex(8)}", url, (right_id or None),
                                 str(source or "")[:200], str(note or "")[:5000], when, when))
            tip_id = f"tip-{cursor.lastrowid:07d}"
            db.execute("UPDATE linkage_tips SET id = ? WHERE rowid = ?", (tip_id, cursor.lastrowid))
        return tip_id

    def tips(self, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        sql = "SELECT id, url, right_id, source, note, at, status, updated_at, lead_ids FROM linkage_tips"
        params: list[Any] = []
        if status:
            sql += " WHERE status = ?"
            params.append(status)
        sql += " ORDER BY rowid DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        keys = ("id", "url", "right_id", "source", "note", "at", "status", "updated_at")
        return [{**dict(zip(keys, r[:8])), "lead_ids": orjson.loads(r[8])} for r in self.side.read(sql, params)]

    def set_tip_status(self, tip_id: str, status: str, at: str, lead_ids: Sequence[str] = ()) -> None:
        if status not in TIP_STATUSES:
            raise LinkageError(f"tip status {status!r}: use one of {', '.join(TIP_STATUSES)}")
        with self.side.write() as db:
            cursor = db.execute("UPDATE linkage_tips SET status = ?, updated_at = ?, lead_ids = ? WHERE id = ?",
                                (status, canon(at), orjson.dumps(list(lead_ids)).decode(), tip_id))
            if not cursor.rowcount:
                raise KeyError(f"no tip {tip_id!r}")


def linkage_of_sqlite_store(store: Any) -> SQLiteLinkage:
    """The linkage inside a :class:`~index.sqlite_store.SQLiteStore`'s own database."""
    return SQLiteLinkage(_SQLiteLeads(store))


def linkage_of_node_store(store: Any, path: Path) -> SQLiteLinkage:
    """The linkage of a :class:`~index.search_node.SearchNodeStore`, in the SQLite file ``path``."""
    return SQLiteLinkage(_NodeLeads(store, path))


"""Analysts and admins: who may log in, with which role.

Passwords are hashed with argon2id (``argon2-cffi``'s defaults, the OWASP recommendation); a hash
made with weaker parameters than today's is rehashed at the next successful login. Users live in
the web service's database (:mod:`web.webdb`), not in the lead store.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from index.store import utc_now
from web.webdb import WebDatabase

ROLES: tuple[str, ...] = ("analyst", "admin")
USERNAME_RE = re.compile(r"^[\w.@-]{1,64}$")
"""Letters (any script, so 张三 works), digits, ``_ . @ -``; up to 64 characters."""
MIN_PASSWORD = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('analyst', 'admin')),
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS user_api_keys (
    key_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
"""
API_KEY_PREFIX = "mwk_"
"""Analysts' API keys start with this (platform keys of the feed API are different keys)."""

_hasher = PasswordHasher()
# Verifying against this when the user does not exist costs the same time as a real check, so the
# answer time does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A user cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Accounts:
    """Users in the web database."""

    def __init__(self, db: WebDatabase) -> None:
        self.db = db
        db.ensure_schema(SCHEMA)

    def add(self, username: str, password: str, role: str = "analyst") -> User:
        if not USERNAME_RE.match(username):
            raise AccountError(f"username {username!r}: use 1–64 letters, digits, '_', '.', '@' or '-'")
        if role not in ROLES:
            raise AccountError(f"role {role!r}: must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                raise AccountError(f"user {username!r} exists already")
            cur = conn.execute("INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                               (username, _hasher.hash(password), role, utc_now()))
            return User(int(cur.lastrowid), username, role)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
        with self.db.transaction() as conn:
            cur = conn.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                               (_hasher.hash(password), username))
            if cur.rowcount == 0:
                raise AccountError(f"no user {username!r}")

    def get(self, user_id: int) -> User | None:
        row = self.db.query_one("SELECT id, username, role FROM users WHERE id = ? AND disabled = 0", (user_id,))
        return User(row["id"], row["username"], row["role"]) if row else None

    def by_name(self, username: str) -> User | None:
        row = self.db.query_one("SELECT id, username, role FROM users WHERE username = ? AND disabled = 0",
                                (username,))
        return User(row["id"], row["username"], row["role"]) if row else None

    def list(self) -> list[User]:
        return [User(r["id"], r["username"], r["role"])
                for r in self.db.query("SELECT id, username, role FROM users WHERE disabled = 0 ORDER BY username")]

    def new_api_key(self, username: str) -> str:
        """A new API key for ``username`` (for scripts: ``Authorization: Bearer <key>`` on
        ``/api/v1/…``). Shown once: only its SHA-256 is stored (a random 256-bit key needs no slow hash)."""
        user = self.by_name(username)
        if user is None:
            raise AccountError(f"no user {username!r}")
        key = API_KEY_PREFIX + secrets.token_urlsafe(32)
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO user_api_keys (key_sha256, user_id, created_at) VALUES (?, ?, ?)",
                         (hashlib.sha256(key.encode()).hexdigest(), user.id, utc_now()))
        return key

    def by_api_key(self, key: str) -> User | None:
        if not key.startswith(API_KEY_PREFIX):
            return None
        row = self.db.query_one("SELECT u.id, u.username, u.role FROM user_api_keys k JOIN users u ON u.id = k.user_id "
                                "WHERE k.key_sha256 = ? AND u.disabled = 0",
                                (hashlib.sha256(key.encode()).hexdigest(),))
        return User(row["id"], row["username"], row["role"]) if row else None

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when ``password`` is theirs, else None (same cost whether the user exists or not)."""
        row = self.db.query_one("SELECT id, username, role, password_hash FROM users "
                                "WHERE username = ? AND disabled = 0", (username,))
        stored = row["password_hash"] if row else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _hasher.check_needs_rehash(stored):
            with self.db.transaction() as conn:
                conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (_hasher.hash(password), row["id"]))
        return User(row["id"], row["username"], row["role"])

"""What keeps the workbench safe to open in an analyst's browser: security headers on every
response, CSRF tokens on every state-changing request, the login rate limit, the session secret.

- Headers (:class:`SecurityHeaders`, pure ASGI so streamed exports pass untouched): a strict
  Content-Security-Policy (no inline script, nothing from other origins), ``nosniff``,
  ``Referrer-Policy``, ``X-Frame-Options``. A route that needs a stricter policy (the captured page
  in its sandbox) sets its own ``Content-Security-Policy`` header and keeps it.
- CSRF (:func:`csrf_protect`, an app-wide dependency): every POST/PUT/PATCH/DELETE must carry the
  session's token, as form field ``csrf_token`` or header ``X-CSRF-Token``; otherwise 403. Requests
  authenticated by an ``Authorization`` header (platform and API keys) carry no ambient
  credentials and are exempt — the route's own key check decides.
- Login attempts (:class:`LoginLimiter`): at most 5 failures a minute per username + client
  address, then 429 until the minute has passed; counted in the web database, so all worker
  processes of one service count together.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from web.webdb import WebDatabase

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SECRET_FILE = "web-secret.key"

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-src 'self'; frame-ancestors 'self'")
SANDBOX_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""For a captured page shown in the lead's frame: no script, no network, no same-origin access
(inline styles kept so the capture looks like itself)."""

_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """ASGI middleware adding the CSP and friends to every HTTP response that has none of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                headers.extend(h for h in _HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def session_secret(data_dir: Path) -> str:
    """The key that signs session cookies: made once per installation, kept in
    ``data_dir/web-secret.key`` (mode 0600), so sessions survive a restart."""
    path = Path(data_dir) / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    return secret


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use). Put it in every form:
    ``<input type="hidden" name="csrf_token" value="{{ csrf_token }}">``."""
    session = request.scope.get("session")
    if session is None:
        return ""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: a state-changing request without the session's token gets 403."""
    if request.method in SAFE_METHODS or "authorization" in request.headers:
        return
    expected = request.scope.get("session", {}).get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong: reload the page and try again")


RATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_events (limiter TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL,
                                        at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS rate_events_by_pair ON rate_events (limiter, name, address, at);
CREATE INDEX IF NOT EXISTS rate_events_by_time ON rate_events (limiter, at);
"""


class LoginLimiter:
    """Counts failed logins per (username, client address) over a sliding window.

    The failures are rows of ``rate_events`` in the web database (``webdb``, under ``limiter``'s
    name), with wall-clock times: every worker process of one ``markwatch serve`` counts the same
    failures, so ``--workers N`` does not give a guesser N times the attempts. Without ``webdb``
    (a limiter of its own, e.g. in a test) they are kept in a private in-memory database."""

    def __init__(self, max_failures: int = 5, window_seconds: float = 60.0, webdb: "WebDatabase | None" = None,
                 limiter: str = "login") -> None:
        from web.webdb import WebDatabase

        self.max_failures = max_failures
        self.window = window_seconds
        self.name = limiter
        self._db = webdb if webdb is not None else WebDatabase(":memory:")
        self._db.ensure_schema(RATE_SCHEMA)

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed (0 = allowed now)."""
        now = time.time()
        row = self._db.query_one("SELECT count(*), min(at) FROM rate_events WHERE limiter = ? AND name = ? "
                                 "AND address = ? AND at > ?", (self.name, username.lower(), address, now - self.window))
        if row is None or row[0] < self.max_failures:
            return 0
        return max(1, int(row[1] + self.window - now + 0.999))

    def failed(self, username: str, address: str) -> None:
        """Count a failure; failures whose window is over are dropped meanwhile (a spray of made-up
        names does not grow the table without end)."""
        now = time.time()
        with self._db.transaction() as db:
            db.execute("DELETE FROM rate_events WHERE limiter = ? AND at <= ?", (self.name, now - self.window))
            db.execute("INSERT INTO rate_events (limiter, name, address, at) VALUES (?, ?, ?, ?)",
                       (self.name, username.lower(), address, now))

    def succeeded(self, username: str, address: str) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM rate_events WHERE limiter = ? AND name = ? AND address = ?",
                       (self.name, username.lower(), address))

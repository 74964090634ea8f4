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
  address, then 429 until the minute has passed.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class LoginLimiter:
    """Counts failed logins per (username, client address) over a sliding window."""

    MAX_KEYS = 10_000
    """Above this many (username, address) pairs, pairs with no failure in the window are dropped."""

    def __init__(self, max_failures: int = 5, window_seconds: float = 60.0) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed (0 = allowed now)."""
        now = time.monotonic()
        with self._lock:
            times = self._recent((username.lower(), address), now)
            if len(times) < self.max_failures:
                return 0
            return max(1, int(times[0] + self.window - now + 0.999))

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent((username.lower(), address), now).append(now)
            if len(self._failures) > self.MAX_KEYS:  # many names tried: forget those whose minute is over
                for key in [k for k, times in self._failures.items() if not times or times[-1] <= now - self.window]:
                    del self._failures[key]

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), address), None)

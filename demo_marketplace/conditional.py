"""Conditional GET for the demo platforms: ``ETag`` and ``Last-Modified`` on every page, 304 when unchanged.

Why: real platforms send validators on many pages, and markwatch's re-crawls must show that an
unchanged page costs a 304 and nothing else (crawler/conditional.py). So every 200 answer to a GET
gets a strong ``ETag`` (a hash of its body), a ``Last-Modified`` and ``Cache-Control: no-cache``
(a cache may keep it but must ask again each time), unless the page sets its own (static assets). A request whose ``If-None-Match`` names the
current ETag — or, without ``If-None-Match``, whose ``If-Modified-Since`` is not older than the
page's ``Last-Modified`` — is answered ``304 Not Modified`` with no body (RFC 9110 §13.1).

``Last-Modified`` of a page's first version is the catalogue's date (the same in every run, so a
restarted marketplace does not look changed); a later version (the page changed while served) gets
the time it was first served. Bodies are small and built in memory, so buffering one is cheap.
"""

from __future__ import annotations

import email.utils
import hashlib
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CATALOGUE_DATE = 1_790_812_800.0
"""2026-10-01T00:00:00Z: the ``Last-Modified`` of every page's first version."""
NOT_CONDITIONAL = ("/__", "/robots.txt")


def http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


def parse_http_date(value: str) -> float | None:
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match`` (a list of tags, weak ones included, or ``*``) names ``etag``."""
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


class ConditionalGet:
    """ASGI wrapper: validators on 200 answers to GET, 304 for a client that has the current version."""

    def __init__(self, app: ASGIApp, first_modified: float = CATALOGUE_DATE) -> None:
        self.app = app
        self.first_modified = first_modified
        self.versions: dict[str, tuple[str, float]] = {}
        """path?query → (ETag, Last-Modified) of the version served last."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(NOT_CONDITIONAL):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._answer(scope, start, b"".join(chunks), send)
            else:
                await send(message)

        await self.app(scope, receive, buffer)

    def _validators(self, key: str, body: bytes) -> tuple[str, float]:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        known = self.versions.get(key)
        if known is not None and known[0] == etag:
            return known
        modified = self.first_modified if known is None else float(int(time.time()))
        self.versions[key] = (etag, modified)
        return etag, modified

    async def _answer(self, scope: Scope, start: dict[str, Any], body: bytes, send: Send) -> None:
        if start.get("status") != 200:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        query = scope.get("query_string", b"").decode("latin-1")
        etag, modified = self._validators(scope["path"] + ("?" + query if query else ""), body)
        request_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        # a page's own Cache-Control stays (static assets: the storefront's script and the images say
        # max-age=3600, so a browser loads them once, not once per product page); the rest: no-cache
        own_cache = [v for k, v in start.get("headers", []) if k.lower() == b"cache-control"]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"etag", b"last-modified", b"cache-control")]
        headers += [(b"etag", etag.encode()), (b"last-modified", http_date(modified).encode()),
                    (b"cache-control", own_cache[0] if own_cache else b"no-cache")]
        if self._not_modified(request_headers, etag, modified):
            kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _not_modified(headers: dict[str, str], etag: str, modified: float) -> bool:
        if "if-none-match" in headers:  # takes precedence over If-Modified-Since (RFC 9110 §13.2.2)
            return etag_matches(headers["if-none-match"], etag)
        since = parse_http_date(headers.get("if-modified-since", ""))
        return since is not None and since >= modified

"""``/__hits``: a test hook of the demo marketplace only, never part of the product.

Why it exists: the spider tests and ``markwatch demo`` prove what a crawl did on the server's side
(robots-disallowed paths never fetched, nothing fetched twice on resume, how often a flaky page
was retried) by asking the platform itself how often each path was requested. Real platforms
have no such endpoint, and markwatch's own web service (``web/``) must not grow one: it would
publish every path requested, to anyone. It lives here, in the room that stands in for the
platforms, and nothing outside ``demo_marketplace`` imports it.
"""

from __future__ import annotations

from collections import Counter

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

HITS_PATH = "/__hits"


class HitCounter:
    """ASGI wrapper counting every requested path (query excluded, ``/__hits`` itself included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.hits: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            self.hits[path] += 1
            if path == HITS_PATH:
                await JSONResponse(dict(self.hits))(scope, receive, send)
                return
        await self.app(scope, receive, send)

"""What the three demo platforms share: rate limiting, templates, responses (images: images.py).

Why here: each platform module then only says what it serves. Everything is O(1) per request
(dict lookups, pre-sorted lists) so the server is never the bottleneck of a crawl benchmark.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def yuan(price: float | None) -> str:
    """Price as the shops show it: ¥1,299.00."""
    return "" if price is None else f"¥{price:,.2f}"


def make_env() -> Environment:
    """Jinja2 with autoescape ON: titles and descriptions are hostile scraped text."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False)
    env.filters["yuan"] = yuan
    return env


def json_script(data: Any) -> str:
    """JSON for a <script> block: no '<', '>' or '&' can close the script or open a tag."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class TokenBucket:
    """Whole-server rate limit: ``rate`` tokens/s, ``burst`` capacity; rate 0 = unlimited."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.capacity = float(max(burst, 1))
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def robots(text: str):
    async def handler(request: Request) -> Response:
        return PlainTextResponse(text)

    return handler


def int_param(request: Request, name: str, default: int, low: int, high: int | None = None) -> int:
    """Read an integer query parameter or raise ValueError with a message saying what is allowed."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def cut_bytes(body: bytes, at: int) -> bytes:
    """A truncated answer: the first ``at`` bytes (may split a UTF-8 character, as real cuts do)."""
    return body[:max(1, min(at, len(body) - 1))]

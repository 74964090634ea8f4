"""What the crawl hands to the evidence log: one fetch of one listing page, as it happened.

Why a plain frozen dataclass: the Scrapy pipeline (which fetches the page and takes the Playwright
screenshot) and the log (which archives it) meet here and nowhere else, so the pipeline needs no
warcio and the log no Scrapy. Fields keep the order and names the pipeline was promised; the
optional ones at the end may grow. Build it with keywords.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Sequence

Headers = Sequence[tuple[str, str]]


def utc_iso(moment: datetime | None = None) -> str:
    """A UTC time as the log writes it: ``2026-12-01T21:30:00.123456Z``."""
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    """Read an ISO 8601 time (``Z`` or an offset); a time without a zone is refused."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone; captures are in UTC (end it with Z)")
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class Capture:
    """One captured listing page."""

    url: str
    """The listing URL (CONTRACTS §2 ``url``) the crawl asked for."""
    final_url: str
    """The URL the response came from, after redirects."""
    captured_at: str
    """When the response arrived, UTC ISO 8601 ending in ``Z``."""
    request_method: str = "GET"
    request_headers: Headers = ()
    """Request headers as sent, in order."""
    status: int = 200
    """HTTP status of the final response."""
    response_headers: Headers = ()
    """Response headers as received, in order."""
    body: bytes = b""
    """Response body as received (after transfer decoding, before any parsing)."""
    screenshot_png: bytes | None = None
    """Full-page screenshot taken by Chromium, PNG; None when none could be taken."""
    lead_ids: tuple[str, ...] = ()
    """Ids of the leads (index.store.lead_id) this capture backs."""
    listing_hash: str = ""
    """index.store.listing_hash of the listing as extracted from this page."""
    redirects: tuple[str, ...] = ()
    """URLs passed through before ``final_url`` (first = ``url``), when there were redirects."""
    title: str = ""
    """Page or listing title, for the bundle's page list."""
    screenshot_at: str = ""
    """When the screenshot was taken (UTC), when it differs from ``captured_at``."""
    http_version: str = field(default="HTTP/1.1")
    """Protocol of the status line (``HTTP/1.1``, ``HTTP/2``)."""
    screenshot_of: str = ""
    """What the screenshot shows: ``response`` — this capture's archived response body, rendered
    (a static page, pipelines/archived_page.py); ``load`` — the page loaded afresh at its URL; empty
    when not said (captures before this field)."""

    def __post_init__(self) -> None:
        if not self.url or not self.final_url:
            raise ValueError("a capture needs its listing url and its final url")
        if not 100 <= int(self.status) <= 599:
            raise ValueError(f"HTTP status {self.status!r} is not in 100..599")
        parse_utc(self.captured_at)
        if self.screenshot_at:
            parse_utc(self.screenshot_at)
        if not isinstance(self.body, (bytes, bytearray)):
            raise TypeError("Capture.body must be bytes (the response as received)")
        if self.screenshot_png is not None and not isinstance(self.screenshot_png, (bytes, bytearray)):
            raise TypeError("Capture.screenshot_png must be PNG bytes or None")
        if self.screenshot_of not in ("", "response", "load"):
            raise ValueError(f"screenshot_of {self.screenshot_of!r}: 'response', 'load' or empty")

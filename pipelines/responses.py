"""Spider middleware: remember the HTTP response each listing was scraped from, for the evidence.

Why a spider middleware: item pipelines see items only, but the evidence of a lead must hold the
exchange as it happened (request, status, headers, body, the final URL after redirects). This
middleware sits on the spider's output, where response and items meet, and notes the response
facts of every item in the crawler's :mod:`pipelines.notes` side channel; the item itself is passed
on untouched, so the feed stays CONTRACTS §2 and the matcher never sees a body.

What "the response" is per spider: the page the listing was read from. For ``html`` and
``schemaorg`` the listing's own HTML page; for ``api`` the JSON document of the listing (the
listing's ``url`` is the platform's human page, which the screenshot shows); for ``rendered`` the
HTML as the browser rendered it (scrapy-playwright's response), or, for a platform whose file has
``data_from``, the JSON document the page's script fetches, as the site answered it (its own URL,
status and headers; crawler/rendering.py), as for ``api``.

Only on when evidence is (``EVIDENCE_ENABLED``): otherwise it raises ``NotConfigured`` and costs
nothing. Bodies are held only while their item is in the pipelines.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

from itemadapter import is_item
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response

from pipelines.notes import ListingNotes, ResponseFacts, notes_for


def header_pairs(headers: Headers) -> tuple[tuple[str, str], ...]:
    """Scrapy headers as (name, value) text pairs, one per value, in order (bytes read as latin-1,
    which is what HTTP header octets are)."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            pairs.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return tuple(pairs)


def response_facts(response: Response, received_at: str) -> ResponseFacts:
    """What the evidence keeps of ``response``."""
    request = response.request
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    return ResponseFacts(
        request_method=request.method if request is not None else "GET",
        request_headers=header_pairs(request.headers) if request is not None else (),
        status=int(response.status),
        response_headers=header_pairs(response.headers),
        body=bytes(response.body),
        final_url=response.url,
        redirects=tuple(str(u) for u in ((request.meta if request is not None else {}).get("redirect_urls") or ())),
        received_at=received_at,
        http_version=protocol if protocol.upper().startswith("HTTP/") else "HTTP/1.1",
    )


class ResponseCaptureMiddleware:
    """Notes the response facts of every item a spider yields (see the module docstring)."""

    def __init__(self, notes: ListingNotes) -> None:
        self.notes = notes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ResponseCaptureMiddleware":
        if not crawler.settings.getbool("EVIDENCE_ENABLED", False):
            raise NotConfigured("evidence is off (EVIDENCE_ENABLED); no response needs remembering")
        return cls(notes_for(crawler))

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        from index.store import utc_now

        facts: ResponseFacts | None = None
        async for output in result:
            if is_item(output):
                if facts is None:  # one response, one set of facts for all its items
                    facts = response_facts(response, utc_now())
                self.notes.remember_response(output, facts)
            yield output

"""Conditional requests: a page the platform says is unchanged (304) costs no download, no re-match.

Why Scrapy's HTTP cache: it already keeps each response with its validators (``ETag``,
``Last-Modified``), sends ``If-None-Match`` / ``If-Modified-Since`` on the next request for the same
page and, on ``304 Not Modified``, hands the spider the kept response as if downloaded
(``HttpCacheMiddleware`` with ``RFC2616Policy``). The spider then reads the same listing, whose content
hash equals the store's, so the dedupe pipeline marks it unchanged: its ``last_seen`` moves and it is
neither matched nor captured again (pipelines/dedupe.py). Only pages with a validator are kept
(RFC 2616 §13.4), compressed, in ``data_dir/httpcache``; it is on with the store
(``conditional_requests``, ``store_enabled``).

What monitoring needs differently from a browsing cache, and so this policy changes:

- never trust a kept page without asking: a listing may have been taken down a minute ago, so every
  request is revalidated (``is_cached_response_fresh`` is always False; RFC 2616 would let a page
  with a ``Last-Modified`` but no ``max-age`` count as fresh for a while, heuristically);
- only a 304 means "unchanged": RFC 2616 lets a cache answer with the kept page when the server
  errs (5xx) or cannot be reached; here the error goes to the spider (retries, bad pages), as a
  removed or broken listing must be seen as such;
- rendered pages (``playwright`` in the request's meta) are not kept: their validators describe the
  empty shell, not what the browser rendered from the platform's API.

Stats: ``markwatch/conditional/not_modified`` (304 answers), ``…/sent`` (requests that carried
validators), with Scrapy's own ``httpcache/*`` counts beside them.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class RevalidatePolicy(RFC2616Policy):
    """RFC 2616 caching, but every kept page is revalidated and only a 304 reuses it (module docstring)."""

    def should_cache_request(self, request: Request) -> bool:
        if request.meta.get("playwright"):
            return False
        return super().should_cache_request(request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304


class ConditionalRequestMiddleware(HttpCacheMiddleware):
    """Scrapy's HttpCacheMiddleware with :class:`RevalidatePolicy`'s stance on errors and its own counts."""

    def process_request(self, request: Request) -> Response | None:  # type: ignore[override]
        result = super().process_request(request)
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            self.stats.inc_value("markwatch/conditional/sent")
        return result

    def process_response(self, request: Request, response: Response) -> Response:  # type: ignore[override]
        if response.status == 304 and "cached_response" in request.meta:
            self.stats.inc_value("markwatch/conditional/not_modified")
        return super().process_response(request, response)

    def process_exception(self, request: Request, exception: Exception) -> Response | None:  # type: ignore[override]
        # A page that cannot be fetched is not "unchanged": no kept copy in its place (module docstring).
        request.meta.pop("cached_response", None)
        return None


class NotModifiedAutoThrottle(AutoThrottle):
    """AutoThrottle that takes a 304 for the successful answer it is.

    Scrapy's AutoThrottle never lowers the delay on an answer other than 200 (error pages are small
    and fast, and would speed a struggling crawl up). A 304 is the server answering in full, so an
    unchanged re-crawl — 304s nearly all the way — would otherwise stay at the start delay
    (``AUTOTHROTTLE_START_DELAY``, one request per 0.25 s) from its first to its last page."""

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)

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

Pruned, because a monitoring cache only grows: listings are taken down and URLs change every night,
and Scrapy never deletes an entry. A 304 marks its entry as seen (the kept page's files are touched:
Scrapy rewrites them only on a full answer), and when a crawl starts, the entries of its spider not
seen for ``HTTPCACHE_PRUNE_DAYS`` days (config ``httpcache_max_age_days``, default 30; 0 = keep every
entry) are deleted: pages the routine has stopped asking for (a listing gone or no longer re-checked).
Such a page, asked for again, is simply fetched in full.

Stats: ``markwatch/conditional/not_modified`` (304 answers), ``…/sent`` (requests that carried
validators), ``…/pruned`` and ``…/pruned_bytes`` (entries deleted at the start), with Scrapy's own
``httpcache/*`` counts beside them.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

logger = logging.getLogger(__name__)

SEEN_FILES = ("pickled_meta", "meta")
"""Files of a kept entry whose modification time says when its page was last seen (pickled_meta first)."""


def prune_cache(spider_dir: Path | str, max_age_seconds: float, now: float | None = None) -> tuple[int, int]:
    """Delete the entries of one spider's HTTP cache (``HTTPCACHE_DIR/SPIDER/xx/FINGERPRINT/``) last seen
    more than ``max_age_seconds`` before ``now``; returns (entries deleted, bytes freed)."""
    cutoff = (time.time() if now is None else now) - max_age_seconds
    removed = freed = 0
    if not os.path.isdir(spider_dir):
        return 0, 0
    for bucket in os.scandir(spider_dir):
        if not bucket.is_dir(follow_symlinks=False):
            continue
        for entry in os.scandir(bucket.path):
            if not entry.is_dir(follow_symlinks=False):
                continue
            try:
                seen = os.stat(os.path.join(entry.path, SEEN_FILES[0])).st_mtime
            except OSError:  # half written (a crawl killed while storing it): the entry's own age
                seen = entry.stat(follow_symlinks=False).st_mtime
            if seen >= cutoff:
                continue
            with os.scandir(entry.path) as files:
                freed += sum(f.stat(follow_symlinks=False).st_size for f in files if f.is_file(follow_symlinks=False))
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
        try:
            os.rmdir(bucket.path)  # only when it is empty now
        except OSError:
            pass
    return removed, freed


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
    """Scrapy's HttpCacheMiddleware with :class:`RevalidatePolicy`'s stance on errors, its own counts,
    and pruning (module docstring)."""

    max_age_days: float = 30.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ConditionalRequestMiddleware":
        middleware = super().from_crawler(crawler)
        middleware.max_age_days = crawler.settings.getfloat("HTTPCACHE_PRUNE_DAYS", 30.0)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        super().spider_opened(spider)
        if self.max_age_days <= 0 or not isinstance(self.storage, FilesystemCacheStorage):
            return
        started = time.monotonic()
        removed, freed = prune_cache(Path(self.storage.cachedir) / spider.name, self.max_age_days * 86400)
        if removed:
            self.stats.inc_value("markwatch/conditional/pruned", removed)
            self.stats.inc_value("markwatch/conditional/pruned_bytes", freed)
            logger.info("conditional requests: %d kept pages not seen for %g days deleted (%.1f MB, %.1f s)",
                        removed, self.max_age_days, freed / 1e6, time.monotonic() - started)

    def _mark_seen(self, request: Request) -> None:
        """A 304: the kept page is current, so its entry is seen now (Scrapy rewrites it only on a 200)."""
        if not isinstance(self.storage, FilesystemCacheStorage):
            return
        try:  # Scrapy's own path of the entry (a private method, the one place it is computed)
            folder = Path(self.storage._get_request_path(self.crawler.spider, request))  # noqa: SLF001
        except Exception:  # noqa: BLE001 - a storage without that method: the entry just ages
            return
        for name in SEEN_FILES:
            try:
                os.utime(folder / name)
            except OSError:
                pass

    def process_request(self, request: Request) -> Response | None:  # type: ignore[override]
        result = super().process_request(request)
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            self.stats.inc_value("markwatch/conditional/sent")
        return result

    def process_response(self, request: Request, response: Response) -> Response:  # type: ignore[override]
        if response.status == 304 and "cached_response" in request.meta:
            self.stats.inc_value("markwatch/conditional/not_modified")
            self._mark_seen(request)
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

"""Downloader middleware: Scrapy's retries, plus exponential back-off and ``Retry-After``.

Why: Scrapy's RetryMiddleware retries at once and ignores ``Retry-After``, so against a
rate-limited API it burns its retries in milliseconds and gives up. This subclass keeps all of
its behaviour (codes, exceptions, meta keys, stats) and only waits before the retry. With markwatch's
scheduler (crawler/queue/) the wait is a due time in the request queue (``meta["queue_delay"]``): the
retry leaves the downloader at once, so throttled requests hold no download slot, and a crawl killed
meanwhile still has them queued. Under another scheduler it is an asynchronous sleep
(``scrapy.utils.asyncio.sleep``), so the reactor keeps serving other requests.
"""

from __future__ import annotations

import email.utils
import logging
import time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

THROTTLED_CODES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for: delta-seconds or an HTTP date; None if unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits: ``Retry-After`` on 429/503, exponential back-off otherwise."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 0.25)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 10.0)
        self.retry_after_max_delay = settings.getfloat("RETRY_AFTER_MAX_DELAY", 60.0)
        self.retry_after_max_times = settings.getint("RETRY_AFTER_MAX_TIMES", 30)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BackoffRetryMiddleware":
        mw = cls(crawler.settings)
        mw.crawler = crawler
        return mw

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        delay = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in THROTTLED_CODES else None
        if delay is not None:
            return await self._retry_after(request, response, reason, delay)
        retry = self._retry(request, reason)
        if retry is None:
            return response
        await self._backoff(retry)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:  # type: ignore[override]
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._backoff(retry)
        return retry

    async def _backoff(self, retry: Request) -> None:
        times = int(retry.meta.get("retry_times", 1))
        delay = min(self.backoff_max, self.backoff_base * 2 ** (times - 1))
        if delay > 0:
            await self._wait(retry, delay)

    async def _wait(self, retry: Request, delay: float) -> None:
        """Keep ``retry`` back ``delay`` seconds: in the request queue when it can, else asleep."""
        try:
            scheduler = self.crawler.engine.scheduler
        except (AttributeError, RuntimeError):  # not crawling (a middleware tested on its own)
            scheduler = None
        if getattr(scheduler, "delays_requests", False):
            retry.meta["queue_delay"] = delay  # crawler/queue/scheduler.py DELAY_META
        else:
            await sleep(delay)

    async def _retry_after(self, request: Request, response: Response, reason: str, delay: float) -> Request | Response:
        """The server told us when to come back: wait that long (capped), then retry.

        Counted apart from RETRY_TIMES: being throttled is not the page failing."""
        stats = self.crawler.stats
        times = int(request.meta.get("retry_after_times", 0)) + 1
        stats.inc_value(f"markwatch/throttled/{response.status}")
        if times > self.retry_after_max_times:
            stats.inc_value("markwatch/throttled/gave_up")
            logger.error("Gave up on %s after %d throttled answers (%s)", request, times - 1, reason)
            return response
        retry = get_retry_request(
            request,
            reason=reason,
            spider=self.crawler.spider,
            max_retry_times=self.retry_after_max_times,
            priority_adjust=0,
        )
        if retry is None:  # pragma: no cover - max_retry_times above makes this unreachable
            return response
        retry.meta["retry_times"] = request.meta.get("retry_times", 0)
        retry.meta["retry_after_times"] = times
        await self._wait(retry, min(delay, self.retry_after_max_delay))
        return retry

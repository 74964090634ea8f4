"""Progress log: one line per running spider every PROGRESS_INTERVAL seconds.

Why not only LogStats: ``markwatch demo`` runs several spiders in one process, and LogStats'
lines do not say which spider they are about. This one does, and adds the bad-page count.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.badpages import bad_pages_by_reason

logger = logging.getLogger("markwatch.progress")


class ProgressLog:
    """Logs ``[spider/platform] pages=… items=… bad=… (x pages/s)`` periodically and at the end."""

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.task = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProgressLog":
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL", 15.0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        logger.info("[%s] started", self.label())
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.log(final=True)

    def label(self) -> str:
        spider = self.crawler.spider
        return f"{spider.name}/{getattr(spider, 'platform', '') or '-'}" if spider else "?"

    def log(self, final: bool = False) -> None:
        stats = self.crawler.stats.get_stats()
        pages = int(stats.get("response_received_count", 0))
        items = int(stats.get("item_scraped_count", 0))
        bad = sum(bad_pages_by_reason(stats).values())
        elapsed = max(time.monotonic() - self.started, 1e-9)
        logger.info(
            "[%s] %spages=%d items=%d bad=%d (%.1f pages/s)",
            self.label(), "done: " if final else "", pages, items, bad, pages / elapsed,
        )

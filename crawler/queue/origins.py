"""Spider middleware: which queue entry each listing came from, for the listing claims.

Why: the dedupe pipeline emits each listing once per crawl by claiming its URL in the queue
(:meth:`crawler.queue.scheduler.LeasedScheduler.claim_listing`), and a request done again after a
worker was killed must be allowed to emit its own listing again, since the killed worker may or may
not have written it. Pipelines see only the item; this middleware, which sees the response too,
notes the item's URL with the entry id of the request it came from.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


class ListingOriginMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ListingOriginMiddleware":
        if not crawler.settings.get("SCHEDULER", "").endswith("LeasedScheduler"):
            raise NotConfigured("listing origins are for the leased scheduler only")
        return cls(crawler)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        note = getattr(scheduler, "note_origin", None)
        entry = response.meta.get("queue_entry", "") if isinstance(response, Response) else ""
        async for output in result:
            if note is not None and not isinstance(output, Request) and is_item(output):
                url = ItemAdapter(output).get("url")
                if isinstance(url, str):
                    note(url, entry)
            yield output

    def process_spider_output(self, response: Response, result: Any) -> Any:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        note = getattr(scheduler, "note_origin", None)
        entry = response.meta.get("queue_entry", "") if isinstance(response, Response) else ""
        for output in result:
            if note is not None and not isinstance(output, Request) and is_item(output):
                url = ItemAdapter(output).get("url")
                if isinstance(url, str):
                    note(url, entry)
            yield output

"""Spider middleware: which queue entry each listing came from, for the listing claims.

Why: the dedupe pipeline emits each listing once per crawl by claiming its URL in the queue
(:meth:`crawler.queue.scheduler.LeasedScheduler.claim_listing`), and a request done again after a
worker was killed must be allowed to emit its own listing again, since the killed worker may or may
not have written it. Pipelines see only the item; this middleware, which sees the response too,
notes the item's URL with the entry id of the request it came from.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable, Iterable, Iterator

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

    def _noter(self, response: Response) -> Callable[[Any], None]:
        note = getattr(self.crawler.engine.scheduler, "note_origin", None)
        entry = str(response.meta.get("queue_entry", ""))

        def noted(output: Any) -> None:
            if note is not None and not isinstance(output, Request) and is_item(output):
                url = ItemAdapter(output).get("url")
                if isinstance(url, str):
                    note(url, entry)

        return noted

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        noted = self._noter(response)
        async for output in result:
            noted(output)
            yield output

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        noted = self._noter(response)
        for output in result:
            noted(output)
            yield output

"""Drop listings already emitted, by URL — also across an interrupted and resumed crawl.

Why persistent: with ``JOBDIR`` (``markwatch crawl --resume DIR``) Scrapy remembers the requests
it made, but a page seen again through another path (a listing in two categories, a restarted
crawl whose last pages are fetched again) would emit its listing twice. The URLs emitted so far
are appended to ``JOBDIR/markwatch-seen-urls.txt`` as they pass, so a killed crawl loses nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

logger = logging.getLogger(__name__)
SEEN_FILE = "markwatch-seen-urls.txt"


class DedupePipeline:
    """Once per URL per job (in memory, plus a file under JOBDIR when resuming is on)."""

    def __init__(self, crawler: Crawler, jobdir: str | None):
        self.crawler = crawler
        self.path = Path(jobdir) / SEEN_FILE if jobdir else None
        self.seen: set[str] = set()
        self.file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupePipeline":
        return cls(crawler, crawler.settings.get("JOBDIR"))

    def open_spider(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_file():
            self.seen.update(line for line in self.path.read_text(encoding="utf-8").splitlines() if line)
            logger.info("dedupe: %d listing URLs already emitted by earlier runs of this job", len(self.seen))
        self.file = self.path.open("a", encoding="utf-8")

    def close_spider(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item).get("url")
        if url in self.seen:
            self.crawler.stats.inc_value("markwatch/duplicates_dropped")
            raise DropItem(f"duplicate listing {url}")
        self.seen.add(url)
        if self.file is not None:
            self.file.write(url.replace("\n", " ") + "\n")
            self.file.flush()
        return item

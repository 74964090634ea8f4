"""Dedupe: once per URL within a crawl, and by content across crawls through the lead store.

Within a crawl (and across an interrupted and resumed one): with ``JOBDIR`` (``markwatch crawl
--resume DIR``) Scrapy remembers the requests it made, but a page seen again through another path
(a listing in two categories, a restarted crawl whose last pages are fetched again) would emit its
listing twice. The URLs emitted so far are appended to ``JOBDIR/markwatch-seen-urls.txt`` as they
pass, so a killed crawl loses nothing. A repeat is dropped (``markwatch/duplicates_dropped``).

Across crawls (when the store is on, ``STORE_ENABLED``): a listing whose content hash
(:func:`index.store.listing_hash`) equals the one the store holds for its URL is *unchanged*. It
still goes to the feed (the crawl's output is what was seen), but it is noted so the match,
evidence and store pipelines skip the work (``markwatch/unchanged_listings``); the store pipeline
only moves its ``last_seen``. A new or changed listing goes on as usual (``markwatch/new_listings``,
``markwatch/changed_listings``), and the store keeps the earlier version in the listing's history.

Why this pipeline only *reads* the store: recording "seen with this content" is the store
pipeline's job, in the same batch that writes the listing's leads. Were it recorded here, a crawl
killed between the two would leave the next crawl believing the listing done while its leads
were never written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from pipelines.notes import ListingNotes, notes_for
from pipelines.storage import StoreSettings, acquire_store, release_store

logger = logging.getLogger(__name__)
SEEN_FILE = "markwatch-seen-urls.txt"


class DedupePipeline:
    """Once per URL per job; unchanged content (per the store) noted for the later pipelines."""

    def __init__(self, crawler: Crawler, jobdir: str | None, store_settings: StoreSettings | None = None):
        self.crawler = crawler
        self.path = Path(jobdir) / SEEN_FILE if jobdir else None
        self.seen: set[str] = set()
        self.file: IO[str] | None = None
        self.store_settings = store_settings
        self.store: Any = None
        self.notes: ListingNotes | None = notes_for(crawler) if store_settings else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupePipeline":
        try:
            store_settings: StoreSettings | None = StoreSettings.from_settings(crawler.settings)
        except NotConfigured:
            store_settings = None
        return cls(crawler, crawler.settings.get("JOBDIR"), store_settings)

    def open_spider(self) -> None:
        if self.store_settings is not None:
            try:
                self.store = acquire_store(self.store_settings)
            except Exception as exc:  # noqa: BLE001 - no store: every listing counts as new, nothing is lost
                logger.warning("dedupe: the lead store cannot be opened (%s); every listing is treated as new", exc)
                self.crawler.stats.inc_value("markwatch/dedupe_store_unavailable")
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
        if self.store is not None:
            self.store = None
            release_store(self.store_settings)  # type: ignore[arg-type]

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item).get("url")
        if url in self.seen:
            self.crawler.stats.inc_value("markwatch/duplicates_dropped")
            raise DropItem(f"duplicate listing {url}")
        self.seen.add(url)
        if self.file is not None:
            self.file.write(url.replace("\n", " ") + "\n")
            self.file.flush()
        if self.store is not None and self.notes is not None:
            self.judge_content(item, url)
        return item

    def judge_content(self, item: Any, url: str) -> None:
        """Note whether the store holds this listing with this content already."""
        from index.store import listing_hash

        note = self.notes.of(item)  # type: ignore[union-attr]
        note.content_hash = listing_hash(ItemAdapter(item).asdict())
        stats = self.crawler.stats
        try:
            versions = self.store.listing_history(url)
        except Exception as exc:  # noqa: BLE001 - cannot tell: treat as new (matched again, never lost)
            logger.warning("dedupe: the store could not say whether %s changed (%s); treated as new", url, exc)
            stats.inc_value("markwatch/dedupe_store_errors")
            versions = []
        if not versions:
            stats.inc_value("markwatch/new_listings")
        elif versions[-1].content_hash == note.content_hash:
            note.unchanged = True
            stats.inc_value("markwatch/unchanged_listings")
        else:
            stats.inc_value("markwatch/changed_listings")

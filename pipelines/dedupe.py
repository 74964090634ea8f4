"""Dedupe: once per URL within a crawl, and by content across crawls through the lead store.

Within a crawl (across an interrupted and resumed one, and across every worker of a crawl on Redis):
a listing reached through two requests (two URLs of one page, redirects) is emitted once. Its URL is
*claimed* in the request queue (crawler/queue/, the scheduler's ``claim_listing``) by the request it
came from: a claim by another request drops it, while the same request done again after a kill
(its worker may or may not have written the listing) emits it again: the store keeps one copy. A
repeat within this process is dropped before asking. Both count ``markwatch/duplicates_dropped``.
Without the leased scheduler (a bare test crawler) the repeats of this process only are dropped.

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
from typing import Any, Callable

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from pipelines.notes import ListingNotes, notes_for
from pipelines.storage import StoreSettings, acquire_store, release_store

logger = logging.getLogger(__name__)


class DedupePipeline:
    """Once per URL per job; unchanged content (per the store) noted for the later pipelines.

    ``claim``: ``url → bool``, True when this listing may be emitted (default: the scheduler's
    ``claim_listing``, found when the spider opens)."""

    def __init__(self, crawler: Crawler, store_settings: StoreSettings | None = None,
                 claim: Callable[[str], bool] | None = None):
        self.crawler = crawler
        self.seen: set[str] = set()
        self.claim = claim
        self.store_settings = store_settings
        self.store: Any = None
        self.notes: ListingNotes | None = notes_for(crawler) if store_settings else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupePipeline":
        try:
            store_settings: StoreSettings | None = StoreSettings.from_settings(crawler.settings)
        except NotConfigured:
            store_settings = None
        return cls(crawler, store_settings)

    def open_spider(self) -> None:
        if self.store_settings is not None:
            try:
                self.store = acquire_store(self.store_settings)
            except Exception as exc:  # noqa: BLE001 - no store: every listing counts as new, nothing is lost
                logger.warning("dedupe: the lead store cannot be opened (%s); every listing is treated as new", exc)
                self.crawler.stats.inc_value("markwatch/dedupe_store_unavailable")
        if self.claim is None:  # the request queue's listing claims (crawler/queue/scheduler.py)
            try:
                scheduler = self.crawler.engine.scheduler
            except (AttributeError, RuntimeError):  # a crawler that is not crawling (tests)
                scheduler = None
            self.claim = getattr(scheduler, "claim_listing", None)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store = None
            release_store(self.store_settings)  # type: ignore[arg-type]

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item).get("url")
        if url in self.seen or (self.claim is not None and not self.claim(url)):
            self.crawler.stats.inc_value("markwatch/duplicates_dropped")
            raise DropItem(f"duplicate listing {url}")
        self.seen.add(url)
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

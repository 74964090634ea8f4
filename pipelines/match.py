"""Scrapy item pipeline that flags listings as they are crawled, with the same matcher as ``markwatch match``.

Why a thin adapter: the matcher is a plain library (``matchers`` never imports Scrapy); this class
only reads its settings once in ``from_crawler`` and switches itself off with ``NotConfigured`` when
matching is off, the way Scrapy's own components do. Items pass through unchanged (the listing feed
stays CONTRACTS §2); leads (§3) go to ``MATCH_LEADS_OUTPUT`` (JSON Lines, optional), to the
``lead_flagged`` signal (for the store and evidence capture) and to the stats.

Settings (crawler/settings.py names the scheme; crawler/addon.py derives them from the configuration):
``MATCH_ENABLED`` (bool; config ``match_enabled``, default False) · ``MATCH_REGISTER`` (path; config
``register``, empty = the bundled demo register) · ``MATCH_THRESHOLD`` (float; config
``match_threshold``) · ``MATCH_CACHE_DIR`` (config ``cache_dir``; empty = no disk cache) ·
``MATCH_MODEL`` (path, default the bundled model) · ``MATCH_LEADS_OUTPUT`` (path, default none).
Each can be overridden for one crawl with ``-s NAME=VALUE``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from markwatch.config import Config
from matchers.listing_io import dump_lead
from pipelines.notes import listing_unchanged

logger = logging.getLogger(__name__)

lead_flagged = object()
"""Signal sent once per lead: handlers get ``lead`` (a §3 dict) and ``item``."""


@dataclass(frozen=True)
class MatchSettings:
    """The pipeline's settings, parsed and checked once."""

    register: str | None
    model: str | None
    threshold: float
    leads_output: str | None
    cache_dir: Path | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> "MatchSettings":
        if not settings.getbool("MATCH_ENABLED", False):
            raise NotConfigured("matching is off (set match_enabled = true in markwatch.toml, "
                                "MARKWATCH_MATCH_ENABLED=1, or -s MATCH_ENABLED=1 for one crawl)")
        threshold = settings.getfloat("MATCH_THRESHOLD", Config().match_threshold)
        if not 0.0 <= threshold <= 1.0:
            raise NotConfigured(f"MATCH_THRESHOLD={threshold} is outside [0, 1]")
        cache_dir = settings.get("MATCH_CACHE_DIR") or None
        return cls(register=settings.get("MATCH_REGISTER") or None,
                   model=settings.get("MATCH_MODEL") or None, threshold=threshold,
                   leads_output=settings.get("MATCH_LEADS_OUTPUT") or None,
                   cache_dir=Path(cache_dir) if cache_dir else None)


class MatchPipeline:
    """Runs every item through :class:`matchers.matcher.Matcher`; never drops an item."""

    def __init__(self, crawler: Crawler, config: MatchSettings):
        from matchers.matcher import Matcher
        from matchers.model import ModelError
        from matchers.register import RegisterError

        self.crawler = crawler
        self.config = config
        try:
            self.matcher = Matcher.from_paths(config.register, config.model, config.threshold,
                                              cache_dir=config.cache_dir)
        except (RegisterError, ModelError) as exc:
            raise NotConfigured(f"matching cannot start: {exc}") from exc
        self._out: IO[bytes] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "MatchPipeline":
        return cls(crawler, MatchSettings.from_settings(crawler.settings))

    def open_spider(self, spider: Any = None) -> None:
        if self.config.leads_output:
            self._out = open(self.config.leads_output, "ab")

    def close_spider(self, spider: Any = None) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if listing_unchanged(self.crawler, item):  # the store holds this very content (pipelines/dedupe.py)
            self.crawler.stats.inc_value("markwatch/match_skipped_unchanged")
            return item
        listing = ItemAdapter(item).asdict()
        started = time.perf_counter()
        try:
            leads = self.matcher.match(listing)
        except Exception:  # noqa: BLE001 - a matcher bug must not lose the crawl; it is logged and counted
            logger.exception("matcher failed on %s; item kept unflagged", listing.get("url"))
            self.crawler.stats.inc_value("markwatch/match_errors")
            return item
        stats = self.crawler.stats
        stats.inc_value("markwatch/match_seconds", time.perf_counter() - started)
        stats.inc_value("markwatch/matched_items")
        if leads:
            stats.inc_value("markwatch/flagged_items")
            stats.inc_value("markwatch/leads", len(leads))
        for lead in leads:
            if self._out is not None:
                self._out.write(dump_lead(lead) + b"\n")
            self.crawler.signals.send_catch_log(signal=lead_flagged, lead=lead, item=item)
        if leads and self._out is not None:
            self._out.flush()
        return item

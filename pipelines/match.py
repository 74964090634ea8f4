"""Scrapy item pipeline that flags listings as they are crawled, with the same matcher as ``markwatch match``.

Why a thin adapter: the matcher is a plain library (``matchers`` never imports Scrapy); this class
only reads its settings once in ``from_crawler`` and switches itself off with ``NotConfigured`` when
matching is off, the way Scrapy's own components do. Items pass through unchanged (the listing feed
stays CONTRACTS §2); leads (§3) go to ``MARKWATCH_LEADS_OUTPUT`` (JSON Lines, optional), to the
``lead_flagged`` signal (for the store and evidence capture) and to the stats.

Settings (defaults from :func:`markwatch.config.load_config`):
``MARKWATCH_MATCH_ENABLED`` (bool, default False) · ``MARKWATCH_REGISTER`` (path, default config
``register`` or the bundled demo register) · ``MARKWATCH_MATCH_THRESHOLD`` (float, default config
``match_threshold``) · ``MARKWATCH_MODEL`` (path, default the bundled model) ·
``MARKWATCH_LEADS_OUTPUT`` (path, default none).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from matchers.listing_io import dump_lead

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

    @classmethod
    def from_settings(cls, settings: Any) -> "MatchSettings":
        from markwatch.config import load_config

        if not settings.getbool("MARKWATCH_MATCH_ENABLED", False):
            raise NotConfigured("matching is off (set MARKWATCH_MATCH_ENABLED=True to flag while crawling)")
        config = load_config()
        threshold = settings.getfloat("MARKWATCH_MATCH_THRESHOLD", config.match_threshold)
        if not 0.0 <= threshold <= 1.0:
            raise NotConfigured(f"MARKWATCH_MATCH_THRESHOLD={threshold} is outside [0, 1]")
        return cls(register=settings.get("MARKWATCH_REGISTER") or config.register or None,
                   model=settings.get("MARKWATCH_MODEL") or None, threshold=threshold,
                   leads_output=settings.get("MARKWATCH_LEADS_OUTPUT") or None)


class MatchPipeline:
    """Runs every item through :class:`matchers.matcher.Matcher`; never drops an item."""

    def __init__(self, crawler: Crawler, config: MatchSettings):
        from matchers.matcher import Matcher
        from matchers.model import ModelError
        from matchers.register import RegisterError

        self.crawler = crawler
        self.config = config
        try:
            self.matcher = Matcher.from_paths(config.register, config.model, config.threshold)
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
        listing = ItemAdapter(item).asdict()
        try:
            leads = self.matcher.match(listing)
        except Exception:  # noqa: BLE001 - a matcher bug must not lose the crawl; it is logged and counted
            logger.exception("matcher failed on %s; item kept unflagged", listing.get("url"))
            self.crawler.stats.inc_value("markwatch/match_errors")
            return item
        stats = self.crawler.stats
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

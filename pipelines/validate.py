"""Validate every item against the Listing contract (markwatch.contracts.Listing, CONTRACTS §2).

Why at the pipeline: spiders differ, the contract does not. An item that breaks it (no URL or
title, a price that is not a number) is dropped with its URL and the reason in the log and a
``markwatch/invalid_items/<field>`` stat — never written, never silently lost. Valid items leave
as plain dicts in the contract's shape, so the feed is exactly what readers expect.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from pydantic import ValidationError
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from markwatch.contracts import Listing

logger = logging.getLogger(__name__)


class ValidatePipeline:
    """Drops items that are not valid Listings; passes the rest on as contract-shaped dicts."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ValidatePipeline":
        return cls(crawler)

    def process_item(self, item: Any) -> dict[str, Any]:
        data = ItemAdapter(item).asdict()
        try:
            listing = Listing.model_validate(data)
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in err["loc"]) or "item" for err in exc.errors()})
            for field in fields:
                self.crawler.stats.inc_value(f"markwatch/invalid_items/{field}")
            reason = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            logger.warning("invalid listing from %s dropped: %s", data.get("url", "?"), reason)
            raise DropItem(f"invalid listing: {reason}") from exc
        self.crawler.stats.inc_value("markwatch/listings")
        return listing.model_dump(mode="json")

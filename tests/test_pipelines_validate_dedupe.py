"""The item pipelines on a real (unstarted) Scrapy crawler: contract validation and URL dedupe."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import ListingItem
from pipelines.dedupe import DedupePipeline
from pipelines.validate import ValidatePipeline


def _listing(**fields: object) -> ListingItem:
    base = {"url": "http://127.0.0.1:1/item/1", "title": "耐克 空军一号", "price": 89, "currency": "CNY",
            "platform": "bazaar", "listing_id": "1", "image_urls": []}
    base.update(fields)
    return ListingItem(**{k: v for k, v in base.items() if v is not None})


def test_valid_item_leaves_as_contract_dict() -> None:
    crawler = get_crawler(settings_dict={"JOBDIR": None})
    pipeline = ValidatePipeline.from_crawler(crawler)
    out = pipeline.process_item(_listing())
    assert out["price"] == 89.0 and isinstance(out["price"], float)
    assert out["seller_name"] == "" and out["image_urls"] == []  # every contract field present
    assert crawler.stats.get_value("markwatch/listings") == 1


@pytest.mark.parametrize("bad, field", [
    ({"title": None}, "title"),
    ({"url": ""}, "url"),
    ({"price": "not a price"}, "price"),
])
def test_invalid_item_is_dropped_with_reason_and_stat(bad: dict, field: str, caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler()
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=field):
        pipeline.process_item(_listing(**bad))
    assert crawler.stats.get_value(f"markwatch/invalid_items/{field}") == 1
    assert any(field in r.getMessage() for r in caplog.records)


def test_dedupe_drops_repeats_and_remembers_them_across_runs(tmp_path: Path) -> None:
    """The listing claims live in the crawl's request queue (here the local one of a --resume DIR)."""
    from crawler.queue.sqlite_backend import SqliteBackend

    queue = SqliteBackend(tmp_path / "job")
    first = DedupePipeline(get_crawler(), claim=lambda url: queue.claim_listing(url, ""))
    first.open_spider()
    first.process_item(_listing(url="http://h/a"))
    with pytest.raises(DropItem):
        first.process_item(_listing(url="http://h/a"))
    first.close_spider()
    queue.close()

    queue = SqliteBackend(tmp_path / "job")  # a resumed crawl of the same job
    crawler = get_crawler()
    second = DedupePipeline(crawler, claim=lambda url: queue.claim_listing(url, ""))
    second.open_spider()
    with pytest.raises(DropItem):
        second.process_item(_listing(url="http://h/a"))
    assert second.process_item(_listing(url="http://h/b"))["url"] == "http://h/b"
    second.close_spider()
    queue.close()
    assert crawler.stats.get_value("markwatch/duplicates_dropped") == 1


def test_dedupe_without_the_queue_is_per_run_only() -> None:
    pipeline = DedupePipeline.from_crawler(get_crawler())
    pipeline.open_spider()
    assert pipeline.claim is None  # a bare crawler has no request queue to claim listings in
    pipeline.process_item(_listing(url="http://h/a"))
    with pytest.raises(DropItem):
        pipeline.process_item(_listing(url="http://h/a"))
    pipeline.close_spider()


def test_listing_item_declares_exactly_the_contract_fields() -> None:
    from crawler.items import EXTRA_FIELDS
    from markwatch.contracts import Listing

    assert set(ListingItem.fields) == set(Listing.model_fields) | EXTRA_FIELDS
    assert not EXTRA_FIELDS & set(Listing.model_fields)

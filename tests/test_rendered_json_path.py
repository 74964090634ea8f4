"""The rendered spider's JSON path (platform file ``data_from``) gives the listings the DOM gives.

What would break unseen: a field mapped to the wrong JSON path (a listing with no seller, a price
in the wrong unit), detail pages still rendered one by one (the speed-up gone), or the browser
fetching what a listing does not need (images: the listing's ``image_urls`` are read, the pictures
never fetched). Both crawls run against the same demo marketplace in real Chromium, and the
marketplace's own hit counter says what was requested.
"""

from __future__ import annotations

from typing import Any

import pytest

from rendered_crawls import TABS, StorefrontCrawls


@pytest.mark.browser
@pytest.mark.slow
def test_json_path_gives_the_dom_listings_without_rendering_each_page(storefront_crawls: StorefrontCrawls) -> None:
    dom_crawl, fast_crawl = storefront_crawls.crawl("dom"), storefront_crawls.crawl("auto")
    dom, dom_stats = dom_crawl.listings, dom_crawl.stats
    fast, fast_stats = fast_crawl.listings, fast_crawl.stats

    expected = storefront_crawls.expected
    assert {x["listing_id"] for x in dom} == expected and len(expected) > 8

    def comparable(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {row["listing_id"]: {k: v for k, v in row.items() if k != "crawled_at"} for row in rows}

    assert comparable(fast) == comparable(dom)  # every field of every listing, images and prices included
    assert any(row.get("seller_id") and row.get("price") for row in fast)
    for stats in (dom_stats, fast_stats):  # the same bad pages, named the same way
        assert {k: v for k, v in stats.items() if k.startswith("markwatch/bad_pages/")} == \
            {k: v for k, v in dom_stats.items() if k.startswith("markwatch/bad_pages/")}

    # the DOM crawl rendered every product page; the JSON crawl one (the other requests of the first
    # batch waited for what it saw, not each rendered in a tab of its own), and then fetched the JSON
    # of the others, once each, from that tab, several per round trip when they were asked together
    assert dom_crawl.count("/p/") == dom_stats["markwatch/rendered/pooled_renders"] >= len(dom)
    assert fast_crawl.count("/p/") == fast_stats["markwatch/rendered/pooled_renders"] == 1
    assert fast_stats["markwatch/rendered/json_verified"] == 1
    assert fast_stats["markwatch/rendered/json_fetches"] + fast_crawl.count("/p/") == fast_crawl.count("/api/product/")
    assert 1 <= fast_stats["markwatch/rendered/json_round_trips"] <= fast_stats["markwatch/rendered/json_fetches"]
    assert fast_crawl.count("/api/product/") == dom_crawl.count("/api/product/")  # nothing fetched twice

    # what a listing does not need is never fetched: its pictures are read as URLs, not downloaded,
    # and the storefront's script comes from the browser's cache after each tab's first load
    assert any(row["image_urls"] for row in fast)
    assert dom_crawl.count("/static/img/") == fast_crawl.count("/static/img/") == 0
    assert fast_crawl.requested.get("/static/app.js", 0) <= TABS + 1

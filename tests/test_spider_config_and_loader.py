"""Platform files and the item loader, without a crawl: bad platform files fail with a message
that names the file and the field; the loader cleans hostile scraped values the same way for all."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.items import ListingLoader, finish_listing, load_fields
from crawler.platforms import PlatformConfigError, known_platforms, load_platform


def test_shipped_platforms_load() -> None:
    assert {"bazaar", "storefront", "openmall"} <= set(known_platforms())
    assert load_platform("bazaar", kind="html").links["list"][0].to == "detail"
    assert load_platform("openmall", kind="api").detail_path.endswith("{id}")
    assert load_platform("storefront", kind="rendered").render.load_more


@pytest.mark.parametrize("text, fragment", [
    ("name: x\nkind: html\nlinks: {start: []}\nfields: {title: {css: 'h1', xpath: '//h1'}}\n", "exactly one of css"),
    ("name: x\nkind: html\nfields: {}\n", "links"),
    ("name: x\nkind: ftp\n", "kind must be one of"),
    ("name: [x\n", "not valid YAML"),
    ("name: x\nkind: html\nlinks: {start: []}\nfields: {}\ncolour: red\n", "colour"),
])
def test_bad_platform_file_names_file_and_problem(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlatformConfigError) as err:
        load_platform(str(path))
    assert str(path) in str(err.value) and fragment in str(err.value)


def test_wrong_kind_says_which_spider_to_use() -> None:
    with pytest.raises(PlatformConfigError, match="crawl it with the 'api' spider"):
        load_platform("openmall", kind="html")


def test_unknown_platform_lists_known_ones() -> None:
    with pytest.raises(PlatformConfigError, match="bazaar"):
        load_platform("nosuch")


PAGE = """<html><head><meta charset="utf-8"></head><body>
<h1 class="title">
   耐克  Air Force 1 <script>alert(1)</script>
</h1>
<div class="price">¥1,299.00</div>
<div class="seller"><a href="/seller/s-88">潮鞋小铺</a></div>
<div class="ship-from">发货地：福建 莆田</div>
<img class="gallery" src="/img/1.jpg"><img class="gallery" src="https://cdn.example/2.jpg">
</body></html>"""


def test_loader_cleans_fields_with_platform_rules() -> None:
    response = HtmlResponse("http://127.0.0.1:5/item/42", body=PAGE.encode("utf-8"), encoding="utf-8")
    rules = load_platform("bazaar", kind="html").fields
    item = finish_listing(load_fields(response, rules, "CNY"), "bazaar", response.url)
    assert item["title"] == "耐克  Air Force 1"  # layout newlines gone, the platform's own spacing kept
    assert item["price"] == 1299.0 and item["currency"] == "CNY"
    assert item["seller_name"] == "潮鞋小铺" and item["seller_id"] == "s-88"
    assert item["ship_from"] == "福建 莆田"
    assert item["listing_id"] == "42"
    assert item["image_urls"] == ["http://127.0.0.1:5/img/1.jpg", "https://cdn.example/2.jpg"]
    assert item["crawled_at"].endswith("Z") and item["url"] == response.url


def test_loader_keeps_a_currency_found_on_the_page_over_the_default() -> None:
    loader = ListingLoader()
    loader.add_value("currency", " usd ")
    loader.add_value("currency", "CNY")
    loader.add_value("price", "59,99")
    item = finish_listing(loader, "x", "http://h/1")
    assert (item["currency"], item["price"]) == ("USD", 59.99)

"""The schema.org extraction rules (crawler.extract.schemaorg), without Scrapy: on the saved real
shop pages of ../shared/realpages and on hand-written pages in the styles real shops use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from w3lib.encoding import html_to_unicode

from crawler.extract.schemaorg import extract_product, parse_price

REALPAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "realpages"


def _expected() -> list[dict]:
    path = REALPAGES / "expected.jsonl"
    assert path.is_file(), f"the real-pages corpus is missing: {path.resolve()} (see the task brief)"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("expected", _expected(), ids=lambda e: e["file"][:2])
def test_real_page(expected: dict) -> None:
    body = (REALPAGES / "pages" / expected["file"]).read_bytes()
    _, text = html_to_unicode(None, body)  # no HTTP charset: detect like a crawler would
    product = extract_product(text, f"http://127.0.0.1/pages/{expected['file']}")
    if expected["name"] is None:
        assert product is None
        return
    assert product is not None
    assert (product.name, product.price, product.currency, product.format) == (
        expected["name"], pytest.approx(expected["price"]), expected["currency"], expected["format"])


NESTED_GRAPH = """<!doctype html><html><head><meta charset="utf-8">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "name": "耐克官方旗舰店 - 首页"},
  {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "name": "运动鞋"}]},
  {"@type": "Product", "name": "耐克 Air Force 1 空军一号", "sku": "AF1-07",
   "brand": {"@type": "Brand", "name": "NIKE"}, "image": [{"@type": "ImageObject", "url": "/img/af1.jpg"}],
   "offers": [{"@type": "Offer", "price": "699.00", "priceCurrency": "cny",
               "seller": {"@type": "Organization", "name": "潮鞋小铺"}},
              {"@type": "Offer", "price": "799.00", "priceCurrency": "CNY"}]}
]}
</script></head><body><h1>耐克 Air Force 1</h1></body></html>"""

AGGREGATE = """<html><head><script type="application/ld+json">
[{"@context": "https://schema.org/", "@type": "Organization", "name": "阳澄湖蟹业"},
 {"@context": "https://schema.org/", "@type": "Product", "name": "阳澄湖大闸蟹 礼盒 8只",
  "offers": {"@type": "AggregateOffer", "lowPrice": "388", "highPrice": "988", "priceCurrency": "CNY"}}]
</script></head><body></body></html>"""

MICRODATA_ONLY = """<html><head><meta charset="utf-8"></head><body>
<div itemscope itemtype="https://schema.org/Product">
  <h1 itemprop="name">  冰墩墩
     毛绒公仔 </h1>
  <span itemprop="brand">北京2022</span>
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <span itemprop="price">¥1,299.00</span>
    <meta itemprop="priceCurrency" content="CNY">
  </div>
  <div itemprop="review" itemscope itemtype="https://schema.org/Review"><span itemprop="name">好评</span></div>
</div></body></html>"""

NO_PRODUCT = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Organization", "name": "某某商城"}</script></head>
<body><div itemscope itemtype="https://schema.org/BreadcrumbList"><span itemprop="name">首页</span></div></body></html>"""

BROKEN_JSONLD = """<html><head><script type="application/ld+json">{"@type": "Product", "name": </script>
<script type="application/ld+json">{"@type": "Product", "name": "second block", "offers": {"price": "12,50", "priceCurrency": "EUR"}}</script>
</head><body></body></html>"""


def test_nested_graph_offer_list_first_offer_and_seller() -> None:
    product = extract_product(NESTED_GRAPH, "https://shop.example/item/1")
    assert product is not None
    assert product.name == "耐克 Air Force 1 空军一号"
    assert (product.price, product.currency) == (699.0, "CNY")
    assert product.seller_name == "潮鞋小铺"
    assert product.brand == "NIKE"
    assert product.sku == "AF1-07"
    assert product.image_urls == ["https://shop.example/img/af1.jpg"]


def test_top_level_array_with_aggregate_offer_takes_low_price() -> None:
    product = extract_product(AGGREGATE, "https://shop.example/crab")
    assert product is not None and product.format == "json-ld"
    assert (product.name, product.price, product.currency) == ("阳澄湖大闸蟹 礼盒 8只", 388.0, "CNY")


def test_microdata_only_with_price_as_text() -> None:
    product = extract_product(MICRODATA_ONLY, "https://shop.example/bdd")
    assert product is not None and product.format == "microdata"
    assert product.name == "冰墩墩 毛绒公仔"  # text content, whitespace collapsed; the review's name is not taken
    assert (product.price, product.currency) == (1299.0, "CNY")
    assert product.brand == "北京2022"


def test_page_without_product_gives_nothing() -> None:
    assert extract_product(NO_PRODUCT, "https://shop.example/") is None


def test_a_broken_json_ld_block_does_not_hide_a_good_one() -> None:
    product = extract_product(BROKEN_JSONLD, "https://shop.example/x")
    assert product is not None
    assert (product.name, product.price, product.currency) == ("second block", 12.5, "EUR")


@pytest.mark.parametrize("raw, value", [
    ("¥1,299.00", 1299.0), ("59,99", 59.99), ("1.299,00 €", 1299.0), (129, 129.0), ("  ", None), (None, None),
])
def test_parse_price(raw: object, value: float | None) -> None:
    assert parse_price(raw) == value

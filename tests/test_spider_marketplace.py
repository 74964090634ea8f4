"""The platform spiders (html, api, rendered) against the demo marketplace on 127.0.0.1.

Each crawl runs as a user runs it (``markwatch crawl`` in a subprocess: a Twisted reactor cannot
restart inside pytest) and is checked against the marketplace's ground truth: the listing ids a
correct spider emits, the field values (labels file), the broken pages reported by reason, the
server's own hit counts (robots-disallowed paths never fetched, nothing fetched twice on resume).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest

from marketplace_crawls import SPIDER_OF, Crawl, run_crawl

REPO = Path(__file__).resolve().parents[1]
DISALLOWED = {"bazaar": ("/admin/", "/cart"), "storefront": ("/internal/",), "openmall": ("/api/v1/private/",)}
COMPARED = ("platform", "listing_id", "currency", "seller_name", "seller_id", "ship_from", "shop_address", "category",
            "brand", "image_urls")


def hits(base_url: str) -> dict[str, int]:
    with urllib.request.urlopen(base_url + "/__hits", timeout=10) as answer:
        return json.load(answer)


def labels_by_url(labels_path: Path | str) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in Path(labels_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["url"]: row for row in rows}


def served(labels: dict[str, dict[str, Any]], platform: str) -> Counter[str]:
    return Counter(row["served_as"] for row in labels.values() if row["platform"] == platform)


def _shown(value: Any) -> Any:
    """Text as a page shows it: leading/trailing blanks of the generated truth are not visible."""
    return value.strip() if isinstance(value, str) else value


def assert_fields_match_labels(crawl: Crawl, labels: dict[str, dict[str, Any]]) -> None:
    for listing in crawl.listings:
        truth = {k: _shown(v) for k, v in labels[listing["url"]].items()}
        for field in COMPARED:
            assert listing[field] == truth[field], (listing["url"], field, listing[field], truth[field])
        if truth["price"] is None:
            assert listing["price"] is None
        else:
            assert isinstance(listing["price"], float) and listing["price"] == pytest.approx(truth["price"])
        if truth["served_as"] != "mojibake":
            assert listing["title"] == truth["title"]
        if truth["served_as"] == "ok":
            assert listing["description"] == truth["description"]
        assert listing["crawled_at"].endswith("Z")


def assert_robots_obeyed(platform: str, base_url: str) -> None:
    fetched = hits(base_url)
    assert "/robots.txt" in fetched
    bad = [path for path in fetched if path.startswith(DISALLOWED[platform])]
    assert bad == [], f"robots-disallowed paths fetched on {platform}: {bad[:5]}"


# ---------------------------------------------------------------- html / bazaar (session marketplace)

@pytest.fixture(scope="module")
def bazaar_crawl(session_crawls) -> Crawl:
    return session_crawls["bazaar"]


def test_html_spider_emits_exactly_the_expected_listings(bazaar_crawl: Crawl, catalogue) -> None:
    ids = [x["listing_id"] for x in bazaar_crawl.listings]
    assert len(ids) == len(set(ids))
    assert set(ids) == catalogue.expected_listing_ids("bazaar")
    # Pages were really fetched: start + categories + list pages + every detail page.
    assert bazaar_crawl.stats["response_received_count"] > len(ids)


def test_html_spider_fields_match_ground_truth(bazaar_crawl: Crawl, marketplace) -> None:
    assert_fields_match_labels(bazaar_crawl, labels_by_url(marketplace.labels_path))


def test_html_spider_reports_broken_pages_and_goes_on(bazaar_crawl: Crawl, marketplace) -> None:
    kinds = served(labels_by_url(marketplace.labels_path), "bazaar")
    assert bazaar_crawl.bad("http_500") == kinds["error500"]
    assert bazaar_crawl.bad("truncated") == kinds["truncated"]
    assert bazaar_crawl.bad("undecodable") == kinds["mojibake"]
    assert bazaar_crawl.stats.get("retry/count", 0) >= kinds["flaky500"]
    assert "bad pages:" in bazaar_crawl.proc.stderr


def test_html_spider_obeys_robots(bazaar_crawl: Crawl, marketplace) -> None:
    assert_robots_obeyed("bazaar", marketplace.urls["bazaar"])
    fetched = hits(marketplace.urls["bazaar"])
    for listing in bazaar_crawl.listings[:50]:  # detail pages came from the server
        assert fetched.get(listing["url"].removeprefix(marketplace.urls["bazaar"]), 0) >= 1


# ---------------------------------------------------------------- api / openmall (session marketplace)

@pytest.fixture(scope="module")
def openmall_crawl(session_crawls) -> Crawl:
    return session_crawls["openmall"]


def test_api_spider_emits_exactly_the_expected_listings(openmall_crawl: Crawl, catalogue) -> None:
    ids = [x["listing_id"] for x in openmall_crawl.listings]
    assert len(ids) == len(set(ids))
    assert set(ids) == catalogue.expected_listing_ids("openmall")
    assert openmall_crawl.stats["response_received_count"] > len(ids)


def test_api_spider_fields_match_ground_truth(openmall_crawl: Crawl, marketplace) -> None:
    assert_fields_match_labels(openmall_crawl, labels_by_url(marketplace.labels_path))


def test_api_spider_reports_broken_documents(openmall_crawl: Crawl, marketplace) -> None:
    kinds = served(labels_by_url(marketplace.labels_path), "openmall")
    assert openmall_crawl.bad("http_500") == kinds["error500"]
    assert openmall_crawl.bad("json_error") == kinds["truncated"]
    assert openmall_crawl.stats.get("retry/count", 0) >= kinds["flaky500"]


def test_api_spider_obeys_robots(openmall_crawl: Crawl, marketplace) -> None:
    assert_robots_obeyed("openmall", marketplace.urls["openmall"])


# ---------------------------------------------------------------- own small marketplaces

@pytest.fixture()
def small_marketplace(tmp_path: Path) -> Iterator[Any]:
    """A fresh marketplace (clean /__hits) factory: call with the options the test needs."""
    from demo_marketplace.process import start_marketplace

    started: list[Any] = []

    def start(**options: Any) -> Any:
        options.setdefault("labels_out", str(tmp_path / f"labels-{len(started)}.jsonl"))
        market = start_marketplace(**options)
        started.append(market)
        return market

    yield start
    for market in started:
        market.stop()


def _expected_ids(listings: int, seed: int, platform: str) -> set[str]:
    from demo_marketplace.catalogue import generate_catalogue

    return generate_catalogue(listings, seed).expected_listing_ids(platform)


def test_api_spider_waits_out_429s_and_gets_everything(small_marketplace, tmp_path: Path) -> None:
    market = small_marketplace(listings=90, seed=11, api_rate=8, api_burst=4)
    crawl = run_crawl("openmall", market.urls["openmall"], tmp_path / "throttled")
    assert crawl.stats.get("markwatch/throttled/429", 0) > 0, "the rate limit never triggered"
    assert crawl.stats.get("markwatch/throttled/gave_up", 0) == 0
    assert {x["listing_id"] for x in crawl.listings} == _expected_ids(90, 11, "openmall")


def test_resume_after_interruption_fetches_nothing_twice(small_marketplace, tmp_path: Path) -> None:
    market = small_marketplace(listings=240, seed=5, api_rate=0)
    base = market.urls["bazaar"]
    jobdir, output = tmp_path / "job", tmp_path / "resumed.jsonl"
    first = run_crawl("bazaar", base, tmp_path / "run1", "--resume", str(jobdir), "-s", "CLOSESPIDER_ITEMCOUNT=12",
                      output=output)
    assert first.stats["finish_reason"] == "closespider_itemcount"
    done_first = {x["url"] for x in first.listings}
    expected = _expected_ids(240, 5, "bazaar")
    assert 12 <= len(done_first) < len(expected)
    second = run_crawl("bazaar", base, tmp_path / "run2", "--resume", str(jobdir), output=output)
    urls = [x["url"] for x in second.listings]  # the file holds both runs (resume appends)
    assert len(urls) == len(set(urls))
    assert {x["listing_id"] for x in second.listings} == expected
    labels = labels_by_url(market.labels_path)
    fetched = hits(base)
    for url, row in labels.items():
        if row["platform"] == "bazaar" and row["served_as"] in ("ok", "missing_price", "mojibake", "truncated"):
            assert fetched.get(url.removeprefix(base), 0) == 1, f"{url} fetched {fetched.get(url.removeprefix(base))} times"


# ---------------------------------------------------------------- rendered / storefront (real Chromium)

@pytest.mark.browser
def test_rendered_spider_sees_js_only_content(small_marketplace, tmp_path: Path) -> None:
    market = small_marketplace(listings=150, seed=3, api_rate=0)
    base = market.urls["storefront"]
    crawl = run_crawl("storefront", base, tmp_path / "rendered")
    ids, expected = {x["listing_id"] for x in crawl.listings}, _expected_ids(150, 3, "storefront")
    bad = {k: v for k, v in crawl.stats.items() if k.startswith("markwatch/")}
    assert ids == expected, (sorted(expected - ids), sorted(ids - expected), bad, crawl.proc.stderr[-3000:])
    labels = labels_by_url(market.labels_path)
    assert_fields_match_labels(crawl, labels)
    # Without a browser the page holds none of it: the content came through Chromium.
    sample = crawl.listings[0]
    with urllib.request.urlopen(sample["url"], timeout=10) as answer:
        raw = answer.read().decode("utf-8", "replace")
    assert sample["title"] not in raw and sample["seller_name"] not in raw
    kinds = served(labels, "storefront")
    assert crawl.bad("render_error_500") == kinds["error500"]
    assert crawl.stats.get("markwatch/rendered/load_more_clicks", 0) >= 1
    assert_robots_obeyed("storefront", base)


def test_a_new_platform_is_a_yaml_file(marketplace, catalogue, tmp_path: Path) -> None:
    """The html spider reads any platform file: here the bazaar described again with XPath only."""
    platform = tmp_path / "bazaar-xpath.yaml"
    platform.write_text("""
name: bazaar-xpath
kind: html
default_currency: CNY
links:
  start: [{xpath: "//a[@class='category-link']/@href", to: list}]
  list:
    - {xpath: "//li[@class='result']/a[@class='item-link']/@href", to: detail}
    - {xpath: "//a[@rel='next']/@href", to: list}
fields:
  listing_id: {url_re: "/item/([^/?#]+)"}
  title: {xpath: "//h1[@class='title']/text()"}
  price: {xpath: "//div[@class='price']/text()"}
  ship_from: {xpath: "//div[@class='ship-from']/text()", strip_prefixes: ["发货地："]}
""", encoding="utf-8")
    out = tmp_path / "x.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "markwatch.cli", "crawl", "html", "--platform", str(platform),
         "--start-url", marketplace.urls["bazaar"] + "/", "--output", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    listings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {x["listing_id"] for x in listings} == catalogue.expected_listing_ids("bazaar")
    labels = labels_by_url(marketplace.labels_path)
    for listing in listings:
        truth = labels[listing["url"]]
        assert listing["platform"] == "bazaar-xpath"
        assert listing["ship_from"] == _shown(truth["ship_from"])
        assert listing["price"] == (None if truth["price"] is None else pytest.approx(truth["price"]))

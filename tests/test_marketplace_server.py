"""The demo marketplace server (docs/marketplace.md) over real HTTP on 127.0.0.1.

Uses the session ``marketplace`` for read-only checks and starts fresh small marketplaces where
the behaviour depends on history (flaky500 = first request fails; the rate limit's bucket).
"""

from __future__ import annotations

import html
import json
import re
import time
import urllib.error
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest

from markwatch.contracts import LabelledListing
from demo_marketplace.process import MarketplaceError, start_marketplace


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=15) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def get_json(url: str):
    status, _headers, body = get(url)
    assert status == 200, (url, status, body[:200])
    return json.loads(body)


class Links(HTMLParser):
    """Collects (class, href) of <a> tags: enough to crawl bazaar like a spider would."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            a = dict(attrs)
            self.links.append((a.get("class") or "", a.get("href") or ""))


def links(body: bytes) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(body.decode("utf-8"))
    return parser.links


def labels(market) -> list[dict]:
    return [json.loads(line) for line in Path(market.labels_path).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Iterator:
    """A marketplace nobody else has touched (flaky500 pages not yet requested), no rate limit."""
    market = start_marketplace(listings=1200, seed=21, api_rate=0,
                               labels_out=tmp_path_factory.mktemp("fresh") / "labels.jsonl")
    yield market
    market.stop()


def test_robots_txt_per_platform(marketplace) -> None:
    expected = {"bazaar": ["Disallow: /admin/", "Disallow: /cart"], "storefront": ["Disallow: /internal/"],
                "openmall": ["Disallow: /api/v1/private/"]}
    for platform, rules in expected.items():
        status, _, body = get(marketplace.urls[platform] + "/robots.txt")
        lines = body.decode().splitlines()
        assert status == 200 and lines[0] == "User-agent: *" and lines[1:] == rules


def test_bazaar_categories_partition_the_catalogue(marketplace, catalogue) -> None:
    base = marketplace.urls["bazaar"]
    _, _, home = get(base + "/")
    categories = [href for cls, href in links(home) if cls == "category-link"]
    seen: Counter[str] = Counter()
    pages = 0
    for href in categories:
        url = base + href
        while url:
            status, _, body = get(url)
            assert status == 200
            pages += 1
            page_links = links(body)
            seen.update(href.removeprefix("/item/") for cls, href in page_links if cls == "item-link")
            nxt = [href for cls, href in page_links if cls == "next"]
            url = base + nxt[0] if nxt else ""
    bazaar_ids = {e.listing_id for e in catalogue.for_platform("bazaar")}
    assert set(seen) == bazaar_ids and max(seen.values()) == 1
    assert pages > len(categories)  # some categories really have several pages


def test_bazaar_item_page_carries_every_field(marketplace, catalogue) -> None:
    base = marketplace.urls["bazaar"]
    e = next(e for e in catalogue.for_platform("bazaar") if e.served_as == "ok" and e.brand and e.ship_from)
    status, headers, body = get(base + e.path)
    text = body.decode("utf-8")
    assert status == 200 and "charset=utf-8" in headers["content-type"]
    assert f'<h1 class="title">{html.escape(e.title, quote=False)}</h1>' in text.replace("&#34;", '"').replace("&#39;", "'")
    assert f'<div class="price">¥{e.price:,.2f}</div>' in text
    assert f'<a href="/seller/{e.seller_id}">{html.escape(e.seller_name)}</a>' in text
    assert f'<div class="ship-from">发货地：{html.escape(e.ship_from)}</div>' in text
    assert f'<a href="/admin/edit/{e.listing_id}">' in text and f'<a href="/cart/add/{e.listing_id}">' in text
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1))
    assert ld["@type"] == "Product" and ld["name"] == e.title and ld["sku"] == e.listing_id
    assert ld["offers"]["price"] == f"{e.price:.2f}" and ld["offers"]["seller"]["name"] == e.seller_name
    assert ld["brand"]["name"] == e.brand and ld["image"] == [base + p for p in e.image_paths]
    status, _, seller_page = get(base + f"/seller/{e.seller_id}")
    assert status == 200 and f'href="/item/{e.listing_id}"' in seller_page.decode()


def test_bazaar_search_finds_titles_containing_the_query(marketplace, catalogue) -> None:
    base = marketplace.urls["bazaar"]
    q = "大闸蟹"
    expected = {e.listing_id for e in catalogue.for_platform("bazaar") if q in e.title}
    found, url = set(), base + "/search?q=" + urllib.request.quote(q)
    while url:
        page_links = links(get(url)[2])
        found |= {href.removeprefix("/item/") for cls, href in page_links if cls == "item-link"}
        nxt = [href for cls, href in page_links if cls == "next"]
        url = base + nxt[0] if nxt else ""
    assert expected and found == expected


def test_openmall_cursor_pagination_returns_every_item_once(marketplace, catalogue) -> None:
    base = marketplace.urls["openmall"]
    ids: list[str] = []
    page = get_json(base + "/api/v1/search?limit=100")
    while True:
        ids += [item["id"] for item in page["items"]]
        assert all(item["url"] == f"{base}/item/{item['id']}" for item in page["items"])
        if page["next_cursor"] is None:
            break
        page = get_json(base + f"/api/v1/search?limit=100&cursor={page['next_cursor']}")
    assert len(ids) == len(set(ids)) and set(ids) == {e.listing_id for e in catalogue.for_platform("openmall")}
    status, _, body = get(base + "/api/v1/search?cursor=not-a-cursor")
    assert status == 400 and b"cursor" in body
    assert get(base + "/api/v1/search?limit=101")[0] == 400


def test_openmall_item_document(marketplace, catalogue) -> None:
    base = marketplace.urls["openmall"]
    e = next(e for e in catalogue.for_platform("openmall") if e.served_as == "ok")
    doc = get_json(base + f"/api/v1/items/{e.listing_id}")
    assert doc["title"] == e.title and doc["price"] == e.price and doc["currency"] == "CNY"
    assert doc["seller"] == {"id": e.seller_id, "name": e.seller_name, "location": e.ship_from,
                             "address": e.shop_address}
    assert doc["url"] == base + e.path and doc["stock_url"] == f"/api/v1/private/stock/{e.listing_id}"
    assert get(doc["url"])[0] == 200


def test_storefront_offset_pagination_and_shell(marketplace, catalogue) -> None:
    base = marketplace.urls["storefront"]
    _, _, shell = get(base + "/")
    assert b'<div id="grid"></div>' in shell and b'id="load-more"' in shell and b"/static/app.js" in shell
    ids, offset = [], 0
    while offset is not None:
        page = get_json(base + f"/api/products?offset={offset}&limit=24")
        assert len(page["items"]) <= 24 and page["total"] == len(catalogue.for_platform("storefront"))
        ids += [item["id"] for item in page["items"]]
        assert all(item["url"] == f"/p/{item['id']}" for item in page["items"])
        offset = page["next_offset"]
    assert ids == [e.listing_id for e in catalogue.for_platform("storefront")]
    e = next(e for e in catalogue.for_platform("storefront") if e.served_as == "ok")
    _, _, product_shell = get(base + e.path)
    assert e.title.encode() not in product_shell and f"/internal/stock/{e.listing_id}".encode() in product_shell
    product = get_json(base + f"/api/product/{e.listing_id}")
    assert product["title"] == e.title and product["seller"]["id"] == e.seller_id and product["price"] == e.price


def test_no_ground_truth_in_pages_or_answers(marketplace, catalogue) -> None:
    forbidden = re.compile(r"infringes|served_as|\"case\"|tm_[a-z]+|gi_[a-z]+|sm_[a-z]+|unrelated|error500|flaky500"
                           r"|missing_price|mojibake|truncated|\b(tm|gi|sm)-[a-z0-9-]+")
    urls = {p: marketplace.urls[p] for p in marketplace.urls}
    bodies = [get(urls["bazaar"] + "/")[2], get(urls["storefront"] + "/static/app.js")[2],
              get(urls["storefront"] + "/api/products?limit=100")[2], get(urls["openmall"] + "/api/v1/search?limit=100")[2]]
    by_case: dict[str, list] = {}
    for e in catalogue.entries:
        by_case.setdefault(e.case, []).append(e)
    for entries in by_case.values():  # one listing of every case, on its own platform
        for e in entries[:2]:
            if e.served_as in ("error500", "flaky500"):
                continue
            base = urls[e.platform]
            bodies.append(get(base + e.path)[2])
            if e.platform == "openmall":
                bodies.append(get(base + f"/api/v1/items/{e.listing_id}")[2])
            if e.platform == "storefront":
                bodies.append(get(base + f"/api/product/{e.listing_id}")[2])
            if e.platform == "bazaar":
                bodies.append(get(base + f"/seller/{e.seller_id}")[2])
    assert len(bodies) > 40
    for body in bodies:
        match = forbidden.search(body.decode("utf-8", "replace"))
        assert match is None, match.group(0)


def test_hostile_titles_are_escaped(marketplace, catalogue) -> None:
    hostile = [e for e in catalogue.entries if "<" in e.title and e.platform in ("bazaar", "openmall")]
    assert any("<script>" in e.title for e in catalogue.entries)
    assert hostile
    for e in hostile:
        status, _, body = get(marketplace.urls[e.platform] + e.path)
        if status == 500:
            continue
        text = body.decode("utf-8", "replace")
        snippet = e.title[e.title.index("<"):]
        assert snippet not in text, (e.listing_id, snippet)
        assert html.escape(snippet, quote=False).split("&quot;")[0][:12] in text.replace("&#34;", '"')
    app_js = get(marketplace.urls["storefront"] + "/static/app.js")[2].decode()
    assert ".innerHTML" not in app_js and "textContent" in app_js


def test_hits_count_paths_without_query(fresh) -> None:
    base = fresh.urls["bazaar"]
    before = get_json(base + "/__hits").get("/category/tea", 0)
    get(base + "/category/tea?page=1")
    get(base + "/category/tea?page=2")
    get(base + "/category/tea")
    hits = get_json(base + "/__hits")
    assert hits["/category/tea"] == before + 3
    assert "/category/tea?page=1" not in hits and "/__hits" in hits


def test_error500_and_flaky500(fresh) -> None:
    rows = labels(fresh)
    checked = Counter()
    for row in rows:
        base = fresh.urls[row["platform"]]
        path = row["url"].removeprefix(base)
        if row["platform"] == "openmall":
            path = f"/api/v1/items/{row['listing_id']}"
        elif row["platform"] == "storefront":
            path = f"/api/product/{row['listing_id']}"
        if row["served_as"] == "error500":
            assert [get(base + path)[0] for _ in range(2)] == [500, 500]
            checked["error500", row["platform"]] += 1
        elif row["served_as"] == "flaky500":
            first, second = get(base + path)[0], get(base + path)[0]
            expected_first = 200 if row["platform"] == "storefront" else 500
            assert (first, second) == (expected_first, 200), row["url"]
            checked["flaky500", row["platform"]] += 1
    assert {k for k in checked} >= {("error500", p) for p in ("bazaar", "storefront", "openmall")}
    assert ("flaky500", "bazaar") in checked and ("flaky500", "openmall") in checked


def test_truncated_mojibake_and_missing_price(fresh) -> None:
    rows = labels(fresh)
    seen = Counter()
    for row in rows:
        base, kind, platform = fresh.urls[row["platform"]], row["served_as"], row["platform"]
        if kind == "truncated" and platform == "bazaar":
            status, _, body = get(row["url"])
            text = body.decode("utf-8", "replace")
            assert status == 200 and "</html>" not in text and "application/ld+json" not in text
            assert html.escape(row["title"], quote=False) in text.replace("&#34;", '"').replace("&#39;", "'")
            assert f"¥{row['price']:,.2f}" in text and row["seller_name"] in html.unescape(text)
            assert '<div class="description">' in text
        elif kind == "truncated" and platform == "openmall":
            status, _, body = get(base + f"/api/v1/items/{row['listing_id']}")
            assert status == 200
            with pytest.raises(ValueError):  # cut JSON (possibly inside a UTF-8 character)
                json.loads(body)
        elif kind == "mojibake" and platform == "bazaar":
            status, headers, body = get(row["url"])
            assert status == 200 and "charset=utf-8" in headers["content-type"]
            assert row["title"].encode("gbk") in body and row["title"].encode("utf-8") not in body
        elif kind == "missing_price" and platform == "bazaar":
            text = get(row["url"])[2].decode()
            assert 'class="price"' not in text and '"price"' not in text
        elif kind == "missing_price" and platform == "openmall":
            assert get_json(base + f"/api/v1/items/{row['listing_id']}")["price"] is None
        elif kind == "missing_price" and platform == "storefront":
            assert get_json(base + f"/api/product/{row['listing_id']}")["price"] is None
        else:
            continue
        seen[kind, platform] += 1
    assert {("truncated", "bazaar"), ("truncated", "openmall"), ("mojibake", "bazaar"),
            ("missing_price", "bazaar"), ("missing_price", "openmall"), ("missing_price", "storefront")} <= set(seen)


def test_labels_file_has_real_urls(marketplace, catalogue) -> None:
    rows = labels(marketplace)
    assert len(rows) == len(catalogue.entries)
    for row in rows:
        LabelledListing.model_validate(row)
        assert row["url"].startswith(marketplace.urls[row["platform"]] + "/")
        assert catalogue.by_id[row["listing_id"]].infringes == row["infringes"]
    ok = [r for r in rows if r["served_as"] == "ok"]
    for row in ok[:: max(1, len(ok) // 15)]:
        assert get(row["url"])[0] == 200
        image_type = "image/jpeg" if row["image_urls"][0].endswith(".jpg") else "image/png"  # .jpg: a planted copy
        assert get(row["image_urls"][0])[1]["content-type"] == image_type


def test_openmall_rate_limit_answers_429_with_retry_after(tmp_path) -> None:
    with start_marketplace(listings=120, seed=4, api_rate=2, api_burst=5, labels_out=tmp_path / "l.jsonl") as market:
        base = market.urls["openmall"]
        answers = [get(base + "/api/v1/search?limit=5") for _ in range(15)]
        codes = [status for status, _, _ in answers]
        assert codes[:5] == [200] * 5 and 429 in codes
        limited = next(a for a in answers if a[0] == 429)
        assert limited[1]["retry-after"] == "1" and b"rate limit" in limited[2]
        assert get(base + "/robots.txt")[0] == 200  # robots.txt is never throttled
        time.sleep(1.1)
        assert get(base + "/api/v1/search?limit=5")[0] == 200
    assert market.proc.returncode == 0  # SIGTERM shuts it down cleanly


def test_start_marketplace_reports_a_child_that_dies() -> None:
    with pytest.raises(MarketplaceError, match="listings must be at least 1"):
        start_marketplace(listings=0, timeout=30)


@pytest.mark.browser
def test_storefront_renders_in_chromium_and_escapes_hostile_titles(marketplace, catalogue) -> None:
    """The JS storefront in a real browser: the grid completes, product pages render, no injected HTML runs."""
    from playwright.sync_api import sync_playwright

    from markwatch.config import chromium_args, find_browser

    base = marketplace.urls["storefront"]
    shop = catalogue.for_platform("storefront")
    hostile = next(e for e in shop if "<" in e.title and e.served_as == "ok")
    broken = next(e for e in shop if e.served_as == "error500")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(), headless=True, args=chromium_args())
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + "/")
            page.wait_for_selector("#grid a.card")
            while page.query_selector("#grid[data-complete=true]") is None:
                page.click("#load-more")
                page.wait_for_timeout(20)
            hrefs = page.eval_on_selector_all("#grid a.card", "cards => cards.map(c => c.getAttribute('href'))")
            assert hrefs == [e.path for e in shop] and page.query_selector("#load-more") is None

            page.goto(base + hostile.path)
            page.wait_for_selector("#product[data-ready=true]")
            assert page.inner_text("#product h1.title") == hostile.title
            assert page.query_selector("#product h1.title *") is None  # the markup stayed text
            assert page.get_attribute("#product .seller", "data-seller-id") == hostile.seller_id
            assert page.inner_text("#product .price") == f"¥{hostile.price:,.2f}"
            page.goto(base + broken.path)
            page.wait_for_selector("#product[data-error]")
            assert page.get_attribute("#product", "data-error") == "500" and "加载失败" in page.inner_text("#product")
            assert dialogs == []
        finally:
            browser.close()


def test_demo_site_command_serves_until_ctrl_c(tmp_path) -> None:
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "markwatch.cli", "demo-site", "--listings", "60", "--seed", "2",
                             "--labels-out", str(tmp_path / "labels.jsonl")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline().strip() for _ in range(4)]
        assert [line.split()[:2] for line in lines[:3]] == [["PLATFORM", p] for p in ("bazaar", "storefront", "openmall")]
        assert lines[3] == "READY"
        urls = {line.split()[1]: line.split()[2] for line in lines[:3]}
        assert get(urls["bazaar"] + "/robots.txt")[0] == 200
        assert len((tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()) == 60
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

"""The rendered spider's detail pages take the fast path of crawler/rendering.py, in real Chromium.

What would silently undo the speed-up: detail pages going back through scrapy-playwright's routed
path (every request of a page through Python, and no HTTP cache, so the storefront's script would
be fetched once per product page), or a tab per page instead of reused ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from loopback_site import QuietHandler, serving
from rendered_crawls import TABS, StorefrontCrawls


@pytest.mark.browser
@pytest.mark.slow
def test_detail_pages_render_in_reused_cached_tabs(storefront_crawls: StorefrontCrawls) -> None:
    # every page rendered (the DOM path): the session's crawl (tests/rendered_crawls.py), which
    # test_rendered_json_path.py compares with the storefront's JSON path
    dom = storefront_crawls.crawl("dom")
    assert {x["listing_id"] for x in dom.listings} == storefront_crawls.expected

    product_pages = dom.count("/p/")
    assert product_pages >= len(dom.listings) > 10
    # every product page was rendered on the fast path, in at most TABS tabs (plus the grid's own)
    assert dom.stats["markwatch/rendered/pooled_renders"] == product_pages
    assert dom.stats["playwright/page_count"] <= TABS + 1
    # no route per page: the browser's HTTP cache served the storefront's script after its first fetch
    assert dom.requested["/static/app.js"] <= TABS + 1, dom.requested["/static/app.js"]


SITE = {
    "/robots.txt": "User-agent: *\nAllow: /\n",
    "/": '<html><body><div id="grid" data-complete="true"><a class="card" href="/p/good">g</a>'
         '<a class="card" href="/p/never">n</a><a class="card" href="/p/tamper">t</a></div></body></html>',
    "/p/good": '<html><body><div id="product" data-ready="true"><h1 class="title">Good one</h1></div></body></html>',
    # its script never says "ready"
    "/p/never": '<html><body><div id="product">加载中…</div></body></html>',
    # hostile: it disables the page's timers and MutationObserver, which the in-page wait relies on
    "/p/tamper": '<html><head><script>window.setTimeout = function () {};'
                 'window.MutationObserver = function () { this.observe = function () {}; this.disconnect = function () {}; };'
                 '</script></head><body><div id="product">加载中…</div></body></html>',
}


@pytest.fixture()
def js_site() -> Any:
    seen: list[tuple[str, str]] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append((self.path, self.headers.get("User-Agent", "")))
            body = SITE.get(self.path)
            self.answer(200 if body is not None else 404,
                        "text/plain; charset=utf-8" if self.path.endswith(".txt") else "text/html; charset=utf-8",
                        body or "not found")

    with serving(Handler) as base:
        yield base, seen


@pytest.mark.browser
def test_a_page_that_never_renders_is_retried_then_reported(js_site: Any, tmp_path: Path) -> None:
    """Even when the page breaks the in-page wait's own timer, the render is bounded, retried once
    (RETRY_TIMES=1 here) and reported as a bad page with its URL; the good page is a listing, and the
    browser's requests carry markwatch's User-Agent."""
    base, seen = js_site
    out, stats_file = tmp_path / "js.jsonl", tmp_path / "stats.json"
    proc = subprocess.run(
        [sys.executable, "-m", "markwatch.cli", "crawl", "rendered", "--platform",
         str(Path(__file__).resolve().parents[1] / "crawler" / "platforms" / "storefront.yaml"),
         "--base-url", base, "--output", str(out), "--stats-json", str(stats_file),
         "-s", "RENDERED_PAGE_TIMEOUT=1", "-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.1",
         "-s", "AUTOTHROTTLE_ENABLED=False"],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    listings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [x["title"] for x in listings] == ["Good one"]
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    assert stats["markwatch/bad_pages/download_error"] == 2
    log = out.with_suffix(".log").read_text(encoding="utf-8")
    assert f"{base}/p/never" in log and f"{base}/p/tamper" in log
    paths = [path for path, _ in seen]
    assert paths.count("/p/never") == 2 and paths.count("/p/tamper") == 2  # first try + one retry
    assert all(ua.startswith("markwatch/") for _, ua in seen), {ua for _, ua in seen}

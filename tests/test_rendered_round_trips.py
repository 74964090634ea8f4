"""Fewer round trips to the browser, in real Chromium: JSON fetches batched from one tab, the grid's
"load more" pressed and read in one call (crawler/rendering.py, crawler/spiders/rendered.py).

What would break unseen: answers handed to the wrong request when several share a round trip, a
broken or hung tab leaving its requests waiting forever, the grid going back to a round trip per
step (Playwright's click, in front), or a page that only answers a user's click never loading its
grid. One Chromium for the module, pages served from a loopback server.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.rendering import JsonFetches, TabBrokenError
from crawler.spiders import rendered
from crawler.spiders.rendered import RenderedSpider
from markwatch.config import chromium_args, find_browser

from loopback_site import QuietHandler, serving

STOREFRONT = str(Path(__file__).resolve().parents[1] / "crawler" / "platforms" / "storefront.yaml")

# A grid of 3 batches of 2 cards; the button loads the next batch. With ?trusted, it ignores clicks
# that are not a user's (event.isTrusted false). Every click's kind is kept in window.clicks.
GRID = """<html><body><div id="grid"></div><button id="load-more">more</button><script>
const grid = document.getElementById("grid"); let batch = 0; window.clicks = [];
const trustedOnly = location.search.includes("trusted");
function load() {
  for (let i = 0; i < 2; i++) {
    const card = document.createElement("a"); card.className = "card"; card.href = "/p/" + (batch * 2 + i);
    grid.appendChild(card);
  }
  batch += 1;
  if (batch === 3) { grid.setAttribute("data-complete", "true"); document.getElementById("load-more").remove(); }
}
document.getElementById("load-more").addEventListener("click", (event) => {
  window.clicks.push(event.isTrusted);
  if (trustedOnly && !event.isTrusted) return;
  setTimeout(load, 20);
});
load();
</script></body></html>"""


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?")[0]
            if path.startswith("/api/item/"):
                key = path.rsplit("/", 1)[1]
                status, body, kind = (500, '{"error": "down"}', "application/json") if key == "bad" else \
                    (200, json.dumps({"id": key, "title": f"商品 {key}"}), "application/json")
            else:
                status, body, kind = 200, GRID, "text/html; charset=utf-8"
            self.answer(status, kind, body)

    with serving(Handler) as base:
        yield base


def in_chromium(test: Any) -> Any:
    """Run ``test(context)`` in a fresh headless Chromium (one per call, closed after)."""
    from playwright.async_api import async_playwright

    async def run() -> Any:
        path = find_browser("")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(headless=True, args=chromium_args("--blink-settings=imagesEnabled=false"),
                                               **({"executable_path": path} if path else {}))
            try:
                return await test(await browser.new_context())
            finally:
                await browser.close()

    return asyncio.run(run())


@pytest.mark.browser
def test_json_fetches_asked_together_share_round_trips_and_a_broken_tab_fails_them(site: str) -> None:
    async def test(context: Any) -> None:
        tab = await context.new_page()
        await tab.goto(site + "/")
        trips: list[int] = []
        fetches = JsonFetches(tab, on_round_trip=lambda: trips.append(1))
        keys = [str(i) for i in range(10)] + ["bad"]
        answers = await asyncio.gather(*(fetches.fetch(f"/api/item/{k}", 5000) for k in keys))
        # two round trips leave at once, the other nine wait and go together in a third
        assert len(trips) == 3
        for key, answer in zip(keys, answers):
            assert answer["url"] == f"{site}/api/item/{key}"
            if key == "bad":
                assert answer["status"] == 500
            else:
                assert answer["status"] == 200 and json.loads(answer["body"]) == {"id": key, "title": f"商品 {key}"}
                assert ["content-type", "application/json"] in answer["headers"]

        # a tab whose page broke fetch and its timers: bounded from Python, every request told
        hostile = await context.new_page()
        await hostile.goto(site + "/")
        await hostile.evaluate("() => { window.fetch = () => new Promise(() => {}); window.setTimeout = () => 0; }")
        hung = JsonFetches(hostile)
        results = await asyncio.gather(*(hung.fetch(f"/api/item/{i}", 300) for i in range(3)), return_exceptions=True)
        assert all(isinstance(r, TabBrokenError) for r in results), results

        await tab.close()  # a closed tab: the round trip fails as a whole, not silently
        with pytest.raises(TabBrokenError):
            await fetches.fetch("/api/item/1", 5000)

    in_chromium(test)


async def grid_links(context: Any, url: str) -> tuple[list[str], list[bool], dict[str, Any]]:
    """parse_grid on a real page: the detail URLs it requests, the clicks the page saw, the stats."""
    crawler = get_crawler(RenderedSpider)
    spider = RenderedSpider.from_crawler(crawler, platform=STOREFRONT, base_url=url.split("/?")[0].rstrip("/"))
    page = await context.new_page()
    await page.goto(url)
    clicks: list[bool] = []
    close = page.close

    async def close_after_reading() -> None:  # what the page saw, read before parse_grid closes it
        clicks.extend(await page.evaluate("() => window.clicks"))
        await close()

    page.close = close_after_reading  # type: ignore[method-assign]
    response = HtmlResponse(url=url, body=b"", request=Request(url, meta={"playwright_page": page}))
    requested = [request.url async for request in spider.parse_grid(response)]
    return requested, clicks, crawler.stats.get_stats()


@pytest.mark.browser
def test_the_grid_loads_with_the_pages_own_click_and_falls_back_to_a_users(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendered, "GRID_STEP_TIMEOUT_MS", 400)  # a click that loads nothing: given up fast

    async def test(context: Any) -> None:
        for query, expect_trusted in (("", [False, False]), ("?trusted", [False, True, True])):
            requested, clicks, stats = await grid_links(context, f"{site}/{query}")
            assert sorted(set(requested)) == [f"{site}/p/{i}" for i in range(6)], query
            assert clicks == expect_trusted, query  # no user's click where the page's own one works
            assert not any(k.startswith("markwatch/bad_pages/") for k in stats), stats

    in_chromium(test)

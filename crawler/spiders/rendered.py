"""``rendered``: JavaScript storefronts crawled through a real headless Chromium (scrapy-playwright).

The listing grid only exists after the page's script runs and the "load more" button has been
pressed until the grid says it is complete; detail pages render their fields after an API call.
Steps and selectors come from the platform file (crawler/platforms/<name>.yaml, kind rendered).
A detail page whose script reports an error (``[data-error]``) is a bad page, not a listing.
Detail pages are rendered in a few reused tabs and read as soon as their ready (or error) element
is there, by the spider's download handler (crawler/rendering.py, which says why and what it saves).
When the platform file has ``data_from`` (the JSON the detail page's script fetches), detail pages are
read from that JSON once a rendered page was seen fetching it: the same fields, without rendering
(``RENDERED_DATA_FROM=dom`` keeps every page on the DOM).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, AsyncIterator, Iterator

from parsel import Selector
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.badpages import report_bad_page
from crawler.items import ListingLoader, finish_listing, load_fields, strip_prefixes
from crawler.platforms import RenderedPlatform
from crawler.rendering import RENDER_JSON, RENDER_UNTIL
from crawler.spiders.api import dig
from crawler.spiders.base import MarkwatchSpider
from markwatch.config import find_browser

PLAYWRIGHT_HANDLER = "crawler.rendering.PooledRenderingHandler"
HEAVY_RESOURCES = frozenset({"image", "media", "font"})
GRID_STEP_TIMEOUT_MS = 10_000
GRID_MAX_STALLS = 5
# In the grid page: is it complete, how many cards, and the links from the ``taken``-th card on.
_GRID_STATE_JS = """([done, card, links, attr, taken]) => ({
  complete: !!document.querySelector(done),
  count: document.querySelectorAll(card).length,
  links: Array.from(document.querySelectorAll(links)).slice(taken).map((a) => a.getAttribute(attr)),
})"""
# In the grid page: resolve true once it has more than n cards, is complete or shows its error (a
# MutationObserver, not Playwright's polling on every animation frame), false after ms.
_GROWN_WAIT_JS = """([card, n, done, ms]) => new Promise((resolve) => {
  const grown = () => document.querySelectorAll(card).length > n || !!document.querySelector(done);
  if (grown()) { resolve(true); return; }
  const observer = new MutationObserver(() => { if (grown()) { observer.disconnect(); clearTimeout(timer); resolve(true); } });
  const timer = setTimeout(() => { observer.disconnect(); resolve(false); }, ms);
  observer.observe(document, {subtree: true, childList: true, attributes: true});
})"""
_ATTRIBUTE_QUERY = re.compile(r"^(?P<css>[^:]+(?::(?!:)[^:]*)*)::attr\((?P<attr>[\w-]+)\)$")


def _attribute_query(query: str) -> tuple[str, str] | None:
    """``"#grid a.card::attr(href)"`` → ``("#grid a.card", "href")``: a query the page can answer
    itself; None for anything else (read from the whole page instead)."""
    found = _ATTRIBUTE_QUERY.match(query.strip())
    return (found["css"].strip(), found["attr"]) if found else None


def abort_heavy_resources(request: Any) -> bool:
    """Images, media and fonts are not needed to read a listing: skip them to save time."""
    return request.resource_type in HEAVY_RESOURCES


class RenderedSpider(MarkwatchSpider):
    name = "rendered"
    platform_kind = "rendered"
    default_platform = "storefront"
    config: RenderedPlatform

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Route requests through the browser (only this spider starts one), a few pages at a time.

        The handler renders at most ``RENDERED_CONCURRENCY`` pages at once; requests in flight per site
        follow ``CONCURRENT_REQUESTS_PER_DOMAIN`` as for every spider (JSON fetches need no tab each)."""
        super().update_settings(settings)
        settings.set("DOWNLOAD_HANDLERS", {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER}, priority="spider")
        pages = settings.getint("RENDERED_CONCURRENCY", 4)
        # the handler's reused tabs plus one for the grid page(s), opened and closed apart from them
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", pages + 1, priority="spider")
        settings.set("PLAYWRIGHT_ABORT_REQUEST", abort_heavy_resources, priority="spider")
        # The browser binary, checked here because only this spider starts one: a bad configured
        # path (MARKWATCH_BROWSER) fails this crawl before it starts, and no other.
        browser = find_browser(settings.get("RENDERED_BROWSER") or "")
        if browser:
            launch = {**settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"), "executable_path": browser}
            settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, priority="spider")
        # A page that did not render in time (a busy machine) is retried like a network error.
        retry_on = list(settings.getlist("RETRY_EXCEPTIONS"))
        if "playwright.async_api.TimeoutError" not in retry_on:
            settings.set("RETRY_EXCEPTIONS", [*retry_on, "playwright.async_api.TimeoutError"], priority="spider")

    async def start(self) -> AsyncIterator[Any]:
        steps = self.config.render  # known listings first in the file (markwatch crawl --recheck)
        for request in self.recheck_requests(self.parse_detail, meta=self.detail_meta()):
            yield request
        meta = {"playwright": True, "playwright_include_page": True,
                "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"}}
        if self.discovering:  # a search answer is a grid like the home page's (crawler/discovery.py)
            for request in self.search_requests(self.parse_grid, meta=meta):
                yield request
            return
        urls = self.start_urls or [self.url(path) for path in self.config.start_paths]
        for url in urls:
            request = self.request(url, self.parse_grid, meta=dict(meta))
            if request is not None:
                yield request

    async def parse_grid(self, response: Response) -> AsyncIterator[Any]:
        """Press "load more" until the grid is complete, following every card to its detail page.

        Cards are followed as each batch arrives, not once the grid is complete, so the detail pages
        render in the other tabs while this one is still clicking (the grid of the 2000-listing demo
        takes 24 clicks)."""
        steps = self.config.render
        page = response.meta["playwright_page"]
        clicks = stalls = 0
        links = _attribute_query(steps.detail_links)
        taken = 0  # links already read from the grid (it only grows at its end)
        try:
            while True:
                if links is None:  # a selector the page cannot answer itself: read the whole page
                    complete = await page.query_selector(steps.list_complete) is not None
                    for request in self._follow(await page.content(), response):
                        yield request
                    count = await page.locator(steps.card).count()
                else:  # one round trip: done yet, how many cards, the links that are new
                    state = await page.evaluate(_GRID_STATE_JS, [steps.list_complete, steps.card, *links, taken])
                    if not isinstance(state, dict) or not isinstance(state.get("links"), list):
                        raise ValueError(f"the grid page answered {type(state).__name__}, not its state")
                    complete, count = bool(state["complete"]), int(state["count"])
                    taken += len(state["links"])
                    for request in self._follow_links(state["links"], response):
                        yield request
                if complete:
                    break
                budget = self.budget_left()
                if budget is not None and budget <= 0:
                    break  # every page of the budget is requested: no need to load the whole grid
                button = page.locator(steps.load_more)
                if await button.count():
                    # the tab in front: the detail tabs opened after this one took the front, and a
                    # click in a background tab waits for animation frames that barely come (1.8 s
                    # a click, measured; 0.1 s in front), which paced the whole crawl
                    await page.bring_to_front()
                    await button.first.click(timeout=10_000)
                    clicks += 1
                try:  # the grid grew, completed, or its script reported an error (watched in the page)
                    try:  # bounded from here too: the page's own timer may be broken (hostile pages)
                        grown = await asyncio.wait_for(page.evaluate(_GROWN_WAIT_JS, [
                            steps.card, count, steps.list_complete, GRID_STEP_TIMEOUT_MS]), GRID_STEP_TIMEOUT_MS / 1000 + 1)
                    except asyncio.TimeoutError:
                        grown = False
                    if not grown:
                        raise PlaywrightTimeoutError(f"the grid did not grow within {GRID_STEP_TIMEOUT_MS} ms")
                    stalls = 0
                except PlaywrightTimeoutError:
                    stalls += 1  # a click lost while a batch was loading, or a failed batch: click again
                    if stalls >= GRID_MAX_STALLS:
                        raise
        except Exception as exc:  # gave up or the page broke: keep what loaded, report the page
            report_bad_page(self.crawler, response.url, "render_incomplete", f"grid not complete after {clicks} clicks: {exc}")
        finally:
            html = await page.content()
            await page.close()
        self.crawler.stats.inc_value("markwatch/rendered/load_more_clicks", clicks)
        for request in self._follow(html, response):
            yield request

    def detail_meta(self) -> dict[str, Any]:
        """How the handler answers a detail request: rendered until ready, or from its JSON."""
        steps = self.config.render
        meta: dict[str, Any] = {"playwright": True, RENDER_UNTIL: f"{steps.detail_ready}, {steps.detail_error}"}
        source = self.config.data_from
        if source is not None and self.settings.get("RENDERED_DATA_FROM", "auto") != "dom":
            meta[RENDER_JSON] = {"url": source.url, "id_from_url": source.id_from_url}
        return meta

    def _follow(self, html: str, response: Response) -> Iterator[Any]:
        """Requests for the grid's detail links not requested yet (self.request skips those)."""
        return self._follow_links(Selector(text=html).css(self.config.render.detail_links).getall(), response)

    def _follow_links(self, hrefs: list[Any], response: Response) -> Iterator[Any]:
        for href in hrefs:
            if not isinstance(href, str):
                continue
            url = response.urljoin(href.strip())
            if not self.same_site(url):
                continue
            request = self.request(url, self.parse_detail, meta=self.detail_meta())
            if request is not None:
                yield request

    def parse_detail(self, response: Response) -> Any:
        """A rendered detail page: one listing, or a bad page when the script reported an error."""
        if "json" in response.flags:
            return self.parse_detail_json(response)
        steps = self.config.render
        failed = response.css(steps.detail_error)
        if failed:
            status = failed.attrib.get(steps.error_attribute, "") or "unknown"
            report_bad_page(self.crawler, response.url, f"render_error_{status}", "the page's script could not load the listing")
            return None
        loader = load_fields(response, self.config.fields, self.config.default_currency)
        item = finish_listing(loader, self.platform, response.url)
        missing = [f for f in self.config.required if not item.get(f)]
        if missing:
            report_bad_page(self.crawler, response.url, "missing_fields", f"no {', '.join(missing)} after rendering")
            return None
        if item.get("price") is None:
            self.crawler.stats.inc_value("markwatch/missing_price")
        return item

    def parse_detail_json(self, response: Response) -> Any:
        """A detail page read from the JSON its script fetches: the listing the page would show, or
        the bad page it would show (the script's error element carries the JSON's HTTP status)."""
        url = response.request.url if response.request is not None else response.url  # the human page
        source = self.config.data_from
        if response.status >= 400:
            report_bad_page(self.crawler, url, f"render_error_{response.status}", "the page's script could not load the listing")
            return None
        try:
            data = json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            report_bad_page(self.crawler, url, "json_error", f"its JSON {response.url} is not valid: {exc}")
            return None
        if not isinstance(data, dict) or source is None:
            report_bad_page(self.crawler, url, "json_error", f"its JSON {response.url} is not an object")
            return None
        loader = ListingLoader(base_url=url)
        for field, path in source.fields.items():
            value = dig(data, path)
            rule = self.config.fields.get(field)  # the page's own cleaning (a label before the value)
            if rule is not None and rule.strip_prefixes and isinstance(value, str):
                value = strip_prefixes(rule.strip_prefixes)(value)
            loader.add_value(field, value)
        if self.config.default_currency:
            loader.add_value("currency", self.config.default_currency)
        item = finish_listing(loader, self.platform, url)
        missing = [f for f in self.config.required if not item.get(f)]
        if missing:
            report_bad_page(self.crawler, url, "missing_fields", f"no {', '.join(missing)} in its JSON {response.url}")
            return None
        if item.get("price") is None:
            self.crawler.stats.inc_value("markwatch/missing_price")
        return item

"""``rendered``: JavaScript storefronts crawled through a real headless Chromium (scrapy-playwright).

The listing grid only exists after the page's script runs and the "load more" button has been
pressed until the grid says it is complete; detail pages render their fields after an API call.
Steps and selectors come from the platform file (crawler/platforms/<name>.yaml, kind rendered).
A detail page whose script reports an error (``[data-error]``) is a bad page, not a listing.
Detail pages are rendered in a few reused tabs and read as soon as their ready (or error) element
is there, by the spider's download handler (crawler/rendering.py, which says why and what it saves).
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from parsel import Selector
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.badpages import report_bad_page
from crawler.items import finish_listing, load_fields
from crawler.platforms import RenderedPlatform
from crawler.rendering import RENDER_UNTIL
from crawler.spiders.base import MarkwatchSpider
from markwatch.config import find_browser

PLAYWRIGHT_HANDLER = "crawler.rendering.PooledRenderingHandler"
HEAVY_RESOURCES = frozenset({"image", "media", "font"})
GRID_STEP_TIMEOUT_MS = 10_000
GRID_MAX_STALLS = 5
_GROWN_JS = "([card, n, done]) => document.querySelectorAll(card).length > n || !!document.querySelector(done)"


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
        """Route requests through the browser (only this spider starts one), a few pages at a time."""
        super().update_settings(settings)
        settings.set("DOWNLOAD_HANDLERS", {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER}, priority="spider")
        pages = settings.getint("RENDERED_CONCURRENCY", 4)
        settings.set("CONCURRENT_REQUESTS", pages, priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", pages, priority="spider")
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
        for request in self.recheck_requests(self.parse_detail, meta={
                "playwright": True, RENDER_UNTIL: f"{steps.detail_ready}, {steps.detail_error}"}):
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
        try:
            while not await page.query_selector(steps.list_complete):
                for request in self._follow(await page.content(), response):
                    yield request
                budget = self.budget_left()
                if budget is not None and budget <= 0:
                    break  # every page of the budget is requested: no need to load the whole grid
                count = await page.locator(steps.card).count()
                button = page.locator(steps.load_more)
                if await button.count():
                    await button.first.click(timeout=10_000)
                    clicks += 1
                try:  # the grid grew, completed, or its script reported an error
                    await page.wait_for_function(_GROWN_JS, arg=[steps.card, count, steps.list_complete],
                                                 timeout=GRID_STEP_TIMEOUT_MS)
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

    def _follow(self, html: str, response: Response) -> Iterator[Any]:
        """Requests for the grid's detail links not requested yet (self.request skips those)."""
        steps = self.config.render
        wait_for = f"{steps.detail_ready}, {steps.detail_error}"
        for href in Selector(text=html).css(steps.detail_links).getall():
            url = response.urljoin(href.strip())
            if not self.same_site(url):
                continue
            request = self.request(url, self.parse_detail, meta={"playwright": True, RENDER_UNTIL: wait_for})
            if request is not None:
                yield request

    def parse_detail(self, response: Response) -> Any:
        """A rendered detail page: one listing, or a bad page when the script reported an error."""
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

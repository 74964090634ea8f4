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
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from crawler.badpages import report_bad_page
from crawler.items import ListingLoader, finish_listing, load_fields, strip_prefixes
from crawler.platforms import RenderedPlatform
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
# In the grid page, one round trip per batch: press "load more" (``click``; a page script's click,
# no input events), then resolve once the grid has more than n cards or is complete (a
# MutationObserver, not Playwright's polling on every animation frame), or after ms, with the grid's
# state as _GRID_STATE_JS gives it and whether it grew.
_LOAD_MORE_JS = """([button, card, n, done, ms, links, attr, taken, click]) => new Promise((resolve) => {
  const state = (grew) => ({
    grew, complete: !!document.querySelector(done), count: document.querySelectorAll(card).length,
    links: Array.from(document.querySelectorAll(links)).slice(taken).map((a) => a.getAttribute(attr)),
  });
  const grown = () => document.querySelectorAll(card).length > n || !!document.querySelector(done);
  if (click) { const pressed = document.querySelector(button); if (pressed) pressed.click(); }
  if (grown()) { resolve(state(true)); return; }
  const observer = new MutationObserver(() => { if (grown()) { observer.disconnect(); clearTimeout(timer); resolve(state(true)); } });
  const timer = setTimeout(() => { observer.disconnect(); resolve(state(false)); }, ms);
  observer.observe(document, {subtree: true, childList: true, attributes: true});
})"""
_ATTRIBUTE_QUERY = re.compile(r"^(?P<css>[^:]+(?::(?!:)[^:]*)*)::attr\((?P<attr>[\w-]+)\)$")


def _attribute_query(query: str) -> tuple[str, str] | None:
    """``"#grid a.card::attr(href)"`` → ``("#grid a.card", "href")``: a query the page can answer
    itself; None for anything else (read from the whole page instead)."""
    found = _ATTRIBUTE_QUERY.match(query.strip())
    return (found["css"].strip(), found["attr"]) if found else None


def _checked_state(state: Any) -> dict[str, Any]:
    """The grid page's answer to _GRID_STATE_JS / _LOAD_MORE_JS, checked (the page is hostile)."""
    if not isinstance(state, dict) or not isinstance(state.get("links"), list):
        raise ValueError(f"the grid page answered {type(state).__name__}, not its state")
    return {"grew": bool(state.get("grew", True)), "complete": bool(state.get("complete")),
            "count": int(state.get("count") or 0), "links": state["links"]}


def _consume(task: "asyncio.Future[Any]") -> None:
    """Mark a cancelled task's outcome as seen (no "exception was never retrieved" in the log)."""
    if not task.cancelled():
        task.exception()


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
        # Scrapy starts CONCURRENT_ITEMS tasks (default 100) to take in each response's output, which
        # here is one listing or a grid batch of requests: 0.8 ms of Python CPU a response, measured,
        # in the process every page passes through; a few do as well
        if settings.getpriority("CONCURRENT_ITEMS") <= SETTINGS_PRIORITIES["project"]:
            settings.set("CONCURRENT_ITEMS", min(settings.getint("CONCURRENT_ITEMS", 100), 8), priority="spider")
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
        are fetched while this tab is still loading the grid (the 2000-listing demo's grid takes 24
        batches). And the next batch is asked for before this one's requests are made: the page
        loads it while Scrapy takes the requests in, and one round trip to the page presses the
        button, waits for the batch and reads its links (was five, each waiting its turn on a busy
        machine: ≈1.3 s a batch at load 15, which paced the whole crawl)."""
        steps = self.config.render
        page = response.meta["playwright_page"]
        links = _attribute_query(steps.detail_links)
        clicks = stalls = 0
        trusted = False  # the page's own click until it is seen not to work here, then a user's
        pending: asyncio.Future[dict[str, Any]] | None = None
        try:
            state = await self._grid_state(page, links, taken=0)
            taken = 0  # links already read from the grid (it only grows at its end)
            while True:
                new = state["links"]
                taken += len(new)
                if self._grid_wanted(state, len(new)):  # the next batch loads while these are followed
                    pending = asyncio.ensure_future(self._load_more(page, links, state["count"], taken, trusted))
                    clicks += 1
                for request in (self._follow(state["html"], response) if links is None
                                else self._follow_links(new, response)):
                    yield request
                if pending is None:
                    if not self._grid_wanted(state, 0):
                        break  # complete, or every page of the budget is requested
                    pending = asyncio.ensure_future(self._load_more(page, links, state["count"], taken, trusted))
                    clicks += 1
                state, pending = await pending, None
                if state["grew"]:
                    stalls = 0
                else:  # a click lost while a batch was loading, a failed batch, or a page that wants a
                    stalls += 1  # user's click: press again, as a user, from now on
                    trusted = True
                    if stalls >= GRID_MAX_STALLS:
                        from playwright.async_api import TimeoutError as PlaywrightTimeoutError

                        raise PlaywrightTimeoutError(f"the grid did not grow within {GRID_STEP_TIMEOUT_MS} ms, "
                                                     f"{stalls} times in a row")
        except Exception as exc:  # gave up or the page broke: keep what loaded, report the page
            report_bad_page(self.crawler, response.url, "render_incomplete", f"grid not complete after {clicks} clicks: {exc}")
        finally:
            if pending is not None:  # the crawl is closing: that batch is not waited for
                pending.cancel()
                pending.add_done_callback(_consume)
            html = await page.content()
            await page.close()
        self.crawler.stats.inc_value("markwatch/rendered/load_more_clicks", clicks)
        for request in self._follow(html, response):
            yield request

    def _grid_wanted(self, state: dict[str, Any], following: int) -> bool:
        """Whether to load another batch: the grid is not complete and the page budget is not spent
        by the requests made so far plus ``following`` about to be made."""
        if state["complete"]:
            return False
        budget = self.budget_left()
        return budget is None or budget - following > 0

    async def _grid_state(self, page: Any, links: tuple[str, str] | None, taken: int) -> dict[str, Any]:
        """The grid as it is: complete yet, how many cards, the links from the ``taken``-th on (or,
        for a link query the page cannot answer itself, its whole HTML)."""
        steps = self.config.render
        if links is None:
            return {"grew": True, "complete": await page.query_selector(steps.list_complete) is not None,
                    "count": await page.locator(steps.card).count(), "links": [], "html": await page.content()}
        return _checked_state(await page.evaluate(_GRID_STATE_JS, [steps.list_complete, steps.card, *links, taken]))

    async def _load_more(self, page: Any, links: tuple[str, str] | None, count: int, taken: int,
                         trusted: bool) -> dict[str, Any]:
        """Press "load more" and wait until the grid grows; its state then, ``grew`` saying whether it did.

        The page's own click first (no input events, so no need for the tab to be in front); after a
        batch that did not come, a real click as a user's, in front (a click in a background tab waits
        for animation frames that barely come: ≈1.8 s a click, measured), for pages that ignore the
        other kind."""
        steps = self.config.render
        if trusted:
            button = page.locator(steps.load_more)
            if await button.count():
                await page.bring_to_front()
                await button.first.click(timeout=GRID_STEP_TIMEOUT_MS)
        css, attr = links if links is not None else (steps.card, "")
        try:  # bounded from here too: the page's own timer may be broken (hostile pages)
            state = await asyncio.wait_for(page.evaluate(_LOAD_MORE_JS, [
                steps.load_more, steps.card, count, steps.list_complete, GRID_STEP_TIMEOUT_MS, css, attr,
                taken if links is not None else 1 << 30, not trusted]), GRID_STEP_TIMEOUT_MS / 1000 + 1)
        except asyncio.TimeoutError:
            state = {"grew": False, "complete": False, "count": count, "links": []}
        state = _checked_state(state)
        if links is None:
            state["html"] = await page.content()
        return state

    def detail_meta(self) -> dict[str, Any]:
        """How the handler answers a detail request: rendered until ready, or from its JSON."""
        from crawler.rendering import RENDER_JSON, RENDER_UNTIL

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

"""The rendered spider's download handler: scrapy-playwright, plus a fast path for pages it only reads.

Why a fast path: a product page of a JavaScript storefront needs nothing but "open it in a tab, wait
until its script has filled the listing in, read the DOM". Through scrapy-playwright's own path that
cost, per page, a new ``page.route("**")`` (every request of the page, script and API call included,
went through Python and back, and a routed page gets no HTTP cache), a response listener awaiting
every response's headers, ``wait_for_selector`` polling through Playwright's injected script, a wait
for the ``load`` event after it, and ``page.content()`` as one more round trip. Measured on the demo
storefront (2 cores, 4 tabs): 174 ms of CPU and ≈0.3 s of wall time per page that way, against
≈120 ms and 0.1 s with one navigation and one script that waits in the page and hands back the HTML.

So a request whose meta carries :data:`RENDER_UNTIL` (a CSS selector: the element that says the page
is done, or broke) is rendered in one of a few reused tabs: ``goto`` until the document is parsed,
then one ``evaluate`` that resolves, from a MutationObserver, with the rendered HTML as soon as the
selector matches. Tabs are reused (opening one costs Chromium more than rendering a page) and a tab
whose render failed is closed rather than trusted again. Every other request (the grid page, which
is clicked through) takes scrapy-playwright's usual path, so ``playwright_page_methods``,
``playwright_include_page`` and friends keep working there.

What stays the same for politeness: this is a download handler, so Scrapy's downloader still applies
the per-domain concurrency, ``DOWNLOAD_DELAY`` and AutoThrottle to these requests; the browser sends
the crawler's User-Agent (set on the browser context); a page that does not render in time raises
Playwright's ``TimeoutError``, which the rendered spider lists in ``RETRY_EXCEPTIONS``.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from contextlib import suppress
from typing import Any

from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy_playwright.handler import _SCRAPY_ASYNC_API, ScrapyPlaywrightDownloadHandler

RENDER_UNTIL = "markwatch_render_until"
"""Request meta: render this page in a reused tab and answer once this CSS selector matches."""
RENDER_TIMEOUT = "markwatch_render_timeout_ms"
"""Request meta (optional): how long the selector may take to appear, ms (default: the Scrapy
setting ``RENDERED_PAGE_TIMEOUT``, seconds, 30)."""

# Runs in the page: resolve with the rendered HTML once `selector` matches, or null after `ms`.
_HTML_WHEN_READY_JS = """([selector, ms]) => new Promise((resolve) => {
  const html = () => (document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "")
                     + document.documentElement.outerHTML;
  let timer = null;
  const observer = new MutationObserver(() => check());
  function check() {
    if (!document.querySelector(selector)) return false;
    observer.disconnect();
    clearTimeout(timer);
    resolve(html());
    return true;
  }
  if (check()) return;
  observer.observe(document, {subtree: true, childList: true, attributes: true});
  timer = setTimeout(() => { observer.disconnect(); resolve(null); }, ms);
})"""


class PooledRenderingHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler; requests flagged :data:`RENDER_UNTIL` are rendered in reused tabs.

    The number of tabs follows the downloader's concurrency for the site (the rendered spider sets it
    to ``RENDERED_CONCURRENCY``): a request takes a free tab or opens one, and gives it back after.
    """

    _per_crawler: "weakref.WeakKeyDictionary[Any, PooledRenderingHandler]" = weakref.WeakKeyDictionary()

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._free_tabs: list[Page] = []
        self._user_agent = crawler.settings.get("USER_AGENT") or ""
        self._closed = False
        self._timeout_ms = int(crawler.settings.getfloat("RENDERED_PAGE_TIMEOUT", 30.0) * 1000)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PooledRenderingHandler":
        """One handler per crawler for http and https alike.

        Scrapy builds a handler per scheme, and each scrapy-playwright handler starts its own Playwright
        driver (a Node.js process, ≈1 s of CPU to start) when the engine starts; one crawler needs one."""
        handler = cls._per_crawler.get(crawler)
        if handler is None:
            handler = cls._per_crawler[crawler] = cls(crawler)
        return handler

    if _SCRAPY_ASYNC_API:
        async def close(self) -> None:
            if not self._closed:  # registered for two schemes: closed once
                self._closed = True
                await super().close()

    async def _create_browser_context(self, name: str, context_kwargs: dict | None, spider: Spider | None = None) -> Any:
        """The context's own requests (which no route rewrites on the fast path) carry our User-Agent."""
        kwargs = {**({"user_agent": self._user_agent} if self._user_agent else {}), **(context_kwargs or {})}
        return await super()._create_browser_context(name=name, context_kwargs=kwargs, spider=spider)

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        selector = request.meta.get(RENDER_UNTIL)
        if not selector:
            return await super()._download_request(request, spider)
        spider = spider or self._crawler.spider
        page = self._free_tab() or await self._new_tab(request, spider)
        try:
            response = await self._render(page, request, selector)
        except BaseException:
            with suppress(Exception):  # a tab in an unknown state is not reused
                await page.close()
            raise
        self._free_tabs.append(page)
        return response

    async def _new_tab(self, request: Request, spider: Spider) -> Page:
        page = await self._create_page(request=request, spider=spider)
        # scrapy-playwright counts every request and response of its pages; each listener makes the
        # driver send that event over to Python. The fast path needs neither.
        page.remove_listener("request", self._increment_request_stats)
        page.remove_listener("response", self._increment_response_stats)
        return page

    def _free_tab(self) -> Page | None:
        while self._free_tabs:
            page = self._free_tabs.pop()
            if not page.is_closed():
                return page
        return None

    async def _render(self, page: Page, request: Request, selector: str) -> Response:
        timeout_ms = int(request.meta.get(RENDER_TIMEOUT, self._timeout_ms))
        started = time.monotonic()
        navigation = await page.goto(request.url, wait_until="domcontentloaded", timeout=timeout_ms)
        status = navigation.status if navigation is not None else 200
        headers = dict(navigation.headers) if navigation is not None else {}
        if status >= 400:  # an error document: its script will never say "ready"; read it as it is
            html = await page.evaluate("() => document.documentElement.outerHTML")
        else:
            try:  # the page's own timer may be tampered with (scraped pages are hostile): bound it here too
                html = await asyncio.wait_for(page.evaluate(_HTML_WHEN_READY_JS, [selector, timeout_ms]),
                                              timeout_ms / 1000 + 1)
            except asyncio.TimeoutError:
                html = None
            if not isinstance(html, str):
                raise PlaywrightTimeoutError(f"{request.url}: {selector!r} did not appear within {timeout_ms} ms")
        request.meta["download_latency"] = time.monotonic() - started
        headers.pop("content-encoding", None)
        headers.pop("content-length", None)
        headers["content-type"] = "text/html; charset=utf-8"  # the DOM was serialised, not the bytes sent
        self.stats.inc_value("markwatch/rendered/pooled_renders")
        return HtmlResponse(url=page.url, status=status, headers=headers, body=html.encode("utf-8"),
                            encoding="utf-8", request=request, flags=["playwright"])

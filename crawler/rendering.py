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

The JSON path: when the platform file says where the detail page's script gets its listing
(``data_from`` in crawler/platforms/<name>.yaml, carried in :data:`RENDER_JSON`), a page is rendered
as above only until one page of the site has been *seen* fetching that JSON itself; from then on a
detail request is answered by fetching its JSON from inside a tab already open on the site (the
page's origin, cookies and User-Agent, through Chromium's own network stack): no navigation, no
script run, no layout. Measured on the demo storefront (4 tabs, same run, load ≈20): 139 ms of CPU
per page rendered against 29 ms fetched. A page that never fetches the URL the file names keeps the
crawl on the DOM (a warning says so). What the spider gets is the JSON document as answered (its
URL, status, headers, body), which is also what the evidence keeps as "the response", as for the
``api`` spider; the screenshot of the human page is taken apart, with its images (pipelines/).
Only one page of a site is rendered to see that: the site's other detail requests wait for what it
saw (the first batch used to render in every tab, each opened for it, and then queue behind the
renders), and JSON fetches asked for meanwhile share a round trip to the tab (:class:`JsonFetches`).

Where a JSON-path crawl waited, from a timeline of every request (bench/crawl.py --timeline, demo
storefront, whole grid, load 15-20 on 2 cores): first on the grid page (a batch of 24 cards every
≈0.9 s: five round trips to the page per batch, in series with Scrapy taking the batch's requests
in; now one, overlapped: crawler/spiders/rendered.py), then in the downloader's slot (8 in flight,
AutoThrottle's target, each waiting out a round trip through four processes that a loaded machine
schedules late: the crawl's Python spent ≈9× as long on the run queue as running). Fewer, larger
messages (one per several fetches, answers as one JSON string) cut the Python CPU of the crawl
(≈9.5 → ≈7.5 s for the 594 pages) and the time each request waits.

Why no request interception to block images, fonts and media: the browser is launched with images
off, the demo's pages load no fonts, media or third-party scripts, and a ``page.route`` turns on
interception of *every* request of the page and switches Chromium's HTTP cache off. Measured the same
way: 184 ms per rendered page with a route aborting images, fonts, stylesheets and media, against
139 ms without one; on the JSON path nothing but the JSON is requested at all.

What stays the same for politeness: this is a download handler, so Scrapy's downloader still applies
the per-domain concurrency, ``DOWNLOAD_DELAY`` and AutoThrottle to these requests; the browser sends
the crawler's User-Agent (set on the browser context); a page that does not render in time raises
Playwright's ``TimeoutError``, which the rendered spider lists in ``RETRY_EXCEPTIONS``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import weakref
from contextlib import suppress
from typing import Any, Callable
from urllib.parse import quote, unquote, urljoin, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy_playwright.handler import _SCRAPY_ASYNC_API, ScrapyPlaywrightDownloadHandler

from crawler.health import WALL_MAX_TEXT, WALL_SELECTOR

RENDER_UNTIL = "markwatch_render_until"
"""Request meta: render this page in a reused tab and answer once this CSS selector matches."""
RENDER_TIMEOUT = "markwatch_render_timeout_ms"
"""Request meta (optional): how long the selector may take to appear, ms (default: the Scrapy
setting ``RENDERED_PAGE_TIMEOUT``, seconds, 30)."""

RENDER_JSON = "markwatch_render_json"
"""Request meta (optional, beside :data:`RENDER_UNTIL`): ``{"url": "/api/product/{id}", "id_from_url":
REGEX}``, the JSON this detail page's script fetches (the platform file's ``data_from``)."""

logger = logging.getLogger(__name__)

# Runs in the page: fetch same-origin JSON documents as the page's own script would, each bounded by
# its own timeout, all at once. The answers come back as one JSON string, not as objects: Playwright
# checks every node of a returned object against its protocol on arrival (≈1/4 of the Python CPU of
# a JSON fetch, profiled), a string once.
_FETCH_JSON_JS = """async (wanted) => JSON.stringify(await Promise.all(wanted.map(async ([url, ms]) => {
  const control = new AbortController();
  const timer = setTimeout(() => control.abort(), ms);
  try {
    const answer = await fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin",
                                     signal: control.signal});
    return {status: answer.status, url: answer.url, headers: [...answer.headers], body: await answer.text()};
  } catch (err) {
    return {error: String(err)};
  } finally {
    clearTimeout(timer);
  }
})))"""

# Runs in the page: resolve with the rendered HTML once `selector` matches, or null after `ms`; also
# once the page has shown a captcha or login wall (`wall` markup, at most `most` characters of text)
# for `grace` ms without `selector` appearing: a wall served in place of the page never gets ready, and
# crawler/health.py (which classifies the HTML) must see it now, not a timeout after `ms`.
_HTML_WHEN_READY_JS = """([selector, ms, wall, most, grace]) => new Promise((resolve) => {
  const html = () => (document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "")
                     + document.documentElement.outerHTML;
  let timer = null, walled = null;
  const observer = new MutationObserver(() => check());
  const isWall = () => !!(wall && document.querySelector(wall)) &&
    (document.body ? document.body.innerText : "").replace(/\\s+/g, " ").trim().length <= most;
  function finish(answer) {
    observer.disconnect();
    clearTimeout(timer);
    clearTimeout(walled);
    resolve(answer);
  }
  function check() {
    if (document.querySelector(selector)) { finish(html()); return true; }
    if (walled === null && isWall()) {
      walled = setTimeout(() => { if (isWall()) { finish(html()); } else { walled = null; } }, grace);
    }
    return false;
  }
  if (check()) return;
  observer.observe(document, {subtree: true, childList: true, attributes: true});
  timer = setTimeout(() => finish(null), ms);
})"""
WALL_GRACE_MS = 2000
"""How long a rendered page may show wall markup (and little else) before it is answered as a wall:
a shop whose page shell carries a login box gets this long to render the listing."""


class PooledRenderingHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler; requests flagged :data:`RENDER_UNTIL` are rendered in reused tabs.

    At most ``RENDERED_CONCURRENCY`` pages render at once, each in a tab of its own: a render takes a
    free tab or opens one, and gives it back after. On the JSON path one page of a site is rendered
    first (the site's other requests wait for it), then one tab per site serves the JSON fetches,
    several per round trip; how many requests are in flight per site is the downloader's
    ``CONCURRENT_REQUESTS_PER_DOMAIN`` (config ``concurrent_per_domain``), as for the other spiders.
    """

    _per_crawler: "weakref.WeakKeyDictionary[Any, PooledRenderingHandler]" = weakref.WeakKeyDictionary()

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._free_tabs: list[Page] = []
        self._user_agent = crawler.settings.get("USER_AGENT") or ""
        self._closed = False
        self._timeout_ms = int(crawler.settings.getfloat("RENDERED_PAGE_TIMEOUT", 30.0) * 1000)
        self._json_origins: set[str] = set()
        """Sites whose detail pages were seen fetching the JSON their platform file names."""
        self._json_unseen = 0
        self._json_probed: set[str] = set()
        """Sites a rendered page has told about their JSON: seen fetching it, or rendered without."""
        self._probes: dict[str, asyncio.Lock] = {}
        """Per site not probed yet, held by the one render that probes it (the others wait)."""
        self._tabs = max(1, crawler.settings.getint("RENDERED_CONCURRENCY", 4))
        self._render_slots: asyncio.Semaphore | None = None
        """At most ``RENDERED_CONCURRENCY`` renders at once (made in the crawl's event loop)."""
        self._site_tabs: dict[str, Page] = {}
        self._fetches: "weakref.WeakKeyDictionary[Page, JsonFetches]" = weakref.WeakKeyDictionary()
        """Each site tab's JSON fetches (several per round trip)."""
        """Per JSON-verified site, the tab its JSON is fetched from (several fetches at once; no render
        ever navigates it away)."""

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
        json_url = json_url_of(request)
        origin = _origin(request.url)
        if json_url and self._site_tab(origin) is None and origin not in self._json_probed:
            # one page of the site is rendered to see whether it fetches its JSON; the others wait for
            # what it saw instead of each rendering in a tab of its own (the crawl's first batch)
            async with self._probes.setdefault(origin, asyncio.Lock()):
                if self._site_tab(origin) is None and origin not in self._json_probed:
                    return await self._render_in_pool(request, spider, selector, json_url, origin)
        if json_url and self._site_tab(origin) is not None:  # (fetched outside the lock: several at once)
            return await self._json_in_site_tab(origin, request, json_url)
        return await self._render_in_pool(request, spider, selector, json_url, origin)

    async def _render_in_pool(self, request: Request, spider: Spider, selector: str, json_url: str | None,
                              origin: str) -> Response:
        """Render the page in a free tab (or a new one), at most ``RENDERED_CONCURRENCY`` at once."""
        if self._render_slots is None:
            self._render_slots = asyncio.Semaphore(self._tabs)
        async with self._render_slots:
            if json_url and self._site_tab(origin) is not None:  # verified while this one waited
                return await self._json_in_site_tab(origin, request, json_url)
            page = self._free_tab() or await self._new_tab(request, spider)
            try:
                response = await self._render(page, request, selector, json_url)
            except BaseException:
                with suppress(Exception):  # a tab in an unknown state is not reused
                    await page.close()
                raise
            current = self._site_tabs.get(origin)
            if json_url and origin in self._json_origins and _origin(page.url) == origin \
                    and (current is None or current.is_closed()):
                self._site_tabs[origin] = page  # from now on this site's JSON is fetched from this tab
            else:
                self._free_tabs.append(page)
        return response

    def _site_tab(self, origin: str) -> Page | None:
        tab = self._site_tabs.get(origin)
        return tab if tab is not None and not tab.is_closed() else None

    async def _json_in_site_tab(self, origin: str, request: Request, json_url: str) -> Response:
        tab = self._site_tabs[origin]
        try:
            return await self._fetch_json(tab, request, json_url)
        except TabBrokenError:
            if self._site_tabs.get(origin) is tab:  # a tab in an unknown state is not reused
                del self._site_tabs[origin]
                with suppress(Exception):
                    await tab.close()
            raise

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

    async def _render(self, page: Page, request: Request, selector: str, json_url: str | None = None) -> Response:
        """Navigate, wait in the page until ``selector`` matches, hand back the DOM as HTML. With
        ``json_url`` (a site not yet seen fetching it), also watch whether the page requests it."""
        if json_url is None or _origin(request.url) in self._json_origins:
            return await self._render_dom(page, request, selector)
        wanted = unquote(json_url)
        seen: list[bool] = []

        def on_response(answer: Any) -> None:
            if unquote(answer.url) == wanted:
                seen.append(True)

        page.on("response", on_response)
        try:
            response = await self._render_dom(page, request, selector)
        finally:
            page.remove_listener("response", on_response)
        if seen:
            self._json_origins.add(_origin(request.url))
            self._json_probed.add(_origin(request.url))
            self.stats.inc_value("markwatch/rendered/json_verified")
        elif response.status < 400:  # an error page runs no script: it says nothing either way
            self._json_probed.add(_origin(request.url))  # renders go on in parallel, still watching
            self._json_unseen += 1
            if self._json_unseen == 1:
                logger.warning("rendered: %s did not fetch %s (the platform file's data_from); detail pages are "
                               "rendered until one does. Check data_from.url and id_from_url", request.url, json_url)
        return response

    async def _fetch_json(self, page: Page, request: Request, json_url: str) -> Response:
        """The detail page's JSON, fetched from inside ``page`` (a tab on the same site). A fetch that
        failed (its answer an error) is retried by Scrapy from the same tab; a round trip that failed
        as a whole (:class:`TabBrokenError`) takes the tab out of use."""
        timeout_ms = int(request.meta.get(RENDER_TIMEOUT, self._timeout_ms))
        started = time.monotonic()
        fetches = self._fetches.get(page)
        if fetches is None:
            fetches = self._fetches[page] = JsonFetches(
                page, on_round_trip=lambda: self.stats.inc_value("markwatch/rendered/json_round_trips"))
        answer = await fetches.fetch(json_url, timeout_ms)
        if not isinstance(answer, dict) or "status" not in answer or not isinstance(answer.get("body"), str):
            why = answer.get("error") if isinstance(answer, dict) else "no answer"
            raise PlaywrightTimeoutError(f"{request.url}: fetching its JSON {json_url} failed: {why}")
        status = int(answer["status"])
        headers = {str(k): str(v) for k, v in answer.get("headers") or [] if isinstance(k, str)}
        for name in ("content-encoding", "content-length"):  # the body is the decoded text
            headers.pop(name, None)
        if status >= 400 and status not in (404, 410):
            # the page's script would show its error element for this: a bad page, read by the spider
            # (404/410 stay HTTP errors: a listing that is gone, as the page itself would answer)
            request.meta["handle_httpstatus_all"] = True
            request.meta["dont_retry"] = True
        request.meta["download_latency"] = time.monotonic() - started
        self.stats.inc_value("markwatch/rendered/json_fetches")
        return TextResponse(url=str(answer.get("url") or json_url), status=status, headers=headers,
                            body=answer["body"].encode("utf-8"), encoding="utf-8", request=request,
                            flags=["playwright", "json"])

    async def _render_dom(self, page: Page, request: Request, selector: str) -> Response:
        timeout_ms = int(request.meta.get(RENDER_TIMEOUT, self._timeout_ms))
        started = time.monotonic()
        navigation = await page.goto(request.url, wait_until="domcontentloaded", timeout=timeout_ms)
        status = navigation.status if navigation is not None else 200
        headers = dict(navigation.headers) if navigation is not None else {}
        if status >= 400:  # an error document: its script will never say "ready"; read it as it is
            html = await page.evaluate("() => document.documentElement.outerHTML")
        else:
            try:  # the page's own timer may be tampered with (scraped pages are hostile): bound it here too
                html = await asyncio.wait_for(page.evaluate(_HTML_WHEN_READY_JS, [
                    selector, timeout_ms, WALL_SELECTOR, WALL_MAX_TEXT, WALL_GRACE_MS]), timeout_ms / 1000 + 1)
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


class TabBrokenError(PlaywrightTimeoutError):
    """A round trip to the site's tab failed as a whole (closed, crashed, hung): the tab is not reused."""


class JsonFetches:
    """JSON documents fetched from inside one tab; those asked for meanwhile go together in one round trip.

    Why: each ``page.evaluate`` is a message through Python, the Playwright driver, the browser and
    the tab's renderer and back, four processes each to be woken and scheduled. On a busy machine
    those waits make a fetch's latency, not the work (the crawl's Python waited on the run queue ≈9×
    as long as it ran, load 20, measured), and throughput per site is the requests in flight
    (``CONCURRENT_REQUESTS_PER_DOMAIN``, what AutoThrottle aims at) over that latency. So at most
    ``rounds`` round trips are out at once, and the fetches asked for while they are out leave
    together in the next one (up to ``max_batch``): one message each way for several documents. The
    site still sees no more requests at once than the downloader lets through; a slow document holds
    back the answers of its round trip, not the next one.
    """

    def __init__(self, page: Page, on_round_trip: Callable[[], None] = lambda: None, rounds: int = 2,
                 max_batch: int = 16) -> None:
        self.page = page
        self._on_round_trip = on_round_trip
        self._rounds, self._max_batch = rounds, max_batch
        self._waiting: list[tuple[str, int, asyncio.Future[Any]]] = []
        self._out = 0

    async def fetch(self, url: str, timeout_ms: int) -> Any:
        """The page's answer for ``url`` (``{status, url, headers, body}`` or ``{error}``);
        :class:`TabBrokenError` when the round trip itself failed."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append((url, timeout_ms, future))
        self._send()
        return await future

    def _send(self) -> None:
        while self._waiting and self._out < self._rounds:
            batch = [item for item in self._waiting[:self._max_batch] if not item[2].done()]
            del self._waiting[:self._max_batch]
            if batch:
                self._out += 1
                asyncio.ensure_future(self._round_trip(batch))

    async def _round_trip(self, batch: list[tuple[str, int, asyncio.Future[Any]]]) -> None:
        longest = max(ms for _, ms, _ in batch)
        try:
            try:  # the page's own code may break fetch or its timers (hostile pages): bounded here too
                raw = await asyncio.wait_for(self.page.evaluate(_FETCH_JSON_JS, [[url, ms] for url, ms, _ in batch]),
                                             longest / 1000 + 1)
            except asyncio.TimeoutError:
                raise TabBrokenError(f"the tab gave no answer within {longest} ms") from None
            except PlaywrightError as exc:
                raise TabBrokenError(f"the tab failed: {exc}") from exc
            answers = _json_or_none(raw)
            if not isinstance(answers, list) or len(answers) != len(batch):
                raise TabBrokenError(f"the tab answered {type(answers).__name__}, not {len(batch)} answers")
            for (_, _, future), answer in zip(batch, answers):
                if not future.done():
                    future.set_result(answer)
        except BaseException as exc:
            for _, _, future in batch:
                if future.done():
                    continue
                if isinstance(exc, Exception):
                    future.set_exception(exc)
                else:  # cancelled (the crawl is closing)
                    future.cancel()
            if not isinstance(exc, Exception):
                raise
        finally:
            self._on_round_trip()
            self._out -= 1
            self._send()


def json_url_of(request: Request) -> str | None:
    """The absolute URL of the JSON the request's page fetches (:data:`RENDER_JSON`), or None."""
    source = request.meta.get(RENDER_JSON)
    if not isinstance(source, dict):
        return None
    found = re.search(source.get("id_from_url") or "(?!)", request.url)
    if found is None or not found.group(1):
        return None
    return urljoin(request.url, str(source["url"]).replace("{id}", quote(unquote(found.group(1)), safe="")))


def _json_or_none(text: Any) -> Any:
    """The page's answer decoded (the page may be hostile: anything but a JSON string is None)."""
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

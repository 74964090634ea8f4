"""Full-page screenshots of listing pages in real Chromium: one browser, a few reused tabs.

Why a pool of tabs in one browser: a screenshot is evidence of what a person sees, so it is taken
in a real Chromium with images on; but a browser per capture (or a tab per capture) costs more CPU
than the capture itself. One browser is launched on first use (``find_browser`` /
``chromium_args`` of :mod:`markwatch.config`), ``tabs`` pages are opened once and navigated from
listing to listing; a capture waits for a free tab, so the pool bounds the browser's load while
the crawl goes on.

Two ways into a tab: a page is *loaded* at its URL (``page.goto``), or, when the crawl's response
is a static page, its archived HTML is *written* into a tab (``page.set_content``, see
:mod:`pipelines.archived_page`: no second fetch, no navigation; about 40 % less browser CPU). Each
of the ``tabs`` slots of the pool keeps one tab of each kind (opened when first needed), so a
written tab never holds what a loaded page's scripts left behind; still only ``tabs`` captures
run at once.

A tab that breaks is replaced; a browser that dies (crashed, killed) fails the captures that were
in it with :class:`ScreenshotError` and is launched afresh for the next ones (at most
:data:`MAX_RELAUNCHES` times per pool, so a browser that cannot run fails fast instead of looping).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import math
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

MAX_RELAUNCHES = 3
LAUNCH_TIMEOUT = 60.0
"""Seconds Chromium may take to start (a loaded 2-core machine needs up to ~10)."""
CLOSE_TIMEOUT = 10.0
VIEWPORT = {"width": 1280, "height": 720}
"""A desktop width (what a person at a computer sees; narrower widths get sites' tablet layouts),
720 high: a listing page shorter than that is shot within the viewport, without resizing it
(see :func:`full_page_png`); a longer one is shot beyond it, whole."""
PLAYWRIGHT_DISABLED_FEATURES: tuple[str, ...] = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying",
    "AimEnabled", "PreconnectToSearch",
)
"""The features Playwright 1.65 launches Chromium without (its chromiumSwitches.ts). Chromium honours
only the last ``--disable-features`` switch (checked: a second one re-enabled the first one's), so
ours must carry Playwright's too (PaintHolding above all: with it a screenshot can show the page
before)."""
EVIDENCE_FLAGS: tuple[str, ...] = (
    "--in-process-gpu", "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, "RenderDocument")))
"""Launch flags of the evidence browser beside :func:`markwatch.config.chromium_args`.
``--in-process-gpu``: the (software) GPU work runs in the browser process instead of a GPU process
of its own, saving the compositor's inter-process traffic on every frame: CPU per lead 224 → 196 ms
and 198 → 188 ms (median of 4 and 3 rounds alternating with the old flags, bench/evidence_capture.py's
measure; lower in 6 of 7 rounds); the PNG is the same full page with its images.
``--disable-features=RenderDocument``: a navigation reuses the tab's frame host instead of building
a new one per document (Chromium's behaviour before RenderDocument): browser + driver CPU per loaded
page and shot 182–207 → 158–163 ms (2 rounds each, alternating, 60 bazaar pages at load 16–22), same PNG."""


IMAGES_LOADED = "() => Array.prototype.every.call(document.images, (img) => img.complete)"
"""True once every image of the page is loaded (or failed: ``complete`` as well); a loaded page's
``load`` event waits for its images, a rendered page's "ready" element need not."""


class ScreenshotError(RuntimeError):
    """No screenshot could be taken (timeout, browser crash, page error); the message says which."""


@dataclass(frozen=True)
class Shot:
    png: bytes
    final_url: str
    taken_at: str
    title: str
    response: dict[str, Any] | None = None
    """The browser's own navigation response (status, headers, body, request), when asked for."""
    seconds: float = 0.0
    """How long the capture held its tab (load + screenshot), not counting the wait for a tab."""
    source: str = "load"
    """``load``: the page was loaded at its URL; ``response``: the archived response was written
    into a tab (see :mod:`pipelines.archived_page`)."""


def _slot() -> dict[str, Any]:
    """One of the pool's places for a capture: its tab for loaded pages and its tab for written ones."""
    return {"load": None, "write": None}


class ScreenshotPool:
    """``await pool.shoot(url)``: a full-page PNG of ``url``. Start with :meth:`start`."""

    def __init__(self, tabs: int = 4, timeout: float = 30.0, browser: str = "", user_agent: str | None = None):
        self.tabs = max(1, tabs)
        self.timeout_ms = max(1.0, timeout) * 1000
        self.browser_path = browser
        self.user_agent = user_agent
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._free: asyncio.Queue[Any] | None = None
        self._cdp: dict[Any, Any] = {}
        """page → its DevTools session (screenshots are taken through it, see :func:`full_page_png`)."""
        self._lock: asyncio.Lock | None = None
        self._generation = 0
        self.relaunches = 0
        self.shots = 0
        self.seconds = 0.0

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        self._lock = asyncio.Lock()
        self._playwright = await async_playwright().start()
        await self._launch()

    async def _launch(self) -> None:
        from markwatch.config import chromium_args, find_browser

        path = find_browser(self.browser_path)
        self._browser = await self._playwright.chromium.launch(
            headless=True, args=chromium_args(*EVIDENCE_FLAGS), timeout=LAUNCH_TIMEOUT * 1000,
            **({"executable_path": path} if path else {}))
        self._context = await asyncio.wait_for(self._browser.new_context(
            viewport=VIEWPORT, device_scale_factor=1, **({"user_agent": self.user_agent} if self.user_agent else {})),
            LAUNCH_TIMEOUT)
        self._generation += 1
        self._cdp = {}
        self._free = asyncio.Queue()
        for _ in range(self.tabs):
            self._free.put_nowait(_slot())  # its tabs are opened when first needed

    @property
    def alive(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    async def _relaunch(self, generation: int) -> None:
        """Start a new browser unless another capture did already (or too many were started)."""
        assert self._lock is not None
        async with self._lock:
            if generation != self._generation or self.alive:
                return
            if self.relaunches >= MAX_RELAUNCHES:
                raise ScreenshotError(f"the browser died {self.relaunches + 1} times; no more screenshots this run")
            self.relaunches += 1
            logger.warning("evidence: the browser is gone; starting a new one (%d of %d)", self.relaunches, MAX_RELAUNCHES)
            with suppress(Exception):
                await asyncio.wait_for(self._browser.close(), CLOSE_TIMEOUT)
            await self._launch()

    async def shoot(self, url: str, ready_selector: str | None = None, want_response: bool = False,
                    html: str | None = None) -> Shot:
        """A full-page screenshot of ``url`` once it has loaded (and ``ready_selector`` is in it).

        ``want_response``: also hand back the HTTP exchange of the navigation (for listings whose
        crawl response was not noted). ``html``: the page as archived, written into a tab instead of
        loading ``url`` (:func:`pipelines.archived_page.archived_html`; its images still load)."""
        from playwright.async_api import Error as PlaywrightError

        from index.store import utc_now

        if self._free is None:
            raise ScreenshotError("the screenshot pool was not started")
        while True:
            if not self.alive:
                await self._relaunch(self._generation)
            free, generation = self._free, self._generation
            slot = await free.get()
            if generation == self._generation:
                break
            free.put_nowait(_slot())  # the browser was replaced while we waited: pass a fresh slot on, retry
        loop = asyncio.get_running_loop()
        started = loop.time()
        kind = "write" if html is not None and not want_response else "load"

        async def take() -> Shot:
            if slot[kind] is None or slot[kind].is_closed():
                slot[kind] = await self._context.new_page()
                self._cdp[slot[kind]] = await self._context.new_cdp_session(slot[kind])
            page = slot[kind]
            response = None
            if kind == "write":
                await page.set_content(html, wait_until="load", timeout=self.timeout_ms)
            else:
                navigation = await page.goto(url, wait_until="load", timeout=self.timeout_ms)
                response = await _exchange(navigation, utc_now()) if want_response and navigation is not None else None
            if ready_selector:
                await page.wait_for_selector(ready_selector, state="attached", timeout=self.timeout_ms)
                # the page's script may set its images just before it says ready: the shot shows them loaded
                await page.wait_for_function(IMAGES_LOADED, polling=50, timeout=self.timeout_ms)
            taken_at = utc_now()
            png = await self.png(page)
            return Shot(png=png, final_url=url if kind == "write" else page.url, taken_at=taken_at,
                        title=await page.title(), response=response, seconds=loop.time() - started,
                        source="response" if kind == "write" else "load")

        try:
            # One deadline for the whole capture: after a browser crash some DevTools calls are never
            # answered, and a capture must fail (and be spooled), not wait forever.
            shot = await asyncio.wait_for(take(), 2 * self.timeout_ms / 1000)
        except (PlaywrightError, asyncio.TimeoutError, KeyError) as exc:
            broken, slot[kind] = slot[kind], None
            if broken is not None:
                self._cdp.pop(broken, None)
                with suppress(Exception):
                    await asyncio.wait_for(broken.close(), CLOSE_TIMEOUT)
            text = str(exc).strip()
            reason = text.splitlines()[0] if text else f"{type(exc).__name__} (no answer in time)"
            raise ScreenshotError(f"screenshot of {url} failed: {reason}") from exc
        finally:  # back to the queue it came from, so no capture waits forever on a replaced browser
            free.put_nowait(slot if generation == self._generation else _slot())
        self.shots += 1
        self.seconds += loop.time() - started
        return shot

    async def png(self, page: Any) -> bytes:
        """The full-page PNG of ``page`` as it is now (see :func:`full_page_png`)."""
        return await full_page_png(self._cdp[page])

    async def close(self) -> None:
        """Close the browser and Playwright (each given :data:`CLOSE_TIMEOUT`: a wedged browser
        must not keep the crawl from ending)."""
        with suppress(Exception):
            if self._browser is not None:
                await asyncio.wait_for(self._browser.close(), CLOSE_TIMEOUT)
        with suppress(Exception):
            if self._playwright is not None:
                await asyncio.wait_for(self._playwright.stop(), CLOSE_TIMEOUT)
        self._browser = self._playwright = self._context = None


async def _exchange(navigation: Any, received_at: str) -> dict[str, Any]:
    """The navigation's request and response, as :class:`pipelines.notes.ResponseFacts` fields."""
    request = navigation.request
    return {
        "request_method": request.method,
        "request_headers": tuple((h["name"], h["value"]) for h in await request.headers_array()),
        "status": navigation.status,
        "response_headers": tuple((h["name"], h["value"]) for h in await navigation.headers_array()),
        "body": await navigation.body(),
        "final_url": navigation.url,
        "redirects": (),
        "received_at": received_at,
    }


async def full_page_png(cdp: Any) -> bytes:
    """The whole page as PNG, straight from Chromium's DevTools (``Page.captureScreenshot`` clipped
    to the content size; beyond the viewport only when the page is larger than it: that option
    lays the page out again at its full size, ≈20 % of a capture's CPU, for nothing on a page that
    fits).

    Why not ``page.screenshot(full_page=True)``: Playwright resizes the viewport, waits for fonts
    and hides the caret first, which cost 2.5× the capture itself (measured on the demo pages: 570
    against 220 ms a shot on a loaded 2-core machine); the picture is the same page, rendered once."""
    metrics = await cdp.send("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {"x": 0, "y": 0, "width": max(1, math.ceil(size["width"])), "height": max(1, math.ceil(size["height"])),
            "scale": 1}
    view = metrics.get("cssLayoutViewport") or metrics.get("layoutViewport") or {}
    params: dict[str, Any] = {"format": "png", "optimizeForSpeed": True, "clip": clip}
    if clip["width"] > view.get("clientWidth", 0) or clip["height"] > view.get("clientHeight", 0):
        params["captureBeyondViewport"] = True  # only then: it lays the page out again at its full size
    shot = await cdp.send("Page.captureScreenshot", params)
    return base64.b64decode(shot["data"])

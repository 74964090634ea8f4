"""Platform health: notice when a platform pushes back, slow down, pause it, and never hammer it.

Why: a platform that does not want a crawler rarely says so with an error status. It answers a
captcha slider or a "sign in to continue" form with **200 OK** in place of the page, or starts
answering 403/429, or fails more and more often under load. A crawler that reads on regardless
turns every such answer into a bad page (a listing with no title) and keeps asking at full speed,
which gets its address blocked for good. So every answer is classified here (ok, error, 403/429,
captcha or login wall, recognised from the page's markup, see :func:`wall_kind`), over a sliding
window of the platform's last answers, and the crawler backs off step by step:

1. **slower**: many errors or 403/429 answers over a whole window → the platform's download slot gets a floor delay
   (``PLATFORM_HEALTH_SLOW_DELAY`` seconds, doubled at each further step, at most
   ``AUTOTHROTTLE_MAX_DELAY``), which AutoThrottle cannot undercut;
2. **pause**: ``PLATFORM_HEALTH_WALL_STREAK`` walls in a row (or half the window 403; a 429 only
   slows, as its Retry-After is waited out by the retry middleware) → the
   engine stops sending requests for ``PLATFORM_HEALTH_PAUSE`` seconds (doubling at each pause),
   then probes with one request; walled requests go back to the queue, so nothing is lost;
3. **stop**: still walled after ``PLATFORM_HEALTH_MAX_PAUSES`` pauses → the crawl of that platform
   ends with finish reason ``platform_blocked`` (crawler/runner.py says what to do).

Proportionate, because a platform-wide step must rest on platform-wide evidence:

- each page counts once: an error or a 429 of a page that failed before (its retries, its Retry-After
  waits) is that page's problem, dealt with by the retry middleware's per-request back-off, and is
  not counted again: a few deliberately broken pages answered 500 four times each are a few errors,
  not a failing platform;
- a step is taken on a whole window of answers (``PLATFORM_HEALTH_WINDOW``), never on the first few
  after the last step (five answers with three broken pages among them slowed a crawl near its end,
  where few first attempts are left, step after step down to one request every 30 s);
- a window that is mostly healthy (errors under a quarter, 403/429 under a tenth, no wall) at a
  slower pace halves the floor again, step by step: a platform that recovered is not crawled slowly
  for the rest of the run because one page in the window is broken for good.

Each step is one console line (logger ``markwatch.health``); the counts go to the stats
(``markwatch/health/*``), which :func:`markwatch.health.health_summary` turns into the health record
the routine stores. One crawler crawls one platform, so one tracker per crawler.
"""

from __future__ import annotations

import logging
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse

from crawler.badpages import report_bad_page
from markwatch.health import BLOCKED_REASON, PREFIX

logger = logging.getLogger("markwatch.health")

OK, ERROR, THROTTLED, FORBIDDEN = "ok", "error", "throttled", "forbidden"
WALLS = ("captcha", "login")
WALL_RETRIES_META = "markwatch_wall_retries"

# Markup a captcha or login wall carries and a product page does not. Only markup counts: scraped
# text (a title saying "安全验证") is escaped in the page and cannot fake an attribute or an input.
_PASSWORD_INPUT = re.compile(rb"<input\b[^>]*\btype\s*=\s*[\"']?password", re.I)
_CAPTCHA_MARKUP = re.compile(rb"<[a-z][^>]*\b(?:id|class|name|data-[\w-]+)\s*=\s*[\"']?[^\"'>]*captcha", re.I)


WALL_SELECTOR = ("input[type=password], [id*=captcha i], [class*=captcha i], [name*=captcha i], "
                 "[data-captcha], script[src*=captcha i]")
"""The markup of :func:`wall_kind` as a CSS selector, for pages read in a browser (crawler/rendering.py:
a rendered page that shows this and little text is answered as it is, then classified here)."""

FAILED_PAGES_KEPT = 50_000
"""Pages remembered as failed (so their repeats are not counted again); the oldest are forgotten first."""

_SCRIPT_OR_STYLE = re.compile(rb"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(rb"<[^>]*>")
WALL_MAX_TEXT = 1000
"""A wall page says little (a heading, a sentence, a form); a shop page that merely carries a login
box in its header or a captcha script for its review form says a lot more than this many characters."""


def visible_text_length(body: bytes) -> int:
    """Characters of text a reader sees: the body without scripts, styles and tags, spaces collapsed."""
    text = _TAG.sub(b" ", _SCRIPT_OR_STYLE.sub(b" ", body))
    return len(b" ".join(text.split()).decode("utf-8", "replace"))


def wall_kind(response: Response) -> str:
    """``captcha`` or ``login`` when a 2xx HTML answer is a wall in place of the page, else "".

    Two things must hold: the markup of a wall (a password field, an element or script named for a
    captcha) and little else on the page (:data:`WALL_MAX_TEXT`): real shop pages carry login boxes
    and reCAPTCHA scripts too, around a whole product page."""
    if not (200 <= response.status < 300) or not isinstance(response, TextResponse):
        return ""
    head = response.body[:65536]
    kind = "login" if _PASSWORD_INPUT.search(head) else "captcha" if _CAPTCHA_MARKUP.search(head) else ""
    if kind and visible_text_length(response.body[:262144]) <= WALL_MAX_TEXT:
        return kind
    return ""


def classify(response: Response) -> str:
    """One answer as the tracker counts it: ok, error, throttled (429), forbidden (403), captcha or login."""
    if response.status == 429:
        return THROTTLED
    if response.status == 403:
        return FORBIDDEN
    if response.status >= 500:
        return ERROR
    return wall_kind(response) or OK


@dataclass
class Decision:
    """What the tracker asks for after an answer."""

    action: str = ""  # "" | "slow" | "pause" | "block" | "recover"
    seconds: float = 0.0  # the new floor delay (slow) or the pause (pause)
    message: str = ""


@dataclass
class HealthTracker:
    """The back-off state of one platform (module docstring); plain Python, so tests drive it directly."""

    platform: str
    window: int = 20
    wall_streak: int = 3
    slow_delay: float = 1.0
    max_delay: float = 30.0
    pause: float = 60.0
    max_pauses: int = 3
    recent: deque = field(default_factory=deque)
    failed: dict = field(default_factory=dict)
    """(outcome, page) already counted as an error or a 429: that page failing again is not counted."""
    delay: float = 0.0
    pauses: int = 0
    streak: int = 0
    paused: bool = False
    probing: bool = False
    blocked: bool = False

    def observe(self, outcome: str, page: str = "") -> Decision:
        """Count one answer (of ``page``, its URL); say whether to slow down, pause, stop or recover."""
        if self.paused or self.blocked:  # answers of requests sent before the pause: no further step
            return Decision()
        if page and outcome in (ERROR, THROTTLED):
            if (outcome, page) in self.failed:  # the same page failing again: its own retries deal with it
                return Decision()
            self.failed[(outcome, page)] = None
            while len(self.failed) > FAILED_PAGES_KEPT:
                del self.failed[next(iter(self.failed))]
        self.recent.append(outcome)
        while len(self.recent) > self.window:
            self.recent.popleft()
        if outcome in WALLS:
            self.streak += 1
            if self.streak >= self.wall_streak or self.probing:
                why = "still there after the pause" if self.probing else f"{self.streak} in a row"
                return self._pause(f"answers with a {outcome} wall ({why})")
            return Decision()
        self.streak = 0
        if outcome == OK and self.probing:
            self.probing = False
            return Decision(message=f"{self.platform}: the wall is down, crawling on at one request "
                                    f"every {self.delay:.1f} s")
        if len(self.recent) < self.window:  # every step rests on a whole window of answers
            return Decision()
        n = len(self.recent)
        forbidden = sum(o == FORBIDDEN for o in self.recent) / n
        throttled = sum(o in (THROTTLED, FORBIDDEN) for o in self.recent) / n
        errors = sum(o == ERROR for o in self.recent) / n
        if forbidden >= 0.5:  # 429s come with Retry-After, which the retry middleware waits out: no pause
            return self._pause(f"answers 403 to {forbidden:.0%} of the last {n} requests")
        if throttled >= 0.25 or errors >= 0.5:
            what = (f"403/429 to {throttled:.0%}" if throttled >= 0.25 else f"errors to {errors:.0%}")
            return self._slow(f"answers {what} of the last {len(self.recent)} requests")
        if self.delay > 0 and throttled < 0.1 and errors < 0.25 and not any(o in WALLS for o in self.recent):
            return self._recover()
        return Decision()

    def _slow(self, why: str) -> Decision:
        self.delay = min(self.max_delay, max(self.slow_delay, self.delay * 2))
        self.recent.clear()  # the next step needs fresh evidence at the new pace
        return Decision("slow", self.delay, f"{self.platform} {why}: slowing to one request every {self.delay:.1f} s")

    def _recover(self) -> Decision:
        """A mostly healthy window at the slower pace: halve the floor (gone below a quarter of the
        first step), so a platform that recovered is not crawled slowly for the rest of the run."""
        good = sum(o == OK for o in self.recent)
        self.delay = self.delay / 2 if self.delay / 2 >= self.slow_delay / 4 else 0.0
        self.recent.clear()
        pace = f"one request every {self.delay:.2f} s" if self.delay else "the usual pace"
        return Decision("recover", self.delay, f"{self.platform}: {good} of the last {self.window} answers good, "
                                               f"back to {pace}")

    def _pause(self, why: str) -> Decision:
        self.streak = 0
        self.recent.clear()
        if self.pauses >= self.max_pauses:
            self.blocked = True
            return Decision("block", 0.0, f"{self.platform} {why} after {self.pauses} pauses: stopping its crawl "
                                          "(try later, at a lower rate, or from another address)")
        self.pauses += 1
        self.paused = True
        self.delay = min(self.max_delay, max(self.slow_delay, self.delay * 2))
        seconds = self.pause * 2 ** (self.pauses - 1)
        return Decision("pause", seconds, f"{self.platform} {why}: paused for {seconds:g} s, then one request "
                                          f"every {self.delay:.1f} s (pause {self.pauses} of {self.max_pauses})")

    def resumed(self) -> None:
        self.paused = False
        self.probing = True


def _close_page(page: Any) -> None:
    """Close a rendered page's browser tab (``playwright_include_page``) that no callback will get."""
    close = getattr(page, "close", None)
    if close is None:
        return
    import asyncio

    try:
        asyncio.ensure_future(close())
    except Exception:  # noqa: BLE001 - no loop or a tab already gone: nothing to close
        pass


class PlatformHealthMiddleware:
    """Downloader middleware around :class:`HealthTracker`: counts, floors the slot delay, pauses, stops.

    Sits between the HTTP cache (a 304 arrives here as the kept 200 page: healthy) and the retry
    middleware, so it sees every answer, retried ones included."""

    def __init__(self, crawler: Crawler, tracker: HealthTracker, wall_retries: int,
                 call_later: Callable[[float, Callable[[], None]], Any] | None = None):
        self.crawler = crawler
        self.tracker = tracker
        self.wall_retries = wall_retries
        self.stats = crawler.stats
        self._call_later = call_later
        self._blocked = False
        self._pause_floor = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PlatformHealthMiddleware":
        settings = crawler.settings
        if not settings.getbool("PLATFORM_HEALTH_ENABLED", True):
            raise NotConfigured
        tracker = HealthTracker(
            platform="?",
            window=settings.getint("PLATFORM_HEALTH_WINDOW", 20),
            wall_streak=settings.getint("PLATFORM_HEALTH_WALL_STREAK", 3),
            slow_delay=settings.getfloat("PLATFORM_HEALTH_SLOW_DELAY", 1.0),
            max_delay=settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 30.0),
            pause=settings.getfloat("PLATFORM_HEALTH_PAUSE", 60.0),
            max_pauses=settings.getint("PLATFORM_HEALTH_MAX_PAUSES", 3),
        )
        return cls(crawler, tracker, settings.getint("PLATFORM_HEALTH_WALL_RETRIES", 3))

    # ---------------------------------------------------------------- the middleware hooks
    def process_request(self, request: Request) -> Request | None:
        if self.tracker.platform == "?" and self.crawler.spider is not None:
            spider = self.crawler.spider
            self.tracker.platform = getattr(spider, "platform", "") or spider.name
            self.stats.set_value(PREFIX + "platform", self.tracker.platform)
        if self.tracker.paused or self._blocked:
            # Already handed to the downloader before the pause: back to the queue, unsent (the engine
            # sends nothing while paused; a stopped crawl keeps it queued for --resume).
            self.stats.inc_value(PREFIX + "held_back")
            return request.replace(dont_filter=True)
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        outcome = classify(response)
        self.stats.inc_value(PREFIX + "responses")
        if outcome == ERROR:
            self.stats.inc_value(PREFIX + "errors")
        elif outcome in (THROTTLED, FORBIDDEN):
            self.stats.inc_value(PREFIX + f"status_{response.status}")
        elif outcome in WALLS:
            self.stats.inc_value(PREFIX + f"wall_{outcome}")
        self._act(self.tracker.observe(outcome, request.url), request)  # a page's repeats count once
        self._floor(request)
        if outcome in WALLS:
            return self._walled(request, outcome)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None
        self.stats.inc_value(PREFIX + "responses")
        self.stats.inc_value(PREFIX + "errors")
        self._act(self.tracker.observe(ERROR, request.url), request)
        return None

    # ---------------------------------------------------------------- what the tracker asked for
    def _walled(self, request: Request, kind: str) -> Request:
        """The wall is not the page: ask again later (after the pause), a few times at most."""
        tries = int(request.meta.get(WALL_RETRIES_META, 0)) + 1
        if tries > self.wall_retries or self._blocked:
            _close_page(request.meta.pop("playwright_page", None))
            report_bad_page(self.crawler, request.url, f"wall_{kind}", f"answered with a {kind} wall {tries - 1 or 1}×")
            raise IgnoreRequest(f"{kind} wall in place of {request.url}")
        retry = request.replace(dont_filter=True)
        retry.meta[WALL_RETRIES_META] = tries
        _close_page(retry.meta.pop("playwright_page", None))  # a browser tab the spider would have closed
        return retry

    def _slot(self, request: Request) -> Any:
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling yet (Scrapy raises rather than answer None)
            return None
        if engine is None:
            return None
        downloader = engine.downloader
        return downloader.slots.get(downloader.get_slot_key(request))

    def _floor(self, request: Request) -> None:
        """Keep the platform's slot at least as slow as the tracker says — during a pause, one request
        per pause — after AutoThrottle's own adjustment of it on each answer."""
        floor = self._pause_floor if self.tracker.paused else self.tracker.delay
        slot = self._slot(request) if floor > 0 else None
        if slot is not None and slot.delay < floor:
            slot.delay = floor

    def _act(self, decision: Decision, request: Request) -> None:
        if decision.message and decision.action in ("slow", "pause", "block"):
            logger.warning(decision.message)
        elif decision.message:
            logger.info(decision.message)
        if decision.action in ("slow", "pause"):
            current = float(self.stats.get_value(PREFIX + "delay", 0.0) or 0.0)
            self.stats.set_value(PREFIX + "delay", max(current, self.tracker.delay))
            self._floor(request)
        if decision.action == "recover":
            self._unfloor(request)
        if decision.action == "pause":
            self.stats.inc_value(PREFIX + "pauses")
            self._pause(decision.seconds, request)
        elif decision.action == "block" and not self._blocked:
            self._blocked = True
            self.stats.set_value(PREFIX + "blocked", True)
            self._close()

    def _unfloor(self, request: Request) -> None:
        """Down to the tracker's floor (or the configured delay); AutoThrottle, when on, goes on from there."""
        slot = self._slot(request)
        if slot is not None:
            slot.delay = max(self.tracker.delay, self.crawler.settings.getfloat("DOWNLOAD_DELAY", 0.0))

    def _pause(self, seconds: float, request: Request) -> None:
        """No new request from the engine, and the platform's slot (whose queue already holds requests
        past this middleware) sends at most one per pause: the probe."""
        engine = self.crawler.engine
        engine.pause()
        self._pause_floor = seconds
        self._floor(request)
        self._hold_back_queued()
        started = time.monotonic()

        def resume() -> None:
            self.tracker.resumed()
            self._pause_floor = 0.0
            self._unfloor(request)
            if engine.spider is not None and not self._blocked:
                logger.info("%s: pause over after %.1f s, probing with one request", self.tracker.platform,
                            time.monotonic() - started)
                engine.unpause()
                if engine._slot is not None:  # noqa: SLF001 - wake the engine now, not at its next heartbeat
                    engine._slot.nextcall.schedule()

        self._later(seconds, resume)

    def _hold_back_queued(self) -> None:
        """Requests waiting in the downloader's slots (past this middleware, not yet sent) go back to
        the queue unsent: answering their download with a request makes the engine schedule it again."""
        downloader = self.crawler.engine.downloader
        held = 0
        for slot in list(downloader.slots.values()):
            while slot.queue:
                request, deferred = slot.queue.popleft()
                deferred.callback(request.replace(dont_filter=True))
                held += 1
        if held:
            self.stats.inc_value(PREFIX + "held_back", held)

    def _close(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        self._hold_back_queued()
        engine.unpause()
        if engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=BLOCKED_REASON))

    def _later(self, seconds: float, func: Callable[[], None]) -> None:
        if self._call_later is not None:
            self._call_later(seconds, func)
            return
        from twisted.internet import reactor

        reactor.callLater(seconds, func)  # type: ignore[attr-defined]

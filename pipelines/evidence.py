"""Evidence pipeline: for every new or changed listing with leads, archive what was fetched and
what a person sees — the HTTP response and a full-page Chromium screenshot — in the evidence log.

Why in the crawl: evidence is only worth something if it is taken when the listing was seen.
The response is the one the spider parsed (noted by :mod:`pipelines.responses`); the screenshot
is taken right away in a small pool of tabs of one browser (:mod:`pipelines.screenshots`): of that
very response when it is a static page (its archived HTML written into a tab, images loaded;
:mod:`pipelines.archived_page`), otherwise of the page loaded at its URL.

Why capture does not stall the crawl: ``process_item`` is a coroutine that awaits its tab, and
Scrapy processes the items of different responses concurrently (each response's output is its
own task; only a scraper slot over ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes pauses downloading), so
while some listings wait for a screenshot the spider keeps fetching and the other pipelines keep
going. The pool bounds the browser's load; the spider closes only when the last capture is done.

What happens to the capture: :class:`index.evidence.EvidenceLog` appends it (WARC + Merkle log)
and returns a reference, which is noted for the store pipeline: it attaches the reference to the
listing's leads in the same batch that writes them (``add_evidence`` needs the leads stored).
A capture that fails (browser crash, timeout, full disk) never loses the item: the item goes on,
the capture request (the response facts and the lead ids) is spooled to
``DATA_DIR/spool/evidence/`` (:class:`index.spool.Spool`, one segment per request) and counted (``markwatch/evidence_failed``); the next
crawl with evidence on takes the screenshot again and archives it.

Settings (derived from :class:`markwatch.config.Config`): ``EVIDENCE_ENABLED`` (config
``evidence_enabled``) · ``EVIDENCE_DATA_DIR`` (config ``data_dir``) · ``EVIDENCE_BROWSER_TABS``
(config ``evidence_browser_tabs``) · ``EVIDENCE_TIMEOUT`` (seconds per capture, config
``evidence_timeout``) · ``EVIDENCE_BROWSER`` (config ``browser``) · ``EVIDENCE_CHECKPOINT_EVERY``
(config ``evidence_checkpoint_every``).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from markwatch.console import PAGE_DETAIL
from pipelines.archived_page import archived_html
from pipelines.notes import ListingNotes, ResponseFacts, notes_for
from pipelines.storage import EVIDENCE_SPOOL, SPOOL_DIR, StoreSettings, acquire_store, release_store

logger = logging.getLogger(__name__)

TRANSIENT_SCREENSHOT_ERROR = "Unable to capture screenshot"
"""Chromium's answer to a screenshot of a page not yet composited (busy machine): worth one retry."""


@dataclass(frozen=True)
class EvidenceSettings:
    data_dir: Path
    tabs: int = 4
    timeout: float = 30.0
    browser: str = ""
    user_agent: str | None = None
    checkpoint_every: int = 100

    @classmethod
    def from_settings(cls, settings: Any) -> "EvidenceSettings":
        if not settings.getbool("EVIDENCE_ENABLED", False):
            raise NotConfigured("evidence capture is off (EVIDENCE_ENABLED; config evidence_enabled)")
        tabs = settings.getint("EVIDENCE_BROWSER_TABS", 4)
        timeout = settings.getfloat("EVIDENCE_TIMEOUT", 30.0)
        if tabs < 1:
            raise NotConfigured(f"EVIDENCE_BROWSER_TABS={tabs}: must be at least 1 (config evidence_browser_tabs)")
        if timeout <= 0:
            raise NotConfigured(f"EVIDENCE_TIMEOUT={timeout}: must be more than 0 seconds (config evidence_timeout)")
        data_dir = settings.get("EVIDENCE_DATA_DIR") or str(StoreSettings.read(settings).data_dir)
        return cls(data_dir=Path(data_dir), tabs=tabs, timeout=timeout,
                   browser=settings.get("EVIDENCE_BROWSER") or "", user_agent=settings.get("USER_AGENT"),
                   checkpoint_every=max(1, settings.getint("EVIDENCE_CHECKPOINT_EVERY", 100)))

    @property
    def spool(self) -> Any:
        from index.spool import Spool

        return Spool(self.data_dir / SPOOL_DIR / EVIDENCE_SPOOL)


class _Shared:
    """The process's one evidence log per data dir and one screenshot pool, counted by users."""

    logs: dict[str, list[Any]] = {}
    pool: list[Any] = []  # [pool, users, its start (a future)]
    replayed: set[str] = set()

    @classmethod
    def open_log(cls, data_dir: Path, checkpoint_every: int = 100) -> tuple[Any, Any]:
        """The log of ``data_dir`` and the one thread that writes it (appends fsync several files;
        done on the reactor's thread they would pause the crawl)."""
        from concurrent.futures import ThreadPoolExecutor

        from index.evidence import EvidenceLog

        key = str(data_dir.resolve())
        entry = cls.logs.get(key)
        if entry is None:
            log = EvidenceLog(data_dir, checkpoint_every=checkpoint_every)
            entry = cls.logs[key] = [log, ThreadPoolExecutor(1, thread_name_prefix="evidence-log"), 0]
        entry[2] += 1
        return entry[0], entry[1]

    @classmethod
    def close_log(cls, data_dir: Path) -> None:
        key = str(data_dir.resolve())
        entry = cls.logs.get(key)
        if entry is not None:
            entry[2] -= 1
            if entry[2] <= 0:
                del cls.logs[key]
                entry[1].shutdown(wait=True)
                entry[0].close()

    @classmethod
    async def open_pool(cls, settings: EvidenceSettings) -> Any:
        """The process's screenshot pool, started once; every caller waits for the same start."""
        from pipelines.screenshots import ScreenshotPool

        if not cls.pool:
            pool = ScreenshotPool(settings.tabs, settings.timeout, settings.browser, settings.user_agent)
            cls.pool[:] = [pool, 0, asyncio.ensure_future(pool.start())]
        entry = cls.pool
        entry[1] += 1
        try:
            await asyncio.shield(entry[2])
        except BaseException:
            entry[1] -= 1
            if cls.pool is entry and entry[1] <= 0:
                cls.pool = []
            raise
        return entry[0]

    @classmethod
    async def close_pool(cls) -> None:
        entry = cls.pool
        if entry:
            entry[1] -= 1
            if entry[1] <= 0:
                cls.pool = []
                await entry[0].close()


def ready_selector(spider: Any) -> str | None:
    """What must be in a rendered platform's page before its screenshot shows the listing: the
    detail page's "ready" (or "error") element of its platform file; None for other spiders."""
    render = getattr(getattr(spider, "config", None), "render", None)
    ready, error = getattr(render, "detail_ready", None), getattr(render, "detail_error", None)
    return ", ".join(s for s in (ready, error) if s) or None


class EvidencePipeline:
    """Captures the evidence of listings that got leads (see the module docstring)."""

    def __init__(self, crawler: Crawler, settings: EvidenceSettings):
        self.crawler = crawler
        self.settings = settings
        self.notes: ListingNotes = notes_for(crawler)
        self.log: Any = None
        self.writer: Any = None
        self.pool: Any = None
        self.store_settings: StoreSettings | None = None
        self.seconds = 0.0
        """Tab time of this crawler's screenshots (load + capture), summed over the tabs."""
        self.log_seconds = 0.0
        """Time from handing a capture to the log's writer thread until it was archived."""
        self.span: tuple[float, float] | None = None
        """(start of the first capture, end of the last): the wall-clock time capture took."""
        self._starting: asyncio.Future[None] | None = None
        self._replaying: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "EvidencePipeline":
        pipeline = cls(crawler, EvidenceSettings.from_settings(crawler.settings))
        try:
            pipeline.store_settings = StoreSettings.from_settings(crawler.settings)
        except NotConfigured:
            pipeline.store_settings = None
        return pipeline

    async def open_spider(self) -> None:
        """Open the log now; start the browser in the background, so the crawl does not wait for
        it (the first capture does, if it comes before the browser is up)."""
        try:
            self.log, self.writer = _Shared.open_log(self.settings.data_dir, self.settings.checkpoint_every)
        except Exception as exc:  # noqa: BLE001 - no log: every capture is spooled, the crawl goes on
            logger.error("evidence: the evidence log in %s cannot be opened (%s); captures are spooled",
                         self.settings.data_dir, exc)
            self.crawler.stats.inc_value("markwatch/evidence_log_unavailable")
        self._starting = asyncio.ensure_future(self._start_pool())

    async def _start_pool(self) -> None:
        try:
            self.pool = await _Shared.open_pool(self.settings)
        except Exception as exc:  # noqa: BLE001 - no browser: every capture is spooled, the crawl goes on
            logger.error("evidence: Chromium could not start (%s); captures are spooled. Check MARKWATCH_BROWSER "
                         "or install Chromium", exc)
            self.crawler.stats.inc_value("markwatch/evidence_browser_unavailable")
            return
        replay_key = str(self.settings.data_dir.resolve())
        if self.log is not None and replay_key not in _Shared.replayed and len(self.settings.spool):
            _Shared.replayed.add(replay_key)  # once per process: the demo's three crawlers share the spool
            self._replaying = asyncio.ensure_future(self.replay_spool())

    async def _ready(self) -> None:
        if self._starting is not None:
            await asyncio.shield(self._starting)

    async def close_spider(self) -> None:
        await self._ready()
        if self._replaying is not None:
            await self._replaying
        stats = self.crawler.stats
        stats.set_value("markwatch/evidence_seconds", round(self.seconds, 3))
        stats.set_value("markwatch/evidence_log_seconds", round(self.log_seconds, 3))
        if self.span is not None:
            stats.set_value("markwatch/evidence_span_seconds", round(self.span[1] - self.span[0], 3))
        if self.pool is not None:
            self.pool = None
            await _Shared.close_pool()
        if self.log is not None:
            self.log = self.writer = None
            _Shared.close_log(self.settings.data_dir)

    async def process_item(self, item: Any) -> Any:
        note = self.notes.peek(item)
        if note is None or note.unchanged or not note.leads:
            return item
        listing = ItemAdapter(item).asdict()
        from index.store import lead_id, listing_hash

        request = {
            "url": listing["url"],
            "lead_ids": [lead_id(lead["url"], lead["right_id"]) for lead in note.leads],
            "listing_hash": note.content_hash or listing_hash(listing),
            "title": str(listing.get("title") or ""),
            "ready_selector": ready_selector(self.crawler.spider),
            "facts": facts_dict(note.facts) if note.facts is not None else None,
        }
        try:
            note.evidence = await self.capture_with_one_retry(request)
        except Exception as exc:  # noqa: BLE001 - a failed capture never loses the item: spooled and counted
            note.evidence_failed = True
            self.spool_failure(request, exc)
        else:
            self.crawler.stats.inc_value("markwatch/evidence_captured")
        return item

    async def capture_with_one_retry(self, request: dict[str, Any]) -> dict[str, Any]:
        """:meth:`capture`, tried a second time after Chromium's transient refusal: it sometimes
        answers ``Page.captureScreenshot`` with "Unable to capture screenshot" when the machine is
        busy and the page has not been composited yet; a second try a moment later succeeds. Any
        other failure (a dead browser, a timeout) goes to the spool at once."""
        try:
            return await self.capture(request)
        except Exception as exc:  # noqa: BLE001 - retried once, then the caller spools it
            if TRANSIENT_SCREENSHOT_ERROR not in str(exc):
                raise
            self.crawler.stats.inc_value("markwatch/evidence_retried")
            logger.debug("evidence: capture of %s failed once (%s); trying again", request["url"], exc)
            await asyncio.sleep(0.5)
            return await self.capture(request)

    async def capture(self, request: dict[str, Any]) -> dict[str, Any]:
        """Screenshot ``request["url"]``, append the capture to the log, return its reference."""
        from index.evidence import Capture

        await self._ready()
        if self.pool is None or self.log is None:
            raise RuntimeError("no browser or no evidence log (see the error at start-up)")
        started = time.monotonic()
        facts = request.get("facts")
        if facts is not None and not isinstance(facts["body"], bytes):  # a spooled request: base64
            facts = {**facts, "body": base64.b64decode(facts["body"])}
        html = archived_html(facts, request.get("ready_selector"))  # a static page: shot of the response itself
        shot = await self.pool.shoot(request["url"], request.get("ready_selector"), want_response=facts is None,
                                     html=html)
        self.seconds += shot.seconds
        self.crawler.stats.inc_value(f"markwatch/evidence_shot_of/{shot.source}")
        if facts is None:  # no crawl response noted (another spider middleware order): the browser's
            facts = shot.response
        capture = Capture(
            url=request["url"], final_url=facts["final_url"], captured_at=facts["received_at"],
            request_method=facts["request_method"], request_headers=tuple(map(tuple, facts["request_headers"])),
            status=int(facts["status"]), response_headers=tuple(map(tuple, facts["response_headers"])),
            body=facts["body"],
            screenshot_png=shot.png, lead_ids=tuple(request["lead_ids"]), listing_hash=request["listing_hash"],
            redirects=tuple(facts.get("redirects") or ()), title=request.get("title") or shot.title,
            screenshot_at=shot.taken_at, http_version=facts.get("http_version") or "HTTP/1.1",
            screenshot_of=shot.source,
        )
        logged = time.monotonic()
        ref = await asyncio.get_running_loop().run_in_executor(self.writer, self.log.append, capture)
        finished = time.monotonic()
        self.log_seconds += finished - logged
        self.span = (self.span[0] if self.span else started, finished)
        return ref.to_json()

    def spool_failure(self, request: dict[str, Any], exc: BaseException) -> None:
        stats = self.crawler.stats
        stats.inc_value("markwatch/evidence_failed")
        logger.warning("evidence: capture of %s failed (%s); spooled for the next run", request["url"], exc,
                       extra={PAGE_DETAIL: True})  # one line per page: the log file; the summary counts them
        try:
            self.settings.spool.append([{**spoolable(request), "error": str(exc)[:500]}])
        except OSError as err:
            stats.inc_value("markwatch/evidence_spool_failed")
            logger.error("evidence: the capture request of %s could not even be spooled (%s)", request["url"], err)

    async def replay_spool(self) -> None:
        """Capture again what earlier runs could not, and attach it to the stored leads (opening
        the store first also replays its own spool, so the leads are there)."""
        import orjson

        store = None
        if self.store_settings is not None:
            try:
                store = acquire_store(self.store_settings)
            except Exception as exc:  # noqa: BLE001 - the spool stays as it is
                logger.warning("evidence: spooled captures wait: the store cannot be opened (%s)", exc)
                return
        done = kept = 0
        try:
            for segment in self.settings.spool.segments():
                records = [orjson.loads(line) for line in segment.read_bytes().splitlines() if line.strip()]
                try:
                    for record in records:
                        ref = await self.capture(record)
                        if store is not None:
                            store.add_evidence(record["url"], ref)
                except Exception as exc:  # noqa: BLE001 - kept for the next run
                    logger.warning("evidence: a spooled capture still fails (%s); kept for the next run", exc)
                    kept += 1
                    continue
                segment.unlink()
                done += 1
        finally:
            if store is not None:
                release_store(self.store_settings)  # type: ignore[arg-type]
        self.crawler.stats.inc_value("markwatch/evidence_replayed", done)
        logger.info("evidence: %d spooled captures replayed, %d still waiting", done, kept)


def facts_dict(facts: ResponseFacts) -> dict[str, Any]:
    """Response facts as the capture request holds them (JSON-shaped but for the body's bytes)."""
    return {
        "request_method": facts.request_method, "request_headers": [list(p) for p in facts.request_headers],
        "status": facts.status, "response_headers": [list(p) for p in facts.response_headers],
        "body": facts.body, "final_url": facts.final_url, "redirects": list(facts.redirects),
        "received_at": facts.received_at, "http_version": facts.http_version,
    }


def spoolable(request: dict[str, Any]) -> dict[str, Any]:
    """A capture request as a JSON object: the response body in base64 (read back by :meth:`capture`)."""
    facts = request.get("facts")
    if facts is not None and isinstance(facts.get("body"), (bytes, bytearray)):
        facts = {**facts, "body": base64.b64encode(bytes(facts["body"])).decode("ascii")}
    return {**request, "facts": facts}

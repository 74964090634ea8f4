"""Run spiders in-process: one or several in ONE CrawlerProcess, each with its own feed file.

Why: ``markwatch crawl`` runs one spider, ``markwatch demo`` crawls all three demo platforms at
once; both need the per-spider figures afterwards (pages, listings, bad pages by reason) rather
than parsing logs. A Twisted reactor cannot restart, so call :func:`crawl_all` once per process.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.addon import CONFIG_SETTING
from crawler.badpages import bad_pages_by_reason
from markwatch.config import Config

logger = logging.getLogger(__name__)

# What each of Scrapy's finish reasons means for a crawl (the routine alerts on failures, so an
# unknown reason counts as one). Reasons come from Scrapy's engine (scrapy/core/engine.py) and its
# CloseSpider extension (scrapy/extensions/closespider.py); tests/test_crawl_runner.py reads them
# from Scrapy's source, so a reason Scrapy adds or renames fails a test instead of passing silently.
DONE_REASONS: dict[str, str] = {
    "finished": "nothing left to fetch (or the --max-pages budget was spent)",
    "closespider_pagecount": "the page limit we set (CLOSESPIDER_PAGECOUNT) was reached",
    "closespider_itemcount": "the listing limit we set (CLOSESPIDER_ITEMCOUNT) was reached",
    "closespider_timeout": "the time limit we set (CLOSESPIDER_TIMEOUT) was reached",
}
"""The crawl did what it was asked: all of it, or up to a limit we set."""
FAILED_REASONS: dict[str, str] = {
    "closespider_errorcount": "stopped after too many errors in the spider (CLOSESPIDER_ERRORCOUNT)",
    "closespider_pagecount_no_item": "stalled: pages kept coming without a listing (CLOSESPIDER_PAGECOUNT_NO_ITEM)",
    "closespider_timeout_no_item": "stalled: no listing for too long (CLOSESPIDER_TIMEOUT_NO_ITEM)",
    "memusage_exceeded": "stopped for using too much memory (MEMUSAGE_LIMIT_MB)",
    "start_error": "the spider failed while producing its start requests",
    "cancelled": "the spider was closed before the end",
}
"""The crawl stalled or erred: what it fetched is incomplete for a reason worth an alert."""
OWN_FAILED_REASONS: dict[str, str] = {
    "platform_blocked": "the platform kept answering with captcha or login walls (or 403/429) through every "
                        "pause, so its crawl was stopped rather than hammer it; try again later, at a lower rate "
                        "(download_delay, health_pause_seconds) or from another address",
}
"""Failures markwatch's own components close a spider with (crawler/health.py), apart from Scrapy's."""
INTERRUPTED_REASON = "shutdown"
"""Stopped from outside (Ctrl-C, SIGTERM): resumable with the same --resume directory."""


class CrawlSetupError(ValueError):
    """A crawl could not start (unknown spider, bad platform file, missing start URL)."""


@dataclass
class CrawlJob:
    """One spider run: which spider, on what, into which file."""

    spider: str
    output: Path | str | None = None
    """JSON Lines file; relative paths go under crawl_all's output_dir; None = SPIDER-PLATFORM.jsonl."""
    platform: str | None = None
    start_urls: list[str] = field(default_factory=list)
    base_url: str | None = None
    max_pages: int | None = None
    jobdir: Path | str | None = None
    """Scrapy JOBDIR: state kept here lets an interrupted crawl resume."""
    settings: dict[str, Any] = field(default_factory=dict)
    """Extra Scrapy settings for this spider only (e.g. CLOSESPIDER_ITEMCOUNT)."""
    discover: bool = False
    """Keyword discovery (crawler/discovery.py): search the platform for every right of the register."""
    keywords: list[str] = field(default_factory=list)
    """Keywords to search the platform for (discovery mode), besides the register's with ``discover``."""

    @property
    def label(self) -> str:
        return f"{self.spider}-{self.platform}" if self.platform else self.spider


@dataclass
class CrawlResult:
    """What one spider did."""

    job: CrawlJob
    output: Path
    stats: dict[str, Any]
    elapsed: float
    error: str = ""
    spider_error: str = ""
    """The first exception the spider raised (e.g. what made it fail producing its start requests)."""

    @property
    def pages(self) -> int:
        return int(self.stats.get("response_received_count", 0))

    @property
    def robots_refused(self) -> int:
        """Requests robots.txt did not allow (markwatch obeys it)."""
        return int(self.stats.get("robotstxt/forbidden", 0))

    @property
    def listings(self) -> int:
        return int(self.stats.get("item_scraped_count", 0))

    @property
    def bad_pages(self) -> dict[str, int]:
        return bad_pages_by_reason(self.stats)

    @property
    def finish_reason(self) -> str:
        return str(self.stats.get("finish_reason", ""))

    @property
    def problem(self) -> str:
        """Why this crawl counts as failed ("" when it did not): it could not start, ended
        abnormally, or fetched no page at all (an unreachable site)."""
        if self.error:
            return self.error
        reason = self.finish_reason
        if reason == INTERRUPTED_REASON:
            hint = f"; run again with the same --resume {self.job.jobdir} to continue" if self.job.jobdir else ""
            return f"interrupted before the end{hint}"
        if reason == "start_error" and self.spider_error:
            return f"{FAILED_REASONS[reason]}: {self.spider_error} (finish reason: {reason})"
        if reason in FAILED_REASONS:
            return f"{FAILED_REASONS[reason]} (finish reason: {reason})"
        if reason in OWN_FAILED_REASONS:
            return f"{OWN_FAILED_REASONS[reason]} (finish reason: {reason})"
        if reason not in DONE_REASONS:
            return f"the crawl ended abnormally (finish reason: {reason or 'none'})"
        fetched = self.pages - int(self.stats.get("robotstxt/response_count", 0))
        if fetched <= 0 and self.robots_refused:
            return (f"the site's robots.txt does not allow the {self.robots_refused} page(s) asked for, and markwatch "
                    "obeys robots.txt; start from a page it allows, or ask the site for permission "
                    "(-s ROBOTSTXT_OBEY=False only with the site owner's consent)")
        # a Redis worker that joined while the others held every request fetched nothing, and that is no
        # fault: it acknowledged nothing itself while the job's requests were acknowledged (by the others)
        others_did_it = not self.stats.get("markwatch/queue/acked") and self.stats.get("markwatch/queue/job/acked")
        if self.pages == 0 and not self.stats.get("markwatch/queue/already_finished") and not others_did_it:
            return "no page could be fetched; check the start URL and that the site is up"
        return ""

    @property
    def health(self) -> dict[str, Any]:
        """The platform's health record (markwatch/health.py): what the routine stores per run."""
        from markwatch.health import health_summary

        return health_summary(self.stats, self.job.platform or "")

    @property
    def ok(self) -> bool:
        return not self.problem

    def summary(self, with_problem: bool = True) -> str:
        """For a human: one line with pages, listings, bad pages by reason, time and finish reason;
        then one line per thing worth knowing (health, throttling, robots.txt) and, with
        ``with_problem``, the problem."""
        bad = ", ".join(f"{reason}: {n}" for reason, n in self.bad_pages.items()) or "none"
        lines = [
            f"crawl {self.job.label}: {self.pages} pages, {self.listings} listings, bad pages: {bad}; "
            f"{self.elapsed:.1f}s ({self.pages / max(self.elapsed, 1e-9):.1f} pages/s), "
            f"finish reason: {self.finish_reason or '-'} → {self.output}",
        ]
        if self.stats.get("markwatch/conditional/not_modified"):
            lines.append(f"  unchanged (304 Not Modified): {self.stats['markwatch/conditional/not_modified']} pages")
        if self.robots_refused:
            lines.append(f"  robots.txt did not allow {self.robots_refused} requests (not fetched)")
        health = self.health
        if health["state"] != "ok":
            lines.append(f"  health: {health['state']}: {health['note']}")
        if self.stats.get("markwatch/throttled/429"):
            lines.append(f"  throttled (429) answers waited out: {self.stats['markwatch/throttled/429']}")
        if with_problem and self.problem:
            lines.append(f"  error: {self.problem}")
        return "\n".join(lines)


def project_settings() -> Settings:
    """Scrapy settings of this project, wherever the current directory is."""
    settings = get_project_settings()
    if settings.get("BOT_NAME") != "markwatch":  # not started from the repository root
        settings.setmodule("crawler.settings", priority="project")
    return settings


def known_spiders(settings: Settings | None = None) -> list[str]:
    return sorted(SpiderLoader.from_settings(settings or project_settings()).list())


def _job_settings(job: CrawlJob, output: Path, append: bool) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "FEEDS": {str(output): {"format": "jsonlines", "encoding": "utf-8", "overwrite": not append}},
    }
    if job.jobdir:
        extra["JOBDIR"] = str(job.jobdir)
    extra.update(job.settings)
    return extra


def crawl_all(
    jobs: Iterable[CrawlJob],
    config: Config,
    output_dir: Path | str = ".",
    settings: dict[str, Any] | None = None,
    install_root_handler: bool | None = None,
) -> list[CrawlResult]:
    """Run every job concurrently in one CrawlerProcess; return one result per job, in order.

    ``config`` is the configuration the entry point loaded; the Scrapy settings derived from it
    (crawler/addon.py) sit under ``settings``, which override them for this run.
    Raises :class:`CrawlSetupError` before anything starts when a job names an unknown spider, and
    :class:`~markwatch.config.ConfigError` when a spider cannot use the configuration (e.g. the
    rendered spider and a ``browser`` that is not an executable)."""
    jobs = list(jobs)
    base = project_settings()
    base.set(CONFIG_SETTING, config, priority="cmdline")
    for key, value in (settings or {}).items():
        base.set(key, value, priority="cmdline")
    loader = SpiderLoader.from_settings(base)
    names = loader.list()
    for job in jobs:
        if job.spider not in names:
            raise CrawlSetupError(f"unknown spider {job.spider!r}; known spiders: {', '.join(sorted(names))}")
    if install_root_handler is None:  # the markwatch CLI has configured logging already
        install_root_handler = not logging.getLogger().handlers
    base.set("LOG_INSTALL_ROOT_HANDLER", install_root_handler, priority="cmdline")
    process = CrawlerProcess(base)
    if not install_root_handler:  # Scrapy set its loggers to DEBUG; keep them at LOG_LEVEL
        logging.getLogger("scrapy").setLevel(base.get("LOG_LEVEL", "INFO"))
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[CrawlResult] = []
    for job in jobs:
        output = Path(job.output) if job.output else Path(f"{job.label}.jsonl")
        if not output.is_absolute():
            output = out_dir / output
        output.parent.mkdir(parents=True, exist_ok=True)
        spidercls = loader.load(job.spider)
        # a resumed crawl, and a worker of a shared one (it may be restarted), append to their output
        shared = job.settings.get("QUEUE_REDIS_URL", config.crawl_redis)
        custom = {**(spidercls.custom_settings or {}), **_job_settings(job, output, append=bool(job.jobdir or shared))}
        jobcls = type(spidercls.__name__, (spidercls,), {"custom_settings": custom})
        crawler = process.create_crawler(jobcls)
        result = CrawlResult(job=job, output=output, stats={}, elapsed=0.0)
        results.append(result)
        started = {"t": 0.0}

        def on_open(started: dict[str, float] = started) -> None:
            started["t"] = time.monotonic()

        def on_close(reason: str, crawler: Any = crawler, result: CrawlResult = result, started: dict[str, float] = started) -> None:
            result.stats = dict(crawler.stats.get_stats())
            result.stats.setdefault("finish_reason", reason)
            result.elapsed = time.monotonic() - started["t"] if started["t"] else 0.0

        def on_spider_error(failure: Any, result: CrawlResult = result) -> None:
            if not result.spider_error:
                result.spider_error = failure.getErrorMessage()

        crawler.signals.connect(on_open, signal=signals.spider_opened, weak=False)
        crawler.signals.connect(on_spider_error, signal=signals.spider_error, weak=False)
        crawler.signals.connect(on_close, signal=signals.spider_closed, weak=False)
        kwargs: dict[str, Any] = {}
        if job.platform:
            kwargs["platform"] = job.platform
        if job.start_urls:
            kwargs["start_urls"] = list(job.start_urls)
        if job.base_url:
            kwargs["base_url"] = job.base_url
        if job.max_pages:
            kwargs["max_pages"] = job.max_pages
        if job.discover:
            kwargs["discover"] = "1"
        if job.keywords:
            kwargs["keywords"] = list(job.keywords)
        deferred = process.crawl(crawler, **kwargs)

        def on_fail(failure: Any, result: CrawlResult = result) -> None:
            result.error = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            logger.error("crawl %s could not run: %s", result.job.label, result.error)

        deferred.addErrback(on_fail)
    process.start()
    return results

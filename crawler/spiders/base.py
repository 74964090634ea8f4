"""What every markwatch spider shares: start-URL arguments, a page budget and bad-page reporting.

Why: ``markwatch crawl`` passes the same arguments to every spider (start URLs, max pages,
platform), and every spider must turn a failed request into a counted, logged bad page rather
than an unhandled error.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, ClassVar, Iterator
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.badpages import report_bad_page
from crawler.discovery import KEYWORD_META, register_keywords, require_search, search_url, split_keywords
from crawler.platforms import PlatformConfig, load_platform
from markwatch.console import PAGE_DETAIL

logger = logging.getLogger(__name__)

OUTSIDE_BUDGET_META = "queue_outside_budget"
"""``request.meta`` key: this request does not count against the page budget (crawler/queue/scheduler.py)."""


def web_address_problem(url: str) -> str:
    """Why ``url`` cannot start a crawl ("" when it can): it must be an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return ""
    if not parts.scheme and "." in url.split("/", 1)[0]:
        return f"{url!r} is not a full web address: write it with http:// or https://, e.g. https://{url}"
    return f"{url!r} is not a web address: give a full http(s) URL, e.g. https://shop.example/ or http://127.0.0.1:8701/"


def split_urls(value: Any) -> list[str]:
    """Start URLs given as a list, or as one string separated by commas or whitespace (``-a``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [u for u in re.split(r"[\s,]+", value) if u]
    return [str(u) for u in value if u]


class MarkwatchSpider(scrapy.Spider):
    """Base spider: ``-a start_url=… -a base_url=… -a max_pages=N -a platform=NAME``; discovery
    mode (crawler/discovery.py) with ``-a discover=1`` (the register's words) and/or ``-a keywords=A,B``."""

    platform_kind: ClassVar[str | None] = None
    """Kind of platform file this spider reads (crawler/platforms/*.yaml), None if it needs none."""
    default_platform: ClassVar[str] = ""

    def __init__(
        self,
        *args: Any,
        platform: str | None = None,
        base_url: str | None = None,
        start_url: str | None = None,
        start_urls: Any = None,
        max_pages: int | str | None = None,
        discover: Any = None,
        keywords: Any = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.discover = str(discover).strip().lower() in ("1", "true", "yes", "on") if discover is not None else False
        self.keywords = split_keywords(keywords)
        self.start_urls = split_urls(start_urls) + split_urls(start_url)
        for url in [*self.start_urls, *([base_url] if base_url else [])]:
            problem = web_address_problem(url)
            if problem:
                raise ValueError(problem)
        if base_url is None and self.start_urls:
            base_url = urljoin(self.start_urls[0], "/")
        self.base_url = base_url
        self.max_pages = int(max_pages) if max_pages not in (None, "", 0, "0") else None
        self.config: PlatformConfig | None = None
        if self.platform_kind is not None:
            self.config = load_platform(platform or self.default_platform, kind=self.platform_kind)
            self.platform = self.config.name
            if self.discovering:
                require_search(self.config, platform or f"crawler/platforms/{self.default_platform}.yaml")
            if not self.base_url:
                raise ValueError(
                    f"spider {self.name!r} needs the platform's address: "
                    "-a base_url=http://HOST:PORT (or -a start_url=URL; markwatch crawl --start-url URL)"
                )
        else:
            self.platform = platform or ""
            if self.discovering:
                raise ValueError(f"spider {self.name!r} cannot search by keyword; --discover and --keyword "
                                 "work with the platform spiders (html, rendered, api)")

    @property
    def discovering(self) -> bool:
        """Discovery mode (crawler/discovery.py): start from the platform's search, not its start pages."""
        return self.discover or bool(self.keywords)

    def discovery_keywords(self) -> list[str]:
        """The words to search for: ``keywords``, plus every right's name and variants with ``discover``."""
        words = list(self.keywords)
        if self.discover:
            words += register_keywords(self.settings.get("MATCH_REGISTER") or None)
        seen: set[str] = set()
        return [w for w in words if not (w.casefold() in seen or seen.add(w.casefold()))]

    def search_requests(self, callback: Callable[..., Any], **kwargs: Any) -> Iterator[scrapy.Request]:
        """One search request per keyword, read by ``callback`` like a browsable page."""
        assert self.config is not None and self.config.search is not None
        words = self.discovery_keywords()
        self.crawler.stats.set_value("markwatch/discovery/keywords", len(words))
        logger.info("discovery: searching %s for %d keywords", self.platform, len(words))
        meta = kwargs.pop("meta", None) or {}
        for word in words:
            request = self.request(search_url(self.base_url or "", self.config.search, word), callback,
                                   meta={**meta, KEYWORD_META: word}, **kwargs)
            if request is not None:
                self.crawler.stats.inc_value("markwatch/discovery/searches")
                yield request

    def recheck_requests(self, callback: Callable[..., Any], detail_url: Callable[[dict[str, Any]], str | None] | None = None,
                         **kwargs: Any) -> Iterator[scrapy.Request]:
        """Known listings to look at again: the Scrapy setting ``RECHECK_FILE`` (``markwatch crawl
        --recheck FILE``) names JSON Lines ``{"url", "listing_id", "tier"}`` the routine wrote, most
        urgent first (jobs/selection.py). Each becomes a detail request at priority ``-1 - tier``, below
        the crawl's own requests (new listings first), outside the page budget (the routine caps them);
        a listing the platform answers 404/410 for is counted gone (``markwatch/recheck/gone``), not a bad page.
        ``detail_url`` maps a row to the URL to fetch (the API's detail document); default its ``url``."""
        import json

        path = self.settings.get("RECHECK_FILE") if getattr(self, "crawler", None) else None
        if not path:
            return
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        self.crawler.stats.set_value("markwatch/recheck/listed", len(rows))
        for row in rows:
            url = detail_url(row) if detail_url is not None else row.get("url")
            if not url:
                self.crawler.stats.inc_value("markwatch/recheck/unusable")
                continue
            # a URL listed twice (or requested by the crawl) is dropped by the queue's seen-set
            meta = {**(kwargs.get("meta") or {}), OUTSIDE_BUDGET_META: True}
            yield scrapy.Request(url, callback=callback, errback=self.on_recheck_error,
                                 priority=-1 - int(row.get("tier") or 0), **{**kwargs, "meta": meta})

    def on_recheck_error(self, failure: Failure) -> None:
        """A re-checked listing that is gone (404/410) is what a takedown looks like: counted, not a bad page."""
        if failure.check(HttpError) and failure.value.response.status in (404, 410):
            self.crawler.stats.inc_value("markwatch/recheck/gone")
            return
        self.on_error(failure)

    def url(self, path: str) -> str:
        """An absolute URL on the platform."""
        assert self.base_url
        return urljoin(self.base_url, path)

    def budget_left(self) -> int | None:
        """Pages this crawl may still request (None = no limit). The budget is the request queue's
        (crawler/queue/), shared by every worker of a crawl and kept across a resume."""
        if self.max_pages is None:
            return None
        scheduler = getattr(getattr(self, "crawler", None) and self.crawler.engine, "scheduler", None)
        used = scheduler.budget_used() if hasattr(scheduler, "budget_used") else 0
        return max(0, self.max_pages - used)

    def request(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> scrapy.Request | None:
        """A request that reports failures as bad pages.

        The seen-set and the page budget (``max_pages``) are the request queue's (crawler/queue/):
        a URL requested before is dropped there, and so is a new one once the budget is spent
        (``markwatch/budget_skipped``), for every worker of the crawl at once."""
        kwargs.setdefault("errback", self.on_error)
        return scrapy.Request(url, callback=callback, **kwargs)

    def on_error(self, failure: Failure) -> None:
        """A request failed for good (after retries): count it by reason, log it, go on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt or a policy said no: not a broken page, but the log file says which and why
            logger.info("not fetched: %s (%s)", url, failure.getErrorMessage(), extra={PAGE_DETAIL: True})
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            report_bad_page(self.crawler, url, f"http_{status}", "HTTP error after retries")
        else:
            report_bad_page(self.crawler, url, "download_error", failure.getErrorMessage())

    def same_site(self, url: str) -> bool:
        """True when ``url`` is on a host:port we started from (ports are separate sites here)."""
        netlocs = {urlsplit(u).netloc for u in self.start_urls}
        if self.base_url:
            netlocs.add(urlsplit(self.base_url).netloc)
        return urlsplit(url).netloc in netlocs

"""What every markwatch spider shares: start-URL arguments, a page budget and bad-page reporting.

Why: ``markwatch crawl`` passes the same arguments to every spider (start URLs, max pages,
platform), and every spider must turn a failed request into a counted, logged bad page rather
than an unhandled error.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from crawler.badpages import report_bad_page
from crawler.platforms import PlatformConfig, load_platform

logger = logging.getLogger(__name__)


def split_urls(value: Any) -> list[str]:
    """Start URLs given as a list, or as one string separated by commas or whitespace (``-a``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [u for u in re.split(r"[\s,]+", value) if u]
    return [str(u) for u in value if u]


class MarkwatchSpider(scrapy.Spider):
    """Base spider: ``-a start_url=… -a base_url=… -a max_pages=N -a platform=NAME``."""

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
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.start_urls = split_urls(start_urls) + split_urls(start_url)
        if base_url is None and self.start_urls:
            base_url = urljoin(self.start_urls[0], "/")
        self.base_url = base_url
        self.max_pages = int(max_pages) if max_pages not in (None, "", 0, "0") else None
        self.pages_requested = 0
        self._requested: set[str] = set()
        self.config: PlatformConfig | None = None
        if self.platform_kind is not None:
            self.config = load_platform(platform or self.default_platform, kind=self.platform_kind)
            self.platform = self.config.name
            if not self.base_url:
                raise ValueError(
                    f"spider {self.name!r} needs the platform's address: "
                    "-a base_url=http://HOST:PORT (or -a start_url=URL; markwatch crawl --start-url URL)"
                )
        else:
            self.platform = platform or ""

    def url(self, path: str) -> str:
        """An absolute URL on the platform."""
        assert self.base_url
        return urljoin(self.base_url, path)

    def budget_left(self) -> int | None:
        """Pages this spider may still request (None = no limit)."""
        return None if self.max_pages is None else max(0, self.max_pages - self.pages_requested)

    def request(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> scrapy.Request | None:
        """A request that respects the page budget and reports failures as bad pages.

        None for a URL already requested (the dupe filter would drop it anyway, and it must not
        eat the budget) or when the budget is spent."""
        key = canonicalize_url(url)
        if key in self._requested:
            return None
        if self.max_pages is not None and self.pages_requested >= self.max_pages:
            self.crawler.stats.inc_value("markwatch/budget_skipped")
            return None
        self.pages_requested += 1
        self._requested.add(key)
        kwargs.setdefault("errback", self.on_error)
        return scrapy.Request(url, callback=callback, **kwargs)

    def on_error(self, failure: Failure) -> None:
        """A request failed for good (after retries): count it by reason, log it, go on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt or a policy said no: not a broken page
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

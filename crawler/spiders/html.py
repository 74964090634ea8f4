"""``html``: a config-driven spider for server-rendered platforms (crawler/platforms/<name>.yaml).

Start pages → list pages (following "next" links) → detail pages, each step driven by the
platform file's link selectors; the detail page's fields come from its field selectors through
:class:`crawler.items.ListingLoader`. Adding a platform means adding a YAML file.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response, TextResponse

from crawler.badpages import looks_truncated, looks_undecodable, report_bad_page
from crawler.items import finish_listing, load_fields
from crawler.platforms import HtmlPlatform
from crawler.spiders.base import MarkwatchSpider


class HtmlSpider(MarkwatchSpider):
    name = "html"
    platform_kind = "html"
    default_platform = "bazaar"
    config: HtmlPlatform

    async def start(self) -> AsyncIterator[Any]:
        for request in self.recheck_requests(self.parse_detail):  # known listings (markwatch crawl --recheck)
            yield request
        if self.discovering:  # search results are read as list pages (crawler/discovery.py)
            for request in self.search_requests(self.parse_page, cb_kwargs={"page": "list"}):
                yield request
            return
        urls = self.start_urls or [self.url(path) for path in self.config.start_paths]
        for url in urls:
            request = self.request(url, self.parse_page, cb_kwargs={"page": "start"})
            if request is not None:
                yield request

    def parse_page(self, response: Response, page: str = "list") -> Iterator[Any]:
        """A start or list page: follow its links to list and detail pages."""
        if not isinstance(response, TextResponse):
            report_bad_page(self.crawler, response.url, "not_html")
            return
        for rule in self.config.links.get(page, []):  # type: ignore[call-overload]
            hrefs = response.css(rule.css).getall() if rule.css else response.xpath(rule.xpath).getall()
            for href in hrefs:
                url = response.urljoin(href.strip())
                if not self.same_site(url):
                    continue
                if rule.to == "detail":
                    request = self.request(url, self.parse_detail)
                else:
                    request = self.request(url, self.parse_page, cb_kwargs={"page": "list"})
                if request is not None:
                    yield request

    def parse_detail(self, response: Response) -> Iterator[dict[str, Any]]:
        """A detail page: one listing, or a bad page when its required fields are missing."""
        if not isinstance(response, TextResponse):
            report_bad_page(self.crawler, response.url, "not_html")
            return
        loader = load_fields(response, self.config.fields, self.config.default_currency)
        item = finish_listing(loader, self.platform, response.url)
        missing = [f for f in self.config.required if not item.get(f)]
        if missing:
            report_bad_page(self.crawler, response.url, "missing_fields", f"no {', '.join(missing)} on the page")
            return
        if self.config.check_truncated and looks_truncated(response.body):
            report_bad_page(self.crawler, response.url, "truncated", "document ends before </html>; fields may be partial")
        if looks_undecodable(item.get("title", "")):
            report_bad_page(self.crawler, response.url, "undecodable", "title bytes do not match the declared encoding")
        if item.get("price") is None:
            self.crawler.stats.inc_value("markwatch/missing_price")
        yield item

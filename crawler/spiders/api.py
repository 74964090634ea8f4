"""``api``: a config-driven spider for JSON API platforms (crawler/platforms/<name>.yaml, kind api).

Walks the search endpoint with its opaque cursor until there is none, then fetches each result's
detail document and maps it to a listing with the platform file's dotted paths. Bodies that are
not JSON (cut off, HTML error pages) are bad pages, never crashes.
"""

from __future__ import annotations

import json
from typing import Any, AsyncIterator, Iterator
from urllib.parse import quote, urlencode

from scrapy.http import Response

from crawler.badpages import report_bad_page
from crawler.items import ListingLoader, finish_listing
from crawler.platforms import ApiPlatform
from crawler.spiders.base import MarkwatchSpider


def dig(document: Any, path: str) -> Any:
    """The value at a dotted path (``seller.name``) in a JSON document, or None."""
    value = document
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class ApiSpider(MarkwatchSpider):
    name = "api"
    platform_kind = "api"
    default_platform = "openmall"
    config: ApiPlatform

    def search_url(self, cursor: str | None) -> str:
        params = dict(self.config.search_params)
        if cursor:
            params[self.config.cursor_param] = cursor
        query = urlencode(params)
        return self.url(self.config.search_path) + (f"?{query}" if query else "")

    async def start(self) -> AsyncIterator[Any]:
        def detail_url(row: dict[str, Any]) -> str | None:  # known listings by id (markwatch crawl --recheck)
            ident = row.get("listing_id") or ""
            return self.url(self.config.detail_path.format(id=quote(str(ident), safe=""))) if ident else None

        for request in self.recheck_requests(self.parse_detail, detail_url):
            yield request
        if self.discovering:  # a keyword's answer is read like the listing search, cursors and all
            for search in self.search_requests(self.parse_search):
                yield search
            return
        request = self.request(self.search_url(None), self.parse_search)
        if request is not None:
            yield request

    def read_json(self, response: Response) -> Any:
        """The body as JSON, or None after reporting the page."""
        try:
            return json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            report_bad_page(self.crawler, response.url, "json_error", f"body is not valid JSON: {exc}")
            return None

    def parse_search(self, response: Response) -> Iterator[Any]:
        data = self.read_json(response)
        if not isinstance(data, dict):
            if data is not None:
                report_bad_page(self.crawler, response.url, "json_error", "search answer is not a JSON object")
            return
        for result in data.get(self.config.results_key) or []:
            ident = result.get(self.config.result_id_key) if isinstance(result, dict) else None
            if ident in (None, ""):
                report_bad_page(self.crawler, response.url, "missing_fields", f"a search result has no {self.config.result_id_key!r}")
                continue
            request = self.request(self.url(self.config.detail_path.format(id=quote(str(ident), safe=""))), self.parse_detail)
            if request is not None:
                yield request
        cursor = data.get(self.config.next_cursor_key)
        if cursor:
            request = self.request(self.search_url(str(cursor)), self.parse_search)
            if request is not None:
                yield request

    def parse_detail(self, response: Response) -> Iterator[dict[str, Any]]:
        data = self.read_json(response)
        if not isinstance(data, dict):
            if data is not None:
                report_bad_page(self.crawler, response.url, "json_error", "detail answer is not a JSON object")
            return
        loader = ListingLoader(base_url=response.url)
        for field, path in self.config.fields.items():
            loader.add_value(field, dig(data, path))
        if self.config.default_currency:  # the document's own currency comes first
            loader.add_value("currency", self.config.default_currency)
        item = finish_listing(loader, self.platform, response.url)
        missing = [f for f in self.config.required if not item.get(f)]
        if missing:
            report_bad_page(self.crawler, response.url, "missing_fields", f"no {', '.join(missing)} in the document")
            return
        if item.get("price") is None:
            self.crawler.stats.inc_value("markwatch/missing_price")
        yield item

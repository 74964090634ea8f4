"""``schemaorg``: a generic product spider for any shop that publishes schema.org Product data.

From the start URLs it follows links on the same host (and port) up to ``max_pages`` pages and
emits one listing for each page whose JSON-LD, microdata or RDFa holds a Product. The extraction
rules live in :mod:`crawler.extract.schemaorg`.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.badpages import looks_undecodable, report_bad_page
from crawler.extract.schemaorg import extract_product
from crawler.items import ListingLoader, finish_listing
from crawler.spiders.base import MarkwatchSpider


class SchemaOrgSpider(MarkwatchSpider):
    name = "schemaorg"
    link_extractor = LinkExtractor(unique=True)

    async def start(self) -> AsyncIterator[Any]:
        if not self.start_urls:
            raise ValueError("schemaorg needs at least one start URL: -a start_url=URL (markwatch crawl --start-url URL)")
        for url in self.start_urls:
            request = self.request(url, self.parse)
            if request is not None:
                yield request

    def parse(self, response: Response, **_: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        item = self.listing(response)
        if item is not None:
            yield item
        for link in self.link_extractor.extract_links(response):
            if self.same_site(link.url):
                request = self.request(link.url, self.parse)
                if request is not None:
                    yield request

    def listing(self, response: TextResponse) -> dict[str, Any] | None:
        """The page's product as a listing, or None (not a product page)."""
        product = extract_product(response.text, response.url)
        if product is None:
            return None
        loader = ListingLoader(base_url=response.url)
        loader.add_value("title", product.name)
        loader.add_value("listing_id", product.sku)
        loader.add_value("description", product.description)
        loader.add_value("price", product.price)
        loader.add_value("currency", product.currency)
        loader.add_value("seller_name", product.seller_name)
        loader.add_value("brand", product.brand)
        loader.add_value("category", product.category)
        loader.add_value("image_urls", product.image_urls)
        item = finish_listing(loader, self.platform or (urlsplit(response.url).hostname or ""), response.url)
        if looks_undecodable(item.get("title", "")):
            report_bad_page(self.crawler, response.url, "undecodable", "title holds bytes that do not match the page's encoding")
        self.crawler.stats.inc_value(f"markwatch/schemaorg/{product.format}")
        return item

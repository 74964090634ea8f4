"""The Listing item (CONTRACTS §2) and the ItemLoader that cleans scraped values into it.

Why a loader: every spider (CSS on HTML, rendered DOM, JSON API, schema.org data) feeds raw,
hostile text through the same processors — whitespace collapsed, prices parsed by price-parser,
currency upper-cased, image URLs made absolute, ship-from prefixes ("发货地：") stripped — so a
listing looks the same whichever spider found it. Validation against the pydantic
:class:`markwatch.contracts.Listing` happens later, in pipelines/validate.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Iterable
from urllib.parse import urljoin

import scrapy
from itemloaders.processors import Identity, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawler.extract.schemaorg import parse_price

class ListingItem(scrapy.Item):
    """One listing as CONTRACTS §2 defines it; only ``url`` and ``title`` are required.

    The fields mirror :class:`markwatch.contracts.Listing` one for one, plus the :data:`EXTRA_FIELDS`
    (a test keeps them so), so the validate pipeline can check every item against the contract model."""

    url = scrapy.Field()
    platform = scrapy.Field()
    listing_id = scrapy.Field()
    title = scrapy.Field()
    description = scrapy.Field()
    price = scrapy.Field()
    currency = scrapy.Field()
    seller_name = scrapy.Field()
    seller_id = scrapy.Field()
    ship_from = scrapy.Field()
    category = scrapy.Field()
    brand = scrapy.Field()
    image_urls = scrapy.Field()
    crawled_at = scrapy.Field()
    shop_address = scrapy.Field()
    """Extra field (§2 allows extras): the shop's address as the platform publishes it (its business
    licence address), when a platform's file has a rule for it; sellers are linked by it
    (index/sellers.py). Absent otherwise, so listings of other platforms are unchanged."""


EXTRA_FIELDS: frozenset[str] = frozenset({"shop_address"})
"""Fields of :class:`ListingItem` beyond the contract's (CONTRACTS §2 allows extra fields)."""


def utc_now() -> str:
    """ISO-8601 UTC with a ``Z``, to the second, as the contract shows."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_LINE_BREAKS = re.compile(r"\s*[\r\n\t\f\v]\s*")


def _text(value: Any) -> str | None:
    """Stripped text; line breaks and tabs (markup layout) become one space, but spaces the
    platform shows inside a title stay as they are (they can be part of an evasion)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = _LINE_BREAKS.sub(" ", str(value)).strip()
    return text or None


def _price(value: Any) -> float | None:
    return parse_price(value)


def _absolute(value: Any, loader_context: dict[str, Any]) -> str | None:
    text = _text(value)
    if not text:
        return None
    base = loader_context.get("base_url") or loader_context.get("response_url")
    if base is None and loader_context.get("response") is not None:
        base = loader_context["response"].url
    return urljoin(base, text) if base else text


def strip_prefixes(prefixes: Iterable[str]) -> Callable[[Any], str | None]:
    """A processor removing a label the platform puts before the value ("发货地：福建 莆田")."""
    ordered = sorted(prefixes, key=len, reverse=True)

    def strip(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        for prefix in ordered:
            if text.startswith(prefix):
                return text[len(prefix):].strip() or None
        return text

    return strip


class ListingLoader(ItemLoader):
    """Cleans raw values; first non-empty value wins for single fields."""

    default_item_class = ListingItem
    default_input_processor = MapCompose(_text)
    default_output_processor = TakeFirst()

    description_out = Join(" ")
    price_in = MapCompose(_price)
    currency_in = MapCompose(_text, str.upper)
    image_urls_in = MapCompose(_absolute)
    image_urls_out = Identity()
    url_in = MapCompose(_absolute)


def finish_listing(loader: ListingLoader, platform: str, url: str) -> dict[str, Any]:
    """The loaded item as a plain dict with the contract's bookkeeping fields filled in."""
    loader.add_value("url", url)
    loader.add_value("platform", platform)
    loader.add_value("crawled_at", utc_now())
    item = dict(loader.load_item())
    item.setdefault("image_urls", [])
    return item


def load_fields(response: Any, rules: dict[str, Any], default_currency: str = "") -> ListingLoader:
    """Fill a loader from a page with a platform's field rules (see crawler/platforms/)."""
    loader = ListingLoader(response=response)
    for field, rule in rules.items():
        processors = [MapCompose(strip_prefixes(rule.strip_prefixes))] if rule.strip_prefixes else []
        if rule.url_re is not None:
            loader.add_value(field, response.url, re=rule.url_re)
        elif rule.css is not None:
            loader.add_css(field, rule.css, *processors, re=rule.re)
        else:
            loader.add_xpath(field, rule.xpath, *processors, re=rule.re)
    if default_currency:  # the platform's currency; a currency on the page comes first
        loader.add_value("currency", default_currency)
    return loader

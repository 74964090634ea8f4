"""Find the main schema.org ``Product`` of a page (JSON-LD, microdata or RDFa) and read its offer.

Why a plain module: real shops nest their product data in a dozen ways (``@graph``, top-level
arrays, ``ProductGroup``, a Product inside ``itemReviewed``, offers as lists, AggregateOffer,
priceSpecification, an Offer inside an Offer, decimal commas). The rules live here, free of
Scrapy, so they are tested directly on saved real pages (../shared/realpages) and hand-written ones.
extruct does the parsing; price-parser reads prices written as text.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import urljoin

import jstyleson
from price_parser import Price

PRODUCT_TYPES = frozenset({"Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts", "Vehicle"})
OFFER_TYPES = frozenset({"Offer", "AggregateOffer"})
SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/")
_WS = re.compile(r"\s+")
_COMMENT_LINE = re.compile(r"^\s*(//.*|<!--.*-->)", re.MULTILINE)


@dataclass
class ProductData:
    """What a page says about its main product, already cleaned (text collapsed, price a float)."""

    name: str
    format: str
    """The syntax that held the product: json-ld, microdata or rdfa."""
    price: float | None = None
    currency: str = ""
    description: str = ""
    brand: str = ""
    category: str = ""
    sku: str = ""
    seller_name: str = ""
    image_urls: list[str] = field(default_factory=list)


def clean_text(value: Any) -> str:
    """One line of text: first of a list, ``name`` of an object, whitespace collapsed."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
        value = _first(value)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return _WS.sub(" ", str(value)).strip()


def parse_price(value: Any) -> float | None:
    """A price as float: numbers as they are, text via price-parser ("59,99", "¥1,299.00")."""
    value = _first(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    amount = Price.fromstring(str(value)).amount_float
    return amount


def _first(value: Any) -> Any:
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type") or []
    if isinstance(raw, str):
        raw = [raw]
    out = set()
    for typ in raw:
        if isinstance(typ, str):
            for prefix in SCHEMA_PREFIXES:
                if typ.startswith(prefix):
                    typ = typ[len(prefix):]
            out.add(typ)
    return out


def _children(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "@graph" in value:
            yield from _children(value["@graph"])
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _children(item)


def find_product(blocks: Iterable[Any]) -> dict[str, Any] | None:
    """Breadth-first search for a Product node, so a top-level Product or ProductGroup wins over the
    variants it holds and over Products nested deeper (``itemReviewed``, related products)."""
    queue: deque[dict[str, Any]] = deque(_children(list(blocks)))
    seen: set[int] = set()
    while queue:
        node = queue.popleft()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if _types(node) & PRODUCT_TYPES and clean_text(node.get("name")):
            return node
        for key, value in node.items():
            if key in ("@context", "@type", "@id"):
                continue
            queue.extend(_children(value))
    return None


def pick_offer(offers: Any) -> dict[str, Any] | None:
    """The offer whose price counts: first of a list; an Offer holding an Offer yields the inner one."""
    offer = _first(offers)
    if not isinstance(offer, dict):
        return None
    if offer.get("price") is None and offer.get("lowPrice") is None and "priceSpecification" not in offer:
        inner = pick_offer(offer.get("offers") or offer.get("itemOffered"))
        if inner is not None:
            return inner
    return offer


def offer_price(offer: dict[str, Any]) -> tuple[float | None, str]:
    """(price, currency) of one offer: AggregateOffer → lowPrice; no price → priceSpecification."""
    currency = clean_text(offer.get("priceCurrency"))
    price: float | None = None
    if "AggregateOffer" in _types(offer) or (offer.get("price") is None and offer.get("lowPrice") is not None):
        price = parse_price(offer.get("lowPrice"))
    if price is None:
        price = parse_price(offer.get("price"))
    if price is None and offer.get("priceSpecification") is not None:
        spec = _first(offer["priceSpecification"])
        if isinstance(spec, dict):
            price = parse_price(spec.get("price"))
            currency = currency or clean_text(spec.get("priceCurrency"))
    return price, currency.upper()


def _images(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("url") or item.get("contentUrl") or item.get("@id")
            item = _first(item)
        if isinstance(item, str) and item.strip() and item.strip() not in urls:
            urls.append(item.strip())
    return urls


def product_data(node: dict[str, Any], syntax: str, base_url: str = "") -> ProductData:
    """Read the fields markwatch needs from one Product node (image URLs made absolute)."""
    offer = pick_offer(node.get("offers"))
    price, currency = offer_price(offer) if offer else (None, "")
    seller = clean_text(offer.get("seller")) if offer else ""
    return ProductData(
        name=clean_text(node.get("name")),
        format=syntax,
        price=price,
        currency=currency,
        description=clean_text(node.get("description")),
        brand=clean_text(node.get("brand")),
        category=clean_text(node.get("category")),
        sku=clean_text(node.get("sku") or node.get("productID") or node.get("productGroupID")),
        seller_name=seller,
        image_urls=[urljoin(base_url, u) for u in _images(node.get("image"))],
    )


def rdfa_to_nodes(expanded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn extruct's expanded RDFa (full IRIs, ``@value``/``@id`` lists) into compact schema.org
    nodes with references resolved, so one search works for all three syntaxes."""
    by_id = {node.get("@id"): node for node in expanded if isinstance(node, dict)}

    def compact(node: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": sorted(_types(node))}
        for key, values in node.items():
            prefix = next((p for p in SCHEMA_PREFIXES if key.startswith(p)), None)
            if prefix is None:
                continue
            converted = []
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, dict) and "@value" in value:
                    converted.append(value["@value"])
                elif isinstance(value, dict) and "@id" in value:
                    ref = by_id.get(value["@id"])
                    converted.append(compact(ref, depth + 1) if ref and depth < 6 else value["@id"])
            out[key[len(prefix):]] = converted[0] if len(converted) == 1 else converted
        return out

    referenced = {
        v.get("@id")
        for node in expanded
        for values in node.values()
        if isinstance(values, list)
        for v in values
        if isinstance(v, dict) and "@id" in v
    }
    roots = [n for n in expanded if _types(n) and n.get("@id") not in referenced]
    return [compact(n, 0) for n in roots]


def jsonld_blocks(tree: Any) -> list[Any]:
    """Every JSON-LD block that parses, one by one: a broken block elsewhere on the page (common on
    real shops) must not hide a good one. Same tolerance as extruct (comments, control chars)."""
    items: list[Any] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = script.xpath("string()")
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            try:
                data = jstyleson.loads(_COMMENT_LINE.sub("", text), strict=False)
            except ValueError:
                continue
        items.extend(data if isinstance(data, list) else [data])
    return [item for item in items if isinstance(item, dict)]


def extract_product(html: str | bytes, base_url: str) -> ProductData | None:
    """The page's main product, or None when the page carries no schema.org Product.

    Order: JSON-LD, then microdata, then RDFa (parsed only when the others have none: it is slow).
    extruct is imported here, on the first page: every crawl process loads this module (Scrapy's
    spider loader imports every spider), and only the schemaorg spider's pages need extruct."""
    import extruct
    from extruct.utils import parse_html

    tree = parse_html(html, encoding="UTF-8")
    node = find_product(jsonld_blocks(tree))
    if node is not None:
        return product_data(node, "json-ld", base_url)
    microdata = extruct.extract(tree, base_url=base_url, syntaxes=["microdata"], uniform=True, errors="ignore")
    node = find_product(microdata.get("microdata", []))
    if node is not None:
        return product_data(node, "microdata", base_url)
    if tree.xpath("//*[@typeof][1]"):
        rdfa = extruct.extract(html, base_url=base_url, syntaxes=["rdfa"], errors="ignore").get("rdfa", [])  # needs its own DOM
        node = find_product(rdfa_to_nodes(rdfa))
        if node is not None:
            return product_data(node, "rdfa", base_url)
    return None

"""Platform 1, ``bazaar``: a server-rendered shop (categories, search, item pages with JSON-LD).

Serves exactly what docs/marketplace.md promises, including the broken pages (``served_as``).
Pages are rendered from pre-built indexes: per-category lists, id → entry, seller → entries.
"""

from __future__ import annotations

import math
from functools import lru_cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from demo_marketplace.catalogue import Catalogue
from demo_marketplace.model import Entry
from demo_marketplace.images import image_handler
from demo_marketplace.search_only import browsable
from demo_marketplace.site import cut_bytes, int_param, json_script, make_env, robots

ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /cart\n"
PER_PAGE = 40


def _jsonld(e: Entry, base: str) -> str:
    offer: dict = {"@type": "Offer", "priceCurrency": e.currency,
                   "seller": {"@type": "Organization", "name": e.seller_name}}
    if e.served_as != "missing_price" and e.price is not None:
        offer["price"] = f"{e.price:.2f}"
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": e.title, "description": e.description,
        "sku": e.listing_id, "brand": {"@type": "Brand", "name": e.brand}, "category": e.category,
        "image": [base + p for p in e.image_paths], "offers": offer,
    }
    return json_script(data)


def build_bazaar(catalogue: Catalogue, base: str) -> Starlette:
    env = make_env()
    t_index, t_results = env.get_template("bazaar_index.html"), env.get_template("bazaar_results.html")
    t_item, t_seller = env.get_template("bazaar_item.html"), env.get_template("bazaar_seller.html")
    entries = catalogue.for_platform("bazaar")
    by_id = {e.listing_id: e for e in entries}
    by_category: dict[str, list[Entry]] = {}
    by_seller: dict[str, list[Entry]] = {}
    for e in browsable(entries):  # a search-only listing is on no category or seller page
        by_category.setdefault(e.category_slug, []).append(e)
        by_seller.setdefault(e.seller_id, []).append(e)
    categories = sorted((slug, items[0].category, len(items)) for slug, items in by_category.items())
    index_html = t_index.render(categories=categories)
    failed_once: set[str] = set()

    @lru_cache(maxsize=512)
    def search(q: str) -> list[Entry]:
        needle = q.casefold()
        return [e for e in entries if needle in e.title.casefold()]

    def results(request: Request, items: list[Entry], heading: str, page_url, q: str = "") -> Response:
        try:
            page = int_param(request, "page", 1, 1)
        except ValueError as exc:
            return PlainTextResponse(f"bad request: {exc}", status_code=400)
        pages = max(1, math.ceil(len(items) / PER_PAGE))
        if page > pages:
            return PlainTextResponse(f"page {page} does not exist: there are {pages} pages", status_code=404)
        chunk = items[(page - 1) * PER_PAGE: page * PER_PAGE]
        html = t_results.render(items=chunk, heading=heading, page=page, pages=pages, total=len(items),
                                page_url=page_url, q=q)
        return HTMLResponse(html)

    async def home(request: Request) -> Response:
        return HTMLResponse(index_html)

    async def category(request: Request) -> Response:
        slug = request.path_params["slug"]
        items = by_category.get(slug)
        if items is None:
            return PlainTextResponse(f"no category {slug!r}; see / for the list", status_code=404)
        return results(request, items, items[0].category, lambda n: f"/category/{slug}?page={n}")

    async def search_page(request: Request) -> Response:
        from urllib.parse import quote

        q = request.query_params.get("q", "").strip()
        if not q:
            return PlainTextResponse("search needs a query: /search?q=WORD", status_code=400)
        return results(request, search(q), f"搜索：{q}", lambda n: f"/search?q={quote(q)}&page={n}", q=q)

    async def item(request: Request) -> Response:
        lid = request.path_params["lid"]
        e = by_id.get(lid)
        if e is None:
            return PlainTextResponse(f"no item {lid!r}", status_code=404)
        if e.served_as == "error500" or (e.served_as == "flaky500" and lid not in failed_once):
            failed_once.add(lid)
            return HTMLResponse("<!doctype html><title>500</title><h1>服务器错误 Internal Server Error</h1>", status_code=500)
        body = t_item.render(e=e, base=base, jsonld=_jsonld(e, base)).encode("utf-8")
        if e.served_as == "truncated":
            start = body.index(b'<div class="description">') + len(b'<div class="description">')
            body = cut_bytes(body, start + max(1, len(e.description.encode("utf-8")) // 2))
        elif e.served_as == "mojibake":
            body = body.replace(e.title.encode("utf-8"), e.title.encode("gbk"))
        return Response(body, media_type="text/html; charset=utf-8")

    async def seller(request: Request) -> Response:
        sid = request.path_params["sid"]
        s = catalogue.sellers.get(sid)
        if s is None or sid not in by_seller:
            return PlainTextResponse(f"no seller {sid!r} on bazaar", status_code=404)
        return HTMLResponse(t_seller.render(seller=s, items=by_seller[sid]))

    async def forbidden(request: Request) -> Response:
        return PlainTextResponse("staff only (disallowed by robots.txt)", status_code=403)

    return Starlette(routes=[
        Route("/", home), Route("/robots.txt", robots(ROBOTS)), Route("/category/{slug}", category),
        Route("/search", search_page), Route("/item/{lid}", item), Route("/seller/{sid}", seller),
        Route("/static/img/{name}", image_handler(catalogue.images)), Route("/admin/{rest:path}", forbidden), Route("/cart/{rest:path}", forbidden),
        Route("/cart", forbidden),
    ])

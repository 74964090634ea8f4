"""Platform 2, ``storefront``: a JavaScript storefront whose HTML is an empty shell.

Why: it makes a crawler either run a browser or find the JSON API; the rendered spider is judged
against it. The shell pages are static; products come from ``/api/products`` and ``/api/product/{id}``.
Search: ``/search?q=WORD`` is the same grid shell, filled from ``/api/products?q=WORD`` (titles
containing WORD, case-insensitive), the way the grid of ``/`` is filled from ``/api/products``.
"""

from __future__ import annotations

from functools import lru_cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from demo_marketplace.catalogue import Catalogue
from demo_marketplace.model import Entry
from demo_marketplace.images import image_handler
from demo_marketplace.search_only import browsable
from demo_marketplace.site import STATIC, int_param, make_env, robots

ROBOTS = "User-agent: *\nDisallow: /internal/\n"
MAX_LIMIT = 100


def _price(e: Entry) -> float | None:
    return None if e.served_as == "missing_price" else e.price


def build_storefront(catalogue: Catalogue, base: str) -> Starlette:
    env = make_env()
    t_product = env.get_template("storefront_product.html")
    t_index = env.get_template("storefront_index.html")
    index_html = t_index.render(q="")
    app_js = (STATIC / "app.js").read_bytes()
    entries = catalogue.for_platform("storefront")
    by_id = {e.listing_id: e for e in entries}
    listed = browsable(entries)

    @lru_cache(maxsize=512)
    def matching(q: str) -> list[Entry]:
        needle = q.casefold()
        return [e for e in entries if needle in e.title.casefold()]

    async def home(request: Request) -> Response:
        return HTMLResponse(index_html)

    async def search_page(request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        if not q:
            return PlainTextResponse("search needs a query: /search?q=WORD", status_code=400)
        return HTMLResponse(t_index.render(q=q))  # the same grid, filled by the script from ?q=

    async def script(request: Request) -> Response:
        # cacheable like any shop's static assets (and like the images here): a browser loads it once
        return Response(app_js, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "max-age=3600"})

    async def products(request: Request) -> Response:
        try:
            offset = int_param(request, "offset", 0, 0)
            limit = int_param(request, "limit", 24, 1, MAX_LIMIT)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        q = request.query_params.get("q", "").strip()
        found = matching(q) if q else listed  # search-only listings answer a query only
        chunk = found[offset: offset + limit]
        nxt = offset + limit if offset + limit < len(found) else None
        items = [{"id": e.listing_id, "title": e.title, "price": _price(e), "url": e.path} for e in chunk]
        return JSONResponse({"items": items, "total": len(found), "next_offset": nxt})

    async def product_api(request: Request) -> Response:
        lid = request.path_params["lid"]
        e = by_id.get(lid)
        if e is None:
            return JSONResponse({"error": f"no product {lid!r}"}, status_code=404)
        if e.served_as == "error500":
            return JSONResponse({"error": "internal server error"}, status_code=500)
        return JSONResponse({
            "id": e.listing_id, "title": e.title, "description": e.description, "price": _price(e),
            "currency": e.currency, "seller": {"id": e.seller_id, "name": e.seller_name}, "ship_from": e.ship_from,
            "category": e.category, "brand": e.brand, "images": [base + p for p in e.image_paths],
            "url": base + e.path, "shop_address": e.shop_address,
        })

    async def product_page(request: Request) -> Response:
        lid = request.path_params["lid"]
        if lid not in by_id:
            return PlainTextResponse(f"no product {lid!r}", status_code=404)
        return HTMLResponse(t_product.render(listing_id=lid))

    async def internal(request: Request) -> Response:
        return JSONResponse({"error": "internal endpoint (disallowed by robots.txt)"}, status_code=403)

    return Starlette(routes=[
        Route("/", home), Route("/search", search_page), Route("/robots.txt", robots(ROBOTS)), Route("/static/app.js", script),
        Route("/static/img/{name}", image_handler(catalogue.images)), Route("/api/products", products), Route("/api/product/{lid}", product_api),
        Route("/p/{lid}", product_page), Route("/internal/{rest:path}", internal),
    ])

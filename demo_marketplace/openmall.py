"""Platform 3, ``openmall``: a JSON API with opaque cursors and a whole-server rate limit.

Why: the API spider must page with cursors, back off on 429 + Retry-After, and report broken
documents (a cut JSON body, 500s). Cursors are opaque (base64 of offset and query) so a spider
cannot guess them and must follow ``next_cursor``.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from demo_marketplace.catalogue import Catalogue
from demo_marketplace.hit_counter import HITS_PATH
from demo_marketplace.model import Entry
from demo_marketplace.images import image_handler
from demo_marketplace.search_only import browsable
from demo_marketplace.site import TokenBucket, cut_bytes, int_param, make_env, robots

ROBOTS = "User-agent: *\nDisallow: /api/v1/private/\n"
MAX_LIMIT = 100
UNLIMITED = ("/robots.txt", HITS_PATH, "/static/")


def encode_cursor(offset: int, q: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, q], ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        offset, q = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(offset, int) or offset < 0 or not isinstance(q, str):
            raise ValueError
        return offset, q
    except (ValueError, TypeError):
        raise ValueError(f"cursor {cursor!r} is not one this server issued; start without cursor") from None


def build_openmall(catalogue: Catalogue, base: str, api_rate: float, api_burst: int):
    env = make_env()
    t_item = env.get_template("openmall_item.html")
    entries = catalogue.for_platform("openmall")
    by_id = {e.listing_id: e for e in entries}
    listed = browsable(entries)
    failed_once: set[str] = set()
    bucket = TokenBucket(api_rate, api_burst)

    def price(e: Entry) -> float | None:
        return None if e.served_as == "missing_price" else e.price

    @lru_cache(maxsize=512)
    def matching(q: str) -> list[Entry]:
        needle = q.casefold()
        return [e for e in entries if needle in e.title.casefold()]

    async def search(request: Request) -> Response:
        try:
            limit = int_param(request, "limit", 50, 1, MAX_LIMIT)
            cursor = request.query_params.get("cursor")
            offset, q = decode_cursor(cursor) if cursor else (0, request.query_params.get("q", "").strip())
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        items = matching(q) if q else listed  # search-only listings answer a query only
        chunk = items[offset: offset + limit]
        nxt = encode_cursor(offset + limit, q) if offset + limit < len(items) else None
        return JSONResponse({
            "items": [{"id": e.listing_id, "title": e.title, "price": price(e), "currency": e.currency,
                       "url": base + e.path} for e in chunk],
            "next_cursor": nxt,
        })

    async def item_api(request: Request) -> Response:
        lid = request.path_params["lid"]
        e = by_id.get(lid)
        if e is None:
            return JSONResponse({"error": f"no item {lid!r}"}, status_code=404)
        if e.served_as == "error500" or (e.served_as == "flaky500" and lid not in failed_once):
            failed_once.add(lid)
            return JSONResponse({"error": "internal server error"}, status_code=500)
        doc = {
            "id": e.listing_id, "title": e.title, "description": e.description, "price": price(e),
            "currency": e.currency, "seller": {"id": e.seller_id, "name": e.seller_name, "location": e.ship_from,
                       "address": e.shop_address},
            "category": e.category, "brand": e.brand, "images": [base + p for p in e.image_paths],
            "url": base + e.path, "stock_url": f"/api/v1/private/stock/{e.listing_id}",
        }
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        if e.served_as == "truncated":
            body = cut_bytes(body, len(body) // 2)
        return Response(body, media_type="application/json")

    async def item_page(request: Request) -> Response:
        e = by_id.get(request.path_params["lid"])
        if e is None:
            return PlainTextResponse("no such item", status_code=404)
        return HTMLResponse(t_item.render(e=e, base=base))

    async def private(request: Request) -> Response:
        return JSONResponse({"error": "private endpoint (disallowed by robots.txt)"}, status_code=403)

    app = Starlette(routes=[
        Route("/robots.txt", robots(ROBOTS)), Route("/api/v1/search", search), Route("/api/v1/items/{lid}", item_api),
        Route("/item/{lid}", item_page), Route("/static/img/{name}", image_handler(catalogue.images)), Route("/api/v1/private/{rest:path}", private),
    ])

    async def limited(scope, receive, send) -> None:
        """The token bucket in front of everything but robots.txt, /__hits and images."""
        if scope["type"] == "http" and not scope["path"].startswith(UNLIMITED) and not bucket.take():
            answer = JSONResponse({"error": "rate limit exceeded: retry after 1 second"}, status_code=429,
                                  headers={"Retry-After": "1"})
            await answer(scope, receive, send)
            return
        await app(scope, receive, send)

    return limited

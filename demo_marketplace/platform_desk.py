"""The demo platforms' side of the linkage: each platform's notice desk (``markwatch demo``).

Why here: the marketplace stands in for the platforms, and a platform is where a notice ends up. A
real platform (Alibaba's IPP, JD's, Pinduoduo's) receives the office's notices, checks them,
takes the listings down or not, and answers: removed, rejected with a reason, or a seller's
counter-notice (E-Commerce Law Art. 42-43). The desk does the same against markwatch's real
interfaces (CONTRACTS §7), so the demo shows the whole loop and the tests drive the real pipe:

- it receives pushes on its webhook, verifies each with the platform's secret using the
  ``standardwebhooks`` package (the reference implementation, not markwatch's own code), answers
  401 to a bad signature and 204 to a good one at once, and acts once per ``webhook-id`` (a retry
  or a replay reuses the id; it is answered 204 again and nothing more is done);
- it decides each notice from the marketplace's ground truth: a notice naming a listing that does
  not infringe the right (or is not on this platform) is rejected, saying which; the others follow
  a fixed rhythm (:data:`ANSWER_RHYTHM`, per platform in the order they arrive: of every 7
  notices 5 removed, 1 counter-notice with the seller's declaration, 1 rejected for a missing
  power of attorney), so even a short demo shows each answer and the counts do not depend on luck;
- a short while later (``answer_delay``, as a real desk works in the background) it takes the
  listings of a removed notice down and posts the disposition back through
  ``POST /api/v1/notices/{id}/disposition`` with the platform's API key; a failed post is tried
  again a few times;
- a removed listing answers 404 with a "商品已下架" page (JSON on the API paths) and disappears from
  every category, grid, search and seller page; but a few come back (:data:`COMEBACK_FIRST`,
  :data:`COMEBACK_EVERY`: the seller put it up again) ``comeback_delay`` after the removal, which
  is what the re-crawl must find (the lead becomes ``still_online``).

Paths on each platform's own port (test hooks like ``/__hits``, never linked from a page)::

    POST /__platform/NAME/register  {"api_key", "webhook_secret", "api_url", "answer_delay", "comeback_delay"}
    POST /__platform/NAME/webhook   the receiver (Standard Webhooks headers)
    GET  /__platform/NAME/state     what the desk received and did (JSON; no secrets)

``markwatch demo`` registers the platforms in the store (``store.linkage.add_platform`` with this
webhook URL) and hands each desk its key and secret through ``register``.
"""

from __future__ import annotations

import asyncio
import binascii
import dataclasses
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from demo_marketplace.catalogue import Catalogue

log = logging.getLogger("demo_marketplace.platform_desk")

DESK_PREFIX = "/__platform/"
ANSWER_RHYTHM: tuple[str, ...] = ("removed", "removed", "counter_notice", "removed", "rejected", "removed", "removed")
"""The answers to notices that name only infringing listings, per platform in order of arrival."""
COMEBACK_FIRST = 2
COMEBACK_EVERY = 8
"""Removed listings number 2, 10, 18, … (over all platforms, in order of removal) come back online."""
POST_RETRIES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
"""Seconds before each further try of a disposition post that failed (no answer, 5xx)."""
DETAIL_PATH = re.compile(r"^/(?:item|p|api/product|api/v1/items)/([^/?#]+)$")
"""A listing's own pages: bazaar /item/ID; storefront /p/ID and /api/product/ID; openmall /item/ID
and /api/v1/items/ID."""
REMOVED_TITLE = "商品已下架"
REMOVED_PAGE = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>商品已下架</title></head>"
                "<body><h1 class=\"removed\">商品已下架</h1><p>该商品因涉嫌侵犯知识产权，已根据权利人通知被平台删除。</p>"
                "<p lang=\"en\">This listing was removed by the platform after a notice of infringement.</p></body></html>")
REJECT_MISSING_DOCUMENT = ("通知缺少权利人的授权委托书，请补充后重新提交。"
                           "The notice lacks the right holder's power of attorney; please add it and send it again.")


@dataclass
class Answer:
    """What the desk decided about one notice, and how posting it back went."""

    notice_id: str
    disposition: str
    listing_ids: list[str]
    reason: str = ""
    declaration: str = ""
    posted: int | None = None
    """The API's status code once posted (200, or 409 when it already had an answer)."""
    error: str = ""
    back_online: list[str] = field(default_factory=list)
    done: bool = False
    received_at: float = 0.0
    posted_after: float | None = None
    """Seconds from the push to the answer posted (the delay included)."""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Desk:
    """One platform's desk: its credentials (from ``register``) and what it saw."""

    platform: str
    api_key: str = ""
    webhook: Any = None
    """A ``standardwebhooks.Webhook`` with the platform's secret."""
    api_url: str = ""
    answer_delay: float = 1.0
    comeback_delay: float = 2.0
    seen: set[str] = field(default_factory=set)
    received: int = 0
    duplicates: int = 0
    bad_signatures: int = 0
    rhythm: int = 0
    answers: list[Answer] = field(default_factory=list)

    def state(self) -> dict[str, Any]:
        return {"platform": self.platform, "registered": self.webhook is not None, "received": self.received,
                "duplicates": self.duplicates, "bad_signatures": self.bad_signatures,
                "pending": sum(1 for a in self.answers if not a.done),
                "answers": [a.to_json() for a in self.answers]}


class PlatformDesks:
    """The desks of every platform, and the listings they took down.

    ``wrap(apps, rebuild)`` puts the desks in front of the platforms' apps; ``rebuild(gone)`` (when
    given) builds the apps again from the catalogue without the listing ids in ``gone``, so a
    removed listing leaves every page that lists it (without it only its own pages answer 404)."""

    def __init__(self, catalogue: Catalogue, platforms: tuple[str, ...]) -> None:
        self.catalogue = catalogue
        self.desks = {p: Desk(p) for p in platforms}
        self.taken_down: set[str] = set()
        self.removed_count = 0
        self.apps: dict[str, ASGIApp] = {}
        self._rebuild: Callable[[set[str]], dict[str, ASGIApp]] | None = None
        self._tasks: set[asyncio.Task] = set()
        self._client: Any = None
        """One ``httpx.AsyncClient`` for every answer (a client per post costs an SSL context each)."""

    def wrap(self, apps: dict[str, ASGIApp],
             rebuild: Callable[[set[str]], dict[str, ASGIApp]] | None = None) -> dict[str, ASGIApp]:
        self.apps = dict(apps)
        self._rebuild = rebuild
        return {p: _DeskApp(self, p) for p in apps}

    # -- listings down and back up -----------------------------------------------------------------
    def take_down(self, ids: list[str]) -> None:
        self.taken_down.update(ids)
        self._apply()

    def put_back(self, ids: list[str]) -> None:
        self.taken_down.difference_update(ids)
        self._apply()

    def _apply(self) -> None:
        if self._rebuild is None:
            return
        fresh = self._rebuild(set(self.taken_down))
        for platform, app in fresh.items():
            old = self.apps.get(platform)
            if hasattr(old, "hits") and hasattr(app, "hits"):
                app.hits = old.hits  # /__hits keeps counting across rebuilds
        self.apps = fresh

    def is_down(self, platform: str, listing_id: str) -> bool:
        entry = self.catalogue.by_id.get(listing_id)
        return listing_id in self.taken_down and entry is not None and entry.platform == platform

    # -- the desk's paths --------------------------------------------------------------------------
    async def handle(self, desk: Desk, action: str, request: Request) -> Response:
        if action == "register" and request.method == "POST":
            return await self.register(desk, request)
        if action == "webhook" and request.method == "POST":
            return await self.receive(desk, request)
        if action == "state" and request.method == "GET":
            return JSONResponse(desk.state())
        return JSONResponse({"error": f"unknown desk path; use POST {DESK_PREFIX}{desk.platform}/register, POST "
                                      f"{DESK_PREFIX}{desk.platform}/webhook or GET {DESK_PREFIX}{desk.platform}/state"},
                            status_code=404)

    async def register(self, desk: Desk, request: Request) -> Response:
        from standardwebhooks import Webhook

        try:
            body = json.loads(await request.body())
            secret, key, api_url = str(body["webhook_secret"]), str(body["api_key"]), str(body["api_url"]).rstrip("/")
            webhook = Webhook(secret)
            answer_delay = max(0.0, float(body.get("answer_delay", desk.answer_delay)))
            comeback_delay = max(0.0, float(body.get("comeback_delay", desk.comeback_delay)))
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            return JSONResponse({"error": f"register needs JSON with api_key, webhook_secret (whsec_…) and api_url "
                                          f"(optional answer_delay, comeback_delay seconds): {exc}"}, status_code=422)
        desk.api_key, desk.webhook, desk.api_url = key, webhook, api_url
        desk.answer_delay, desk.comeback_delay = answer_delay, comeback_delay
        log.info("desk %s: registered (answers to %s after %.1fs)", desk.platform, api_url, answer_delay)
        return JSONResponse({"platform": desk.platform,
                             "webhook_url": str(request.base_url).rstrip("/") + f"{DESK_PREFIX}{desk.platform}/webhook"})

    async def receive(self, desk: Desk, request: Request) -> Response:
        from standardwebhooks.webhooks import WebhookVerificationError

        body = await request.body()
        if desk.webhook is None:
            return JSONResponse({"error": f"the {desk.platform} desk has no secret yet (POST "
                                          f"{DESK_PREFIX}{desk.platform}/register)"},
                                status_code=503, headers={"Retry-After": "5"})
        try:
            notice = desk.webhook.verify(body, dict(request.headers))
        except (WebhookVerificationError, ValueError, TypeError, binascii.Error) as exc:
            desk.bad_signatures += 1
            log.warning("desk %s: refused a push: %s", desk.platform, exc)
            return JSONResponse({"error": f"signature not verified: {exc}"}, status_code=401)
        msg_id = request.headers.get("webhook-id", "")
        if msg_id in desk.seen:  # a retry or replay of a push already acted on
            desk.duplicates += 1
            return Response(status_code=204)
        if not isinstance(notice, dict) or not notice.get("id") or notice.get("platform") != desk.platform:
            return JSONResponse({"error": f"not a notice for {desk.platform}"}, status_code=422)
        desk.seen.add(msg_id)
        desk.received += 1
        answer = self.decide(desk, notice)
        answer.received_at = time.time()
        desk.answers.append(answer)
        task = asyncio.get_running_loop().create_task(self.answer(desk, answer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return Response(status_code=204)  # answer fast, work afterwards

    # -- deciding and answering --------------------------------------------------------------------
    def decide(self, desk: Desk, notice: dict[str, Any]) -> Answer:
        """The desk's review of one notice, by the ground truth (see the module docstring)."""
        right = notice.get("right") or {}
        right_id, right_name = str(right.get("id", "")), str(right.get("name", "")) or str(right.get("id", ""))
        listings = [item for item in notice.get("listings") or [] if isinstance(item, dict)]
        ids = [str(item.get("listing_id", "")) for item in listings]
        wrong = [i for i in ids if not self._infringes(desk.platform, i, right_id)]
        if wrong or not ids:
            reason = (f"经核查，以下链接不构成侵犯「{right_name}」或不在本平台：{', '.join(wrong) or '（无链接）'}。"
                      f"On review these listings do not infringe {right_name} or are not on this platform: "
                      f"{', '.join(wrong) or '(none named)'}.")
            return Answer(str(notice["id"]), "rejected", ids, reason=reason)
        disposition = ANSWER_RHYTHM[desk.rhythm % len(ANSWER_RHYTHM)]
        desk.rhythm += 1
        if disposition == "rejected":
            return Answer(str(notice["id"]), "rejected", ids, reason=REJECT_MISSING_DOCUMENT)
        if disposition == "counter_notice":
            seller = str(listings[0].get("seller_name") or "")
            declaration = (f"卖家「{seller}」声明：所售商品为正品，系从品牌授权经销商处进货，附进货发票与授权书，不构成侵权。"
                           f"The seller {seller} declares the goods are genuine, bought from an authorised distributor "
                           "(invoices and the letter of authorisation attached), and do not infringe.")
            return Answer(str(notice["id"]), "counter_notice", ids, reason="卖家提交反通知 seller's counter-notice",
                          declaration=declaration)
        return Answer(str(notice["id"]), "removed", ids, reason="已删除链接 listings removed")

    def _infringes(self, platform: str, listing_id: str, right_id: str) -> bool:
        entry = self.catalogue.by_id.get(listing_id)
        return entry is not None and entry.platform == platform and right_id in entry.infringes

    async def answer(self, desk: Desk, answer: Answer) -> None:
        try:
            await asyncio.sleep(desk.answer_delay)
            back: list[str] = []
            if answer.disposition == "removed":
                for listing_id in answer.listing_ids:
                    self.removed_count += 1
                    n = self.removed_count
                    if n >= COMEBACK_FIRST and (n - COMEBACK_FIRST) % COMEBACK_EVERY == 0:
                        back.append(listing_id)
                self.take_down(answer.listing_ids)
            await self.post(desk, answer)
            if back:
                await asyncio.sleep(desk.comeback_delay)
                self.put_back(back)
                answer.back_online = back
                log.info("desk %s: %s online again (the seller put it up again)", desk.platform, ", ".join(back))
        except Exception as exc:  # noqa: BLE001 - a desk's failure is its own; the shop keeps serving
            answer.error = answer.error or f"{type(exc).__name__}: {exc}"
            log.exception("desk %s: answering %s failed", desk.platform, answer.notice_id)
        finally:
            answer.done = True

    async def post(self, desk: Desk, answer: Answer) -> None:
        """``POST /api/v1/notices/{id}/disposition`` with the platform's key, tried again on no answer or 5xx."""
        import httpx

        url = f"{desk.api_url}/api/v1/notices/{answer.notice_id}/disposition"
        body = {"disposition": answer.disposition, "reason": answer.reason, "declaration": answer.declaration}
        headers = {"Authorization": f"Bearer {desk.api_key}"}
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=30.0, trust_env=False)
        for wait in (0.0, *POST_RETRIES):
            await asyncio.sleep(wait)
            try:
                response = await self._client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                answer.error = f"{type(exc).__name__}: {exc}"
                continue
            answer.posted = response.status_code
            answer.posted_after = round(time.time() - answer.received_at, 3)
            if response.status_code < 500:
                answer.error = "" if response.status_code in (200, 409) else response.text[:300]
                return
            answer.error = f"HTTP {response.status_code}"
        log.warning("desk %s: could not post the answer to %s: %s", desk.platform, answer.notice_id, answer.error)


class _DeskApp:
    """One platform's app behind its desk: the desk's paths, removed listings' pages, then the shop."""

    def __init__(self, desks: PlatformDesks, platform: str) -> None:
        self.desks = desks
        self.platform = platform

    @property
    def hits(self) -> Any:  # the shop's /__hits counter, for the desk's own answers
        return getattr(self.desks.apps.get(self.platform), "hits", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path.startswith(DESK_PREFIX):
                name, _, action = path[len(DESK_PREFIX):].partition("/")
                desk = self.desks.desks.get(name)
                if desk is None or name != self.platform:
                    response: Response = JSONResponse({"error": f"this is {self.platform}'s desk: "
                                                                f"{DESK_PREFIX}{self.platform}/…"}, status_code=404)
                else:
                    response = await self.desks.handle(desk, action, Request(scope, receive))
                await response(scope, receive, send)
                return
            found = DETAIL_PATH.match(path)
            if found and self.desks.is_down(self.platform, found.group(1)):
                self._count(path)
                await removed_response(path)(scope, receive, send)
                return
        await self.desks.apps[self.platform](scope, receive, send)

    def _count(self, path: str) -> None:
        hits = self.hits
        if hits is not None:
            hits[path] += 1


def removed_response(path: str) -> Response:
    """A removed listing's page: 404 with the "商品已下架" page, or a JSON error on the API paths."""
    if path.startswith("/api/"):
        return JSONResponse({"error": f"{REMOVED_TITLE}: removed by the platform after a notice of infringement",
                             "removed": True}, status_code=404)
    return HTMLResponse(REMOVED_PAGE, status_code=404)


def catalogue_without(catalogue: Catalogue, gone: set[str]) -> Catalogue:
    """The catalogue as served once the listings ``gone`` were taken down (sellers, photos shared)."""
    return dataclasses.replace(catalogue, entries=[e for e in catalogue.entries if e.listing_id not in gone])

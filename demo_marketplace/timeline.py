"""A month on the demo marketplace: listings appear and disappear day by day, sellers whose listings
went come back under new names, and the platforms take listings down when told (``markwatch demo
--days N``).

Why here: the marketplace stands in for the platforms, so it is the one that knows (ground truth)
which listing is online on which day; the routine only sees what it crawls. The timeline is fixed
by the seed like the catalogue: 30 % of the listings are online from day 0, the rest appear on a later
day; ~10 % are taken offline by their seller some day; some infringing listings get a *comeback*
twin — same goods, photos and shop address, a new listing id and a new seller name and id — that
appears a week or more later (the seller network page links them by address and photo).

A *surge* (``--surge FROM-TO:RIGHTS``) makes most of the later listings infringing those rights
appear in those days, as sellers list more in a peak season (the month demo's campaign).

Control (test hooks like ``/__hits``, never linked from a page; the demo's fake clock drives them):
``POST /__day?n=5`` moves every platform to day 5; ``POST /__takedown?id=LISTING_ID`` takes a listing
down (the platform's answer to a notice: its pages, category entries and detail answer 404 from then
on). Each change rebuilds the three apps from the listings online that day (milliseconds).
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from typing import Any, Callable

from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import Receive, Scope, Send

from demo_marketplace.catalogue import Catalogue
from demo_marketplace.model import Entry, Seller

PRESENT_AT_START = 0.3
LEAVES = 0.10
COMEBACK = 0.25
"""Share of infringing listings whose seller comes back under a new name."""
COMEBACK_NAMES = ("优选", "精品馆", "二店", "好物社", "折扣仓")


SURGE_SHARE = 0.8


def parse_surge(text: str) -> tuple[int, int, set[str]]:
    """``"10-16:tm-nike,tm-adidas"`` → (10, 16, {"tm-nike", "tm-adidas"}); ValueError says the form."""
    try:
        window, _, rights = text.partition(":")
        first, last = (int(x) for x in window.split("-"))
    except ValueError:
        raise ValueError(f"--surge {text!r}: write FROM-TO:RIGHT,RIGHT, e.g. 10-16:tm-nike,tm-adidas") from None
    if not 1 <= first <= last or not rights:
        raise ValueError(f"--surge {text!r}: days from 1 up (FROM <= TO) and at least one right id")
    return first, last, {r for r in rights.split(",") if r}


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big"))


class Timeline:
    """Which listing is online on which day (``day_in <= day < day_out``, not taken down)."""

    def __init__(self, catalogue: Catalogue, days: int, seed: int, surge: str = "") -> None:
        """``surge``: ``FROM-TO:RIGHT,RIGHT`` — most listings infringing those rights that appear after
        day 0 appear between days FROM and TO (sellers list more in a peak season; ``--surge``)."""
        first, last, rights = parse_surge(surge) if surge else (0, -1, set())
        self.catalogue = catalogue
        self.days = days
        self.day = 0
        self.taken_down: set[str] = set()
        self.day_in: dict[str, int] = {}
        self.day_out: dict[str, int] = {}
        comebacks: list[Entry] = []
        for entry in list(catalogue.entries):
            rng = _rng(seed, entry.listing_id)
            self.day_in[entry.listing_id] = 0 if rng.random() < PRESENT_AT_START or days < 2 else rng.randrange(1, days)
            if rights & set(entry.infringes) and self.day_in[entry.listing_id] and rng.random() < SURGE_SHARE:
                self.day_in[entry.listing_id] = rng.randint(first, last)
            if rng.random() < LEAVES:
                self.day_out[entry.listing_id] = self.day_in[entry.listing_id] + rng.randrange(3, days + 10)
            if entry.infringes and entry.served_as == "ok" and days >= 10 and rng.random() < COMEBACK:
                comebacks.append(self._comeback(entry, rng))
        catalogue.entries.extend(comebacks)
        catalogue.by_id = {e.listing_id: e for e in catalogue.entries}

    def _comeback(self, entry: Entry, rng: random.Random) -> Entry:
        """The seller's twin listing under a new shop name, online from a later day."""
        old = self.catalogue.sellers.get(entry.seller_id)
        sid = f"{entry.seller_id}r{entry.listing_id}"
        name = (old.name[:4] if old else entry.seller_name[:4]) + rng.choice(COMEBACK_NAMES)
        self.catalogue.sellers[sid] = Seller(id=sid, name=name, location=old.location if old else entry.ship_from,
                                             kind=old.kind if old else "shady", shop_address=entry.shop_address)
        twin = dataclasses.replace(entry, listing_id=f"{entry.listing_id}r", seller_id=sid, seller_name=name,
                                   title="新店 " + entry.title, case=entry.case + "+comeback",
                                   network=entry.network or f"comeback-{entry.seller_id}")
        self.day_in[twin.listing_id] = min(self.days - 1, self.day_in[entry.listing_id] + rng.randrange(7, max(8, self.days)))
        return twin

    def online(self, entry: Entry) -> bool:
        lid = entry.listing_id
        return (self.day_in.get(lid, 0) <= self.day < self.day_out.get(lid, 1 << 30)) and lid not in self.taken_down

    def view(self) -> Catalogue:
        """The catalogue as it is online today (sellers, photos and networks shared)."""
        return Catalogue(n=self.catalogue.n, seed=self.catalogue.seed,
                         entries=[e for e in self.catalogue.entries if self.online(e)],
                         sellers=self.catalogue.sellers, images=self.catalogue.images, networks=self.catalogue.networks)

    def apps(self, build: Callable[[Catalogue], dict[str, Any]]) -> dict[str, Any]:
        """One ASGI app per platform that serves today's view and answers the control paths."""
        current: dict[str, dict[str, Any]] = {"apps": build(self.view())}
        timeline = self

        def rebuild() -> None:
            current["apps"] = build(timeline.view())

        class DayApp:
            def __init__(self, platform: str) -> None:
                self.platform = platform

            async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
                if scope["type"] == "http" and scope["path"] in ("/__day", "/__takedown"):
                    await timeline.control(scope, receive, send, rebuild)
                    return
                await current["apps"][self.platform](scope, receive, send)

        return {platform: DayApp(platform) for platform in current["apps"]}

    async def control(self, scope: Scope, receive: Receive, send: Send, rebuild: Callable[[], None]) -> None:
        from urllib.parse import parse_qs

        query = parse_qs(scope.get("query_string", b"").decode())
        if scope.get("method") != "POST":
            response: Any = PlainTextResponse("POST only", status_code=405)
        elif scope["path"] == "/__day":
            try:
                self.day = max(0, int(query.get("n", [""])[0]))
            except ValueError:
                response = PlainTextResponse("n must be a whole number of days", status_code=400)
            else:
                rebuild()
                response = JSONResponse({"day": self.day, "online": len(self.view().entries)})
        else:
            ids = [i for value in query.get("id", []) for i in value.split(",") if i]
            unknown = [i for i in ids if i not in self.catalogue.by_id]
            if unknown or not ids:
                response = PlainTextResponse(f"unknown listing id(s): {', '.join(unknown) or '(none given)'}", status_code=404)
            else:
                self.taken_down.update(ids)
                rebuild()
                response = JSONResponse({"taken_down": len(self.taken_down)})
        await response(scope, receive, send)

"""The catalogue's shops: ordinary and shady pools, official shops, farms, and where they ship from.

Why a module: every case writer needs a seller of the right kind (a shady shop for counterfeits,
the authorised shop for genuine goods, a farm inside or outside a GI region), and repeat sellers
must carry many listings (Zipf-like) so seller networks show. ``Seller.kind`` is ground truth and
never served.
"""

from __future__ import annotations

import random
from typing import Iterable

from demo_marketplace import places as pl
from demo_marketplace import vocab as v
from demo_marketplace.model import Seller
from markwatch.contracts import Right


class SellerBook:
    """Every seller of one catalogue, by id, and the pools the case writers draw from."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.by_id: dict[str, Seller] = {}
        self.official: dict[str, Seller] = {}  # authorised seller name → its shop
        self._pool: dict[str, list[Seller]] = {"ordinary": [], "shady": []}
        self._cum: dict[str, list[float]] = {}
        self._farms: dict[str, list[Seller]] = {}
        self._homes: dict[str, pl.Place] = {}

    def make_pools(self, n: int, rights: Iterable[Right]) -> None:
        """Ordinary and shady pools sized for ``n`` listings, and one official shop per authorised name."""
        rng = self.rng
        for kind, size in (("ordinary", max(40, n // 15)), ("shady", max(12, n // 80))):
            for _ in range(size):
                trade = rng.choice(v.SELLER_TRADES)
                name = rng.choice(v.SELLER_HEADS) + rng.choice(v.SELLER_HEADS) + trade + rng.choice(v.SELLER_TAILS)
                home = rng.choice(pl.HUB_PLACES if kind == "shady" and rng.random() < 0.7 else pl.GENERAL_PLACES)
                self._pool[kind].append(self._add(name, home, kind))
            # Zipf-like weights: a few sellers carry many listings (repeat infringers).
            total, cum = 0.0, []
            for k in range(size):
                total += 1.0 / (k + 1) ** (1.1 if kind == "shady" else 0.6)
                cum.append(total)
            self._cum[kind] = cum
        for right in rights:
            for name in right.authorized_sellers:
                if name not in self.official:
                    home = rng.choice([p for p in pl.GENERAL_PLACES if p not in pl.HUB_PLACES])
                    self.official[name] = self._add(name, home, "official")

    def _add(self, name: str, home: pl.Place | None, kind: str) -> Seller:
        sid = f"s{1000 + len(self.by_id)}"
        seller = Seller(id=sid, name=name, location=pl.format_place(home, self.rng) if home else "", kind=kind)
        self.by_id[sid] = seller
        if home:
            self._homes[sid] = home
        return seller

    def home(self, seller_id: str) -> pl.Place | None:
        """Where the seller is based (None for a seller made without a home)."""
        return self._homes.get(seller_id)

    def pick(self, kind: str) -> Seller:
        """A seller of the ``ordinary`` or ``shady`` pool (the first ones more often)."""
        return self.rng.choices(self._pool[kind], cum_weights=self._cum[kind])[0]

    def farm(self, place: pl.Place, kind: str = "") -> Seller:
        """A farm or trader at ``place`` selling goods of ``kind`` (reused: one farm, several listings)."""
        key = place.path + "|" + kind
        farms = self._farms.setdefault(key, [])
        if len(farms) < 2 or (len(farms) < 8 and self.rng.random() < 0.3):
            tails = v.FARM_TAILS + v.FARM_TAILS_BY_KIND.get(kind, []) * 2
            name = self.rng.choice(v.SURNAMES) + self.rng.choice(["记", "家", "氏", "师傅"]) + self.rng.choice(tails)
            farms.append(self._add(name, place, "farm"))
        return self.rng.choice(farms)

    def ship_from(self, seller: Seller) -> str:
        """The ship-from a listing shows when its case does not decide it: mostly the seller's home."""
        r = self.rng.random()
        home = self._homes.get(seller.id)
        if r < 0.04 or home is None:
            return ""
        if r < 0.06:
            return self.rng.choice(v.VAGUE_ORIGINS)
        if r < 0.10:
            return pl.format_place(self.rng.choice(pl.GENERAL_PLACES), self.rng)
        return pl.format_place(home, self.rng)

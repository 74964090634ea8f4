"""The catalogue generator: one builder per ground-truth ``case`` (see docs/labelling.md).

Why one builder per case: each case encodes one rule of the labelling policy (e.g. plain mark +
price below 40 % of reference = counterfeit; an accessory "适用于 iPhone" = referential), so the
ground truth is correct by construction and each rule can be read in one place.
"""

from __future__ import annotations

import random
from typing import Callable

import opencc
from pypinyin import lazy_pinyin

from markwatch.contracts import Register
from demo_marketplace import places as pl
from demo_marketplace import vocab as v
from demo_marketplace.cases_origin import OriginCases
from demo_marketplace.cases_trademark import TrademarkCases
from demo_marketplace.catalogue import SERVED_AS_SHARE, Entry, Seller
from demo_marketplace.prices import pretty_price
from demo_marketplace.renderings import MarkForms, build_forms, join_words as _join, mentions

# Share of each case in the catalogue (sums to 1). Unrelated goods ≈ 45 %.
CASE_SHARE: dict[str, float] = {
    "unrelated": 0.455, "tm_official": 0.04, "sm_official": 0.015, "gi_official": 0.01,
    "tm_plain": 0.03, "tm_homophone": 0.02, "tm_shape": 0.015, "tm_pinyin": 0.015, "tm_letterswap": 0.015,
    "tm_spacing": 0.015, "tm_traditional": 0.015, "tm_emoji": 0.01, "tm_nickname": 0.015, "tm_brand_field": 0.015,
    "tm_description_only": 0.015, "tm_wording": 0.03, "tm_cross_class": 0.01, "tm_referential": 0.03,
    "tm_resale": 0.02, "tm_wordsense": 0.03, "sm_wordsense": 0.01, "gi_inside": 0.04, "gi_outside": 0.025,
    "gi_unknown_origin": 0.01, "gi_dodge": 0.02, "unrelated_same_goods": 0.03, "sm_unlicensed": 0.03,
}
# Cases whose label depends on the price: never served without one.
PRICE_DEPENDENT = frozenset({"tm_plain", "tm_resale", "tm_brand_field", "tm_description_only"})
HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "</li></ul><h1>清仓</h1>",
           "<b>爆款</b>", "Tom & Jerry 联名", "<iframe src=//evil.invalid>"]
_PLATFORM_ID = {"bazaar": lambda k: str(100001 + k), "storefront": lambda k: f"sf{k + 1:06d}",
                "openmall": lambda k: f"om{k + 1:07d}"}


class Generator(TrademarkCases, OriginCases):
    """Holds the random stream, the register indexes and the seller pools while generating."""

    def __init__(self, register: Register, rng: random.Random) -> None:
        self.rng = rng
        self.rights = {r.id: r for r in register.rights}
        self.all_names = sorted({name for r in register.rights for name in r.all_names})
        s2t = self._s2t = opencc.OpenCC("s2tw")
        self.forms: dict[str, MarkForms] = {
            r.id: build_forms(r, s2t, lazy_pinyin) for r in register.rights if r.kind == "trademark"
        }
        self.tm = [rid for rid in v.TM_GOODS if rid in self.rights]
        self.tm_well_known = [rid for rid in self.tm if self.rights[rid].well_known]
        self.gi = [rid for rid in v.GI_GOODS if rid in self.rights and self.rights[rid].regions]
        self.gi_official = [rid for rid in self.gi if self.rights[rid].authorized_sellers]
        self.sm = [r.id for r in register.rights if r.kind == "special_mark"]
        self.sm_family: dict[str, list[str]] = {}
        for rid in self.sm:
            self.sm_family.setdefault(self.rights[rid].holder, []).append(rid)
        self.sellers: dict[str, Seller] = {}
        self.official: dict[str, Seller] = {}
        self._pool: dict[str, list[Seller]] = {"ordinary": [], "shady": []}
        self._cum: dict[str, list[float]] = {}
        self._farms: dict[str, list[Seller]] = {}
        self._homes: dict[str, pl.Place] = {}
        self._inside = {rid: pl.places_inside(self.rights[rid].regions) for rid in self.gi}
        self._outside = {rid: pl.places_outside(self.rights[rid].regions) for rid in self.gi}
        self._safe_vocab()
        self._desc_tails = self._make_desc_tails()
        self.builders: dict[str, Callable[[], dict]] = {
            name: getattr(self, "_" + name) for name in CASE_SHARE
        }

    # ------------------------------------------------------------------ sellers
    def _make_pools(self, n: int) -> None:
        rng = self.rng
        for kind, size in (("ordinary", max(40, n // 15)), ("shady", max(12, n // 80))):
            for _ in range(size):
                trade = rng.choice(v.SELLER_TRADES)
                name = rng.choice(v.SELLER_HEADS) + rng.choice(v.SELLER_HEADS) + trade + rng.choice(v.SELLER_TAILS)
                home = rng.choice(pl.HUB_PLACES if kind == "shady" and rng.random() < 0.7 else pl.GENERAL_PLACES)
                self._pool[kind].append(self._add_seller(name, home, kind))
            # Zipf-like weights: a few sellers carry many listings (repeat infringers).
            total, cum = 0.0, []
            for k in range(size):
                total += 1.0 / (k + 1) ** (1.1 if kind == "shady" else 0.6)
                cum.append(total)
            self._cum[kind] = cum
        for r in self.rights.values():
            for name in r.authorized_sellers:
                if name not in self.official:
                    home = rng.choice([p for p in pl.GENERAL_PLACES if p not in pl.HUB_PLACES])
                    self.official[name] = self._add_seller(name, home, "official")

    def _add_seller(self, name: str, home: pl.Place | None, kind: str) -> Seller:
        sid = f"s{1000 + len(self.sellers)}"
        seller = Seller(id=sid, name=name, location=pl.format_place(home, self.rng) if home else "", kind=kind)
        self.sellers[sid] = seller
        if home:
            self._homes[sid] = home
        return seller

    def _seller(self, kind: str) -> Seller:
        return self.rng.choices(self._pool[kind], cum_weights=self._cum[kind])[0]

    def _farm(self, place: pl.Place, kind: str = "") -> Seller:
        """A farm or trader at ``place`` selling goods of ``kind`` (reused: one farm, several listings)."""
        key = place.path + "|" + kind
        farms = self._farms.setdefault(key, [])
        if len(farms) < 2 or (len(farms) < 8 and self.rng.random() < 0.3):
            tails = v.FARM_TAILS + v.FARM_TAILS_BY_KIND.get(kind, []) * 2
            name = self.rng.choice(v.SURNAMES) + self.rng.choice(["记", "家", "氏", "师傅"]) + self.rng.choice(tails)
            farms.append(self._add_seller(name, place, "farm"))
        return self.rng.choice(farms)

    def _ship_from(self, seller: Seller) -> str:
        r = self.rng.random()
        home = self._homes.get(seller.id)
        if r < 0.04 or home is None:
            return ""
        if r < 0.06:
            return self.rng.choice(v.VAGUE_ORIGINS)
        if r < 0.10:
            return pl.format_place(self.rng.choice(pl.GENERAL_PLACES), self.rng)
        return pl.format_place(home, self.rng)

    # ------------------------------------------------------------------ helpers
    def _adj(self) -> str:
        return self.rng.choice(v.ADJECTIVES)

    def _sell(self) -> str:
        return self.rng.choice(v.SELL_WORDS)

    def _desc(self, *specific: str, claims: bool = False) -> str:
        rng = self.rng
        parts = [s for s in specific if s]
        parts.append(rng.choice(self._desc_tails))
        if claims:
            parts.insert(-1, rng.choice(v.CLAIM_WORDS) + "。")
        return "".join(parts)

    def _make_desc_tails(self, count: int = 1500) -> list[str]:
        """Generic description sentences, pre-combined once: one choice per listing instead of six."""
        rng = self.rng
        return ["".join(rng.sample(v.GENERIC_DESC, rng.randint(1, 3)) + rng.sample(v.SERVICE, rng.randint(1, 3)))
                for _ in range(count)]

    def _ref(self, rid: str, mult: float) -> float:
        return (self.rights[rid].reference_price or 299.0) * mult

    # ------------------------------------------------------------------ unrelated goods
    def _safe_vocab(self) -> None:
        """Ordinary-goods vocabulary with every part free of protected names (checked once, not per listing).

        Parts are joined with spaces, so a name cannot form across two parts.
        """
        def clean(text: str) -> bool:
            return not mentions(text, self.all_names)

        self._u_goods = [u for u in v.UNRELATED if clean(u[0].replace("{a}", " ").replace("{s}", " "))]
        self._u_adj = [a for a in v.ADJECTIVES if clean(a)]
        self._u_sell = [w for w in v.SELL_WORDS if clean(w)]
        self._u_sizes = {slug: [x for x in sizes if clean(x)] or [""] for slug, sizes in v.SIZES_BY_SLUG.items()}
        self._u_brands = {slug: [b for b in brands if clean(b)] for slug, brands in v.BRANDS_BY_SLUG.items()}

    def _brand_for(self, slug: str) -> str:
        brands = self._u_brands.get(slug)
        return self.rng.choice(brands) if brands and self.rng.random() < 0.5 else self.rng.choice(v.NO_BRAND)

    def _unrelated(self) -> dict:
        rng = self.rng
        phrase, slug, lo, hi = rng.choice(self._u_goods)
        size = rng.choice(self._u_sizes.get(slug, [""]))
        sell = self._u_sell
        title = _join(rng.choice(sell) if rng.random() < 0.5 else "", phrase.format(a=rng.choice(self._u_adj), s=size),
                      rng.choice(sell))
        brand = self._brand_for(slug)
        if brand not in v.NO_BRAND and rng.random() < 0.4:
            title = f"{brand} {title}"
        seller = self._seller("ordinary" if rng.random() < 0.9 else "shady")
        return dict(title=title, slug=slug, price=pretty_price(rng.uniform(lo, hi)), seller=seller, brand=brand,
                    infringes=[], case="unrelated", description=self._desc())

    # ------------------------------------------------------------------ assembly
    def _case_list(self, n: int) -> list[str]:
        """Exact case counts (largest remainder) in a seeded shuffle: every case present at n≈2000."""
        total = sum(CASE_SHARE.values())
        raw = {c: n * s / total for c, s in CASE_SHARE.items()}
        counts = {c: int(x) for c, x in raw.items()}
        for c in sorted(raw, key=lambda c: (-(raw[c] - counts[c]), c))[: n - sum(counts.values())]:
            counts[c] += 1
        cases = [c for c in CASE_SHARE for _ in range(counts[c])]
        self.rng.shuffle(cases)
        return cases

    def generate(self, n: int) -> list[Entry]:
        rng = self.rng
        self._make_pools(n)
        counters = {p: 0 for p in _PLATFORM_ID}
        entries: list[Entry] = []
        for case in self._case_list(n):
            try:
                row = self.builders[case]()
            except IndexError:  # a smaller register has no right this case needs: ordinary goods instead
                row = self._unrelated()
            r = rng.random()
            platform = "bazaar" if r < 0.4 else "storefront" if r < 0.7 else "openmall"
            lid = _PLATFORM_ID[platform](counters[platform])
            counters[platform] += 1
            seller: Seller = row["seller"]
            ship = row["ship_from"] if "ship_from" in row else self._ship_from(seller)
            images = [f"/static/img/{lid}-{k}.png" for k in range(1, rng.randint(1, 4) + 1)]
            description = row["description"]
            if rng.random() < 0.7:
                description += rng.choice(v.CATEGORY_DESC[row["slug"]])
            entries.append(Entry(
                platform=platform, listing_id=lid, title=row["title"], description=description, price=row["price"],
                seller_name=seller.name, seller_id=seller.id, ship_from=ship, category=v.CATEGORIES[row["slug"]],
                category_slug=row["slug"], brand=row["brand"], image_paths=images, infringes=row["infringes"],
                case=row["case"], origin=row.get("origin", ""),
            ))
        self._make_hostile(entries)
        self._assign_served_as(entries)
        return entries

    def _make_hostile(self, entries: list[Entry]) -> None:
        """Scraped text is hostile: a few ordinary listings carry HTML in title/description."""
        pool = [e for e in entries if e.case == "unrelated"]
        if not pool:
            return
        count = max(1, len(entries) // 250)
        for k, entry in enumerate(self.rng.sample(pool, min(count, len(pool)))):
            snippet = HOSTILE[k % len(HOSTILE)]
            entry.title = f"{entry.title} {snippet}"
            if k % 2 == 0:
                entry.description = snippet + entry.description

    def _assign_served_as(self, entries: list[Entry]) -> None:
        def mojibake_ok(e: Entry) -> bool:
            if e.case != "unrelated" or any(c in e.title for c in "<>&\"'\\"):
                return False
            try:
                return b"\\" not in e.title.encode("gbk")
            except UnicodeEncodeError:
                return False

        rules: dict[str, Callable[[Entry], bool]] = {
            "mojibake": mojibake_ok,
            "missing_price": lambda e: e.case not in PRICE_DEPENDENT,
            "truncated": lambda e: e.case != "tm_description_only" and len(e.description.encode()) > 40,
            "error500": lambda e: True,
            "flaky500": lambda e: True,
        }
        n = len(entries)
        for kind, rule in rules.items():
            want = round(n * SERVED_AS_SHARE[kind])
            if n >= 100:
                want = max(want, 1)
            pool = [i for i, e in enumerate(entries) if e.served_as == "ok" and rule(e)]
            for i in self.rng.sample(pool, min(want, len(pool))):
                entries[i].served_as = kind

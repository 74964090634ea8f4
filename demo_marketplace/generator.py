"""The catalogue generator: one case writer per ground-truth ``case`` (see docs/labelling.md).

Why one writer per case: each case encodes one rule of the labelling policy (e.g. plain mark +
price below 40 % of reference = counterfeit; an accessory "适用于 iPhone" = referential), so the
ground truth is correct by construction and each rule can be read in one place. The writers live
in ``cases_ordinary``/``cases_trademark``/``cases_origin``/``cases_special`` as functions of a
:class:`~demo_marketplace.context.CaseContext`; this module mixes them in the shares below, places
the listings on the platforms and decides which pages are served broken.
"""

from __future__ import annotations

import random
from typing import Callable

from demo_marketplace import cases_ordinary, cases_origin, cases_special, cases_trademark
from demo_marketplace import vocab as v
from demo_marketplace.context import CaseContext, CaseWriter
from demo_marketplace.model import SERVED_AS_SHARE, Entry, Seller
from markwatch.contracts import Register

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
# Case name → its writer, from the modules that declare them (each names the cases it writes;
# tests/test_marketplace_catalogue.py checks that every case of CASE_SHARE has exactly one).
WRITERS: dict[str, CaseWriter] = {
    **cases_ordinary.CASES, **cases_trademark.CASES, **cases_origin.CASES, **cases_special.CASES,
}


class Generator:
    """Mixes the case writers over one :class:`CaseContext` (random stream, register indexes, sellers)."""

    def __init__(self, register: Register, rng: random.Random) -> None:
        self.rng = rng
        self.ctx = CaseContext.build(register, rng)
        self.sellers = self.ctx.sellers

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
        self.sellers.make_pools(n, self.ctx.rights.values())
        counters = {p: 0 for p in _PLATFORM_ID}
        entries: list[Entry] = []
        for case in self._case_list(n):
            try:
                row = WRITERS[case](self.ctx)
            except IndexError:  # a smaller register has no right this case needs: ordinary goods instead
                row = cases_ordinary.unrelated(self.ctx)
            r = rng.random()
            platform = "bazaar" if r < 0.4 else "storefront" if r < 0.7 else "openmall"
            lid = _PLATFORM_ID[platform](counters[platform])
            counters[platform] += 1
            seller: Seller = row["seller"]
            ship = row["ship_from"] if "ship_from" in row else self.sellers.ship_from(seller)
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

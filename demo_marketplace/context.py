"""What a case writer may use: the declared context every ``cases_*`` function receives.

Why declared: each case writer encodes one rule of docs/labelling.md, and reads only what is named
here (the random stream, the register's indexes, the sellers, the vocabulary free of protected
names) instead of reaching into the generator's attributes. The generator builds one context per
catalogue; nothing here knows which cases exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, NotRequired, TypedDict

import opencc
from pypinyin import lazy_pinyin

from demo_marketplace import places as pl
from demo_marketplace import vocab as v
from demo_marketplace.model import Seller
from demo_marketplace.renderings import MarkForms, build_forms, mentions
from demo_marketplace.sellers import SellerBook
from markwatch.contracts import Register, Right


class Draft(TypedDict):
    """What a case writer returns: the listing's case-specific fields (the generator adds the rest)."""

    title: str
    slug: str  # category slug (vocab.CATEGORIES)
    price: float
    seller: Seller
    brand: str
    infringes: list[str]
    case: str
    description: str
    ship_from: NotRequired[str]  # set by origin cases; otherwise drawn from the seller's home
    origin: NotRequired[str]  # ground truth: full administrative path of the real origin


CaseWriter = Callable[["CaseContext"], Draft]


@dataclass(frozen=True, slots=True)
class OrdinaryWords:
    """Ordinary-goods vocabulary with every part free of protected names (checked once, not per listing).

    Parts are joined with spaces, so a name cannot form across two parts.
    """

    goods: list[tuple[str, str, float, float]]  # (phrase with {a}/{s}, slug, low price, high price)
    adjectives: list[str]
    sell_words: list[str]
    sizes: dict[str, list[str]]  # slug → sizes ([""] when none is clean)
    brands: dict[str, list[str]]  # slug → ordinary brands

    @classmethod
    def without(cls, names: list[str]) -> "OrdinaryWords":
        def clean(text: str) -> bool:
            return not mentions(text, names)

        return cls(
            goods=[u for u in v.UNRELATED if clean(u[0].replace("{a}", " ").replace("{s}", " "))],
            adjectives=[a for a in v.ADJECTIVES if clean(a)],
            sell_words=[w for w in v.SELL_WORDS if clean(w)],
            sizes={slug: [x for x in sizes if clean(x)] or [""] for slug, sizes in v.SIZES_BY_SLUG.items()},
            brands={slug: [b for b in brands if clean(b)] for slug, brands in v.BRANDS_BY_SLUG.items()},
        )


@dataclass(slots=True)
class CaseContext:
    """The random stream, the register's indexes, the sellers and the words, for one catalogue."""

    rng: random.Random
    rights: dict[str, Right]  # right id → right, in register order
    forms: dict[str, MarkForms]  # trademark id → every way to write its mark
    to_traditional: Callable[[str], str]  # simplified → traditional Chinese (OpenCC s2tw)
    tm: list[str]  # trademarks with goods in the vocabulary
    tm_well_known: list[str]
    gi: list[str]  # GIs with goods in the vocabulary and a protected region
    gi_official: list[str]  # … that have authorised sellers
    inside: dict[str, list[pl.Place]]  # GI id → places inside its region
    outside: dict[str, list[pl.Place]]  # GI id → places outside it
    sm: list[str]  # special marks
    sm_family: dict[str, list[str]]  # holder → its special marks (a games' mascots)
    sellers: SellerBook
    words: OrdinaryWords
    desc_tails: list[str]  # generic description sentences, pre-combined

    @classmethod
    def build(cls, register: Register, rng: random.Random) -> "CaseContext":
        rights = {r.id: r for r in register.rights}
        s2t = opencc.OpenCC("s2tw")
        tm = [rid for rid in v.TM_GOODS if rid in rights]
        gi = [rid for rid in v.GI_GOODS if rid in rights and rights[rid].regions]
        sm = [r.id for r in register.rights if r.kind == "special_mark"]
        sm_family: dict[str, list[str]] = {}
        for rid in sm:
            sm_family.setdefault(rights[rid].holder, []).append(rid)
        all_names = sorted({name for r in register.rights for name in r.all_names})
        return cls(
            rng=rng, rights=rights,
            forms={r.id: build_forms(r, s2t, lazy_pinyin) for r in register.rights if r.kind == "trademark"},
            to_traditional=s2t.convert,
            tm=tm, tm_well_known=[rid for rid in tm if rights[rid].well_known],
            gi=gi, gi_official=[rid for rid in gi if rights[rid].authorized_sellers],
            inside={rid: pl.places_inside(rights[rid].regions) for rid in gi},
            outside={rid: pl.places_outside(rights[rid].regions) for rid in gi},
            sm=sm, sm_family=sm_family,
            sellers=SellerBook(rng),
            words=OrdinaryWords.without(all_names),
            desc_tails=_desc_tails(rng),
        )

    # ------------------------------------------------------------------ small draws every case makes
    def adj(self) -> str:
        return self.rng.choice(v.ADJECTIVES)

    def sell(self) -> str:
        return self.rng.choice(v.SELL_WORDS)

    def desc(self, *specific: str, claims: bool = False) -> str:
        """A description: the case's own sentences, then a generic tail (and maybe a claim of genuineness)."""
        rng = self.rng
        parts = [s for s in specific if s]
        parts.append(rng.choice(self.desc_tails))
        if claims:
            parts.insert(-1, rng.choice(v.CLAIM_WORDS) + "。")
        return "".join(parts)

    def ref(self, rid: str, mult: float) -> float:
        """``mult`` times the right's reference price (299 when the register gives none)."""
        return (self.rights[rid].reference_price or 299.0) * mult

    def brand_for(self, slug: str) -> str:
        """An ordinary brand of the category, or none."""
        brands = self.words.brands.get(slug)
        return self.rng.choice(brands) if brands and self.rng.random() < 0.5 else self.rng.choice(v.NO_BRAND)


def _desc_tails(rng: random.Random, count: int = 1500) -> list[str]:
    """Generic description sentences, pre-combined once: one choice per listing instead of six."""
    return ["".join(rng.sample(v.GENERIC_DESC, rng.randint(1, 3)) + rng.sample(v.SERVICE, rng.randint(1, 3)))
            for _ in range(count)]

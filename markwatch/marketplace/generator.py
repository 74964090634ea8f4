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

from markwatch.contracts import Register, Right
from markwatch.marketplace import places as pl
from markwatch.marketplace import vocab as v
from markwatch.marketplace.catalogue import SERVED_AS_SHARE, Entry, Seller
from markwatch.marketplace.renderings import (
    MarkForms, build_forms, has_cjk, letter_swap, mentions, short_form, spaced, with_emoji,
)

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
LOW_PRICE = 0.4  # labelling.md: below 40 % of the reference price = counterfeit
PRICE_DEPENDENT = frozenset({"tm_plain", "tm_resale", "tm_brand_field", "tm_description_only"})
HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "</li></ul><h1>清仓</h1>",
           "<b>爆款</b>", "Tom & Jerry 联名", "<iframe src=//evil.invalid>"]
_PLATFORM_ID = {"bazaar": lambda k: str(100001 + k), "storefront": lambda k: f"sf{k + 1:06d}",
                "openmall": lambda k: f"om{k + 1:07d}"}


def pretty_price(p: float) -> float:
    """A price as shops write them (1299, 399, 89, 29.9, 9.9)."""
    if p >= 1000:
        return float(int(round(p, -2)) - 1)
    if p >= 100:
        return float(int(p) // 10 * 10 + 9)
    if p >= 10:
        return round(max(round(p) - 0.1, 9.9), 1)
    return round(max(p, 0.99), 1)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


class Generator:
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

    def _product(self, rid: str, exclude_names: bool = False) -> tuple[str, str, float]:
        goods = v.TM_GOODS[rid]
        if exclude_names:
            goods = [g for g in goods if not mentions(g[0], self.rights[rid].all_names)] or [("同款 " + v.CATEGORIES[goods[0][1]], goods[0][1], goods[0][2])]
        return self.rng.choice(goods)

    def _ref(self, rid: str, mult: float) -> float:
        return (self.rights[rid].reference_price or 299.0) * mult

    def _tm_base(self, rid: str, mark: str, *, price_factor: tuple[float, float], wording: bool,
                 case: str, brand: str | None = None, title_mark: bool = True) -> dict:
        """A trademark listing by a non-official seller (counterfeit unless the case says otherwise)."""
        rng = self.rng
        phrase, slug, mult = self._product(rid, exclude_names=not title_mark)
        word = rng.choice(v.COUNTERFEIT_WORDS) if wording else ""
        if mark and mark.lower() in phrase.lower():
            mark = ""  # "iPhone 15" already names the mark
        parts = [mark if title_mark else "", phrase, self._sell(), word]
        if rng.random() < 0.4:
            parts.insert(0, parts.pop(3))  # wording first: "纯原 耐克 …"
        if rng.random() < 0.3:
            parts.append(rng.choice(v.SIZES_BY_SLUG.get(slug, [""])))
        price = self._ref(rid, mult) * rng.uniform(*price_factor)
        if price_factor[1] <= LOW_PRICE:
            # The policy compares with the right's reference price, not the product's: stay below 40 %.
            price = min(price, self._ref(rid, 1.0) * rng.uniform(0.05, 0.36))
        price = pretty_price(price)
        seller = self._seller("shady" if rng.random() < 0.85 else "ordinary")
        return dict(title=_join(*parts), slug=slug, price=price, seller=seller,
                    brand=mark if brand is None else brand, infringes=[rid], case=case,
                    description=self._desc(f"{word}品质，细节到位。" if word and rng.random() < 0.5 else "", claims=rng.random() < 0.6))

    def _low_or_wording(self) -> tuple[tuple[float, float], bool]:
        """Counterfeits: wording and/or a low price; some are priced normally (wording decides then)."""
        r = self.rng.random()
        if r < 0.45:
            return (0.08, 0.35), True
        if r < 0.75:
            return (0.08, 0.35), False
        return (0.65, 1.0), True

    def _pick(self, ids: list[str], attr: str) -> tuple[str, MarkForms]:
        candidates = [rid for rid in ids if getattr(self.forms[rid], attr)]
        rid = self.rng.choice(candidates)
        return rid, self.forms[rid]

    def _evasive(self, attr: str, case: str) -> dict:
        rid, forms = self._pick(self.tm, attr)
        mark = self.rng.choice(getattr(forms, attr))
        pf, wording = self._low_or_wording()
        brand = mark if self.rng.random() < 0.4 else ""
        return self._tm_base(rid, mark, price_factor=pf, wording=wording and self.rng.random() < 0.6, case=case, brand=brand)

    # ------------------------------------------------------------------ trademark cases
    def _tm_official(self) -> dict:
        rng = self.rng
        rid = rng.choice([r for r in self.tm if self.rights[r].authorized_sellers])
        right, forms = self.rights[rid], self.forms[rid]
        phrase, slug, mult = self._product(rid)
        factor = rng.uniform(0.9, 1.1) if rng.random() < 0.7 else rng.uniform(0.5, 0.85)  # some on sale
        seller = self.official[rng.choice(right.authorized_sellers)]
        title = _join(rng.choice(forms.plain), phrase, rng.choice(["官方正品", "官方旗舰", "", "新品", "限时优惠"]), self._sell())
        return dict(title=title, slug=slug, price=pretty_price(self._ref(rid, mult) * factor), seller=seller,
                    brand=forms.latin or right.name, infringes=[], case="tm_official",
                    description=self._desc("官方授权，全国联保。", claims=True))

    def _tm_plain(self) -> dict:
        rid = self.rng.choice(self.tm)
        return self._tm_base(rid, self.rng.choice(self.forms[rid].plain), price_factor=(0.06, 0.35), wording=False, case="tm_plain")

    def _tm_wording(self) -> dict:
        rid = self.rng.choice(self.tm)
        factor = (0.6, 1.0) if self.rng.random() < 0.35 else (0.08, 0.4)
        return self._tm_base(rid, self.rng.choice(self.forms[rid].plain), price_factor=factor, wording=True, case="tm_wording")

    def _tm_homophone(self) -> dict:
        return self._evasive("homophones", "tm_homophone")

    def _tm_shape(self) -> dict:
        return self._evasive("shape_alikes", "tm_shape")

    def _tm_pinyin(self) -> dict:
        return self._evasive("pinyin", "tm_pinyin")

    def _tm_traditional(self) -> dict:
        return self._evasive("traditional", "tm_traditional")

    def _tm_nickname(self) -> dict:
        return self._evasive("nicknames", "tm_nickname")

    def _tm_letterswap(self) -> dict:
        rid, forms = self._pick(self.tm, "latin")
        pf, wording = self._low_or_wording()
        mark = letter_swap(forms.latin, self.rng)
        return self._tm_base(rid, mark, price_factor=pf, wording=wording and self.rng.random() < 0.5, case="tm_letterswap", brand="")

    def _tm_spacing(self) -> dict:
        rid = self.rng.choice(self.tm)
        mark = spaced(short_form(self.forms[rid], self.rng), self.rng)
        pf, wording = self._low_or_wording()
        return self._tm_base(rid, mark, price_factor=pf, wording=wording and self.rng.random() < 0.5, case="tm_spacing", brand="")

    def _tm_emoji(self) -> dict:
        rid = self.rng.choice(self.tm)
        mark = with_emoji(short_form(self.forms[rid], self.rng), self.rng)
        pf, wording = self._low_or_wording()
        return self._tm_base(rid, mark, price_factor=pf, wording=wording and self.rng.random() < 0.5, case="tm_emoji", brand="")

    def _tm_brand_field(self) -> dict:
        rid = self.rng.choice(self.tm)
        forms = self.forms[rid]
        brand = self.rng.choice(forms.plain + forms.nicknames + forms.traditional)
        pf, wording = self._low_or_wording()
        return self._tm_base(rid, "", price_factor=pf, wording=wording, case="tm_brand_field", brand=brand, title_mark=False)

    def _tm_description_only(self) -> dict:
        rng = self.rng
        rid = rng.choice(self.tm)
        forms = self.forms[rid]
        mark = rng.choice(forms.plain + forms.nicknames + forms.homophones)
        pf, wording = self._low_or_wording()
        row = self._tm_base(rid, "", price_factor=pf, wording=wording, case="tm_description_only", brand="", title_mark=False)
        row["brand"] = rng.choice(["", "无", "其他", "无品牌"])
        hint = rng.choice([f"对标{mark}原版，", f"{mark}同厂出品，", f"和{mark}专柜一模一样，", f"{mark}原版开模，",
                           f"品牌：{mark}。", f"懂的来，{mark}。"])
        row["description"] = hint + row["description"]
        return row

    def _tm_cross_class(self) -> dict:
        rng = self.rng
        rid = rng.choice(self.tm_well_known)
        right, forms = self.rights[rid], self.forms[rid]
        goods = [g for g in v.CROSS_CLASS_GOODS if right.nice_classes and g[1] not in right.nice_classes]
        phrase, _cls, slug, base = rng.choice(goods)
        mark = rng.choice([n for n in right.all_names])
        title = rng.choice([f"{mark}牌 {phrase}", f"{mark} {phrase} {self._sell()}", f"【{mark}】{phrase}"])
        seller = self._seller("ordinary" if rng.random() < 0.6 else "shady")
        return dict(title=title.strip(), slug=slug, price=pretty_price(base * rng.uniform(0.6, 1.4)), seller=seller,
                    brand=mark, infringes=[rid], case="tm_cross_class", description=self._desc(f"{mark}品牌出品。"))

    def _tm_referential(self) -> dict:
        rng = self.rng
        rid = rng.choice([r for r in v.REFERENTIAL if r in self.rights])
        phrase, slug = rng.choice(v.REFERENTIAL[rid])
        title = _join(phrase.format(a=self._adj()), self._sell())
        return dict(title=title, slug=slug, price=pretty_price(rng.uniform(6, 99)), seller=self._seller("ordinary"),
                    brand=self._brand_for(slug), infringes=[], case="tm_referential",
                    description=self._desc("配件，非原厂。" if rng.random() < 0.5 else "兼容性好，安装方便。"))

    def _tm_resale(self) -> dict:
        rng = self.rng
        rid = rng.choice(self.tm)
        # Resale must cost >= 60 % of the right's reference price: only goods that dear qualify.
        goods = [g for g in v.TM_GOODS[rid] if g[2] >= 0.7] or [max(v.TM_GOODS[rid], key=lambda g: g[2])]
        phrase, slug, mult = rng.choice(goods)
        mark = rng.choice(self.rights[rid].all_names)
        if mark.lower() in phrase.lower():
            mark = ""
        title = _join(rng.choice(v.RESALE_WORDS), mark, phrase, rng.choice(v.RESALE_WORDS))
        price = max(self._ref(rid, mult) * rng.uniform(0.65, 1.05), self._ref(rid, 1.0) * 0.66)
        return dict(title=title, slug=slug, price=pretty_price(price),
                    seller=self._seller("ordinary"), brand=mark if rng.random() < 0.5 else "", infringes=[],
                    case="tm_resale", description=self._desc(rng.choice(["个人闲置，成色如图。", "专柜购入，有购物凭证。", "海外代购，带小票。", ""])))

    def _wordsense(self, table: list, case: str) -> dict:
        rng = self.rng
        phrase, slug, lo, hi = rng.choice(table)
        return dict(title=_join(phrase.format(a=self._adj()), self._sell()), slug=slug, price=pretty_price(rng.uniform(lo, hi)),
                    seller=self._seller("ordinary"), brand=self._brand_for(slug), infringes=[], case=case,
                    description=self._desc())

    def _tm_wordsense(self) -> dict:
        return self._wordsense(v.TM_WORDSENSE, "tm_wordsense")

    def _sm_wordsense(self) -> dict:
        return self._wordsense(v.SM_WORDSENSE, "sm_wordsense")

    # ------------------------------------------------------------------ unrelated goods
    def _brand_for(self, slug: str) -> str:
        brands = v.BRANDS_BY_SLUG.get(slug)
        return self.rng.choice(brands) if brands and self.rng.random() < 0.5 else self.rng.choice(v.NO_BRAND)

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

    # ------------------------------------------------------------------ geographical indications
    def _gi_row(self, rid: str, name: str, place: pl.Place | None, seller: Seller, case: str, infringes: list[str],
                title: str | None = None, factor: tuple[float, float] = (0.8, 1.2)) -> dict:
        rng = self.rng
        _loc, _noun, products, _generic = v.GI_GOODS[rid]
        phrase, slug, mult = rng.choice(products)
        fresh = rng.choice(v.GI_FRESH_WORDS)
        text = title or phrase.format(n=name, w=fresh)
        ship = ""
        origin_sentence = ""
        if place is not None:
            need = pl.needs_district(place, self.rights[rid].regions)
            ship = pl.format_place(place, rng, need_district=need)
            r = rng.random()
            if r < 0.3:
                origin_sentence = f"产地：{pl.format_place(place, rng, need_district=need)}。"
            elif r < 0.45 and case in ("gi_inside", "gi_outside"):
                # The origin only in the text (labelling.md: origin words count like ship_from).
                origin_sentence = f"产地：{pl.format_place(place, rng, need_district=need)}。"
                ship = rng.choice(["", "", rng.choice(v.VAGUE_ORIGINS)])
        return dict(title=_join(text, self._sell() if rng.random() < 0.3 else ""), slug=slug,
                    price=pretty_price(self._ref(rid, mult) * rng.uniform(*factor)), seller=seller, brand="",
                    infringes=infringes, case=case, ship_from=ship, origin=place.path if place else "",
                    description=self._desc(origin_sentence, rng.choice(
                        ["产地直发，新鲜到家。", "坏果包赔。", "当季现采现发。", ""] if slug == "fresh"
                        else ["产地直发。", "源头好货。", "老字号工艺。", ""])))

    @staticmethod
    def _farm_kind(rid: str) -> str:
        _loc, noun, products, _generic = v.GI_GOODS[rid]
        return "蟹" if "蟹" in noun else products[0][1]

    def _gi_name(self, rid: str) -> str:
        name = self.rng.choice(self.rights[rid].all_names)
        return self._s2t.convert(name) if self.rng.random() < 0.08 else name

    def _gi_inside(self) -> dict:
        rid = self.rng.choice(self.gi)
        place = self.rng.choice(self._inside[rid])
        return self._gi_row(rid, self._gi_name(rid), place, self._farm(place, self._farm_kind(rid)), "gi_inside", [])

    def _gi_official(self) -> dict:
        rid = self.rng.choice(self.gi_official)
        place = self.rng.choice(self._inside[rid])
        seller = self.official[self.rng.choice(self.rights[rid].authorized_sellers)]
        return self._gi_row(rid, self._gi_name(rid), place, seller, "gi_official", [])

    def _outside_place(self, rid: str) -> pl.Place:
        """Outside the region; often a neighbour (same province or city) to make it hard."""
        inside_provinces = {p.province for p in self._inside[rid]}
        near = [p for p in self._outside[rid] if p.province in inside_provinces]
        return self.rng.choice(near if near and self.rng.random() < 0.5 else self._outside[rid])

    def _gi_outside(self) -> dict:
        rid = self.rng.choice(self.gi)
        place = self._outside_place(rid)
        return self._gi_row(rid, self._gi_name(rid), place, self._farm(place, self._farm_kind(rid)), "gi_outside", [rid],
                            factor=(0.3, 1.0))

    def _gi_unknown_origin(self) -> dict:
        rid = self.rng.choice(self.gi)
        row = self._gi_row(rid, self._gi_name(rid), None, self._seller("ordinary"), "gi_unknown_origin", [rid],
                           factor=(0.3, 1.0))
        if self.rng.random() < 0.3:
            row["ship_from"] = self.rng.choice(v.VAGUE_ORIGINS)
        return row

    def _gi_dodge(self) -> dict:
        rng = self.rng
        rid = rng.choice(self.gi)
        loc, noun, _products, generic = v.GI_GOODS[rid]
        name = self.rights[rid].name
        dodges = [f"{name}同款 {rng.choice(generic)}", f"{name}口味 {rng.choice(generic)}", f"{name}风味 {rng.choice(generic)}",
                  f"{loc}发 {rng.choice(generic)}", f"{loc}发货 {noun} {rng.choice(v.GI_FRESH_WORDS)}"]
        if rid == "gi-yangchenghu-crab":
            dodges += ["阳澄湖镇大闸蟹 鲜活 公母搭配", "阳澄湖镇 大闸蟹 礼盒 8只"]
        if rid == "gi-maotai-liquor":
            dodges += ["茅台镇 酱香型白酒 53度 纯粮坤沙", "茅台镇 原浆酒 十年窖藏"]
        place = self._outside_place(rid) if rng.random() < 0.85 else None
        seller = self._farm(place, self._farm_kind(rid)) if place else self._seller("shady")
        return self._gi_row(rid, name, place, seller, "gi_dodge", [rid], title=rng.choice(dodges), factor=(0.2, 0.7))

    def _unrelated_same_goods(self) -> dict:
        rng = self.rng
        rid = rng.choice(self.gi)
        _loc, _noun, _products, generic = v.GI_GOODS[rid]
        place = rng.choice(self._inside[rid]) if rng.random() < 0.2 else self._outside_place(rid)
        row = self._gi_row(rid, "", place, self._farm(place, self._farm_kind(rid)), "unrelated_same_goods", [],
                           title=_join(rng.choice(generic), rng.choice(v.GI_FRESH_WORDS)), factor=(0.2, 0.6))
        return row

    # ------------------------------------------------------------------ special marks
    def _sm_title(self, rid: str) -> tuple[str, list[str], str, float]:
        rng = self.rng
        right = self.rights[rid]
        infringes = [rid]
        marks = [rng.choice(right.all_names)]
        family = [f for f in self.sm_family.get(right.holder, []) if f != rid]
        if family and rng.random() < 0.25:
            other = rng.choice(family)
            infringes.append(other)
            marks.append(rng.choice(self.rights[other].all_names))
        if right.id == "sm-ciie" and rng.random() < 0.6:
            goods, slug, base = rng.choice(v.CIIE_GOODS)
            return _join(f"{marks[0]}同款", *marks[1:], goods), infringes, slug, base
        merch, slug, base = rng.choice(v.SM_MERCH)
        title = _join(rng.choice(["", "2022", "限量", "正版", "纪念版", "官方同款", ""]), *marks, merch, self._sell())
        return title, infringes, slug, base

    def _sm_unlicensed(self) -> dict:
        rng = self.rng
        rid = rng.choice(self.sm)
        title, _named, slug, base = self._sm_title(rid)
        # Every special mark the title names is used (CIIE Jinbao names both 进宝 and CIIE).
        infringes = [r for r in self.sm if mentions(title, self.rights[r].all_names)]
        name = self.rights[rid].name
        if rng.random() < 0.15 and name in title:  # evasive rendering: 冰 墩墩, 冰😀墩墩, bingdundun
            trick = rng.random()
            if trick < 0.4:
                evaded = spaced(name, rng)
            elif trick < 0.7:
                evaded = with_emoji(name, rng)
            else:
                evaded = "".join(lazy_pinyin(name)) if has_cjk(name) else name.lower().replace(" ", "")
            title = title.replace(name, evaded, 1)
            if rid not in infringes:
                infringes.append(rid)
        return dict(title=title, slug=slug, price=pretty_price(base * rng.uniform(0.3, 1.1)),
                    seller=self._seller("shady" if rng.random() < 0.6 else "ordinary"), brand="", infringes=infringes,
                    case="sm_unlicensed", description=self._desc(claims=rng.random() < 0.5))

    def _sm_official(self) -> dict:
        rng = self.rng
        rid = rng.choice([r for r in self.sm if self.rights[r].authorized_sellers])
        title, _infringes, slug, base = self._sm_title(rid)
        seller = self.official[rng.choice(self.rights[rid].authorized_sellers)]
        return dict(title=_join("官方正版 特许商品", title), slug=slug, price=pretty_price(base * rng.uniform(0.9, 1.3)),
                    seller=seller, brand="", infringes=[], case="sm_official", description=self._desc("官方特许经营，附防伪标。"))

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

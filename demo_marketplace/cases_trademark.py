"""Trademark cases of the catalogue: genuine, counterfeit (every evasion), referential, resale, word sense.

Why a module: each method encodes one rule of docs/labelling.md for trademarks, so the ground truth
is right by construction; :class:`demo_marketplace.generator.Generator` mixes these in.
"""

from __future__ import annotations

from demo_marketplace import vocab as v
from demo_marketplace.prices import LOW_PRICE, pretty_price
from demo_marketplace.renderings import (
    MarkForms, join_words as _join, letter_swap, mentions, short_form, spaced, with_emoji,
)


class TrademarkCases:
    """Builders for ``tm_*`` cases (and the word-sense traps). State lives on the Generator."""

    def _product(self, rid: str, exclude_names: bool = False) -> tuple[str, str, float]:
        goods = v.TM_GOODS[rid]
        if exclude_names:
            goods = [g for g in goods if not mentions(g[0], self.rights[rid].all_names)] or [("同款 " + v.CATEGORIES[goods[0][1]], goods[0][1], goods[0][2])]
        return self.rng.choice(goods)

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
        right = self.rights[rid]
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

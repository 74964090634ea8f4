"""Geographical-indication and special-mark cases of the catalogue.

Why a module: GI labels hinge on where the goods come from (inside/outside the protected region,
unknown), special-mark labels on who sells (licensed or not); each method encodes one such rule of
docs/labelling.md. :class:`demo_marketplace.generator.Generator` mixes these in.
"""

from __future__ import annotations

from pypinyin import lazy_pinyin

from demo_marketplace import places as pl
from demo_marketplace import vocab as v
from demo_marketplace.catalogue import Seller
from demo_marketplace.prices import pretty_price
from demo_marketplace.renderings import has_cjk, join_words as _join, mentions, spaced, with_emoji


class OriginCases:
    """Builders for ``gi_*``, ``unrelated_same_goods`` and ``sm_*`` cases. State lives on the Generator."""

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

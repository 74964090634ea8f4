"""Geographical-indication cases of the catalogue: where the goods come from decides the label.

Why a module: GI labels hinge on the origin (inside or outside the protected region, or unknown)
and on whether the seller only borrows the region's name; each function encodes one such rule of
docs/labelling.md. Every case writer takes the declared :class:`~demo_marketplace.context.CaseContext`.
"""

from __future__ import annotations

from demo_marketplace import places as pl
from demo_marketplace import vocab as v
from demo_marketplace.context import CaseContext, CaseWriter, Draft
from demo_marketplace.model import Seller
from demo_marketplace.prices import pretty_price
from demo_marketplace.renderings import join_words as _join


def _gi_row(ctx: CaseContext, rid: str, name: str, place: pl.Place | None, seller: Seller, case: str,
            infringes: list[str], title: str | None = None, factor: tuple[float, float] = (0.8, 1.2)) -> Draft:
    """A listing of the GI's goods from ``place`` (None = origin unknown), priced ``factor`` × reference."""
    rng = ctx.rng
    _loc, _noun, products, _generic = v.GI_GOODS[rid]
    phrase, slug, mult = rng.choice(products)
    fresh = rng.choice(v.GI_FRESH_WORDS)
    text = title or phrase.format(n=name, w=fresh)
    ship = ""
    origin_sentence = ""
    if place is not None:
        need = pl.needs_district(place, ctx.rights[rid].regions)
        ship = pl.format_place(place, rng, need_district=need)
        r = rng.random()
        if r < 0.3:
            origin_sentence = f"产地：{pl.format_place(place, rng, need_district=need)}。"
        elif r < 0.45 and case in ("gi_inside", "gi_outside"):
            # The origin only in the text (labelling.md: origin words count like ship_from).
            origin_sentence = f"产地：{pl.format_place(place, rng, need_district=need)}。"
            ship = rng.choice(["", "", rng.choice(v.VAGUE_ORIGINS)])
    return dict(title=_join(text, ctx.sell() if rng.random() < 0.3 else ""), slug=slug,
                price=pretty_price(ctx.ref(rid, mult) * rng.uniform(*factor)), seller=seller, brand="",
                infringes=infringes, case=case, ship_from=ship, origin=place.path if place else "",
                description=ctx.desc(origin_sentence, rng.choice(
                    ["产地直发，新鲜到家。", "坏果包赔。", "当季现采现发。", ""] if slug == "fresh"
                    else ["产地直发。", "源头好货。", "老字号工艺。", ""])))


def _farm_kind(rid: str) -> str:
    _loc, noun, products, _generic = v.GI_GOODS[rid]
    return "蟹" if "蟹" in noun else products[0][1]


def _gi_name(ctx: CaseContext, rid: str) -> str:
    name = ctx.rng.choice(ctx.rights[rid].all_names)
    return ctx.to_traditional(name) if ctx.rng.random() < 0.08 else name


def gi_inside(ctx: CaseContext) -> Draft:
    """Goods of the GI from inside its region, sold by a local farm: infringes nothing."""
    rid = ctx.rng.choice(ctx.gi)
    place = ctx.rng.choice(ctx.inside[rid])
    return _gi_row(ctx, rid, _gi_name(ctx, rid), place, ctx.sellers.farm(place, _farm_kind(rid)), "gi_inside", [])


def gi_official(ctx: CaseContext) -> Draft:
    """Goods of the GI from inside its region, sold by an authorised seller: infringes nothing."""
    rid = ctx.rng.choice(ctx.gi_official)
    place = ctx.rng.choice(ctx.inside[rid])
    seller = ctx.sellers.official[ctx.rng.choice(ctx.rights[rid].authorized_sellers)]
    return _gi_row(ctx, rid, _gi_name(ctx, rid), place, seller, "gi_official", [])


def _outside_place(ctx: CaseContext, rid: str) -> pl.Place:
    """Outside the region; often a neighbour (same province or city) to make it hard."""
    inside_provinces = {p.province for p in ctx.inside[rid]}
    near = [p for p in ctx.outside[rid] if p.province in inside_provinces]
    return ctx.rng.choice(near if near and ctx.rng.random() < 0.5 else ctx.outside[rid])


def gi_outside(ctx: CaseContext) -> Draft:
    """The GI's name on goods from outside its region: infringes the GI."""
    rid = ctx.rng.choice(ctx.gi)
    place = _outside_place(ctx, rid)
    return _gi_row(ctx, rid, _gi_name(ctx, rid), place, ctx.sellers.farm(place, _farm_kind(rid)), "gi_outside", [rid],
                  factor=(0.3, 1.0))


def gi_unknown_origin(ctx: CaseContext) -> Draft:
    """The GI's name with no origin given (or a vague one) by an ordinary shop: infringes the GI."""
    rid = ctx.rng.choice(ctx.gi)
    row = _gi_row(ctx, rid, _gi_name(ctx, rid), None, ctx.sellers.pick("ordinary"), "gi_unknown_origin", [rid],
                  factor=(0.3, 1.0))
    if ctx.rng.random() < 0.3:
        row["ship_from"] = ctx.rng.choice(v.VAGUE_ORIGINS)
    return row


def gi_dodge(ctx: CaseContext) -> Draft:
    """The name borrowed to dodge (同款, 口味, 风味, "…发货", 阳澄湖镇): infringes the GI."""
    rng = ctx.rng
    rid = rng.choice(ctx.gi)
    loc, noun, _products, generic = v.GI_GOODS[rid]
    name = ctx.rights[rid].name
    dodges = [f"{name}同款 {rng.choice(generic)}", f"{name}口味 {rng.choice(generic)}", f"{name}风味 {rng.choice(generic)}",
              f"{loc}发 {rng.choice(generic)}", f"{loc}发货 {noun} {rng.choice(v.GI_FRESH_WORDS)}"]
    if rid == "gi-yangchenghu-crab":
        dodges += ["阳澄湖镇大闸蟹 鲜活 公母搭配", "阳澄湖镇 大闸蟹 礼盒 8只"]
    if rid == "gi-maotai-liquor":
        dodges += ["茅台镇 酱香型白酒 53度 纯粮坤沙", "茅台镇 原浆酒 十年窖藏"]
    place = _outside_place(ctx, rid) if rng.random() < 0.85 else None
    seller = ctx.sellers.farm(place, _farm_kind(rid)) if place else ctx.sellers.pick("shady")
    return _gi_row(ctx, rid, name, place, seller, "gi_dodge", [rid], title=rng.choice(dodges), factor=(0.2, 0.7))


def unrelated_same_goods(ctx: CaseContext) -> Draft:
    """The GI's kind of goods without its name (大闸蟹, 白酒): infringes nothing."""
    rng = ctx.rng
    rid = rng.choice(ctx.gi)
    _loc, _noun, _products, generic = v.GI_GOODS[rid]
    place = rng.choice(ctx.inside[rid]) if rng.random() < 0.2 else _outside_place(ctx, rid)
    row = _gi_row(ctx, rid, "", place, ctx.sellers.farm(place, _farm_kind(rid)), "unrelated_same_goods", [],
                  title=_join(rng.choice(generic), rng.choice(v.GI_FRESH_WORDS)), factor=(0.2, 0.6))
    return row


CASES: dict[str, CaseWriter] = {
    "gi_inside": gi_inside,
    "gi_official": gi_official,
    "gi_outside": gi_outside,
    "gi_unknown_origin": gi_unknown_origin,
    "gi_dodge": gi_dodge,
    "unrelated_same_goods": unrelated_same_goods,
}

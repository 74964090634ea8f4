"""Trademark cases of the catalogue: genuine, counterfeit (every evasion), referential, resale, word sense.

Why a module: each function encodes one rule of docs/labelling.md for trademarks, so the ground
truth is right by construction. Every case writer takes the declared
:class:`~demo_marketplace.context.CaseContext` and returns a :class:`~demo_marketplace.context.Draft`.
"""

from __future__ import annotations

from demo_marketplace import vocab as v
from demo_marketplace.cases_ordinary import word_sense
from demo_marketplace.context import CaseContext, CaseWriter, Draft
from demo_marketplace.prices import LOW_PRICE, pretty_price
from demo_marketplace.renderings import (
    MarkForms, join_words as _join, letter_swap, mentions, short_form, spaced, with_emoji,
)


def _product(ctx: CaseContext, rid: str, exclude_names: bool = False) -> tuple[str, str, float]:
    goods = v.TM_GOODS[rid]
    if exclude_names:
        goods = [g for g in goods if not mentions(g[0], ctx.rights[rid].all_names)] or [("同款 " + v.CATEGORIES[goods[0][1]], goods[0][1], goods[0][2])]
    return ctx.rng.choice(goods)


def _tm_base(ctx: CaseContext, rid: str, mark: str, *, price_factor: tuple[float, float], wording: bool,
             case: str, brand: str | None = None, title_mark: bool = True) -> Draft:
    """A trademark listing by a non-official seller (counterfeit unless the case says otherwise)."""
    rng = ctx.rng
    phrase, slug, mult = _product(ctx, rid, exclude_names=not title_mark)
    word = rng.choice(v.COUNTERFEIT_WORDS) if wording else ""
    if mark and mark.lower() in phrase.lower():
        mark = ""  # "iPhone 15" already names the mark
    parts = [mark if title_mark else "", phrase, ctx.sell(), word]
    if rng.random() < 0.4:
        parts.insert(0, parts.pop(3))  # wording first: "纯原 耐克 …"
    if rng.random() < 0.3:
        parts.append(rng.choice(v.SIZES_BY_SLUG.get(slug, [""])))
    price = ctx.ref(rid, mult) * rng.uniform(*price_factor)
    if price_factor[1] <= LOW_PRICE:
        # The policy compares with the right's reference price, not the product's: stay below 40 %.
        price = min(price, ctx.ref(rid, 1.0) * rng.uniform(0.05, 0.36))
    price = pretty_price(price)
    seller = ctx.sellers.pick("shady" if rng.random() < 0.85 else "ordinary")
    return dict(title=_join(*parts), slug=slug, price=price, seller=seller,
                brand=mark if brand is None else brand, infringes=[rid], case=case,
                description=ctx.desc(f"{word}品质，细节到位。" if word and rng.random() < 0.5 else "", claims=rng.random() < 0.6))


def _low_or_wording(ctx: CaseContext) -> tuple[tuple[float, float], bool]:
    """Counterfeits: wording and/or a low price; some are priced normally (wording decides then)."""
    r = ctx.rng.random()
    if r < 0.45:
        return (0.08, 0.35), True
    if r < 0.75:
        return (0.08, 0.35), False
    return (0.65, 1.0), True


def _pick(ctx: CaseContext, ids: list[str], attr: str) -> tuple[str, MarkForms]:
    candidates = [rid for rid in ids if getattr(ctx.forms[rid], attr)]
    rid = ctx.rng.choice(candidates)
    return rid, ctx.forms[rid]


def _evasive(ctx: CaseContext, attr: str, case: str) -> Draft:
    rid, forms = _pick(ctx, ctx.tm, attr)
    mark = ctx.rng.choice(getattr(forms, attr))
    pf, wording = _low_or_wording(ctx)
    brand = mark if ctx.rng.random() < 0.4 else ""
    return _tm_base(ctx, rid, mark, price_factor=pf, wording=wording and ctx.rng.random() < 0.6, case=case, brand=brand)


# ------------------------------------------------------------------ trademark cases
def tm_official(ctx: CaseContext) -> Draft:
    rng = ctx.rng
    rid = rng.choice([r for r in ctx.tm if ctx.rights[r].authorized_sellers])
    right, forms = ctx.rights[rid], ctx.forms[rid]
    phrase, slug, mult = _product(ctx, rid)
    factor = rng.uniform(0.9, 1.1) if rng.random() < 0.7 else rng.uniform(0.5, 0.85)  # some on sale
    seller = ctx.sellers.official[rng.choice(right.authorized_sellers)]
    title = _join(rng.choice(forms.plain), phrase, rng.choice(["官方正品", "官方旗舰", "", "新品", "限时优惠"]), ctx.sell())
    return dict(title=title, slug=slug, price=pretty_price(ctx.ref(rid, mult) * factor), seller=seller,
                brand=forms.latin or right.name, infringes=[], case="tm_official",
                description=ctx.desc("官方授权，全国联保。", claims=True))


def tm_plain(ctx: CaseContext) -> Draft:
    rid = ctx.rng.choice(ctx.tm)
    return _tm_base(ctx, rid, ctx.rng.choice(ctx.forms[rid].plain), price_factor=(0.06, 0.35), wording=False, case="tm_plain")


def tm_wording(ctx: CaseContext) -> Draft:
    rid = ctx.rng.choice(ctx.tm)
    factor = (0.6, 1.0) if ctx.rng.random() < 0.35 else (0.08, 0.4)
    return _tm_base(ctx, rid, ctx.rng.choice(ctx.forms[rid].plain), price_factor=factor, wording=True, case="tm_wording")


def tm_homophone(ctx: CaseContext) -> Draft:
    return _evasive(ctx, "homophones", "tm_homophone")


def tm_shape(ctx: CaseContext) -> Draft:
    return _evasive(ctx, "shape_alikes", "tm_shape")


def tm_pinyin(ctx: CaseContext) -> Draft:
    return _evasive(ctx, "pinyin", "tm_pinyin")


def tm_traditional(ctx: CaseContext) -> Draft:
    return _evasive(ctx, "traditional", "tm_traditional")


def tm_nickname(ctx: CaseContext) -> Draft:
    return _evasive(ctx, "nicknames", "tm_nickname")


def tm_letterswap(ctx: CaseContext) -> Draft:
    rid, forms = _pick(ctx, ctx.tm, "latin")
    pf, wording = _low_or_wording(ctx)
    mark = letter_swap(forms.latin, ctx.rng)
    return _tm_base(ctx, rid, mark, price_factor=pf, wording=wording and ctx.rng.random() < 0.5, case="tm_letterswap", brand="")


def tm_spacing(ctx: CaseContext) -> Draft:
    rid = ctx.rng.choice(ctx.tm)
    mark = spaced(short_form(ctx.forms[rid], ctx.rng), ctx.rng)
    pf, wording = _low_or_wording(ctx)
    return _tm_base(ctx, rid, mark, price_factor=pf, wording=wording and ctx.rng.random() < 0.5, case="tm_spacing", brand="")


def tm_emoji(ctx: CaseContext) -> Draft:
    rid = ctx.rng.choice(ctx.tm)
    mark = with_emoji(short_form(ctx.forms[rid], ctx.rng), ctx.rng)
    pf, wording = _low_or_wording(ctx)
    return _tm_base(ctx, rid, mark, price_factor=pf, wording=wording and ctx.rng.random() < 0.5, case="tm_emoji", brand="")


def tm_brand_field(ctx: CaseContext) -> Draft:
    rid = ctx.rng.choice(ctx.tm)
    forms = ctx.forms[rid]
    brand = ctx.rng.choice(forms.plain + forms.nicknames + forms.traditional)
    pf, wording = _low_or_wording(ctx)
    return _tm_base(ctx, rid, "", price_factor=pf, wording=wording, case="tm_brand_field", brand=brand, title_mark=False)


def tm_description_only(ctx: CaseContext) -> Draft:
    rng = ctx.rng
    rid = rng.choice(ctx.tm)
    forms = ctx.forms[rid]
    mark = rng.choice(forms.plain + forms.nicknames + forms.homophones)
    pf, wording = _low_or_wording(ctx)
    row = _tm_base(ctx, rid, "", price_factor=pf, wording=wording, case="tm_description_only", brand="", title_mark=False)
    row["brand"] = rng.choice(["", "无", "其他", "无品牌"])
    hint = rng.choice([f"对标{mark}原版，", f"{mark}同厂出品，", f"和{mark}专柜一模一样，", f"{mark}原版开模，",
                       f"品牌：{mark}。", f"懂的来，{mark}。"])
    row["description"] = hint + row["description"]
    return row


def tm_cross_class(ctx: CaseContext) -> Draft:
    rng = ctx.rng
    rid = rng.choice(ctx.tm_well_known)
    right = ctx.rights[rid]
    goods = [g for g in v.CROSS_CLASS_GOODS if right.nice_classes and g[1] not in right.nice_classes]
    phrase, _cls, slug, base = rng.choice(goods)
    mark = rng.choice([n for n in right.all_names])
    title = rng.choice([f"{mark}牌 {phrase}", f"{mark} {phrase} {ctx.sell()}", f"【{mark}】{phrase}"])
    seller = ctx.sellers.pick("ordinary" if rng.random() < 0.6 else "shady")
    return dict(title=title.strip(), slug=slug, price=pretty_price(base * rng.uniform(0.6, 1.4)), seller=seller,
                brand=mark, infringes=[rid], case="tm_cross_class", description=ctx.desc(f"{mark}品牌出品。"))


def tm_referential(ctx: CaseContext) -> Draft:
    rng = ctx.rng
    rid = rng.choice([r for r in v.REFERENTIAL if r in ctx.rights])
    phrase, slug = rng.choice(v.REFERENTIAL[rid])
    title = _join(phrase.format(a=ctx.adj()), ctx.sell())
    return dict(title=title, slug=slug, price=pretty_price(rng.uniform(6, 99)), seller=ctx.sellers.pick("ordinary"),
                brand=ctx.brand_for(slug), infringes=[], case="tm_referential",
                description=ctx.desc("配件，非原厂。" if rng.random() < 0.5 else "兼容性好，安装方便。"))


def tm_resale(ctx: CaseContext) -> Draft:
    rng = ctx.rng
    rid = rng.choice(ctx.tm)
    # Resale must cost >= 60 % of the right's reference price: only goods that dear qualify.
    goods = [g for g in v.TM_GOODS[rid] if g[2] >= 0.7] or [max(v.TM_GOODS[rid], key=lambda g: g[2])]
    phrase, slug, mult = rng.choice(goods)
    mark = rng.choice(ctx.rights[rid].all_names)
    if mark.lower() in phrase.lower():
        mark = ""
    title = _join(rng.choice(v.RESALE_WORDS), mark, phrase, rng.choice(v.RESALE_WORDS))
    price = max(ctx.ref(rid, mult) * rng.uniform(0.65, 1.05), ctx.ref(rid, 1.0) * 0.66)
    return dict(title=title, slug=slug, price=pretty_price(price),
                seller=ctx.sellers.pick("ordinary"), brand=mark if rng.random() < 0.5 else "", infringes=[],
                case="tm_resale", description=ctx.desc(rng.choice(["个人闲置，成色如图。", "专柜购入，有购物凭证。", "海外代购，带小票。", ""])))


def tm_wordsense(ctx: CaseContext) -> Draft:
    return word_sense(ctx, v.TM_WORDSENSE, "tm_wordsense")


CASES: dict[str, CaseWriter] = {
    "tm_official": tm_official,
    "tm_plain": tm_plain,
    "tm_wording": tm_wording,
    "tm_homophone": tm_homophone,
    "tm_shape": tm_shape,
    "tm_pinyin": tm_pinyin,
    "tm_traditional": tm_traditional,
    "tm_nickname": tm_nickname,
    "tm_letterswap": tm_letterswap,
    "tm_spacing": tm_spacing,
    "tm_emoji": tm_emoji,
    "tm_brand_field": tm_brand_field,
    "tm_description_only": tm_description_only,
    "tm_cross_class": tm_cross_class,
    "tm_referential": tm_referential,
    "tm_resale": tm_resale,
    "tm_wordsense": tm_wordsense,
}

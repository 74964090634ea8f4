"""Special-mark cases of the catalogue: Olympic, expo and games marks on merchandise.

Why a module: a special mark is infringed by any unlicensed commercial use, whatever the goods, so
its labels hinge on who sells (licensed shop or not) and on every mark of the family a title names;
each function encodes one such rule of docs/labelling.md. Every case writer takes the declared
:class:`~demo_marketplace.context.CaseContext`.
"""

from __future__ import annotations

from pypinyin import lazy_pinyin

from demo_marketplace import vocab as v
from demo_marketplace.cases_ordinary import word_sense
from demo_marketplace.context import CaseContext, CaseWriter, Draft
from demo_marketplace.prices import pretty_price
from demo_marketplace.renderings import has_cjk, join_words as _join, mentions, spaced, with_emoji


def _sm_title(ctx: CaseContext, rid: str) -> tuple[str, list[str], str, float]:
    rng = ctx.rng
    right = ctx.rights[rid]
    infringes = [rid]
    marks = [rng.choice(right.all_names)]
    family = [f for f in ctx.sm_family.get(right.holder, []) if f != rid]
    if family and rng.random() < 0.25:
        other = rng.choice(family)
        infringes.append(other)
        marks.append(rng.choice(ctx.rights[other].all_names))
    if right.id == "sm-ciie" and rng.random() < 0.6:
        goods, slug, base = rng.choice(v.CIIE_GOODS)
        return _join(f"{marks[0]}同款", *marks[1:], goods), infringes, slug, base
    merch, slug, base = rng.choice(v.SM_MERCH)
    title = _join(rng.choice(["", "2022", "限量", "正版", "纪念版", "官方同款", ""]), *marks, merch, ctx.sell())
    return title, infringes, slug, base


def sm_unlicensed(ctx: CaseContext) -> Draft:
    rng = ctx.rng
    rid = rng.choice(ctx.sm)
    title, _named, slug, base = _sm_title(ctx, rid)
    # Every special mark the title names is used (CIIE Jinbao names both 进宝 and CIIE).
    infringes = [r for r in ctx.sm if mentions(title, ctx.rights[r].all_names)]
    name = ctx.rights[rid].name
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
                seller=ctx.sellers.pick("shady" if rng.random() < 0.6 else "ordinary"), brand="", infringes=infringes,
                case="sm_unlicensed", description=ctx.desc(claims=rng.random() < 0.5))


def sm_official(ctx: CaseContext) -> Draft:
    rng = ctx.rng
    rid = rng.choice([r for r in ctx.sm if ctx.rights[r].authorized_sellers])
    title, _infringes, slug, base = _sm_title(ctx, rid)
    seller = ctx.sellers.official[rng.choice(ctx.rights[rid].authorized_sellers)]
    return dict(title=_join("官方正版 特许商品", title), slug=slug, price=pretty_price(base * rng.uniform(0.9, 1.3)),
                seller=seller, brand="", infringes=[], case="sm_official", description=ctx.desc("官方特许经营，附防伪标。"))


def sm_wordsense(ctx: CaseContext) -> Draft:
    return word_sense(ctx, v.SM_WORDSENSE, "sm_wordsense")


CASES: dict[str, CaseWriter] = {
    "sm_unlicensed": sm_unlicensed,
    "sm_official": sm_official,
    "sm_wordsense": sm_wordsense,
}

"""Counterfeit wording (高仿, 1:1 …) and private resale wording (闲置, 二手 …) anywhere in the listing.

Why apart: the words are found once per listing by the matcher (ListingContext.counterfeit); what
is judged here is only which of them count (an edition word in a work's listing does not).
"""

from __future__ import annotations

from functools import lru_cache

from markwatch.contracts import Right
from matchers import goods, wording
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, light_field, title_cues
from matchers.signals_works import publication_cues


def wording_signals(vec: list[float], reasons: list[Reason], ctx: ListingContext, right: Right | None = None) -> None:
    """Counterfeit wording (高仿, 1:1 …) and private resale wording (闲置, 二手 …) anywhere in the listing;
    for a right on medicines, a medicine sold loose too (:func:`loose_drug_words`)."""
    words = _counterfeit_of(ctx)
    if words and right is not None:
        own = _own_names(right.name, tuple(right.variants))
        if any(w in own for w in words):
            words = [w for w in words if w not in own]  # 莆田 of the GI 莆田桂圆: its name, no wording
    if right is not None and not _drug_classes().isdisjoint(right.nice_classes):  # rights on medicines only
        loose = loose_drug_words(right, ctx)
        if loose:
            words = [*words, *loose]
    if words:
        vec[INDEX["counterfeit"]] = 1.0
        vec[INDEX["counterfeit_count"]] = float(min(len(words), 3))
        reasons.append({"code": "counterfeit_wording", "words": words[:3]})
    if ctx.resale:
        vec[INDEX["resale_wording"]] = 1.0
        reasons.append({"code": "resale_wording", "words": ctx.resale[:2]})


def _counterfeit_of(ctx: ListingContext) -> list[str]:
    """The listing's counterfeit words, less an edition word (lexicon ``edition_words``: 原版) in a
    listing that sells a work (a book's or a film's cue: 变形金刚 原版 蓝光 电影): there it is the
    work's original release, as 英文原版 is a book's original edition. Once per listing."""
    words = ctx.counterfeit
    if not words:
        return words
    kept = ctx.extra.get("counterfeit:kept")
    if kept is None:
        edition = _edition_words()
        kept = words
        if any(w in edition for w in words) and (publication_cues(ctx) or title_cues(ctx, "film_work")):
            kept = [w for w in words if w not in edition]
        ctx.extra["counterfeit:kept"] = kept
    return kept


@lru_cache(maxsize=4096)
def _own_names(name: str, variants: tuple[str, ...]) -> str:
    """The right's name and variants, normalised and joined: a counterfeit word inside them (莆田, the city
    known for copied shoes, in the GI 莆田桂圆) is the right's own name where the listing writes it, not a
    word of the seller's. Made once per right, asked only of listings with counterfeit words."""
    from matchers.normalise import light

    return " | ".join(light(n) for n in (name, *variants))


@lru_cache(maxsize=1)
def _edition_words() -> frozenset[str]:
    from matchers.lexicon import lexicon

    return frozenset(lexicon().get("edition_words", ()))


def loose_drug_words(right: Right, ctx: ListingContext) -> list[str]:
    """Lexicon ``loose_drug`` words (散装, 拆零) in the listing's light text when the right covers medicines
    (lexicon ``drug_classes``) and the title's goods are medicines or unknown: a drug under a mark sold
    out of its box has no approval number on it, as a seller of the genuine article never offers it.
    Once per listing for the words; the classes per right."""
    if _drug_classes().isdisjoint(right.nice_classes):
        return []
    found = ctx.extra.get("loose_drug")
    if found is None:
        text = " ".join(light_field(ctx, f) for f in ("title", "description"))
        found = ctx.extra["loose_drug"] = sorted({w for _, _, w in wording.find("loose_drug", text, light_only=True)})
    if not found:
        return []
    votes = ctx.goods[0] if ctx.goods is not None else goods.classify(ctx.texts.get("title", ""), ctx.category)[0]
    return found if not votes or not _drug_classes().isdisjoint(votes) else []


@lru_cache(maxsize=1)
def _drug_classes() -> frozenset[int]:
    from matchers.lexicon import lexicon

    return frozenset(int(c) for c in lexicon().get("drug_classes", ()))


def genuine_import_signals(vec: list[float], reasons: list[Reason], ctx: ListingContext) -> None:
    """Genuine-import wording (lexicon ``genuine_import``: 原装进口, 代购, 海外直邮, 专柜正品, 免税店) beside a plain
    mark, a price of at least 60 % of the reference and no counterfeit wording: a buying agent or an importer
    resells the maker's own goods, which the labelling policy calls plausible genuine resale (docs/labelling.md
    §Trademarks 5); told as resale wording. Why only then: counterfeits say 正品 and 原装 too, at a low price or
    under a bent mark, and those stay leads. After the price signals; the cues are found once per listing, by
    the matcher's walk of the light text for counterfeit and resale wording (wording.listing_wording)."""
    if vec[INDEX["resale_wording"]] or not vec[INDEX["price_at_least_60"]] or vec[INDEX["counterfeit"]] \
            or vec[INDEX["evasive"]]:
        return
    found = ctx.extra.get("genuine_import")
    if found is None:  # a context made elsewhere: find them here, once
        text = " | ".join(light_field(ctx, f) for f in ("title", "brand", "description"))
        found = ctx.extra["genuine_import"] = wording.listing_wording(text)[2]
    if found:
        vec[INDEX["resale_wording"]] = 1.0
        reasons.append({"code": "resale_wording", "words": found[:2]})

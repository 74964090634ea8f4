"""The listing's price against the right's reference price, converted to CNY when the listing is in
another currency (ECB reference rate of the crawl's day, matchers/currency.py).

Why apart: the conversion is the one signal that reads the currency data; it is kept once per
listing in ListingContext.extra for the listing's other pairs.
"""

from __future__ import annotations

import math
from typing import Any

from markwatch.contracts import Right
from matchers import goods, wording
from matchers.candidates import Hit
from matchers.currency import HOME, currency_code, to_home
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, light_field


def price_signals(vec: list[float], reasons: list[Reason], price: Any, reference: float | None,
                  listing: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> None:
    """The price against the right's reference price (CNY; another currency converted at the ECB's
    rate of the crawl's day, matchers/currency.py); told when below 60 % of it. ``extra``: the
    listing context's, where the conversion is kept for the listing's other pairs."""
    if isinstance(price, (int, float)) and not isinstance(price, bool) and price > 0:
        converted = _conversion(price, listing, extra)
        if converted is _UNQUOTED:
            return  # a currency the ECB does not quote: the price says nothing we can read
        vec[INDEX["has_price"]] = 1.0
        if reference:
            ratio = (converted.amount if converted else price) / reference
            vec[INDEX["has_reference"]] = 1.0
            vec[INDEX["log_price_ratio"]] = max(-5.0, min(2.0, math.log(ratio)))
            if ratio < 0.4:
                vec[INDEX["price_below_40"]] = 1.0
            elif ratio < 0.6:
                vec[INDEX["price_40_60"]] = 1.0
            else:
                vec[INDEX["price_at_least_60"]] = 1.0
                return
            if converted is not None:
                reasons.append({"code": "price_converted", "price": price, "currency": converted.currency,
                                "converted": round(converted.amount, 2), "rate": round(converted.rate, 4),
                                "rate_date": converted.day, "reference": reference})
                return
            reasons.append({"code": "price_ratio", "price": price, "reference": reference})


def bundle_reference(rights: Any, right_idx: int, right: Right, hits: list[Hit],
                     ctx: ListingContext) -> tuple[float | None, list[str]]:
    """The reference price to read the listing's price against, and the marks of the bundle when it is one.

    A listing that sells the goods of several rights together (甜芯坊 奶糖 + 三鲜居 水饺 年货礼盒 组合) asks
    one price for all of them: read against one right's reference it looks like a genuine price when
    it is a third of what the goods cost. So when the title says it is a bundle (lexicon ``bundle``:
    组合, 套装, 礼盒, a + …) and each of this right's mark and another right's names goods of its own
    (:func:`_goods_between`), the reference is the sum of their references. ``rights``: the compiled
    register's rights (``right`` is ``rights[right_idx]``, in hand: the others are looked up only in a
    bundle); ``ctx.extra["pairs"]``: the listing's candidates (set by the matcher when it has several)."""
    own = right.reference_price
    others = ctx.extra.get("pairs")
    if not own or not others or not _bundle_cue(ctx):
        return own, []
    mine = [h for h in hits if h.field == "title"]
    if not mine:
        return own, []
    title = ctx.texts.get("title", "")
    total, names = own, [right.name]
    for other_idx, other_hits in others:
        if other_idx != right_idx and any(_goods_between(title, a, b) or _joined(ctx, title, a, b)
                                          for a in mine for b in other_hits if b.field == "title"):
            other = rights[other_idx]  # a bundle is rare: the other right is looked up only then
            if other.reference_price:
                total += other.reference_price
                names.append(other.name)
    return (total, names) if len(names) > 1 else (own, [])


def _bundle_cue(ctx: ListingContext) -> bool:
    """Does the title say it sells several things together (lexicon ``bundle``)? Once per listing."""
    found = ctx.extra.get("bundle:cue")
    if found is None:
        found = ctx.extra["bundle:cue"] = bool(wording.find("bundle", light_field(ctx, "title"), light_only=True))
    return found


JOINS = ("+", "＋", "&")  # written between two products of a bundle (A 麻花 + B 面)


def _joined(ctx: ListingContext, title: str, a: Hit, b: Hit) -> bool:
    """Are two marks of the title joined by a + (or &) written between them, the first with a goods word of
    its own before it (桂发祥 麻花 + 今麦郎 面: twist and noodles, though 面 alone is no goods word)? The
    seller's + says the second mark is a second product, as a goods word after it would. Read on the
    light title (norm drops the +): its part before a + must hold the first mark and its goods word, the
    part after it the second mark; a + between letters or digits (85g+30g) is a pack's size, no join."""
    first, second = (a, b) if a.start < b.start else (b, a)
    if first.end > second.start or not goods.classify(title[first.start:second.start], "")[1]:
        return False
    from matchers.normalise import norm

    light = light_field(ctx, "title")
    for join in JOINS:
        at = light.find(join)
        while at >= 0:
            left, right = light[:at].rstrip()[-1:], light[at + 1:].lstrip()[:1]
            if not (left.isascii() and left.isalnum() and right.isascii() and right.isalnum()):  # 85g+30g: a size
                before, after = norm(light[:at]), norm(light[at + 1:])
                if first.seen in before and second.seen in after and second.seen not in before:
                    return True
            at = light.find(join, at + 1)
    return False


def _goods_between(title: str, a: Hit, b: Hit) -> bool:
    """Does each of two marks of the title name goods of its own: a goods word from the first mark up to
    the second and another from the second on (奶糖 and 水饺 in 甜芯坊奶糖三鲜居水饺; a GI's own product
    word counts: 五常大米 + 盘锦大米)? Two products, not one named twice (飞天茅台), nor goods with some
    other mark written after them (X 奶粉 礼盒装 Y)."""
    first, second = (a, b) if a.start < b.start else (b, a)
    return first.end <= second.start and bool(goods.classify(title[first.start:second.start], "")[1]) \
        and bool(goods.classify(title[second.start:], "")[1])


_UNQUOTED = object()  # a price in a currency the ECB does not quote


def _conversion(price: float, listing: dict[str, Any] | None, extra: dict[str, Any] | None) -> Any:
    """The listing's price converted to CNY (a :class:`matchers.currency.Conversion`), None when it is
    in CNY, :data:`_UNQUOTED` when it cannot be read; once per listing when ``extra`` keeps it."""
    if extra is not None and "price:converted" in extra:
        return extra["price:converted"]
    converted: Any = None
    currency = currency_code((listing or {}).get("currency"))
    if currency != HOME:
        converted = to_home(float(price), str(currency), (listing or {}).get("crawled_at"))
        if converted is None:
            converted = _UNQUOTED
    if extra is not None:
        extra["price:converted"] = converted
    return converted

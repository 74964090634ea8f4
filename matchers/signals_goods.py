"""The goods classes of the listing (matchers/goods.py) against the right's Nice classes.

Why apart: it owns the choice between the listing's own classification (shared by all its pairs)
and one with the mark's span masked, and the reasons that tell the classes.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import Any, cast

from markwatch.contracts import Right
from matchers import goods
from matchers.candidates import Hit
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext


def goods_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                  ctx: ListingContext, mark_use: dict[str, Any] | None) -> None:
    """The goods classes of the listing against the right's Nice classes."""
    title_spans = [(h.start, h.end) for h in hits if h.field == "title"]
    title = ctx.texts.get("title", "")
    own = ctx.goods is not None and not (title_spans and goods.masks_goods_word(title, title_spans))
    if own:
        # the mark covers no goods word: the listing's own classification
        votes, words = cast("tuple[Counter[int], list[str]]", ctx.goods)
    else:
        votes, words = goods.classify(title, ctx.category, title_spans)
    share, top, unknown = goods.agreement(votes, right.nice_classes)
    vec[INDEX["class_share"]], vec[INDEX["class_top"]], vec[INDEX["class_unknown"]] = share, top, unknown
    vec[INDEX["well_known"]] = float(right.well_known)
    vec[INDEX["all_classes"]] = float(not right.nice_classes)
    if right.nice_classes and votes:
        top_two = ctx.extra.get("goods:top") if own else None
        if top_two is None:
            top_two = _top_two(votes)
            if own:
                ctx.extra["goods:top"] = top_two  # the listing's own votes: the same for all its pairs
        listed = list(top_two)  # each reason its own list
        if share > 0:
            reasons.append({"code": "goods_in_classes", "words": words[:2], "classes": listed,
                            "right_classes": list(right.nice_classes)})
        else:
            reason = {"code": "goods_outside_classes", "words": words[:2], "classes": listed,
                      "right_classes": list(right.nice_classes), "well_known": right.well_known}
            if right.well_known and mark_use is not None:
                reason.update(mark_use)  # a well-known mark counts on any goods when used as a mark
            reasons.append(reason)


def _top_two(votes: Counter[int]) -> tuple[int, ...]:
    """The two most voted classes, ties in voting order: Counter.most_common(2), without its heap."""
    return tuple(c for c, _ in sorted(votes.items(), key=itemgetter(1), reverse=True)[:2])

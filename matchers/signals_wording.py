"""Counterfeit wording (高仿, 1:1 …) and private resale wording (闲置, 二手 …) anywhere in the listing.

Why apart: the words are found once per listing by the matcher (ListingContext.counterfeit); what
is judged here is only which of them count (an edition word in a work's listing does not).
"""

from __future__ import annotations

from functools import lru_cache

from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, title_cues
from matchers.signals_works import publication_cues


def wording_signals(vec: list[float], reasons: list[Reason], ctx: ListingContext) -> None:
    """Counterfeit wording (高仿, 1:1 …) and private resale wording (闲置, 二手 …) anywhere in the listing."""
    words = _counterfeit_of(ctx)
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


@lru_cache(maxsize=1)
def _edition_words() -> frozenset[str]:
    from matchers.lexicon import lexicon

    return frozenset(lexicon().get("edition_words", ()))

"""Ordinary goods: listings that name no protected mark, and the word-sense traps.

Why a module: about half the catalogue infringes nothing, and the matcher must learn to leave it
alone; the word-sense traps (a word that is also a mark, used in its ordinary sense) are ordinary
goods too, so both rules of docs/labelling.md live here.
"""

from __future__ import annotations

from demo_marketplace import vocab as v
from demo_marketplace.context import CaseContext, CaseWriter, Draft
from demo_marketplace.prices import pretty_price
from demo_marketplace.renderings import join_words as _join


def unrelated(ctx: CaseContext) -> Draft:
    """Ordinary goods from vocabulary free of protected names (also the fallback of every other case)."""
    rng, words = ctx.rng, ctx.words
    phrase, slug, lo, hi = rng.choice(words.goods)
    size = rng.choice(words.sizes.get(slug, [""]))
    sell = words.sell_words
    title = _join(rng.choice(sell) if rng.random() < 0.5 else "", phrase.format(a=rng.choice(words.adjectives), s=size),
                  rng.choice(sell))
    brand = ctx.brand_for(slug)
    if brand not in v.NO_BRAND and rng.random() < 0.4:
        title = f"{brand} {title}"
    seller = ctx.sellers.pick("ordinary" if rng.random() < 0.9 else "shady")
    return dict(title=title, slug=slug, price=pretty_price(rng.uniform(lo, hi)), seller=seller, brand=brand,
                infringes=[], case="unrelated", description=ctx.desc())


def word_sense(ctx: CaseContext, table: list[tuple[str, str, float, float]], case: str) -> Draft:
    """A listing from ``table`` whose mark-like word is used in its ordinary sense: infringes nothing."""
    rng = ctx.rng
    phrase, slug, lo, hi = rng.choice(table)
    return dict(title=_join(phrase.format(a=ctx.adj()), ctx.sell()), slug=slug, price=pretty_price(rng.uniform(lo, hi)),
                seller=ctx.sellers.pick("ordinary"), brand=ctx.brand_for(slug), infringes=[], case=case,
                description=ctx.desc())


CASES: dict[str, CaseWriter] = {"unrelated": unrelated}

"""The layout of a pair's feature vector and what every pair of one listing shares.

Why a module of its own: every group of signals (matchers/signals_*.py) writes into the vector by
feature name and reads the listing's context and its once-per-listing caches (the title's cues, the
light-normalised fields); keeping them here lets the groups depend on this module alone, and
matchers/signals.py, which calls the groups, re-exports FEATURES and ListingContext.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from matchers import wording
from matchers.candidates import MAX_SCAN


FEATURES = (
    "kind_trademark", "kind_gi", "kind_special",
    "exact_name", "exact_variant", "pinyin", "nickname", "homophone", "shape", "lookalike", "fuzzy",
    "joined", "split", "obfuscated", "evasive",
    "in_title", "in_brand", "in_description_only", "used_as_mark", "latin_form", "form_length",
    "counterfeit", "counterfeit_count", "resale_wording",
    "has_price", "has_reference", "price_below_40", "price_40_60", "price_at_least_60", "log_price_ratio",
    "class_share", "class_top", "class_unknown", "well_known", "all_classes",
    "referential", "accessory", "ordinary_word", "name_use", "title_start", "two_scripts",
    "origin_inside", "origin_outside", "origin_unknown", "gi_dodge", "other_rights",
    "bent_word", "english_word_sense", "service_use",
    "split_by_words", "publication", "co_brand",
)


INDEX = {name: i for i, name in enumerate(FEATURES)}


@dataclass
class ListingContext:
    """What every candidate of one listing shares (computed once per listing with candidates)."""

    listing: dict[str, Any]
    texts: dict[str, str]  # norm() texts of title / brand / description
    raw_lower: dict[str, str]
    counterfeit: list[str]
    resale: list[str]
    category: str
    n_rights: int
    accessory: list[tuple[int, int, str]] = field(default_factory=list)  # accessory words of the title
    goods: tuple[Counter[int], list[str]] | None = None  # goods.classify of title and category, unmasked
    origin_places: list[Any] | None = None
    light: dict[str, str] | None = None  # the listing's own fields light-normalised, when the caller has them
    extra: dict[str, Any] = field(default_factory=dict)


def title_cues(ctx: ListingContext, entry: str) -> list[tuple[int, int, str]]:
    """``wording.find(entry)`` over the normalised title, once per listing: the cues of the whole title
    are the same for every candidate right (read-only: the list is shared by the listing's pairs)."""
    key = f"title:{entry}"
    found = ctx.extra.get(key)
    if found is None:
        found = ctx.extra[key] = wording.find(entry, ctx.texts.get("title", ""))
    return found


def light_field(ctx: ListingContext, name: str) -> str:
    """The field as written, only ``light``-normalised (高仿 古馳 → 高仿 古驰: its spaces kept), once per field."""
    key = f"light:{name}"
    if key not in ctx.extra:
        known = ctx.light.get(name) if ctx.light is not None else None  # listing_texts made it with the batch
        if known is None:
            from matchers.normalise import light

            known = light(str(ctx.listing.get(name) or "")[:MAX_SCAN])
        ctx.extra[key] = known
    return ctx.extra[key]


def stands_alone(raw: str, seen: str) -> bool:
    """Does ``seen`` occur in the raw text with no Chinese character glued to either side?"""
    at = raw.find(seen)
    while at >= 0:
        end = at + len(seen)
        if (at == 0 or not "\u4e00" <= raw[at - 1] <= "\u9fff") and (end == len(raw) or not "\u4e00" <= raw[end] <= "\u9fff"):
            return True
        at = raw.find(seen, at + 1)
    return False

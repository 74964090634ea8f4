"""Signals for one listing–right candidate: numeric features for the model and reason sentences.

Why features about evidence only (which form matched and where, wording, price ratio, goods-class
agreement, origin) and never about catalogue words: the model must judge listings written by people
it has never seen (docs/matching.md §Generalisation). Each feature comes with the sentence an
analyst reads to check it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from markwatch.contracts import Right
from matchers import goods, wording
from matchers.candidates import Hit
from matchers.compiled import CompiledRegister
from matchers.ordinary import inside_ordinary_word

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
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}
_FIELD_WORDS = {"title": "title", "brand": "brand field", "description": "description"}


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
    extra: dict[str, Any] = field(default_factory=dict)


_KIND_WORDS = {"name": "mark", "variant": "mark variant", "compact": "mark", "nickname": "nickname",
               "pinyin": "pinyin of mark", "gi_place": "GI place"}
_HOW_WORDS = {"homophone": "homophone", "shape": "shape-alike", "lookalike": "look-alike letters",
              "fuzzy": "near miss", "joined": "split-up spelling", "split": "GI name split up"}
_RIGHT_KIND_FEATURE = {"trademark": "kind_trademark", "gi": "kind_gi", "special_mark": "kind_special"}
_EXACT_FEATURE = {"name": "exact_name", "compact": "exact_name", "variant": "exact_variant", "pinyin": "pinyin",
                  "nickname": "nickname"}


def _describe_hit(hit: Hit, right: Right) -> str:
    where = _FIELD_WORDS[hit.field]
    kind = _KIND_WORDS[hit.form.kind]
    target = right.name if hit.form.kind in ("name", "compact", "nickname", "gi_place") else hit.form.text
    if hit.how == "exact":
        if hit.form.kind == "nickname":
            return f"nickname {hit.seen} of {right.name} in {where}"
        return f"{kind} {hit.seen} in {where}" if hit.form.kind != "pinyin" else f"pinyin {hit.seen} of {right.name} in {where}"
    how = _HOW_WORDS[hit.how]
    return f"{how} {hit.seen!s} of {target} in {where}"


def _price_signals(vec: list[float], price: Any, reference: float | None, reasons: list[str]) -> None:
    if isinstance(price, (int, float)) and not isinstance(price, bool) and price > 0:
        vec[_INDEX["has_price"]] = 1.0
        if reference:
            ratio = price / reference
            vec[_INDEX["has_reference"]] = 1.0
            vec[_INDEX["log_price_ratio"]] = max(-5.0, min(2.0, math.log(ratio)))
            if ratio < 0.4:
                vec[_INDEX["price_below_40"]] = 1.0
                reasons.append(f"price {price:g} is {ratio:.0%} of reference {reference:g}")
            elif ratio < 0.6:
                vec[_INDEX["price_40_60"]] = 1.0
                reasons.append(f"price {price:g} is {ratio:.0%} of reference {reference:g}")
            else:
                vec[_INDEX["price_at_least_60"]] = 1.0


def _used_as_mark(ctx: ListingContext, hits: list[Hit]) -> str:
    """Why the word reads as a mark, not its ordinary meaning ("" when it does not)."""
    for hit in hits:
        if hit.field == "brand":
            return f"{hit.seen} given as the brand"
        text = ctx.texts[hit.field]
        for start, _, cue in wording.find("mark_use", text[hit.end:hit.end + 4]):
            if start <= 1:
                return f"{hit.seen}{cue}: named as a brand"
        if hit.form.latin and hit.how == "exact" and hit.field == "title":
            return f"{hit.seen} written as a brand name"
    title_hits = [h for h in hits if h.field == "title"]
    if len({h.form.latin for h in title_hits}) == 2:
        return "mark written in Chinese and Latin letters"
    if any(h.start == 0 for h in title_hits):
        return f"{title_hits[0].seen} heads the title, where the brand goes"
    return ""


def signals(compiled: CompiledRegister, right_idx: int, hits: list[Hit], ctx: ListingContext,
            origin: Any | None) -> tuple[list[float], list[str]]:
    """The feature vector (order = FEATURES) and reasons for one candidate pair."""
    right = compiled.rights[right_idx]
    vec = [0.0] * len(FEATURES)
    reasons: list[str] = []
    vec[_INDEX[_RIGHT_KIND_FEATURE[right.kind]]] = 1.0

    best = hits[0]
    reasons.append(_describe_hit(best, right))
    evasive = False
    for hit in hits:
        if hit.how == "exact":
            name = _EXACT_FEATURE.get(hit.form.kind)
            if name:
                vec[_INDEX[name]] = 1.0
            evasive |= hit.form.kind in ("pinyin", "nickname")
            raw = ctx.raw_lower.get(hit.field, "")
            if hit.form.text not in raw and hit.form.text.replace(" ", "") not in raw:
                vec[_INDEX["obfuscated"]] = 1.0
                evasive = True
        else:
            vec[_INDEX[hit.how]] = 1.0
            evasive = True
    if vec[_INDEX["obfuscated"]] and best.how == "exact":
        reasons.append("mark written with spacing, symbols or traditional characters to dodge filters")
    for other in hits[1:]:
        if other.field != best.field and len(reasons) < 3:
            reasons.append(_describe_hit(other, right))
    vec[_INDEX["evasive"]] = float(evasive)
    fields = {h.field for h in hits}
    vec[_INDEX["in_title"]] = float("title" in fields)
    vec[_INDEX["in_brand"]] = float("brand" in fields)
    vec[_INDEX["in_description_only"]] = float(fields == {"description"})
    vec[_INDEX["latin_form"]] = float(best.form.latin)
    vec[_INDEX["form_length"]] = float(min(len(best.form.text), 12))
    mark_use = _used_as_mark(ctx, hits)
    if mark_use:
        vec[_INDEX["used_as_mark"]] = 1.0

    if ctx.counterfeit:
        vec[_INDEX["counterfeit"]] = 1.0
        vec[_INDEX["counterfeit_count"]] = float(min(len(ctx.counterfeit), 3))
        reasons.append("counterfeit wording: " + ", ".join(ctx.counterfeit[:3]))
    if ctx.resale:
        vec[_INDEX["resale_wording"]] = 1.0
        reasons.append("private resale wording: " + ", ".join(ctx.resale[:2]) + " (lowers the score)")
    _price_signals(vec, ctx.listing.get("price"), right.reference_price, reasons)

    title_spans = [(h.start, h.end) for h in hits if h.field == "title"]
    title = ctx.texts.get("title", "")
    if ctx.goods is not None and not (title_spans and goods.masks_goods_word(title, title_spans)):
        votes, words = ctx.goods  # the mark covers no goods word: the listing's own classification
    else:
        votes, words = goods.classify(title, ctx.category, title_spans)
    share, top, unknown = goods.agreement(votes, right.nice_classes)
    vec[_INDEX["class_share"]], vec[_INDEX["class_top"]], vec[_INDEX["class_unknown"]] = share, top, unknown
    vec[_INDEX["well_known"]] = float(right.well_known)
    vec[_INDEX["all_classes"]] = float(not right.nice_classes)
    if right.nice_classes and votes:
        # the two most voted classes, ties in voting order: Counter.most_common(2), without its heap
        listed = ", ".join(str(c) for c, _ in sorted(votes.items(), key=itemgetter(1), reverse=True)[:2])
        classes = ", ".join(map(str, right.nice_classes))
        if share > 0:
            reasons.append(f"goods ({'/'.join(words[:2])}: class {listed}) within the right's classes {classes}")
        else:
            note = " (well-known mark" + (f"; {mark_use})" if mark_use else ")") if right.well_known else ""
            reasons.append(f"goods ({'/'.join(words[:2])}: class {listed}) outside the right's classes {classes}{note}")

    accessory = ctx.accessory
    vec[_INDEX["accessory"]] = float(bool(accessory))
    for hit in hits if right.kind == "trademark" else ():  # special marks and GIs have no "fits" use
        text = ctx.texts[hit.field]
        # A cue right before the mark (适用于 iPhone), or anywhere in an accessory's title (钢化膜 适用).
        cues = wording.find("referential", text[max(0, hit.start - 8):hit.start])
        if not cues and accessory and hit.field == "title":
            cues = wording.find("referential", text)
        if cues:
            vec[_INDEX["referential"]] = 1.0
            cue = max((c[2] for c in cues), key=len)
            reasons.append(f"referential use: '{cue}' with {hit.seen} (lowers the score)")
            break
    for hit in hits:
        after = ctx.texts[hit.field][hit.end:hit.end + 6]
        before = ctx.texts[hit.field][max(0, hit.start - 4):hit.start]
        cues = wording.find("name_use", after) + wording.find("name_use", before)
        if any(c[2] != "年" or (c[0] == 0 and hit.form.text[-1].isdigit()) for c in cues):
            vec[_INDEX["name_use"]] = 1.0
            reasons.append(f"{hit.seen} used as a personal name or a date (lowers the score)")
            break
    title_hits = [h for h in hits if h.field == "title"]
    if any(h.start == 0 for h in title_hits):
        vec[_INDEX["title_start"]] = 1.0
    if len({h.form.latin for h in title_hits}) == 2:
        vec[_INDEX["two_scripts"]] = 1.0
    for hit in hits:
        word = inside_ordinary_word(ctx.texts[hit.field], hit.start, hit.end, hit.form.text, right)
        if word:
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append(f"{hit.seen} is part of the ordinary word {word} (lowers the score)")
            break

    if right.kind == "gi":
        _gi_signals(vec, reasons, right, hits, ctx, origin)
    vec[_INDEX["other_rights"]] = float(min(ctx.n_rights - 1, 3))
    return vec, reasons


def _gi_signals(vec: list[float], reasons: list[str], right: Right, hits: list[Hit],
                ctx: ListingContext, origin: Any) -> None:
    regions = "、".join(right.regions) or "(no area given)"
    if origin is None or origin.state == "unknown":
        vec[_INDEX["origin_unknown"]] = 1.0
        reasons.append(f"no origin found for a product named as GI {right.name}")
    elif origin.state == "outside":
        vec[_INDEX["origin_outside"]] = 1.0
        src = "ships from" if origin.source == "ship_from" else "origin given as"
        reasons.append(f"{src} {origin.where}, outside the protected area {regions}")
    else:
        vec[_INDEX["origin_inside"]] = 1.0
        reasons.append(f"origin {origin.where} inside the protected area {regions} (lowers the score)")
    for hit in hits:
        text = ctx.texts[hit.field]
        window = text[hit.start:hit.end + 3] if hit.how == "split" else text[hit.end:hit.end + 3]
        cues = wording.find("gi_dodge", window)
        if hit.how == "split" or cues:
            vec[_INDEX["gi_dodge"]] = 1.0
            cue = cues[0][2] if cues else ""
            reasons.append(f"GI name bent to dodge filters: {text[hit.start:hit.end + (len(cue) if hit.how != 'split' else 0)]}")
            break

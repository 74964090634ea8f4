"""Geographical indications: where the product comes from against the protected area, and a GI name
bent to dodge filters (阳澄湖镇大闸蟹, 同款, 风味).
"""

from __future__ import annotations

from typing import Any

from markwatch.contracts import Right
from matchers import wording
from matchers.candidates import Hit
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext


def origin_signals(vec: list[float], reasons: list[Reason], right: Right, origin: Any,
                   ctx: ListingContext | None = None) -> None:
    """Where a GI product comes from, against the GI's protected area. A product the listing says is blended
    with produce from elsewhere (掺有外地椒, 部分为外地菇: lexicon ``gi_blend``) is not the area's, wherever it
    ships from: told as from outside."""
    blend = _blend_cue(ctx) if ctx is not None else ""
    if blend:
        vec[INDEX["origin_outside"]] = 1.0
        reasons.append({"code": "gi_blend", "cue": blend})
        return
    if origin is None or origin.state == "unknown":
        vec[INDEX["origin_unknown"]] = 1.0
        reasons.append({"code": "origin_unknown", "gi": right.name})
        return
    code = "origin_outside" if origin.state == "outside" else "origin_inside"
    vec[INDEX[code]] = 1.0
    reasons.append({"code": code, "where": origin.where, "source": origin.source, "regions": list(right.regions)})


def gi_dodge_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext) -> None:
    """A GI name bent to dodge filters: split up (阳澄湖镇大闸蟹) or followed by 同款/风味 …"""
    for hit in hits:
        text = ctx.texts[hit.field]
        window = text[hit.start:hit.end + 3] if hit.how == "split" else text[hit.end:hit.end + 3]
        cues = wording.find("gi_dodge", window)
        if hit.how == "split" or cues:
            vec[INDEX["gi_dodge"]] = 1.0
            cue = cues[0][2] if cues else ""
            reasons.append({"code": "gi_dodge", "text": text[hit.start:hit.end + (len(cue) if hit.how != "split" else 0)]})
            return


def _blend_cue(ctx: ListingContext) -> str:
    """The first blend word (lexicon ``gi_blend``) of the title or description, or ""."""
    for name in ("title", "description"):
        text = ctx.texts.get(name)
        if text:
            found = wording.find("gi_blend", text)
            if found:
                return found[0][2]
    return ""

"""Where GI goods come from: ship_from and origin words in the text, resolved by the gazetteer.

Why: a GI is infringed when the goods claim the name but come from outside the protected area, or
when no origin can be found at all (docs/labelling.md). The administrative-division knowledge lives
in matchers/gazetteer.py (another module's job); this module only decides inside/outside/unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from matchers.lexicon import lexicon


@dataclass(frozen=True, slots=True)
class Origin:
    """The verdict for one GI right: ``state`` is inside | outside | unknown."""

    state: str
    where: str  # the place as resolved (for the reason sentence), "" when unknown
    source: str  # ship_from | text


@lru_cache(maxsize=1)
def _gazetteer() -> Any:
    from matchers.gazetteer import load_gazetteer

    return load_gazetteer()


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    cues = sorted(lexicon()["origin_cues"], key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(map(re.escape, cues))})\s*[:：是为在]?\s*([^\s，,。;；|/]{{2,16}})")


def _describe(place: Any) -> str:
    parts = [getattr(place, attr, "") or "" for attr in ("province", "city", "county")]
    text = "".join(p for i, p in enumerate(parts) if p and p not in parts[:i])
    return text or getattr(place, "name", "") or str(place)


def origin_places(ship_from: str, texts: list[str]) -> list[tuple[Any, str]]:
    """Every place the listing gives as its origin, with where it was read."""
    gaz = _gazetteer()
    places: list[tuple[Any, str]] = []
    if ship_from.strip():
        place = gaz.resolve(ship_from)
        if place is not None:
            places.append((place, "ship_from"))
    for text in texts:
        for match in _cue_pattern().finditer(text):
            place = gaz.resolve(match.group(1))
            if place is not None:
                places.append((place, "text"))
    return places


def judge_origin(places: list[tuple[Any, str]], regions: list[str]) -> Origin:
    """Outside beats inside (a listing that ships from 安徽 while saying 苏州 is not from 苏州)."""
    if not places:
        return Origin("unknown", "", "")
    if not regions:
        return Origin("inside", _describe(places[0][0]), places[0][1])
    gaz = _gazetteer()
    inside = None
    for place, source in places:
        if any(gaz.within(place, region) for region in regions):
            inside = inside or Origin("inside", _describe(place), source)
        else:
            return Origin("outside", _describe(place), source)
    return inside or Origin("unknown", "", "")

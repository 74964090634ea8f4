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
    # "产地：安徽" needs its colon ("产地直发" names no place); "产自安徽" does not.
    labels = [c for c in lexicon()["origin_cues"] if c.endswith("地")]
    verbs = [c for c in lexicon()["origin_cues"] if not c.endswith("地")]
    alt = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
    # A Latin address keeps its commas (产地：Xinfeng, Ganzhou, Jiangxi: county first, then its city
    # and province); a Chinese one ends at the first comma.
    return re.compile(rf"(?:(?:{alt(labels)})\s*[:：]|(?:{alt(verbs)}))\s*"
                      rf"([A-Za-z][A-Za-z .'-]*(?:,\s*[A-Za-z][A-Za-z .'-]*){{0,3}}|[^，,。;；|/\n]{{2,16}})")


def _describe(place: Any) -> str:
    parts = [getattr(place, attr, "") or "" for attr in ("province", "city", "county")]
    text = "".join(p for i, p in enumerate(parts) if p and p not in parts[:i])
    return text or getattr(place, "name", "") or str(place)


def bent_into_another_place(seen: str, place: str) -> bool:
    """Does a bent spelling of a GI name (``seen``, its first ``len(place)`` characters bending the
    GI's ``place``) name another real place there (英山云雾茶 for 庐山云雾茶: 英山县)? Then it is that
    region's product, not a dodge: the labelling policy's "another region's product"."""
    bent = seen[:len(place)]
    if bent == place or len(bent) < 2:
        return False
    try:
        found = _gazetteer().resolve(bent)
    except Exception:  # noqa: BLE001 - no gazetteer: judge without it
        return False
    return found is not None and found.name.startswith(bent)


def bent_into_another_region(right: Any, hits: list[Any], texts: dict[str, str]) -> bool:
    """Is every hit of this GI a bent spelling (homophone, shape-alike) that names another region's
    product rather than dodging this one's? Two ways, each the labelling policy's "another region's
    product" (docs/labelling.md):

    - the bent name is cut across by a place's name outside the GI's regions (恩施红茶: 施红茶 for
      宜红茶 starts inside 恩施, a prefecture of its own): the seller wrote 恩施's tea, no 施红茶;
    - the characters it bends are a one-character name of a region or people (lexicon
      ``region_characters``) where the GI's own are one too (藏绣 for 羌绣, 越绣 for 粤绣): each is a
      region's craft or produce of its own, as 英山云雾茶 is beside 庐山云雾茶
      (:func:`bent_into_another_place`, for places of two characters or more). One the dictionary knows
      as a word or place (蜀绣 for 苏绣) is left to the bent_word signal (signals_words), trained on.

    Cost: only bent hits of GIs come here (rare); one segmentation of the run around each."""
    from matchers.candidates import BENT_CHARACTERS

    if not hits or any(h.how not in BENT_CHARACTERS for h in hits):
        return False
    return all(_another_regions(right, h, texts.get(h.field, "")) for h in hits)


def _another_regions(right: Any, hit: Any, text: str) -> bool:
    """One hit of :func:`bent_into_another_region`."""
    from matchers.ordinary import straddling_word, word_or_place_around

    name, seen = hit.form.text, hit.seen
    if len(name) == len(seen) and text and not word_or_place_around(text, hit.start, hit.end):
        bent = [(a, b) for a, b in zip(name, seen) if a != b]
        regional = _region_characters()
        if bent and all(a in regional and b in regional for a, b in bent):
            return True

    word = straddling_word(text, hit.start, hit.end) if text else ""
    if len(word) < 2:
        return False
    try:
        gaz = _gazetteer()
        place = gaz.resolve(word)
        if place is None or word not in gaz.names_of(place):
            return False
        return not any(gaz.within(place, region) for region in right.regions or ())
    except Exception:  # noqa: BLE001 - no gazetteer, or a region it does not know: judge without it
        return False


@lru_cache(maxsize=1)
def _region_characters() -> frozenset[str]:
    """Lexicon ``region_characters``: one-character names of provinces, old regions and peoples."""
    return frozenset(str(c) for c in lexicon().get("region_characters", ()))


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
            place = _resolve_phrase(gaz, match.group(1))
            if place is not None:
                places.append((place, "text"))
    return places


def _resolve_phrase(gaz: Any, phrase: str) -> Any:
    """"辽宁 大连" is one place; "安徽宣城 苏州仓发货" is a place and then other words; a Latin address
    ("wuzhong, suzhou, jiangsu") is read whole, its city and province telling which Wuzhong it is."""
    if "," in phrase:
        return gaz.resolve(phrase)
    words = phrase.split()
    if not words:
        return None
    first = gaz.resolve(words[0])
    if len(words) == 1:
        return first
    both = gaz.resolve(f"{words[0]} {words[1]}")
    if first is None:
        return both
    return both if both is not None and gaz.within(both, str(first)) else first


def _coarser(gaz: Any, place: Any, regions: list[str]) -> bool:
    """"江苏 工业园区" resolves only to 江苏省, which contains 苏州: not evidence of outside origin."""
    for region in regions:
        area = gaz.resolve(region)
        if area is not None and area != place and gaz.within(area, str(place)):
            return True
    return False


def judge_origin(places: list[tuple[Any, str]], regions: list[str]) -> Origin:
    """Outside beats inside (a listing that ships from 安徽 while saying 苏州 is not from 苏州)."""
    if not places:
        return Origin("unknown", "", "")
    if not regions:
        return Origin("inside", _describe(places[0][0]), places[0][1])
    gaz = _gazetteer()
    inside = None
    for place, source in places:
        if any(gaz.within(place, region) for region in regions) or _coarser(gaz, place, regions):
            inside = inside or Origin("inside", _describe(place), source)
        else:
            return Origin("outside", _describe(place), source)
    return inside or Origin("unknown", "", "")

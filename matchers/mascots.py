"""Mascot attribution: "<event>吉祥物 <mascot>" names the mascot, so the lead is the mascot's right alone.

Policy (docs/labelling.md, special marks): a register often holds an event's name and its mascot's
name as two special marks of one holder (南博会 and its mascot 滇滇). A listing that says "南博会吉祥物
滇滇 公仔", or "滇滇 吉祥物 … 南博会" with the event as a trailing keyword or only in the description,
sells the mascot: the event's name only says whose mascot it is. One lead for what the goods are.
A look-alike sold as "南博会吉祥物同款 蓝色小象" without the mascot's name is a copy of the event's
mascot: the mascot's right (the holder's only mascot), not the event's. The event's right stays only
where its name is a selling term of its own: written in the title, before the mascot, and not glued
to 吉祥物 (南博会 滇滇 吉祥物 礼盒 套装: a gift set of the expo and of its mascot, both).

Which of a holder's special marks is the event: a name or variant holding an event word (lexicon
``mascot_event`` without the goods words: 博览会, 运动会, 亚运, expo, games …), ending in 会, or holding a
digit (北京2022). The others are its mascots. Nothing here is per-register: a new office's register
with an event and its mascot under one holder gets the rule.
"""

from __future__ import annotations

import re
from typing import Sequence

from matchers.candidates import Hit
from matchers.lexicon import lexicon
from matchers.normalise import norm

_NOT_EVENT = frozenset(("吉祥物", "纪念", "徽章", "特许", "组委会", "会徽", "火炬", "mascot", "souvenir"))
"""mascot_event cues that say something of the goods or the holder, not that a name is an event's."""

_DIGIT = re.compile(r"\d")


class MascotRoles:
    """A register's special marks as events or mascots, and each event's mascots (its holder's other special
    marks that are no event). Made per matcher; each right's role is judged when a listing first asks for it,
    and the holders' index is built only for a look-alike of an event's mascot whose name is not written (a
    walk of every right: ≈8 µs a right from the cache), so a listing naming an event and its mascot costs
    nothing more than its own rights."""

    def __init__(self, rights: Sequence) -> None:
        self._rights = rights
        self._words = sorted({norm(str(w)).strip() for w in lexicon().get("mascot_event", ())} - {""} - _NOT_EVENT)
        self._event: dict[int, bool] = {}
        self._by_holder: dict[str, tuple[int, ...]] | None = None

    def is_event(self, idx: int) -> bool:
        """Is right ``idx`` an event's special mark (博览会, 运动会, expo, 北京2022) that a mascot may belong to?"""
        event = self._event.get(idx)
        if event is None:
            right = self._rights[idx]
            event = self._event[idx] = right.kind == "special_mark" and bool(right.holder) and any(
                _names_event(norm(str(n)).strip(), self._words) for n in (right.name, *(right.variants or ())))
        return event

    def is_mascot_of(self, idx: int, event: int) -> bool:
        """Is right ``idx`` a mascot of ``event`` (a special mark of the same holder, no event itself)?"""
        right = self._rights[idx]
        return right.kind == "special_mark" and right.holder == self._rights[event].holder and not self.is_event(idx)

    def mascots(self, event: int) -> tuple[int, ...]:
        """Every mascot of ``event`` in the register (builds the holders' index on first use)."""
        if self._by_holder is None:
            by_holder: dict[str, list[int]] = {}
            for idx, right in enumerate(self._rights):
                if right.kind == "special_mark" and right.holder:
                    by_holder.setdefault(right.holder, []).append(idx)
            self._by_holder = {h: tuple(i) for h, i in by_holder.items()}
        holder = self._rights[event].holder
        return tuple(i for i in self._by_holder.get(holder, ()) if i != event and not self.is_event(i))


def _names_event(name: str, words: list[str]) -> bool:
    """Is ``name`` an event's (博览会, 运动会, expo, 北京2022) rather than a mascot's (滇滇, Diandian)?"""
    if not name:
        return False
    if name.endswith("会") or _DIGIT.search(name):
        return True
    return any(w in name if not w.isascii() else re.search(rf"\b{re.escape(w)}\b", name) for w in words)


def mascot_cue(texts: dict[str, str]) -> bool:
    """Does the listing say 吉祥物 / mascot anywhere (the cheap gate before anything is looked up: asked of every
    listing with a candidate, so four substring tests and no more)?"""
    title, description = texts.get("title", ""), texts.get("description", "")
    return "吉祥物" in title or "吉祥物" in description or "mascot" in title or "mascot" in description


def _glued_to_mascot_word(light: str, hit: Hit) -> bool:
    """南博会吉祥物, Expo mascot: the event's name qualifying the word mascot (whose mascot it is), as
    written (``light``: the field with its spaces; 进博会 吉祥物 进宝 lists the expo and its mascot)."""
    seen = hit.seen
    at = light.find(seen)
    while at >= 0:
        after = light[at + len(seen):at + len(seen) + 10]
        if after.startswith("的"):
            after = after[1:]
        if after.startswith("吉祥物") or (seen.isascii() and after.startswith(" mascot")):
            return True
        at = light.find(seen, at + 1)
    return False


def attribute_mascots(roles: MascotRoles, found: dict[int, list[Hit]], light: dict[str, str]) -> dict[int, list[Hit]]:
    """``found`` with each event right's hits that only say whose mascot the goods are taken off it
    (the right goes when none is left), and a mascot look-alike's "<event>吉祥物" given to the event's only
    mascot when its name is not written. ``roles``: :class:`MascotRoles` of the register; ``light``
    the listing's fields as written (spaces kept; the hits' positions are of the norm fields)."""
    events = [i for i in found if roles.is_event(i)]
    if not events:
        return found
    out = dict(found)
    for event in events:
        present = [m for m in found if m != event and roles.is_mascot_of(m, event)]
        first_mascot = min((h.start for m in present for h in found[m] if h.field == "title"), default=None)
        kept: list[Hit] = []
        glued: list[Hit] = []
        for hit in found[event]:
            if _glued_to_mascot_word(light.get(hit.field, ""), hit):
                glued.append(hit)
            elif present and (hit.field != "title" or (first_mascot is not None and hit.start > first_mascot)):
                continue  # 滇滇 吉祥物 … 南博会 / the event in the description: whose mascot it is
            else:
                kept.append(hit)
        mascots = roles.mascots(event) if not present and glued else ()
        if len(mascots) == 1:
            mascot = mascots[0]  # 南博会吉祥物同款 蓝色小象: a copy of the event's one mascot
            out[mascot] = [Hit(h.form._replace(right=mascot), h.field, h.how, h.start, h.end, h.seen) for h in glued]
        elif not present and glued:
            kept.extend(glued)  # several mascots and none named: which one is unknown, the event's right stays
        if kept:
            out[event] = kept if len(kept) < len(found[event]) else found[event]
        else:
            del out[event]
    return out

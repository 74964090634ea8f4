"""A mark written with ONE character swapped for a character drawn like it, checked at scan time ("a hole").

Why a check at scan time and not more automaton keys: the shape keys of matchers/variants.py are pre-generated,
one per (mark, position, alike character), so an ordinary mark gets only its few best alikes (a register of 100k
rights is mostly ordinary marks, and each alike adds keys to every automaton). A seller's pick beyond them (the
seventh stroke alike, a glyph alike of 0.7, a rare character from the font's full repertoire) made no candidate
at all. Here a mark is indexed by the characters around each of its positions (:class:`HoleIndex`), and a listing
whose title holds the mark with exactly one position different is a candidate when the differing character is
drawn like the mark's by a BROAD measure (:func:`broad_alike`: every shape table without its per-mark bound, and
the broad glyph table of scripts/build_glyph_alike_broad.py). Such a hit is a ``shape`` hit like the others, so
the signals (bent_word, ordinary-word marks off their goods) and reasons treat it alike.

The check needs the rest of the mark written exactly as registered, which is what keeps a broad measure precise:
a three-character mark keeps two characters in place, a two-character mark one character and the goods of its
classes (:func:`hole_hits`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import ahocorasick

from matchers.native import mypyc_attr
from matchers.variants import (component_alike, glyph_alike, part_alike, part_kept, radical_alike,
                               rare_glyph_alike, shape_alike, tsv_rows)

GLYPH_ALIKE_BROAD = Path(__file__).parent / "data" / "glyph_alike_broad.tsv"
MAX_HOLE_MARK = 8  # longer marks are long enough for their own near misses elsewhere; the index stays small
HOLE_FIELDS = ("title", "brand")  # a description is long, and an evasion is written where the buyer looks


@lru_cache(maxsize=1)
def glyph_alike_broad() -> dict[str, str]:
    """Common character → the characters (any of U+4E00–9FA5) whose glyphs look like it, broad: cosine ≥ 0.65
    among its ten best common ones, and rare ones that rank it among their five best (glyph_alike_broad.tsv)."""
    return {ch: others for ch, others, *_ in tsv_rows(GLYPH_ALIKE_BROAD)}


@lru_cache(maxsize=1)
def broad_alike() -> dict[str, frozenset[str]]:
    """Character → every character drawn like it by any shape table, both ways: the stroke, part, glyph, main
    component and radical tables whole (no per-mark bound), a part left out (冰/水), a rare twin, and the broad
    glyph table. Kept in the disk cache (matchers/derived_cache.py)."""
    from matchers.derived_cache import derived

    return derived("broad-alike", _build_broad_alike)


CHAR_STROKES = Path(__file__).parent / "data" / "char_strokes.tsv"
MAX_STROKE_GAP = 2  # strokes two common characters may differ by and still be a two-character mark's swap …
MAX_STROKE_SHARE = 0.2  # … or this share of the busier one's strokes, if more


@lru_cache(maxsize=1)
def char_strokes() -> dict[str, int]:
    """GB 2312's level-1 (common) characters → their strokes (char_strokes.tsv, scripts/build_char_strokes.py)."""
    return {ch: int(count) for ch, count, *_ in tsv_rows(CHAR_STROKES)}


@lru_cache(maxsize=1)
def loose_common_pairs() -> frozenset[str]:
    """Pairs of two common characters (``a + b``, both ways) that only the broad glyph table calls alike and that
    are written with far more strokes one than the other (强 12 / 疆 19, 0.70: the pictures share a side). Kept in
    the disk cache.

    Why: a two-character mark keeps ONE character in place, so such a swap of its other character writes an
    ordinary name of its own (云强 is no 云疆). The swaps sellers make there are a rare character (康隹 for 康佳),
    a close pair of the bounded tables, or a common character of about as many strokes (缘联 for 绿联, 利含 for
    利合). A longer mark keeps two or more characters, which is precise enough for any broad swap."""
    from matchers.derived_cache import derived

    return derived("loose-common-pairs", _build_loose_common_pairs)


def _build_loose_common_pairs() -> frozenset[str]:
    close = _build_broad_alike(broad_glyphs=False)
    strokes = char_strokes()
    out: set[str] = set()
    for ch, others in glyph_alike_broad().items():
        for other in others:
            if ch not in strokes or other not in strokes or other in close.get(ch, ()):
                continue
            gap = abs(strokes[ch] - strokes[other])
            if gap > max(MAX_STROKE_GAP, MAX_STROKE_SHARE * max(strokes[ch], strokes[other])):
                out.update((ch + other, other + ch))
    return frozenset(out)


def _build_broad_alike(broad_glyphs: bool = True) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}

    def pair(a: str, b: str) -> None:
        if a != b:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)

    tables = [shape_alike(), glyph_alike(), part_alike(), radical_alike()]
    if broad_glyphs:
        tables.append(glyph_alike_broad())
    for table in tables:
        for ch, others in table.items():
            for other in others:
                pair(ch, other)
    for ch, (rare, rest) in component_alike().items():
        for other in rare + rest:
            pair(ch, other)
    for table in (part_kept(), rare_glyph_alike()):
        for ch, other in table.items():
            pair(ch, other)
    return {ch: frozenset(others) for ch, others in out.items()}


@mypyc_attr(native_class=False)  # pickled into the compiled register's cache (matchers/packed.py)
class HoleIndex:
    """The CJK marks of a register (name and variant forms of 2 to :data:`MAX_HOLE_MARK` characters) by the
    characters kept around each position, so that a listing's bigrams find the few marks to check:

    - ``anchors``: a two-character piece of a mark of four or more, or of three with an end position bent →
      (form id, where the piece starts in the mark, the position that may differ), packed as one int
      (:func:`_pack`): 伟易? and ?易达 by 伟易 and 易达. Met by one C-level intersection with the listing's bigrams.
    - ``after`` / ``before`` / ``middle``: a character → the characters that follow it in a two-character mark
      (康 → 佳 of 康佳), precede it in one (佳 → 康), follow it in a three-character mark (伟 → 易 of 伟易达, whose
      middle may be bent). A listing's bigram 康隹 is 康佳 when 佳 is in ``after[康]`` and drawn like 隹: one
      C-level intersection with 隹's alikes per bigram. ``marks``: a mark's first two characters → (form id,
      the mark's length) of such marks.

    Why not a table of every bend of every short mark: a single kept character is in thousands of marks of a
    large register, and listing each bend made a table of a hundred thousand keys at 10k rights (slow to load,
    ten times that at 100k). An everyday word (jieba's dictionary: 新鲜 for a mark 新舒) is left out at scan
    time (candidates._hole_hits)."""

    def __init__(self) -> None:
        self.anchors: dict[str, tuple[int, ...]] = {}
        self.after: dict[str, frozenset[str]] = {}
        self.before: dict[str, frozenset[str]] = {}
        self.middle: dict[str, frozenset[str]] = {}
        # one Aho-Corasick automaton of the anchors' pieces and the characters kept in short marks (the keys of
        # after and middle: LEAD, of before: TAIL), so a listing is read in one C pass (:func:`hole_hits`)
        self.scanner: ahocorasick.Automaton | None = None
        self.marks: dict[str, tuple[tuple[int, int], ...]] = {}
        self.texts: dict[int, str] = {}  # form id → its norm text (a packed register's forms are made on access)
        # every character → its broad alikes (:func:`broad_alike`) as a string: kept with the register (one
        # string a character loads in a few ms, and a forked worker shares it)
        self.alike: dict[str, str] = {}
        # a mark's pinyin initials (HSXX) and its words + 家 (小象家) → form ids (matchers/mark_shorthand.py)
        self.initials: dict[str, tuple[int, ...]] = {}
        self.family: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self.anchors) + len(self.marks)


def _pack(form_id: int, offset: int, hole: int) -> int:
    return (form_id << 8) | (offset << 4) | hole


def build_hole_index(forms: Iterable[tuple[int, str]]) -> HoleIndex:
    """The :class:`HoleIndex` of (form id, norm text) of the register's CJK name and variant forms."""
    anchors: dict[str, list[int]] = {}
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    middle: dict[str, set[str]] = {}
    marks: dict[str, list[tuple[int, int]]] = {}
    index_texts: dict[int, str] = {}
    for form_id, text in forms:
        if not 2 <= len(text) <= MAX_HOLE_MARK or not all("\u4e00" <= ch <= "\u9fff" for ch in text):
            continue
        index_texts[form_id] = text
        if len(text) <= 3:
            marks.setdefault(text[:2], []).append((form_id, len(text)))
        if len(text) == 2:
            after.setdefault(text[0], set()).add(text[1])
            before.setdefault(text[1], set()).add(text[0])
            continue
        for hole in range(len(text)):
            if hole == 1 and len(text) == 3:
                middle.setdefault(text[0], set()).add(text[1])
                continue
            offset = 1 if hole == 0 else 2 if hole == 1 else 0
            anchors.setdefault(text[offset:offset + 2], []).append(_pack(form_id, offset, hole))
    index = HoleIndex()
    index.anchors = {k: tuple(v) for k, v in anchors.items()}
    index.after = {k: frozenset(v) for k, v in after.items()}
    index.before = {k: frozenset(v) for k, v in before.items()}
    index.middle = {k: frozenset(v) for k, v in middle.items()}
    index.scanner = _scanner(index.anchors, set(after) | set(middle), set(before))
    index.marks = {k: tuple(dict.fromkeys(v)) for k, v in marks.items()}
    index.texts = index_texts
    index.alike = {ch: "".join(sorted(others)) for ch, others in broad_alike().items()}
    from matchers.mark_shorthand import build_shorthand

    index.initials, index.family = build_shorthand(index_texts.items())
    return index


LEAD, TAIL, ANCHOR = 1, 2, 4  # what a key of the scanner is: a short mark's first kept character, its last, a piece


def _scanner(anchors: dict[str, tuple[int, ...]], leads: set[str], tails: set[str]) -> ahocorasick.Automaton | None:
    """The automaton of :attr:`HoleIndex.scanner`: each anchor piece (ANCHOR) and each kept character (LEAD, TAIL
    or both) with what it is as its value."""
    keys: dict[str, int] = dict.fromkeys(anchors, ANCHOR)
    for ch in leads:
        keys[ch] = keys.get(ch, 0) | LEAD
    for ch in tails:
        keys[ch] = keys.get(ch, 0) | TAIL
    if not keys:
        return None
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for key, what in keys.items():
        automaton.add_word(key, what)
    automaton.make_automaton()
    return automaton


def hole_hits(index: HoleIndex, text: str) -> list[tuple[int, int, int]]:
    """(form id, start, end) of every mark written in ``text`` (a norm field, or several joined by NUL) with
    exactly one character different, where that character is drawn like the mark's (:func:`broad_alike`; for a
    two-character mark, not a pair of common characters only the broad glyph table holds: :func:`loose_common_pairs`).

    One walk of the scanner finds every anchor piece and kept character where it is written (a bigram set of the
    text and a search for each found key cost three times as much); the pieces' marks are checked first, then the
    short marks by their kept characters, as the results are ordered."""
    scanner = index.scanner
    if scanner is None or len(text) < 2:
        return []
    out: list[tuple[int, int, int]] = []
    short: list[tuple[int, int]] = []  # (where, LEAD/TAIL bits) of the kept characters, for after the pieces
    alike, texts, anchors = index.alike, index.texts, index.anchors
    for end, what in scanner.iter(text):
        if what & ANCHOR:
            at = end - 1
            for packed in anchors[text[at:end + 1]]:
                form_id, offset, hole = packed >> 8, (packed >> 4) & 15, packed & 15
                _check(texts[form_id], form_id, text, at - offset, hole, alike, out)
        else:
            short.append((end, what))
    if short:
        _short_hits(index, text, short, out)
    return out


def _short_hits(index: HoleIndex, text: str, short: list[tuple[int, int]], out: list[tuple[int, int, int]]) -> None:
    """:func:`hole_hits` of the two- and three-character marks, from where their kept characters are written:
    康? is 康佳 when 佳 follows 康 in a mark and is drawn like the next character; 伟?达 is 伟易达 when 易 is drawn like
    it and 达 is written after it; ?佳 the same from the end."""
    after, before, middle, marks, texts = index.after, index.before, index.middle, index.marks, index.texts
    sets, alike = _ALIKE_SETS, index.alike
    last = len(text) - 1
    for at, what in short:
        if what & LEAD and at < last:
            lead, second = text[at], text[at + 1]
            drawn = sets.get(second)
            if drawn is None:
                drawn = _alike_set(alike, second)
            if drawn:  # isdisjoint first: C-level over the smaller set, no new set, and almost always true
                kept_after, kept_middle = after.get(lead), middle.get(lead)
                if kept_after is not None and second not in kept_after and not kept_after.isdisjoint(drawn):
                    for other in kept_after & drawn:
                        if second + other not in loose_common_pairs():
                            out.extend((form_id, at, at + 2) for form_id, size in marks[lead + other] if size == 2)
                if kept_middle is not None and not kept_middle.isdisjoint(drawn):
                    for other in kept_middle & drawn:
                        out.extend((form_id, at, at + 3) for form_id, size in marks[lead + other]
                                   if size == 3 and text[at + 2:at + 3] == texts[form_id][2])
        if what & TAIL and at > 0:
            tail, first = text[at], text[at - 1]
            kept = before[tail]
            drawn = sets.get(first)
            if drawn is None:
                drawn = _alike_set(alike, first)
            if drawn and first not in kept and not kept.isdisjoint(drawn):
                for other in kept & drawn:
                    if first + other not in loose_common_pairs():
                        out.extend((form_id, at - 1, at + 1) for form_id, size in marks[other + tail] if size == 2)


# character → its broad alikes as a frozenset, made from the index's strings the first time a process meets the
# character (the same for every register: broad_alike). Why sets at scan time: intersecting a set with a string
# makes a new one-character string per character of it, the hot loop's main cost.
_ALIKE_SETS: dict[str, frozenset[str]] = {}


def _alike_set(alike: dict[str, str], ch: str) -> frozenset[str]:
    found = _ALIKE_SETS[ch] = frozenset(alike.get(ch, ""))
    return found


def _check(mark: str, form_id: int, text: str, start: int, hole: int, alike: dict[str, str],
           out: list[tuple[int, int, int]]) -> None:
    """Keep ``mark`` at ``start`` of ``text`` when the text holds it whole but for its hole, and the hole's
    character is drawn like the mark's."""
    end = start + len(mark)
    if start < 0 or end > len(text):
        return
    seen = text[start + hole]
    if seen != mark[hole] and text[start:start + hole] == mark[:hole] and text[start + hole + 1:end] == mark[hole + 1:] \
            and seen in alike.get(mark[hole], ""):
        out.append((form_id, start, end))


# A character a seller writes in place of one character of a mark so that a filter does not read it (汇* for 汇源,
# 迈○ for 迈瑞): stars, circles, crosses, boxes and question marks in their light forms (matchers/normalise.py
# keeps them in light text and drops most of them from norm text, as it drops symbols wedged into a mark).
MASK_CHARS = "*○〇×□■?"
_MASK_SENTINEL = "\x02"
# A mask is one position of a Chinese mark: a CJK character on its mark side, no digit glued to it (5*5cm, 3×4,
# 果汁×2 count or measure). A letter x only between two Chinese characters (美x宝), where it is no word of its own.
_MASK = re.compile(r"(?<=[\u4e00-\u9fff])[*○〇×□■?](?![0-9])"
                   r"|(?<![0-9])[*○〇×□■?](?=[\u4e00-\u9fff])"
                   r"|(?<=[\u4e00-\u9fff])x(?=[\u4e00-\u9fff])")


def has_mask(light: str) -> bool:
    """Does a light text hold a character that may mask one character of a mark (:data:`MASK_CHARS`)? (A few
    C-level finds first: nearly no title holds any, and a regex search of every field cost a microsecond.)"""
    if not any(mask in light for mask in _MASK_OR_X):
        return False
    return _MASK.search(light) is not None


_MASK_OR_X = MASK_CHARS + "x"


def _wedged(text: str, at: int) -> bool:
    """Is the mask character at ``text[at]`` one of a row wedged between every character (北*京*2*0: the whole is
    spaced out to dodge a filter, which norm reads as written), not a character masked?"""
    return text[at + 2:at + 3] == text[at] or (at >= 2 and text[at - 2] == text[at])


def masked_hits(index: HoleIndex, text: str) -> list[tuple[int, int, int]]:
    """(form id, start, end) in ``text`` (a light field) of every mark written with ONE character replaced by a mask
    character (:data:`MASK_CHARS`: 汇* for 汇源, 美x宝 for 美肤宝) and every other character as registered.

    Why the hole index: a mask is a hole whose character is drawn like nothing, so the same pieces find the marks
    to check (a mark of three or more by a two-character piece beside the mask, a two-character one, or a
    three-character one masked in the middle, by the character kept beside it). The caller asks the right's goods
    for a two-character mark, whose one kept character is in many marks (candidates._masked_hits)."""
    holes = [found.start() for found in _MASK.finditer(text) if not _wedged(text, found.start())]
    if not holes:
        return []
    chars = list(text)
    for at in holes:
        chars[at] = _MASK_SENTINEL
    text = "".join(chars)
    out: list[tuple[int, int, int]] = []
    anchors, texts, after, before, middle, marks = (index.anchors, index.texts, index.after, index.before,
                                                    index.middle, index.marks)
    for at in holes:
        for piece_at in range(max(0, at - MAX_HOLE_MARK + 1), at + 2):  # a piece of a longer mark beside the hole
            entries = anchors.get(text[piece_at:piece_at + 2])
            for packed in entries or ():
                form_id, offset, hole = packed >> 8, (packed >> 4) & 15, packed & 15
                start = piece_at - offset
                mark = texts[form_id]
                if start + hole == at and start >= 0 and text[start:at] == mark[:hole] \
                        and text[at + 1:start + len(mark)] == mark[hole + 1:]:
                    out.append((form_id, start, start + len(mark)))
        lead, tail = text[at - 1:at], text[at + 1:at + 2]
        for other in after.get(lead, ()) if lead else ():  # 汇* for 汇源
            out.extend((form_id, at - 1, at + 1) for form_id, size in marks[lead + other] if size == 2)
        for other in middle.get(lead, ()) if lead and tail else ():  # 美x宝 for 美肤宝
            out.extend((form_id, at - 1, at + 2) for form_id, size in marks[lead + other]
                       if size == 3 and texts[form_id][2] == tail)
        for other in before.get(tail, ()) if tail else ():  # *源 for 汇源
            out.extend((form_id, at, at + 2) for form_id, size in marks[other + tail] if size == 2)
    return list(dict.fromkeys(out))

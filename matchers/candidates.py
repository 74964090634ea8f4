"""Candidate generation: which rights a listing might touch, and how each mark form was found.

Why separate from the signals: this is the only step that runs on every listing, so it does the
least possible work (the three fields normalised with the rest of their chunk, joined and scanned once
per automaton — the open one and those of the listing's goods classes — and a dictionary probe per
Latin word); everything expensive runs later and only for listings that have a candidate.
"""

from __future__ import annotations

import re
from array import array
from itertools import islice
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterable, NamedTuple

import ahocorasick
from rapidfuzz.distance import OSA

from matchers.compiled import ALL_CLASSES, FORM_KINDS, TOWN_WORD, CompiledRegister, Form, _deletes, class_bits
from matchers.goods import classify, find_goods_words_of
from matchers.live_codes import has_code_word, parts_after_codes, parts_table
from matchers.normalise import (can_sound_alike, canon, canon_many, fuzzy_pinyin_of, heard_key,
                                norm_and_light_many)
from matchers.lexicon import lexicon
from matchers.ordinary import is_dictionary_word
from matchers.mark_shorthand import MIN_FAMILY_MARK, family_word_begins, shorthand_hits
from matchers.native import mypyc_attr
from matchers.shape_holes import HOLE_FIELDS, MASK_CHARS, has_mask, hole_hits, masked_hits
from matchers.variants import drawn_as, part_kept, shape_alike

FIELDS = ("title", "brand", "description")  # the listing's own words about its goods
SIDE_FIELDS = ("seller_name", "category")
"""Fields scanned for a trademark's name or variant written exactly, nothing else: a shop named after the mark
(三全速冻食品直营店, 名门锁业工厂店) or a model list that names it (宠物梳/FURminator款) on goods that do not
say it. Why so narrow: shop names and categories are short and hold every kind of word, so the bent spellings
and near misses that a title is searched for would find too much there; and GIs and special marks in a shop's
name (五常大米专营店) say where it trades, not what the goods are."""
SCANNED_FIELDS = FIELDS + SIDE_FIELDS
MAX_GI_GAP = 2  # 阳澄湖镇大闸蟹, 阳澄湖发 大闸蟹: a GI name with a short wedge
MAX_DODGE_GAP = 6  # 盱眙 品种 小龙虾, 祁门风格 工夫红茶: a longer wedge when it holds a dodge word (lexicon gi_dodge)
_GI_WEDGES = ("直发", "发货", "发", "镇", "产")
MAX_SCAN = 4000  # characters of a description that are scanned (long texts hide nothing more)
_LATIN_WORD = re.compile(r"[0-9a-z$@]+")
_ANY_LATIN = re.compile(r"[a-z]")
_KIND_RANK = {kind: rank for rank, kind in enumerate(FORM_KINDS)}


# How a hit is bent character by character: a Chinese spelling that may be a word or a name of its own (a Latin
# look-alike, VEL0RA, or a mark split by spaces is written so to dodge a filter: no word of its own).
BENT_CHARACTERS = frozenset(("homophone", "shape", "reordered"))


@dataclass(slots=True)
class Hit:
    """One occurrence of one form of a right in one field of a listing."""

    form: Form
    field: str  # title | brand | description | seller_name | category
    how: str  # exact | homophone | shape | lookalike | fuzzy | joined
    start: int  # position in the norm() text of the field
    end: int  # exclusive
    seen: str  # the text as it appears (norm form)


def _boundary_ok(text: str, form: Form, start: int, end: int) -> bool:
    if form.left_edge and start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
        return False
    if form.right_edge and end < len(text) and text[end].isascii() and text[end].isalpha():
        return False
    return True


def _how(form: Form, seen: str) -> str | None:
    """Classify a canonical-key hit; ``None`` rejects it (too weak to be a candidate)."""
    if seen == form.text:
        return "exact"
    if form.kind in ("gi_place", "nickname"):
        return None  # places and nicknames only count when written exactly
    if form.latin:
        if seen == form.text[::-1]:
            return "reordered"  # OSNED for DENSO (variants.reversed_keys)
        return "lookalike" if len(form.text) >= 4 else None
    if len(seen) == len(form.text) and len(seen) in (2, 4):
        heard = canon(seen)  # 玉豫 sounds as 豫玉: a homophone, told below; 可耐 for 耐克 is turned and heard otherwise
        if heard != form.key and _turned(heard, form.key):
            return "reordered" if _turned(seen, form.text) else None  # 全三 for 三全, 黛佳玛丽 for 玛丽黛佳
    if len(form.text) <= 3 and not set(seen) & set(form.text):
        if _doubled(seen) and _doubled(form.text) and fuzzy_pinyin_of(seen) == fuzzy_pinyin_of(form.text):
            return "homophone"  # 周周 for the mascot 舟舟: kept only beside an event word (_doubled_cued)
        return None  # 连连 is not 莲莲: short marks need one character in common
    if fuzzy_pinyin_of(seen) == fuzzy_pinyin_of(form.text) or can_sound_alike(seen, form.text):
        return "homophone"  # by first readings, or by other readings of a polyphonic character (勒高)
    if _bent_twice(seen, form.text) and is_dictionary_word(seen):
        return None  # 进口 for 进宝 (口 sounds like 寇, drawn like 宝), 小时 for 小米: an everyday word, twice removed
    if _kept_misheard(seen, form.text):
        return None  # 盒顺 for 利顺: 盒 sounds like 禾, 利 less 刂
    return "shape"


def _doubled(text: str) -> bool:
    """Is ``text`` one Chinese character written twice (舟舟, 周周)?"""
    return len(text) == 2 and text[0] == text[1] and "\u4e00" <= text[0] <= "\u9fff"


def _doubled_cued(compiled: CompiledRegister, hits: list[Hit], texts: dict[str, str]) -> list[Hit]:
    """``hits`` less a doubled name heard in another doubled character (周周 for 舟舟: no character in common), unless
    the right is a special mark and the listing names an event or a mascot (周周 龙舟 吉祥物 毛绒: the mascot's name
    bent by sound). Why: a doubled pet name is anybody's (连连 is no 莲莲), and only the event's word says whose."""
    heard = [h for h in hits if h.how == "homophone" and _doubled(h.form.text) and not set(h.seen) & set(h.form.text)]
    if not heard:
        return hits
    cued = _event_cue().search(" ".join(texts.values())) is not None
    return [h for h in hits if h not in heard or (cued and compiled.rights[h.form.right].kind == "special_mark")]


def _turned(seen: str, mark: str) -> bool:
    """Is ``seen`` the two- or four-character ``mark`` with its halves swapped (variants.reordered_keys)? Asked of
    texts and of their canon keys alike."""
    half = len(mark) // 2
    return len(mark) in (2, 4) and len(seen) == len(mark) and seen == mark[half:] + mark[:half] and seen != mark


def _kept_misheard(seen: str, mark: str) -> bool:
    """Is some character of ``seen`` a homophone of what a mark's character is with a small part left out
    (variants.part_kept: 利 less 刂 is 禾, heard as 盒), and no other bend of it? canon lets such keys meet, but a
    seller who drops a part writes the rest as it is drawn."""
    kept = part_kept()
    if len(seen) != len(mark) or not any(kept.get(b) for b in mark):
        return False
    alike, drawn, hand = shape_alike(), drawn_as(), lexicon()["shape_alike"]
    for a, b in zip(seen, mark):
        rest = kept.get(b)
        if a == b or not rest or a == rest or canon(a) != canon(rest):
            continue
        if b in alike.get(a, "") or a in alike.get(b, "") or drawn.get(a) == b or hand.get(a) == b:
            continue
        if fuzzy_pinyin_of(a) != fuzzy_pinyin_of(b) and not can_sound_alike(a, b):
            return True
    return False


def _bent_twice(seen: str, mark: str) -> bool:
    """Does some character of ``seen`` differ from the mark's by two bends at once — a homophone of a
    look-alike (口 for 宝 through 寇), which canon lets meet — rather than by one (a homophone, a
    character drawn like it, a rare character drawn as it)?"""
    if len(seen) != len(mark):
        return False
    alike, drawn, hand = shape_alike(), drawn_as(), lexicon()["shape_alike"]
    for a, b in zip(seen, mark):
        if a == b or b in alike.get(a, "") or a in alike.get(b, "") or drawn.get(a) == b or hand.get(a) == b:
            continue
        if fuzzy_pinyin_of(a) != fuzzy_pinyin_of(b) and not can_sound_alike(a, b):
            return True
    return False


@mypyc_attr(native_class=False)  # pickled into the compiled register's cache (matchers/packed.py)
class ScanIndex:
    """Every automaton key of the register in ONE automaton, with each key's forms as the separate
    automata hold them: (length, forms in the open automaton, the class automata's lists of forms
    — each distinct list once, with the Nice classes whose automaton holds it —, forms in the
    automaton of every ordinary mark, every class whose automaton holds the key).

    Why: a listing was walked once by the open automaton and once per goods class it has (2.2 walks
    a listing on the lead-heavy mix at 10k rights), and a walk in the middle of the hot path runs on
    cold caches (≈17 µs a walk there, ≈8 µs in a loop of walks): one walk serves every key kind,
    and the listing's classes then pick the hits, as each class automaton would have found them.
    Built once per register (kept in the compiled cache by matchers/packed.py, or made when first
    needed for a register compiled in memory).

    Why numbered keys and flat arrays: the automaton stores each key's number (no Python object per
    key to unpickle: a run of one listing loads the index whole), and a key's forms are made into
    tuples the first time a listing meets the key (:meth:`entry`)."""

    def __init__(self, automaton: ahocorasick.Automaton | None, data: array, offsets: array, masks: array) -> None:
        self.automaton = automaton  # canon key → its number
        self.data = data  # key number k's forms, flat: data[offsets[k]:offsets[k + 1]] (:func:`_flat_entry`)
        self.offsets = offsets
        self.masks = masks  # key number → which automata hold it, as bits (:func:`_key_mask`)
        self.entries: dict[int, tuple] = {}  # key number → (length, open, class lists, bound, every class)
        self.judged: dict[str, tuple[tuple, tuple, tuple]] = {}  # spelling → judged forms, per automaton
        self.orders: dict[tuple[int, ...] | None, ScanOrder] = {}  # goods classes → how to pick hits
        self.walked: dict[str, list] = {}  # joined key text → the automaton's hits, walked ahead for a batch
        self._classes: dict[tuple[int, ...], frozenset[int]] = {}

    def __getstate__(self) -> tuple[ahocorasick.Automaton | None, array, array, array]:
        return self.automaton, self.data, self.offsets, self.masks  # the caches are per process

    def __setstate__(self, state: tuple[ahocorasick.Automaton | None, array, array, array]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def entry(self, number: int) -> tuple:
        """(length, open ids, ((classes, ids), …), bound ids, every class) of key ``number``."""
        found = self.entries.get(number)
        if found is None:
            found = self.entries[number] = self._decode(self.data[self.offsets[number]:self.offsets[number + 1]].tolist())
        return found

    def _decode(self, flat: list[int]) -> tuple:
        length, n = flat[0], flat[1]
        open_ids, at = tuple(flat[2:2 + n]), 2 + n
        n = flat[at]
        bound_ids, at = tuple(flat[at + 1:at + 1 + n]), at + 1 + n
        lists = []
        every: set[int] = set()
        for _ in range(flat[at]):
            n = flat[at + 1]
            classes = self._frozen(tuple(flat[at + 2:at + 2 + n]))
            at += 2 + n
            n = flat[at]
            lists.append((classes, tuple(flat[at + 1:at + 1 + n])))
            at += n
            every.update(classes)
        return length, open_ids, tuple(lists), bound_ids, self._frozen(tuple(sorted(every)))

    def _frozen(self, classes: tuple[int, ...]) -> frozenset[int]:
        found = self._classes.get(classes)
        if found is None:
            found = self._classes[classes] = frozenset(classes)
        return found


def _flat_entry(key: str, open_ids: tuple[int, ...], lists: dict[tuple[int, ...], list[int]],
                bound_ids: tuple[int, ...]) -> list[int]:
    """[length, n, open ids…, n, bound ids…, number of lists, then per list: n, classes…, n, ids…]."""
    flat = [len(key), len(open_ids), *open_ids, len(bound_ids), *bound_ids, len(lists)]
    for ids, owners in lists.items():
        flat += [len(owners), *sorted(owners), len(ids), *ids]
    return flat


OPEN_BIT = 1  # a key mask's bit for "the open automaton holds the key"; bit c for Nice class c
BOUND_BIT = 1 << 60  # the automaton of every ordinary mark holds the key


def _key_mask(open_ids: tuple[int, ...], lists: dict[tuple[int, ...], list[int]], bound_ids: tuple[int, ...]) -> int:
    """Which automata hold a key, as bits: :data:`OPEN_BIT`, each Nice class's own bit, :data:`BOUND_BIT`.

    Why: most automaton hits of a listing (13 of 15 on both bench mixes at 10k rights) are keys of
    ordinary marks of other goods only; one AND of the key's mask with the listing's
    (:attr:`ScanOrder.wanted`) drops them, where reading the key's entry to ask cost a cold dict
    lookup and a set comparison a hit."""
    mask = OPEN_BIT if open_ids else 0
    if bound_ids:
        mask |= BOUND_BIT
    for owners in lists.values():
        for cls in owners:
            if not 0 < cls < 60:
                raise ValueError(f"Nice class {cls} out of range for a key mask")
            mask |= 1 << cls
    return mask


def build_scan_index(compiled: CompiledRegister) -> ScanIndex:
    """The :class:`ScanIndex` of ``compiled``, from its automata (so it holds exactly what they do)."""
    open_ids: dict[str, tuple[int, ...]] = {}
    if compiled.open_index is not None:
        open_ids = {key: ids for key, (_, ids) in compiled.open_index.automaton.items()}
    bound_ids: dict[str, tuple[int, ...]] = {}
    if compiled.bound_index is not None:
        bound_ids = {key: ids for key, (_, ids) in compiled.bound_index.automaton.items()}
    by_class: dict[str, dict[tuple[int, ...], list[int]]] = {}
    for cls in sorted(compiled.class_index):
        for key, (_, ids) in compiled.class_index[cls].automaton.items():
            lists = by_class.get(key)
            if lists is None:
                by_class[key] = {ids: [cls]}
            elif ids in lists:
                lists[ids].append(cls)
            else:
                lists[ids] = [cls]
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    data, offsets, masks = array("i"), array("q", [0]), array("Q")
    for number, key in enumerate({**open_ids, **bound_ids, **by_class}):
        automaton.add_word(key, number)
        entry = open_ids.get(key, ()), by_class.get(key, {}), bound_ids.get(key, ())
        data.extend(_flat_entry(key, *entry))
        offsets.append(len(data))
        masks.append(_key_mask(*entry))
    if not len(automaton):
        return ScanIndex(None, data, offsets, masks)
    automaton.make_automaton()
    return ScanIndex(automaton, data, offsets, masks)


def scan_index(compiled: CompiledRegister) -> ScanIndex:
    """``compiled``'s :class:`ScanIndex`: the cached one (matchers/packed.py), else built now and kept."""
    found = getattr(compiled, "scan_index", None)
    if found is None:
        found = build_scan_index(compiled)
        compiled.scan_index = found  # type: ignore[attr-defined]
    return found


class ScanOrder(NamedTuple):
    """Which ordinary marks a listing's hits are kept for, from its goods classes."""

    classes: tuple[tuple[int, frozenset[int]], ...] | None  # each class with those before it; None: goods unknown
    scanned: frozenset[int]  # the classes of ``classes``
    wanted: int  # the key mask bits (:func:`_key_mask`) of the automata that hold hits for this listing


def _scan_order(compiled: CompiledRegister, goods_classes: Iterable[int] | None) -> ScanOrder:
    """The listing's goods classes that have an automaton, each with the classes before it, in the
    order :meth:`CompiledRegister.indexes` scans them; None: goods unknown, every ordinary mark is
    looked for. Cached per class list: listings share a few hundred of them."""
    scan = scan_index(compiled)
    key = None if goods_classes is None else tuple(goods_classes)
    found = scan.orders.get(key)
    if found is None:
        indexed = [] if key is None else list(dict.fromkeys(c for c in key if c in compiled.class_index))
        order = None if key is None else tuple((cls, frozenset(indexed[:rank])) for rank, cls in enumerate(indexed))
        wanted = OPEN_BIT | (BOUND_BIT if key is None else sum(1 << cls for cls in indexed))
        found = scan.orders[key] = ScanOrder(order, frozenset(indexed), wanted)
    return found


def _automaton_hits(compiled: CompiledRegister, scan: ScanIndex, text: str, key_text: str, scan_order: ScanOrder,
                    names: list[str], starts: list[int], by_field: dict[str, list[Hit]], heard: bool = False) -> None:
    """Every automaton hit in ``text`` (the fields ``names`` joined, each starting at ``starts``),
    appended as a :class:`Hit` to its field's list in ``by_field`` in the order the separate automata
    gave them: those of rights judged whatever the goods, then those of ordinary marks class by class
    in ``scan_order`` (a right only from the first of the listing's classes it is registered for),
    text order within each; goods unknown: those of the automaton of every ordinary mark.

    Why hits are made here, field and all: a large register yields a few chance hits on every
    listing, and an intermediate tuple per hit, then a search for its field, cost as much as the
    hit itself. Most listings have one scanned field, or hits only in the first.

    ``heard``: ``key_text`` is the text read by sound (:func:`_heard_hits`), whose keys differ from canon's,
    so its judgements are cached apart."""
    if scan.automaton is None:
        return
    rights = compiled.rights
    last = len(names) - 1
    first_name, first_hits = names[0], by_field[names[0]]
    judged_by_spelling = scan.judged
    later: list[tuple[int, int, Hit]] = []  # (class rank, field, hit) of ordinary marks
    order, _, wanted = scan_order
    walked = scan.walked.pop(key_text, None) if scan.walked else None  # listing_texts_many's walk ahead
    entries, masks = scan.entries, scan.masks
    # Keys that only ordinary marks of other goods have are dropped first, by their masks.
    for end_idx, number in [hit for hit in (walked if walked is not None else scan.automaton.iter(key_text))
                            if masks[hit[1]] & wanted]:
        value = entries.get(number) or scan.entry(number)
        start = end_idx - value[0] + 1
        end = end_idx + 1
        seen = text[start:end]
        # The automaton key is canon(seen), so seen alone decides the forms and how each is met:
        # judge once per distinct spelling (a large register yields chance hits on every listing).
        spelling = "\x01" + seen if heard else seen
        judged = judged_by_spelling.get(spelling)
        if judged is None:
            judged = _judge(compiled, scan, value, seen, spelling)
        opened, classed, bounded = judged
        if not (opened or (bounded if order is None else classed and order)):
            continue
        at = last
        while starts[at] > start:
            at -= 1
        offset = starts[at]
        for form, how in opened:
            if form.latin and not _boundary_ok(text, form, start, end):
                continue
            if at == 0:
                first_hits.append(Hit(form, first_name, how, start, end, seen))
            else:
                by_field[names[at]].append(Hit(form, names[at], how, start - offset, end - offset, seen))
        if order is None:
            for form, how in bounded:
                if not form.latin or _boundary_ok(text, form, start, end):
                    later.append((0, at, Hit(form, names[at], how, start - offset, end - offset, seen)))
            continue
        for rank, (cls, earlier) in enumerate(order):
            for classes, forms in classed:
                if cls in classes:
                    break
            else:
                continue  # the key is no mark of this class
            for form, how in forms:
                if form.latin and not _boundary_ok(text, form, start, end):
                    continue
                if earlier and not earlier.isdisjoint(rights[form.right].nice_classes):
                    continue  # found already through an earlier class of the listing
                later.append((rank, at, Hit(form, names[at], how, start - offset, end - offset, seen)))
    if later:
        if len(later) > 1:
            later.sort(key=_rank_of)  # stable: text order within a class
        for _, at, hit in later:
            by_field[names[at]].append(hit)


def _rank_of(entry: tuple[int, int, Hit]) -> int:
    return entry[0]


def _judge(compiled: CompiledRegister, scan: ScanIndex, value: tuple, seen: str,
           spelling: str) -> tuple[tuple, tuple, tuple]:
    """(form, how) for each form under the automaton key of ``seen`` that ``seen`` matches, per
    automaton that holds it (cached per spelling: ``how`` depends on the form and the spelling only)."""
    cache = scan.judged
    if len(cache) > 200_000:
        cache.clear()
    forms = compiled.forms
    _, open_ids, class_lists, bound_ids, _ = value
    hows: dict[int, str | None] = {}

    def judged(ids: tuple[int, ...]) -> tuple[tuple[Form, str], ...]:
        out = []
        for i in ids:
            how = hows[i] if i in hows else hows.setdefault(i, _how(forms[i], seen))
            if how is not None:
                out.append((forms[i], how))
        return tuple(out)

    classed = tuple((classes, found) for classes, ids in class_lists if (found := judged(ids)))
    result = (judged(open_ids), classed, judged(bound_ids))
    cache[spelling] = result
    return result


def _latin_near_misses(compiled: CompiledRegister, text: str, key_text: str, field: str,
                       hits: list[Hit]) -> None:
    """Latin words that are one edit from a Latin form or pinyin, or a mark split into pieces.
    ``key_text`` is ``canon(text)``: same length, so a word's canonical form is a slice of it."""
    # Numbers (250, 2026, 36-45) are no mark's misspelling, and every distinct run of them was a
    # near-miss lookup; the automaton still finds a mark written in digits.
    # A number still joins the word before it (SK-2, 3 M: a mark's digit split off) by dictionary lookup.
    # One pass: a number's word of letters can only be the run just before it (runs do not overlap).
    words: list[tuple[int, int, str]] = []
    last_end, last_digits = -2, True
    for found in _LATIN_WORD.finditer(text):
        start, end = found.span()
        digits = found.group().isdigit()
        if not digits or (start > 0 and last_end == start - 1 and not last_digits and text[start - 1] in " -."):
            words.append((start, end, key_text[start:end]))
        last_end, last_digits = end, digits
    if not words:
        return
    latin_keys, forms, near_cache = compiled.latin_keys, compiled.forms, compiled.near_cache
    n_words = len(words)
    for i, (start, end, word) in enumerate(words):
        if len(word) >= 4 and word not in latin_keys and not word.isdigit():
            near = near_cache.get(word)
            for form_id in near if near is not None else _near(compiled, word):
                hits.append(Hit(forms[form_id], field, "fuzzy", start, end, text[start:end]))
        if i + 1 == n_words:
            break
        joined = word  # "ni ke", "adi das": pieces of one mark separated by a space or dot
        last_end = end
        for j in range(i + 1, min(i + 4, n_words)):
            next_start, next_end, next_word = words[j]
            if next_start - last_end > 1:
                break
            last_end = next_end
            joined += next_word
            joined_forms = latin_keys.get(joined)
            if joined_forms is not None:
                for form_id in joined_forms:
                    form = forms[form_id]
                    if form.kind != "compact":  # "new balance" is the mark itself, not an evasion
                        hits.append(Hit(form, field, "joined", start, next_end, text[start:next_end]))
            elif len(joined) >= 5 and not joined.isdigit() \
                    and not text[next_start:next_end].isdigit():  # "louis vuitotn", "new balnce"
                near = near_cache.get(joined)
                for form_id in near if near is not None else _near(compiled, joined):
                    hits.append(Hit(forms[form_id], field, "fuzzy", start, next_end, text[start:next_end]))


def _near(compiled: CompiledRegister, word: str) -> list[int] | tuple[int, ...]:
    """Latin forms within edit distance 1 (2 for long forms) of ``word``: one-deletion lookups,
    verified with rapidfuzz's optimal-string-alignment distance (a swap of two letters is one edit).
    Results are cached per word: product words ("supersonic", "airwrap") recur across listings."""
    cached = compiled.near_cache.get(word)
    if cached is not None:
        return cached
    if len(compiled.near_cache) > 200_000:
        compiled.near_cache.clear()
    result = compiled.near_cache[word] = tuple(_near_uncached(compiled, word))
    return result


def _near_uncached(compiled: CompiledRegister, word: str) -> list[int]:
    deletions, latin_keys = compiled.deletions, compiled.latin_keys
    found: set[int] = set(deletions.get(word, ()))
    for gone in _deletes(word):
        found.update(latin_keys.get(gone, ()))
        found.update(deletions.get(gone, ()))
    out = []
    forms, bound = compiled.forms, compiled.bound
    for form_id in sorted(found):
        key = forms[form_id].key
        if len(key) < 5 and not _short_near(word, key, swaps=not bound[forms[form_id].right]):
            continue
        limit = 1 if len(key) < 8 else 2
        if OSA.distance(word, key, score_cutoff=limit) <= limit:
            out.append(form_id)
    return out


def _short_near(word: str, key: str, swaps: bool = False) -> bool:
    """Short marks are common letter strings: accept only a doubled or dropped letter inside them
    (DJII, DJJI, Soony, DYSO), never a different first letter ("santa" is not ANTA). ``swaps``: also
    two letters swapped after the first (NIEK, SOYN, LEOG) — for marks known whatever the goods,
    whose swapped spellings are evasions; for ordinary four-letter marks they are mostly other words
    (FORM for FROM)."""
    if word[0] != key[0]:
        return False
    if swaps and len(word) == len(key) >= 4:
        return any(word == key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(1, len(key) - 1))
    if abs(len(word) - len(key)) != 1:
        return False
    longer, shorter = (word, key) if len(word) > len(key) else (key, word)
    return len(shorter) >= 3 and any(longer[:i] + longer[i + 1:] == shorter for i in range(1, len(longer)))


def field_texts(listing: dict) -> dict[str, str]:
    """The normalised texts of the fields that are scanned."""
    return listing_texts(listing).norm


class ListingTexts(NamedTuple):
    """The scanned fields of one listing (only non-empty text fields), at each level of normalisation."""

    norm: dict[str, str]  # what is scanned (field_texts)
    canon: dict[str, str]  # the automata's keys
    light: dict[str, str]  # for wording that needs punctuation ("1:1") and for origin phrases


def listing_texts(listing: dict) -> ListingTexts:
    """:class:`ListingTexts` of one listing."""
    return listing_texts_many([listing])[0]


def listing_texts_many(listings: list[dict], compiled: CompiledRegister | None = None) -> list[ListingTexts]:
    """:func:`listing_texts` of every listing, normalised for the whole batch at once
    (:func:`matchers.normalise.norm_many`: a third of the per-listing cost otherwise), and the goods
    words of every title found in one loop (:func:`matchers.goods.find_goods_words_of`).

    ``compiled``: the register the batch is then matched against; its automaton is walked over every
    listing now, in one loop (:func:`_walk_ahead`)."""
    where: list[tuple[int, str]] = []
    raw: list[str] = []
    for i, listing in enumerate(listings):
        for name in SCANNED_FIELDS:
            value = listing.get(name)
            if isinstance(value, str) and value:
                where.append((i, name))
                raw.append(value[:MAX_SCAN])
    normed, lights = norm_and_light_many(raw)
    find_goods_words_of([text for (_, name), text in zip(where, normed) if name == "title"])  # classify's, in a loop
    out = [ListingTexts({}, {}, {}) for _ in listings]
    for (i, name), text, key, lit in zip(where, normed, canon_many(normed), lights):
        normed_of, canon_of, light_of = out[i]  # one unpacking, not three attribute reads a field
        normed_of[name] = text
        canon_of[name] = key
        light_of[name] = lit
        if name in HOLE_FIELDS and has_mask(lit):
            _remember_masked(normed_of, name, lit)
    if compiled is not None:
        _walk_ahead(compiled, out)
    return out


def _walk_ahead(compiled: CompiledRegister, batch: list[ListingTexts]) -> None:
    """Walk the scan automaton over each listing's fields (joined as :func:`_scan_fields` joins
    them) one listing after the other, keeping the hits for :func:`_automaton_hits`. Why: walked
    listing by listing between the other work of the hot path, the automaton runs on cold caches
    (≈17 µs a walk at 10k rights, ≈8 µs in a loop of walks). A listing whose texts change before
    the scan (a rebus reading) is walked then, as without this."""
    scan = scan_index(compiled)
    if scan.automaton is None:
        return
    walk = scan.automaton.iter
    walked = scan.walked
    walked.clear()
    for texts in batch:
        keys = [texts.canon[name] for name, text in texts.norm.items() if text]
        if keys:
            joined = keys[0] if len(keys) == 1 else "\x00".join(keys)
            walked[joined] = list(walk(joined))


def find_candidates(compiled: CompiledRegister, texts: dict[str, str],
                    goods_classes: Iterable[int] | None = None,
                    keys: dict[str, str] | None = None) -> dict[int, list[Hit]]:
    """Right index → its hits, for every right with at least one hit in ``texts``.

    ``goods_classes``: the listing's goods classes; ordinary trademarks of other classes are not
    looked for (None: goods unknown, every right is). Near misses of Latin words are looked up among all
    rights whatever the classes (they are few); the matcher's class check decides those.
    ``keys``: the ``canon`` form of each text when already computed.
    """
    hits = _scan_fields(compiled, texts, keys or {name: canon(text) for name, text in texts.items()},
                        _scan_order(compiled, goods_classes), goods_classes)
    if hits and compiled.cued_pinyin:
        hits = _cued_only(compiled, hits, texts)
    if hits:
        hits = _doubled_cued(compiled, hits, texts)
    if not hits:
        return {}
    by_right: dict[int, list[Hit]] = {}
    houses = False
    for hit in hits:
        by_right.setdefault(hit.form.right, []).append(hit)
        houses = houses or hit.form.kind == "nickname"
    if houses and compiled.house_givers:
        by_right = _ambiguous_houses(compiled, by_right, texts, goods_classes)
    out: dict[int, list[Hit]] = {}
    gi_products = compiled.gi_products
    for right, right_hits in by_right.items():
        kept = _resolve_gi_place(compiled, right, right_hits, texts) if right in gi_products else right_hits
        if kept:
            if len(kept) > 1:
                kept.sort(key=_hit_order)
            out[right] = kept
    return out


def _not_across_repeats(hits: list[Hit]) -> list[Hit]:
    """``hits`` less a turned spelling that overlaps its mark written as it is (鼎旭鼎旭 holds 旭鼎 across the seam)."""
    exact = [h for h in hits if h.how == "exact"]
    return [h for h in hits if h.how != "reordered" or not any(
        e.form.right == h.form.right and e.field == h.field and e.start < h.end and h.start < e.end for e in exact)]


def _cued_only(compiled: CompiledRegister, hits: list[Hit], texts: dict[str, str]) -> list[Hit]:
    """``hits`` less those of a special mark's short pinyin (afu of the mascot 阿福: compiled.cued_pinyin) in a
    listing that names no event or mascot (lexicon ``mascot_event``: mascot, expo, games, 吉祥物 …). Why: three
    letters are a name, a word of another language or a shop's code as often as the mascot; beside its event's
    word ("Western China Expo mascot Afu plush") they are the mascot an English listing spells."""
    cued = compiled.cued_pinyin
    if not any(h.form.kind == "pinyin" and h.form.text in cued for h in hits):
        return hits
    if _event_cue().search(" ".join(texts.values())) is not None:
        return hits
    return [h for h in hits if not (h.form.kind == "pinyin" and h.form.text in cued)]


@lru_cache(maxsize=1)
def _event_cue() -> re.Pattern[str]:
    """The lexicon's words of an event or its mascots (mascot_event), Latin ones as whole words."""
    from matchers.normalise import norm

    words = sorted({norm(str(w)).strip() for w in lexicon().get("mascot_event", ())} - {""}, key=len, reverse=True)
    latin = [re.escape(w) for w in words if w.isascii()]
    other = [re.escape(w) for w in words if not w.isascii()]
    parts = ([rf"(?<![0-9a-z])(?:{'|'.join(latin)})(?![0-9a-z])"] if latin else []) + other
    return re.compile("|".join(parts) if parts else r"(?!)")


def _ambiguous_houses(compiled: CompiledRegister, by_right: dict[int, list[Hit]], texts: dict[str, str],
                      goods_classes: Iterable[int] | None) -> dict[int, list[Hit]]:
    """Rights found only by a Latin "X家" (B家) that several trademarks of the register could be named by on the
    listing's goods, where the listing does not pick that one (a product line of its house or its holder named,
    :func:`_house_picked`): dropped when another mark of that initial is named in it (then B家 is that mark), or
    when it names a model of a house the matcher does not know (:func:`_unknown_model`). Why: "B家" among three
    B houses of clothing is a guess, and a guess by fame or price scored as the mark is a false alarm when the
    listing itself points elsewhere; the matcher's own choice between the rest follows (matchers/matcher.py)."""
    goods = ALL_CLASSES if goods_classes is None else class_bits(goods_classes)
    drop: list[int] = []
    for right, hits in by_right.items():
        nick = hits[0].form.text
        if not all(h.form.kind == "nickname" and h.form.text == nick for h in hits):
            continue
        givers = compiled.house_givers.get(nick)
        if not givers:
            continue
        fitting = [g for g, bits in givers if bits & goods]
        if len(fitting) < 2:
            continue
        if _house_picked(compiled, right, texts):
            continue
        named = any(g in by_right and any(h.form.kind != "nickname" for h in by_right[g]) for g in fitting if g != right)
        if named or _unknown_model(texts.get("title", "")):
            drop.append(right)
    return {r: hits for r, hits in by_right.items() if r not in drop} if drop else by_right


def _unknown_model(title: str) -> bool:
    """Does the title name a model no house of brand_names.yaml has as a line (B家 … Trialmaster 款): a Latin
    word of four letters or more written as a model (before 款, 系列, 型号 or "model") that is no line of a known
    house? Then the listing tells its house, only not one the matcher knows, and a guess by fame or price
    between the houses of the initial is no reading of it. (Why the model word and not "no English word": an
    English word list costs every match worker ≈0.15 s and tens of MB, for a rare case.)"""
    return any(found.group(1) not in _all_lines() for found in _MODEL.finditer(title))


_MODEL = re.compile(r"(?<![0-9a-z])([a-z]{4,}) ?(?:款|系列|型号|model\b)")


@lru_cache(maxsize=1)
def _all_lines() -> frozenset[str]:
    """Every Latin word of every famous house's product lines (brand_names.yaml)."""
    from matchers.lexicon import brand_table

    return frozenset(w for brand in brand_table().values() for line in brand.lines for w in line.split())


def _house_picked(compiled: CompiledRegister, right: int, texts: dict[str, str]) -> bool:
    """Does the listing name a product line of the right's house (brand_names.yaml) or its holder (the first
    word of a Latin holder's name, or a Chinese holder's name up to its company words)?"""
    from matchers.compiled import house_line_in

    text = " ".join(texts.values())
    if house_line_in(compiled, right, text):
        return True
    holder = norm_holder(compiled.rights[right].holder)
    if not holder:
        return False
    if holder.isascii():
        return re.search(rf"(?<![0-9a-z]){re.escape(holder)}(?![0-9a-z])", text) is not None
    return holder in text


_COMPANY = re.compile(r"(?:股份)?(?:有限)?(?:责任)?(?:公司|集团)$")


def norm_holder(holder: str) -> str:
    """The part of a holder's name a listing would write: a Latin name's first word of four letters or more
    (Burberry of Burberry Limited), a Chinese one without its company words (有限公司, 集团), or ""."""
    from matchers.normalise import norm

    text = norm(holder).strip()
    if not text:
        return ""
    if text.isascii():
        first = text.split()[0]
        return first if len(first) >= 4 and first.isalpha() else ""
    text = _COMPANY.sub("", text)
    return text if len(text) >= 2 else ""


def _scan_fields(compiled: CompiledRegister, texts: dict[str, str], keys: dict[str, str],
                 order: ScanOrder, goods_classes: Iterable[int] | None = None) -> list[Hit]:
    """Every hit in the fields of one listing, field by field (automaton hits, then near misses).

    The fields are scanned as one text (joined by NUL, which no form contains and which bounds a
    Latin word like the end of a text), so the automaton is walked once per listing, not once per
    field; the hits are then handed back to their fields.
    """
    names = [name for name, text in texts.items() if text]
    starts, offset = [], 0
    for name in names:
        starts.append(offset)
        offset += len(texts[name]) + 1
    by_field: dict[str, list[Hit]] = {name: [] for name in names}
    if names:
        if len(names) == 1:
            joined, joined_keys = texts[names[0]], keys[names[0]]
        else:
            joined = "\x00".join([texts[name] for name in names])
            joined_keys = "\x00".join([keys[name] for name in names])
        _automaton_hits(compiled, scan_index(compiled), joined, joined_keys, order, names, starts, by_field)
        heard = heard_key(joined, joined_keys)
        if heard is not None:  # 大彊: a rare variant form read by its sound as well (normalise.heard_key)
            _heard_hits(compiled, joined, heard, order, names, starts, by_field)
    if compiled.holes is not None:
        _hole_hits(compiled, texts, order, by_field)
        if _MASKED_LIGHT:
            _masked_hits(compiled, texts, goods_classes, by_field)
        if goods_classes is not None and (compiled.holes.initials or compiled.holes.family):
            _shorthand_hits(compiled, texts, goods_classes, by_field)
    if goods_classes is not None and "title" in by_field and has_code_word(texts["title"]):
        _live_code_hits(compiled, texts["title"], goods_classes, by_field["title"])
    hits: list[Hit] = []
    for name in names:
        if name in SIDE_FIELDS:
            hits.extend(h for h in by_field[name] if _side_hit(compiled, h))
            continue
        hits.extend(by_field[name])
        if _ANY_LATIN.search(texts[name]):
            _latin_near_misses(compiled, texts[name], keys[name], name, hits)
            if _OTHER_SCRIPT.search(texts[name]):
                _mixed_script_hits(compiled, texts[name], name, hits)
    if any(h.how == "reordered" for h in hits):
        hits = _not_across_repeats(hits)
    return hits


def _side_hit(compiled: CompiledRegister, hit: Hit) -> bool:
    """Does a hit in a :data:`SIDE_FIELDS` field count: a trademark's name or variant written exactly?"""
    return (hit.how == "exact" and hit.form.kind in ("name", "variant")
            and compiled.rights[hit.form.right].kind == "trademark")


def _hole_hits(compiled: CompiledRegister, texts: dict[str, str], order: ScanOrder,
               by_field: dict[str, list[Hit]]) -> None:
    """``shape`` hits of CJK marks written in the title or brand with ONE character swapped for one drawn like it
    by the broad measure (matchers/shape_holes.py: 九收王 for 九牧王), where the automaton met no hit of the right
    there. An ordinary mark counts on goods of its classes only, and a two-character one only when the listing's
    goods are known (as its pre-generated shape keys)."""
    names = [name for name in HOLE_FIELDS if texts.get(name) and name in by_field]
    if not names:
        return
    joined = len(names) == 2
    text = _hole_text(texts)
    found = hole_hits(compiled.holes, text)
    if not found:
        return
    cut = len(texts["title"]) + 1 if joined else len(text) + 1
    for form_id, start, end in found:
        name = names[0] if start < cut else names[1]
        if start >= cut:
            start, end = start - cut, end - cut
        form = compiled.forms[form_id]
        right = form.right
        if compiled.bound[right]:
            if order.classes is None:
                if end - start < 3:
                    continue
            elif order.scanned.isdisjoint(compiled.rights[right].nice_classes):
                continue
        field_hits = by_field[name]
        if any(h.form.right == right and h.start < end and start < h.end for h in field_hits):
            continue  # the automaton met the right there already (exactly, or by a key)
        seen = texts[name][start:end]
        if _everyday_word(seen):
            continue  # an everyday word: 新鲜 is no bend of a mark 新舒
        field_hits.append(Hit(form, name, "shape", start, end, seen))


# a listing's norm texts (the dict listing_texts_many made, as find_candidates is handed it) → the light text of
# each title or brand of it that holds a mask character (shape_holes.has_mask): norm drops the mask, and
# find_candidates is handed norm texts only. Keyed by the dict itself (its id, the dict kept beside it so the id
# is not reused while kept): another listing with the same norm text and no mask (汇果汁 beside 汇* 果汁) is not
# read as masked. Bounded, as a long run meets few masks.
_MASKED_LIGHT: dict[int, tuple[dict[str, str], dict[str, str]]] = {}
MAX_MASKED_KEPT = 4096


def _remember_masked(norm_texts: dict[str, str], field: str, light: str) -> None:
    if len(_MASKED_LIGHT) >= MAX_MASKED_KEPT:
        _MASKED_LIGHT.clear()
    _MASKED_LIGHT.setdefault(id(norm_texts), (norm_texts, {}))[1][field] = light


def _masked_hits(compiled: CompiledRegister, texts: dict[str, str], goods_classes: Iterable[int] | None,
                 by_field: dict[str, list[Hit]]) -> None:
    """``shape`` hits of CJK marks written in the title or brand with ONE character replaced by a mask character
    (shape_holes.masked_hits: 汇* for 汇源, 迈○ for 迈瑞, 美x宝 for 美肤宝), seen as written with the mask ("汇*").
    A two-character mark, and an ordinary mark of any length, only on goods of its classes (one kept character
    names many marks; goods unknown: none); nothing where the automaton met a mark over that span already (汇*源
    is 汇源 written with a wedged symbol)."""
    kept = _MASKED_LIGHT.get(id(texts))
    if kept is None or kept[0] is not texts:
        return
    goods = None if goods_classes is None else frozenset(goods_classes)
    for name in HOLE_FIELDS:
        normed, light = texts.get(name), kept[1].get(name)
        if not normed or light is None or name not in by_field:
            continue
        field_hits = by_field[name]
        for form_id, start, end in masked_hits(compiled.holes, light):
            form = compiled.forms[form_id]
            right = form.right
            if (end - start < 3 or compiled.bound[right]) and (
                    goods is None or goods.isdisjoint(compiled.rights[right].nice_classes)):
                continue
            seen = light[start:end]
            span = _norm_span(normed, seen)
            if span is None:
                continue
            at, until = span
            if any(h.start < until and at < h.end for h in field_hits):
                continue  # a mark met there already
            field_hits.append(Hit(form, name, "shape", at, until, seen))


def _live_code_hits(compiled: CompiledRegister, title: str, goods_classes: Iterable[int], field_hits: list[Hit]) -> None:
    """A trademark's part right after a live room's code word in the title (暗号 一叶 for 一叶子, 3号链接 黛佳 for
    玛丽黛佳: matchers/live_codes.py), on goods of the mark's classes, as a ``nickname`` of the mark; not where the
    automaton met the right there already."""
    goods = frozenset(goods_classes)
    table = parts_table(compiled)
    for start, end, form_ids in parts_after_codes(title, table):
        seen = title[start:end]
        for form_id in form_ids:
            right = compiled.forms[form_id].right
            if goods.isdisjoint(compiled.rights[right].nice_classes):
                continue
            if any(h.form.right == right and h.start < end and start < h.end for h in field_hits):
                continue
            mark = compiled.forms[form_id].text  # the whole mark as the form: the title does not write it, so the
            form = Form(right, mark, canon(mark), "nickname", False, False, False)  # hit tells a dodge (obfuscated)
            field_hits.append(Hit(form, "title", "exact", start, end, seen))


def _shorthand_hits(compiled: CompiledRegister, texts: dict[str, str], goods_classes: Iterable[int],
                    by_field: dict[str, list[Hit]]) -> None:
    """Hits of a long Chinese mark's short names in the title or brand (matchers/mark_shorthand.py): its pinyin
    initials as a word of their own (HSXX for a mark 红色小象: a ``pinyin`` form), a word of it + 家 (小象家: a
    ``nickname``), on goods of the mark's classes only. A three-character mark's initials only beside one of its
    characters (three letters are many things). Not an everyday word (农家, 国家) nor a 家 that begins a word with
    what follows (中国家具 is no 中国家), nor where the automaton met the right there already."""
    holes = compiled.holes
    goods = frozenset(goods_classes)
    for name in HOLE_FIELDS:
        text = texts.get(name)
        if not text or name not in by_field:
            continue
        field_hits = by_field[name]
        for form_id, start, end, kind in shorthand_hits(holes.initials, holes.family, text):
            mark = compiled.forms[form_id]
            right = mark.right
            if goods.isdisjoint(compiled.rights[right].nice_classes):
                continue
            if any(h.form.right == right and h.start < end and start < h.end for h in field_hits):
                continue
            seen = text[start:end]
            if kind == "initials":
                if len(mark.text) < MIN_FAMILY_MARK and not any(ch in text for ch in mark.text):
                    continue
                form = Form(right, seen, seen, "pinyin", True, True, True)
            else:
                if _everyday_word(seen) or family_word_begins(text, end - 1):
                    continue
                form = Form(right, seen, canon(seen), "nickname", False, False, False)
            field_hits.append(Hit(form, name, "exact", start, end, seen))


def _norm_span(normed: str, seen: str) -> tuple[int, int] | None:
    """Where the characters of ``seen`` (a masked spelling of light text) other than the mask are in the norm
    text, whose mask norm may have dropped (汇* → 汇) or kept (美x宝): the first such run, or None."""
    kept = "".join(ch for ch in seen if ch not in MASK_CHARS and ch != "x")
    whole = normed.find(seen)
    if whole >= 0:
        return whole, whole + len(seen)
    at = normed.find(kept[:1]) if kept else -1
    while at >= 0:
        until = at + 1
        rest = kept[1:]
        while rest and until < len(normed):
            if normed[until] == rest[0]:
                rest = rest[1:]
            elif normed[until] not in MASK_CHARS and normed[until] != "x":
                break
            until += 1
        if not rest:
            return at, until
        at = normed.find(kept[:1], at + 1)
    return None


def _hole_text(texts: dict[str, str]) -> str:
    """The text the one-hole check reads: the title and the brand joined by NUL (one scan), or the one there is."""
    title, brand = texts.get("title", ""), texts.get("brand", "")
    return title + "\x00" + brand if title and brand else title or brand


@lru_cache(maxsize=65536)
def _everyday_word(seen: str) -> bool:
    """:func:`is_dictionary_word`, once per spelling: a one-hole bend of a two-character mark is met often, and a
    process that has not loaded jieba's word set scans the dictionary file for each new word."""
    return is_dictionary_word(seen)


_OTHER_SCRIPT = re.compile("[\u0370-\u045f]")  # Greek and Cyrillic letters
_MIXED_WORD = re.compile("[0-9a-z\u0370-\u045f]+")
MAX_LETTER_READINGS = 16  # spellings tried for one word that mixes scripts


def _mixed_script_hits(compiled: CompiledRegister, text: str, field: str, hits: list[Hit]) -> None:
    """Latin marks of four letters or more spelled with a Greek or Cyrillic letter that Unicode's confusables data
    does not read (ΓRAFF for GRAFF: Γ is the Greek G; ΛRVEN: Λ drawn as A), each such letter read as the Latin it
    may stand for (``letter_stand_ins.tsv``, :func:`matchers.variants.letter_stand_ins`). Only inside a word that
    mixes them with ASCII letters (a Greek or Russian word is left alone), and only as an exact spelling of a
    register's Latin form: a look-alike, as for NIKF."""
    from itertools import product

    from matchers.variants import letter_stand_ins

    stand_ins = letter_stand_ins()
    latin_keys, forms = compiled.latin_keys, compiled.forms
    for found in _MIXED_WORD.finditer(text):
        word = found.group()
        if word.isascii() or not _ANY_LATIN.search(word):
            continue
        options = [stand_ins.get(ch.lower(), ()) if not ch.isascii() else (ch,) for ch in word]
        if not all(options):
            continue  # a letter that stands for nothing Latin
        for spelled in islice(product(*options), MAX_LETTER_READINGS):
            for form_id in latin_keys.get(canon("".join(spelled)), ()):
                form = forms[form_id]
                if len(form.text) >= 4 and not any(h.form is form and h.start == found.start() for h in hits):
                    hits.append(Hit(form, field, "lookalike", found.start(), found.end(), word))


def _heard_hits(compiled: CompiledRegister, text: str, heard: str, order: ScanOrder, names: list[str],
                starts: list[int], by_field: dict[str, list[Hit]]) -> None:
    """The automaton hits of ``text`` read by sound (``heard``) that its canon reading did not give, added
    to their fields' lists."""
    extra: dict[str, list[Hit]] = {name: [] for name in names}
    _automaton_hits(compiled, scan_index(compiled), text, heard, order, names, starts, extra, heard=True)
    for name, hits in extra.items():
        have = {(id(h.form), h.start) for h in by_field[name]}
        by_field[name].extend(h for h in hits if (id(h.form), h.start) not in have)


_FIELD_RANK = {name: rank for rank, name in enumerate(SCANNED_FIELDS)}


def _hit_order(h: Hit) -> tuple[int, bool, int, int]:
    """Best evidence first: title before brand before description, exact first, then form authority."""
    return (_FIELD_RANK[h.field], h.how != "exact", _KIND_RANK[h.form.kind], h.start)


def _resolve_gi_place(compiled: CompiledRegister, right: int, hits: list[Hit],
                      texts: dict[str, str]) -> list[Hit]:
    """A GI's place alone is no candidate; place + product nearby (阳澄湖镇大闸蟹) is a split GI name."""
    if right not in compiled.gi_products:  # only GIs have place forms
        return hits
    full = [h for h in hits if h.form.kind != "gi_place"]
    places = [h for h in hits if h.form.kind == "gi_place"]
    if not places or full:
        name = compiled.rights[right].name
        for hit in full:
            if hit.form.kind == "compact" and TOWN_WORD in hit.form.text and TOWN_WORD not in name:
                hit.how = "split"  # 马坝镇油粘米: the name cut by a town's 镇 (compiled._town_spellings)
        return full
    _, products = compiled.gi_products[right]
    classes = compiled.rights[right].nice_classes
    kept = []
    for hit in places:
        text = texts[hit.field]
        for product in products:
            pos = text.find(product, hit.end, hit.end + MAX_DODGE_GAP + len(product))
            if pos >= 0 and (pos - hit.end <= MAX_GI_GAP or _dodge_gap(text[hit.end:pos])):
                hit.how, hit.end = "split", pos + len(product)
                hit.seen = text[hit.start:hit.end]
                kept.append(hit)
                break
        else:
            # 连四纸 铅山工艺, 庙党 巫山品种: the product first, then the place with a dodge word after it.
            before = _product_before(text, hit, products)
            if before is not None:
                start, dodge = before
                hit.how, hit.start, hit.end = "split", start, hit.end + len(dodge)
                hit.seen = text[hit.start:hit.end]
                kept.append(hit)
                continue
            # 安溪发 乌龙茶: the place, a wedge saying "from there", then goods of the GI's class.
            wedge = next((w for w in _GI_WEDGES if text.startswith(w, hit.end)), "")
            if wedge:
                votes, _ = classify(text[hit.end + len(wedge):hit.end + len(wedge) + 8], "")
                if classes and any(c in classes for c in votes):
                    hit.how, hit.end = "split", hit.end + len(wedge)
                    hit.seen = text[hit.start:hit.end]
                    kept.append(hit)
    return kept


def _product_before(text: str, place: Hit, products: tuple[str, ...]) -> tuple[int, str] | None:
    """(where a GI's product starts that is written right before its place, at most :data:`MAX_GI_GAP` between,
    the dodge word right after the place: 连四纸 铅山工艺 → 工艺, lexicon ``gi_dodge``); None without either."""
    dodge = _dodge_after(text, place.end)
    if not dodge:
        return None
    for product in products:
        pos = text.rfind(product, max(0, place.start - len(product) - MAX_GI_GAP), place.start)
        if pos >= 0 and pos + len(product) <= place.start and not text[pos + len(product):place.start].strip():
            return pos, dodge
    return None


def _dodge_after(text: str, at: int) -> str:
    """The dodge word (品种, 工艺, 产区 …, lexicon ``gi_dodge``) that starts right at ``at``, or ""."""
    from matchers import wording

    found = [cue for start, _, cue in wording.find("gi_dodge", text[at:at + 6]) if start == 0]
    return max(found, key=len) if found else ""


def _dodge_gap(gap: str) -> bool:
    """Is ``gap`` (between a GI's place and its product) a dodge: Chinese characters holding one of
    the words that bend a GI name (品种, 风味, 口味, 产区 …, lexicon ``gi_dodge``) or a wedge (发, 镇)?"""
    if not all("\u4e00" <= ch <= "\u9fff" for ch in gap):
        return False
    from matchers import wording

    return bool(wording.find("gi_dodge", gap)) or any(w in gap for w in _GI_WEDGES)

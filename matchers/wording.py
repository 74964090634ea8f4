"""Wording cues found by automaton: counterfeit words, referential words, accessories, mark use.

Why one module: each cue list is a lexicon entry compiled once into an Aho–Corasick automaton, and
every signal asks the same two questions of it — does the text contain a cue, and is one close to
a given position.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from matchers.lexicon import lexicon
from matchers.normalise import light, norm


@lru_cache(maxsize=None)
def _automaton(entry: str, light_only: bool) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    prepare = light if light_only else norm
    for word in lexicon()[entry]:
        key = prepare(str(word)).strip()
        if key:
            automaton.add_word(key, key)
    automaton.make_automaton()
    return automaton


def _latin_bounded(text: str, start: int, end: int, word: str) -> bool:
    """A Latin cue ("for", "aaa") must stand as its own word, and a cue with digits at an end as its own
    number ("1:1" is not in a model's scale 1:100 or 1:12, nor in 11:1)."""
    if word[0].isascii() and word[0].isalpha() and start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        return False
    if word[-1].isascii() and word[-1].isalpha() and end < len(text) and text[end].isascii() and text[end].isalpha():
        return False
    if word[-1].isdigit() and end < len(text) and text[end].isdigit():
        return False
    if word[0].isdigit() and start > 0 and text[start - 1].isdigit():
        return False
    return True


SHORT = 12  # windows around a mark (mark use, names, referential cues) are this short at most


def find(entry: str, text: str, light_only: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, cue) of every cue of lexicon ``entry`` in ``text`` (already light/norm-ed).

    Short texts (the few characters beside a mark that the signals look at) recur across listings
    and are answered from a cache; a call on the automaton costs about a microsecond however short
    the text, and a pair asks half a dozen of them."""
    if len(text) <= SHORT:
        return list(_find_short(entry, text, light_only)) if text else []
    return _find(entry, text, light_only)


@lru_cache(maxsize=65536)
def _find_short(entry: str, text: str, light_only: bool) -> tuple[tuple[int, int, str], ...]:
    return tuple(_find(entry, text, light_only))


def _find(entry: str, text: str, light_only: bool) -> list[tuple[int, int, str]]:
    out = []
    for end_idx, word in _automaton(entry, light_only).iter(text):
        start, end = end_idx - len(word) + 1, end_idx + 1
        if _latin_bounded(text, start, end, word):
            out.append((start, end, word))
    return out


@lru_cache(maxsize=None)
def _merged_automaton(entries: tuple[str, ...], light_only: bool) -> ahocorasick.Automaton:
    """One automaton of the cues of several lexicon entries, each key with the bits of its entries."""
    prepare = light if light_only else norm
    bits: dict[str, int] = {}
    for bit, entry in enumerate(entries):
        for word in lexicon()[entry]:
            key = prepare(str(word)).strip()
            if key:
                bits[key] = bits.get(key, 0) | 1 << bit
    automaton = ahocorasick.Automaton()
    for key, mask in bits.items():
        automaton.add_word(key, (key, mask))
    automaton.make_automaton()
    return automaton


def find_each(entries: tuple[str, ...], text: str, light_only: bool = False) -> list[list[tuple[int, int, str]]]:
    """``[find(entry, text, light_only) for entry in entries]`` from one walk of ``text``.

    Why: a listing's long texts were walked once per entry asked of them (its light text for
    counterfeit, resale and innocent wording). The walk reports every cue ending at a place,
    longest first, so each entry's cues come in the order its own automaton gives them."""
    out: list[list[tuple[int, int, str]]] = [[] for _ in entries]
    if not text:
        return out
    for end_idx, (word, mask) in _merged_automaton(entries, light_only).iter(text):
        start, end = end_idx - len(word) + 1, end_idx + 1
        if _latin_bounded(text, start, end, word):
            for bit, found in enumerate(out):
                if mask >> bit & 1:
                    found.append((start, end, word))
    return out


_LIGHT_CUES = ("counterfeit", "innocent_wording", "resale", "genuine_import",  # asked of a listing's light text
               "mark_labels", "mark_labels_bulk", "bulk_order")


def counterfeit_and_resale(light_text: str) -> tuple[list[str], list[str]]:
    """(:func:`counterfeit_words`, the resale words sorted) of a ``light`` text, from one walk."""
    counterfeit, resale, _ = listing_wording(light_text)
    return counterfeit, resale


def listing_wording(light_text: str) -> tuple[list[str], list[str], list[str]]:
    """(:func:`counterfeit_words`, the resale words sorted, the genuine-import words in the order written:
    lexicon ``genuine_import``) of a ``light`` text, from one walk: every listing with a candidate asks all three."""
    counterfeit, innocent, resale, genuine, labels, bulk_labels, bulk = find_each(_LIGHT_CUES, light_text,
                                                                                 light_only=True)
    words = _counterfeit_words(counterfeit, innocent, light_text)
    if labels or bulk_labels and (bulk or _by_the_hundred(light_text)):
        words = sorted(set(words) | _labels_sold(labels, bulk_labels, bulk or [(0, 0, "")]))
    if resale and many_units(light_text):
        resale = []  # 闲置 … 还有30包 便宜出: stock sold as a private item, no private resale
    return words, sorted({w for _, _, w in resale}), list(dict.fromkeys(w for _, _, w in genuine))


MIN_STOCK = 5  # units of one article that are stock, not a private item
_UNITS = "个只支包盒件台瓶袋套双箱桶罐把条顶"
_MANY_UNITS = re.compile(rf"(?:有|还有|共|剩|剩下|一共|总共|库存) ?([0-9]{{1,5}}|几十|上百|几百|十几) ?[{_UNITS}]"
                         rf"|([0-9]{{1,5}}) ?[{_UNITS}] ?(?:一起出|打包出|打包|都出|全出|可拆|批发)")


def many_units(light_text: str) -> bool:
    """Does the text offer many units of the article (有6个, 还有30包, 200个 一起出, 几十支)? Why: a private resale
    is one article (or a pair) a person no longer needs; a "闲置" post with dozens of new units is a dealer's
    stock dressed as one, which the resale wording must not excuse."""
    for found in _MANY_UNITS.finditer(light_text):
        count = found.group(1) or found.group(2)
        if not count.isdigit() or int(count) >= MIN_STOCK:
            return True
    return False


def sells_labels(counterfeit: list[str]) -> bool:
    """Do a listing's counterfeit words say it sells the mark's labels or packaging (:func:`_labels_sold`)?"""
    return bool(counterfeit) and not _label_words().isdisjoint(counterfeit)


@lru_cache(maxsize=1)
def _label_words() -> frozenset[str]:
    return frozenset(str(w).lower() for entry in ("mark_labels", "mark_labels_bulk") for w in lexicon().get(entry, ()))


MIN_BULK = 50  # pieces of a label or a box that are an order by the hundred
_PIECES = re.compile(r"([0-9]{2,6}) ?(?:张|个|枚|片|只|套|pcs|pieces)(?![0-9a-z])")


def _by_the_hundred(light_text: str) -> bool:
    """Does the text sell :data:`MIN_BULK` pieces or more at once (100张, 500个, 1000pcs)? As a bulk-order word does."""
    return any(int(found.group(1)) >= MIN_BULK for found in _PIECES.finditer(light_text))


def _labels_sold(labels: list[tuple[int, int, str]], bulk_labels: list[tuple[int, int, str]],
                 bulk: list[tuple[int, int, str]]) -> set[str]:
    """The words of a listing that sells the mark's own labels (lexicon ``mark_labels``: 烫画, 织唛, 鞋标,
    空瓶 — the mark is the goods), or packaging and tags by the hundred (``mark_labels_bulk``: 吊牌, 包装盒,
    防伪标签, with ``bulk_order``: 100个起, 起订). Why: selling a mark's labels, tags or packaging made
    without the holder is itself an infringement (Trademark Law art. 57(4)); the bottles and tags go round
    counterfeits. Told as counterfeit wording. A genuine listing's 带吊牌 or 原装鞋盒 has no order by the
    hundred, so a bulk word is asked of those."""
    found = {w for _, _, w in labels}
    if bulk_labels and bulk:
        found |= {w for _, _, w in bulk_labels}
    return found


def _negated(text: str, start: int) -> bool:
    """Is the counterfeit cue at ``start`` denied by a negation word written right before it (lexicon
    ``negation``: 非, 不是, 绝非, 拒绝, 谢绝, no, not; a space or 是 between allowed)? Asked only of a cue that
    names a copy (lexicon ``negatable_counterfeit``: 高仿, 仿品, a货, replica …): 不是原版 says the goods are no
    original, a copy's admission. Why: a genuine seller writes 非高仿 / 拒绝高仿 to say it is genuine."""
    before = text[max(0, start - 6):start].rstrip()
    if before.endswith("是") and not before.endswith("不是"):
        before = before[:-1].rstrip()  # 绝对不是 高仿, 并非是高仿
    for word in _negations():
        if before.endswith(word):
            ahead = len(before) - len(word)  # a Latin negation as a whole word: "no", not the end of "piano"
            if not word.isascii() or ahead == 0 or not before[ahead - 1].isalnum():
                return True
    return False


@lru_cache(maxsize=None)
def _negatable() -> frozenset[str]:
    return frozenset(str(w).lower() for w in lexicon().get("negatable_counterfeit", ()))


@lru_cache(maxsize=None)
def _negations() -> tuple[str, ...]:
    return tuple(sorted({str(w).lower() for w in lexicon().get("negation", ())}, key=len, reverse=True))


def counterfeit_words(light_text: str) -> list[str]:
    """Counterfeit wording in a ``light`` text (punctuation kept: "1:1")."""
    found = find("counterfeit", light_text, light_only=True)
    return _counterfeit_words(found, find("innocent_wording", light_text, light_only=True) if found else [],
                              light_text)


def _counterfeit_words(found: list[tuple[int, int, str]], innocent: list[tuple[int, int, str]],
                       text: str = "") -> list[str]:
    """The longest counterfeit cues of ``found`` that no innocent phrase holds (英文原版: a book's
    original edition, not a replica's "original version") and no negation word just before denies
    (:func:`_negated`: 非高仿, 不是高仿, 拒绝高仿)."""
    if found and innocent:
        found = [f for f in found if not any(a <= f[0] and f[1] <= b for a, b, _ in innocent)]
    if found and text:
        negatable = _negatable()
        found = [f for f in found if f[2] not in negatable or not _negated(text, f[0])]
    longest = {w for _, _, w in found if not any(w != o and w in o for _, _, o in found)}
    return sorted(longest)

"""Goods-class classifier: which Nice classes a listing's goods fall in, from its title and category.

Why: a mark is protected for its Nice classes (a well-known mark beyond them, but only when used as
a mark), so 苹果 on fresh fruit (class 31) must not hit the Apple phone mark (class 9). The
classifier votes with the goods words of matchers/data/lexicon.yaml found by an Aho–Corasick scan;
words inside the matched mark itself are ignored (the 苹果 of 苹果手机 names the brand, not fruit).
A goods word followed by 机 names the machine that makes it (咖啡机, 面包机, 酸奶机: classes 7 and 11),
whatever the goods word's own class: no list of appliances can name every one. In the same way a goods
word followed by a word of a likeness (水果模型, 汽车玩具, 蛋糕道具: lexicon ``replica_after``) is the
subject of a model, a toy or a prop, and votes nothing (the likeness votes for itself), as a fresh product
followed by what it is made into (核桃乳, 枇杷膏, 柠檬茶: lexicon ``processed_after``) is no fresh produce
(nor, without a word for the product, anything else); and a food or
produce word after a word of imitation (假水果, 仿真蔬菜, 塑料花卉: lexicon ``artificial_before``) is an
artificial thing (class 26: artificial fruit, flowers and plants), not the food.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import ahocorasick

from matchers.lexicon import lexicon
from matchers.normalise import canon, norm

CATEGORY_WEIGHT = 2  # the platform's own category is better evidence than a title word
MACHINE = frozenset((7, 11))  # kitchen machines and cooking or heating apparatus
_MACHINE_CLASSES = frozenset((7, 8, 9, 10, 11, 12))  # goods words that already name an apparatus
ARTIFICIAL = frozenset((26,))  # Nice 26: artificial fruit, flowers and plants
_LIKENESS_CLASSES = frozenset((16, 20, 26, 28))  # goods words that already name a likeness (画, 雕塑, 模型)
_LIVING_CLASSES = frozenset((29, 30, 31))  # foods and produce: made of plastic, no longer of their class


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    words: dict[str, set[int]] = {}
    for cls, items in lexicon()["goods_classes"].items():
        for word in items:
            words.setdefault(norm(word), set()).add(cls)
    for word in lexicon().get("not_goods", []):  # no classes: covers the goods word inside, votes nothing
        words.setdefault(norm(str(word)), set())
    automaton = ahocorasick.Automaton()
    for word, classes in words.items():
        automaton.add_word(word, (len(word), frozenset(classes), _is_latin(word)))
    automaton.make_automaton()
    return automaton


def _is_latin(word: str) -> bool:
    """Is the goods word written in Latin letters only (tent, dress, gin)? Such a word is a goods word
    only as a whole English word (see :func:`_whole_english_word`)."""
    return word.isascii() and any(c.isalpha() for c in word)


def _ascii_letter(c: str) -> bool:
    return "a" <= c <= "z"  # the text is normalised: lower case


def _whole_english_word(text: str, start: int, end: int) -> bool:
    """Does the Latin goods word at text[start:end] stand as a word of its own, or with a plural ending
    (bags, dresses)? Why: the automaton finds substrings, and an English goods word inside another word
    is none (gin in original, tent in content, rice in price, hat in what, dress in address)."""
    if start and _ascii_letter(text[start - 1]):
        return False
    if end >= len(text) or not _ascii_letter(text[end]):
        return True
    for ending in ("s", "es"):
        stop = end + len(ending)
        if text.startswith(ending, end) and (stop >= len(text) or not _ascii_letter(text[stop])):
            return True
    return False


@lru_cache(maxsize=1)
def _not_machine() -> tuple[str, ...]:
    """Lexicon ``not_machine``: words of 机 that do not make the goods word before them a machine (机能, 机洗)."""
    return tuple(norm(str(w)) for w in lexicon().get("not_machine", ()))


@lru_cache(maxsize=1)
def _replica_after() -> tuple[str, ...]:
    """Lexicon ``replica_after``: words that make the goods word before them a likeness's subject (模型)."""
    return tuple(norm(str(w)) for w in lexicon().get("replica_after", ()))


@lru_cache(maxsize=1)
def _artificial_before() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lexicon ``artificial_before`` (假, 仿真, 塑料) and ``artificial_denied`` (不假, 真假, 打假: no
    imitation said), normalised."""
    data = lexicon()
    return (tuple(norm(str(w)) for w in data.get("artificial_before", ())),
            tuple(norm(str(w)) for w in data.get("artificial_denied", ())))


_COUNT_CHARACTERS = frozenset("0123456789一二三四五六七八九十百千两几半")  # a number right before a measure word


@lru_cache(maxsize=1)
def _measure_words() -> frozenset[str]:
    """Lexicon ``measure_words``: one-character goods words that after a number are measure words (20包 is
    twenty packs, not a bag; 3杯 three cups of a drink). Why: a snack's "20包" voted for bags (class 18) and
    took the listing's goods away from the mark's class."""
    return frozenset(norm(str(w)) for w in lexicon().get("measure_words", ()))


FRESH = frozenset((31,))  # fresh fruit, vegetables, nuts, live animals and plants


@lru_cache(maxsize=1)
def _processed_after() -> tuple[str, ...]:
    """Lexicon ``processed_after``: what a fresh product is made into (核桃乳, 枇杷膏, 柠檬茶, 山楂片)."""
    return tuple(norm(str(w)) for w in lexicon().get("processed_after", ()))


def _likeness(text: str, start: int, end: int, classes: frozenset[int]) -> tuple[int, frozenset[int]] | None:
    """Where the words around a goods word make it a likeness of the goods: its start (with the word of
    imitation before it) and the classes it votes for (水果模型: none, the model votes; 假水果: artificial
    fruit); None when they do not. Why: a model, a prop or an artificial fruit named after a GI's product
    (瓯柑 水果模型 假水果) is no such product, and a toy car or a phone model is neither car nor phone."""
    if classes & _LIKENESS_CLASSES:
        return None
    if text.startswith(_replica_after(), end) or classes <= FRESH and text.startswith(_processed_after(), end):
        return start, frozenset()  # 水果模型: a model's subject; 核桃乳, 枇杷膏: made of it, no fresh produce
    if classes & _LIVING_CLASSES:
        before, denied = _artificial_before()
        head = text[max(0, start - 4):start]
        if not head.endswith(denied):
            for word in before:
                if head.endswith(word):
                    return start - len(word), ARTIFICIAL
    return None


@lru_cache(maxsize=8192)
def _found(text: str) -> tuple[tuple[int, int, frozenset[int]], ...]:
    """Every goods word of ``text`` as (start, end, classes), longest first where they start
    together. Cached: every title is classified once per listing and again per candidate right (with
    the mark masked), and categories are a few dozen strings repeated over every listing."""
    found = []
    for end, (length, classes, latin) in _automaton().iter(text):
        start, end = end - length + 1, end + 1
        if latin and not _whole_english_word(text, start, end):
            continue  # gin in original, rice in price: no goods word
        if classes and end < len(text) and text[end] == "机" and not classes & _MACHINE_CLASSES \
                and not text.startswith(_not_machine(), end):
            start, end, classes = start, end + 1, MACHINE  # 咖啡机, 面包机: the machine, not the food
        elif classes and end - start == 1 and start and text[start - 1] in _COUNT_CHARACTERS \
                and text[start] in _measure_words():
            classes = frozenset()  # 20包, 3杯装: packs and cups counted, no bag or cup sold
        elif classes:
            likeness = _likeness(text, start, end, classes)
            if likeness is not None:
                start, classes = likeness
        found.append((start, end, classes))
    return tuple(sorted(found, key=lambda t: (t[0], t[0] - t[1])))


def names_a_likeness(text: str, after: int | None = None, before: int | None = None) -> bool:
    """Does ``text`` sell a likeness of goods (a goods word made a model's, a toy's or a prop's subject,
    or an imitation food or plant: 水果模型, 假水果, 仿真蔬菜)? With ``after`` (where a name ends), does a
    likeness word follow right there (瓯柑模型, 瓯柑摆件, 瓯柑图案: lexicon ``replica_after`` and
    ``likeness_after_name``); with ``before`` (where it starts), does a word of imitation come right before
    it (仿真瓯柑)? Why: a GI's name on a model, an ornament or a picture of its product claims no GI goods
    (signals_form.gi_on_likeness)."""
    if after is not None and text.startswith(_likeness_after_name(), after):
        return True
    if before is not None:
        imitation, denied = _artificial_before()
        head = text[max(0, before - 4):before]
        if head.endswith(imitation) and not head.endswith(denied):
            return True
    return any(classes == ARTIFICIAL or not classes and text.startswith(_replica_after(), end)
               for _, end, classes in _found(text))


@lru_cache(maxsize=1)
def _likeness_after_name() -> tuple[str, ...]:
    """``replica_after`` and lexicon ``likeness_after_name`` (摆件, 图案: after a name, not after any goods word:
    a car's 摆件 goes with the car, a GI's is an ornament shaped as its product)."""
    return _replica_after() + tuple(norm(str(w)) for w in lexicon().get("likeness_after_name", ()))


def find_goods_words_of(titles: list[str]) -> None:
    """Find the goods words of every title of a batch now, one after the other (kept by
    :func:`_found`'s cache for :func:`classify`). Why: walked listing by listing between the other
    work of the hot path, the automaton runs on cold caches, at twice the cost of a loop of walks."""
    for title in titles:
        _found(title)


def _pick(text: str, masked: list[tuple[int, int]] | None) -> list[tuple[str, frozenset[int]]]:
    """The goods words of ``text`` that vote, with their classes: outside the ``masked`` spans, and
    the longest where words overlap (运动鞋 over 鞋 is the same class anyway, but 手机壳 over 手机
    keeps one vote per mention)."""
    picked = []
    covered_until = -1
    books = _publications()
    for start, end, classes in _found(text):
        if start < covered_until or (masked and _touches(start, end, masked)):
            continue
        if text[start:end] in books and book_word_inside_another(text, start, end):
            continue  # 儿童书桌: 儿童|书桌, no 童书; the desk after it may vote
        covered_until = end
        if classes:
            picked.append((text[start:end], classes))
    return picked


def masks_goods_word(title_norm: str, masked: list[tuple[int, int]]) -> bool:
    """Does any masked span touch a goods word of the title? If not, masking changes nothing."""
    return any(_touches(start, end, masked) for start, end, _ in _found(title_norm))


def _touches(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and end > s_start for s_start, s_end in spans)


def classify(title_norm: str, category_norm: str, masked: list[tuple[int, int]] | None = None
             ) -> tuple[Counter[int], list[str]]:
    """Nice class → votes, and the goods words that voted. ``masked``: spans of the title to skip.
    The platform's own category is better evidence than a title word: its words weigh more."""
    votes: Counter[int] = Counter()
    words: list[str] = []
    title_words = _pick(title_norm, masked)
    books = _publications()
    if len(title_words) > 1 and any(word in books for word, _ in title_words):
        title_words = [(word, classes) for word, classes in title_words if word in books]
    for part, weight in ((title_words, 1),
                         (_pick(category_norm, None) if category_norm else (), CATEGORY_WEIGHT)):
        for word, classes in part:
            words.append(word)
            for cls in classes:
                votes[cls] = votes.get(cls, 0) + weight
    return votes, words


def book_word_inside_another(text: str, start: int, end: int) -> bool:
    """Is the book cue text[start:end] (童书, 小说) cut through by the likeliest segmentation of the Chinese
    around it (ordinary.straddling_word: 儿童|书桌 around 童书, 书|包 around 漫画书)? Then it is no word of the
    title and names no printed work. Why: cues are found as substrings, and a children's desk (儿童书桌)
    read as a children's book took a true lead's goods away. Asked only of book words found, so rare."""
    from matchers.ordinary import straddling_word

    return bool(straddling_word(text, start, end))


@lru_cache(maxsize=1)
def _publications() -> frozenset[str]:
    """Goods words that name a printed work (lexicon ``publication`` ∩ goods: 画册, 绘本, 小说, 图书): where
    the title sells one, its other goods words are the work's subject (鞋履艺术 画册: a book about shoes,
    no shoe), so only the work votes."""
    return frozenset(norm(str(w)) for w in lexicon().get("publication", ()))


def agreement(votes: Counter[int], nice_classes: list[int]) -> tuple[float, float, float]:
    """(share of votes inside the right's classes, top class inside?, no goods found?)."""
    if not votes:
        return 0.0, 0.0, 1.0
    if not nice_classes:
        return 1.0, 1.0, 0.0
    total = sum(votes.values())
    top = max(votes.values())
    inside = 0
    top_inside = False
    for c, v in votes.items():  # a few voted classes against a list of up to 45: loop the short side
        if c in nice_classes:
            inside += v
            top_inside = top_inside or v == top
    return inside / total, float(top_inside), 0.0


__all__ = ["classify", "agreement", "canon"]

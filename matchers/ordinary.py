"""Is a short mark only part of an ordinary word here (招财进宝 for 进宝, 小米粥 for 小米)?

Why: the ordinary meaning of a word is never infringement (docs/labelling.md), and short CJK
marks occur inside everyday words all the time. jieba's dictionary (350k words) supplies the
ordinary words that contain a mark; lexicon ``ordinary_words`` adds what it lacks. A containing word
whose rest is goods of the right's own classes (小米手机) or a place (北京同仁堂) is mark use, not an
ordinary word, so it does not count.
"""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

from markwatch.contracts import Right
from matchers.lexicon import lexicon
from matchers.normalise import norm

MAX_FORM = 3  # longer marks are distinctive enough
MAX_WORD = 8  # longest ordinary word considered around a mark


@lru_cache(maxsize=1)
def _dictionary() -> str:
    import importlib.util

    # Only the file is read: find the package without importing it (jieba's import loads its HMM
    # tables, ≈0.3 CPU-seconds of every run's start-up).
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed: pip install the project's dependencies")
    path = os.path.join(os.path.dirname(spec.origin), "dict.txt")
    with open(path, encoding="utf-8") as fh:
        return "\n" + fh.read()


def dictionary_words_among(words: Iterable[str]) -> set[str]:
    """Which of ``words`` are entries of jieba's dictionary or lexicon ``ordinary_words``: one
    automaton pass over the dictionary file for any number of words (no 350k-entry set to build)."""
    import ahocorasick

    wanted = set(words)
    found = wanted & set(lexicon()["ordinary_words"])
    if not wanted:
        return found
    automaton = ahocorasick.Automaton()
    for word in wanted:
        automaton.add_word(f"\n{word} ", word)
    automaton.make_automaton()
    found.update(word for _, word in automaton.iter(_dictionary()))
    return found


def is_dictionary_word(word: str) -> bool:
    """Is ``word`` an entry of jieba's dictionary (or of lexicon ``ordinary_words``)?

    Answered from jieba's word set when this process has loaded it (:func:`_word_set`: a run that
    matches many listings does, at :func:`warm`), else by one scan of the 5 MB dictionary file
    (≈13 ms): a new bent spelling of a large register is asked every hundred listings or so, and
    the scans were a sixth of the lead-heavy mix's CPU. A process that never loads the set (a
    compile, a run of one listing) keeps the scan, cheaper than building the set."""
    if _WORDS is not None:
        return _in_loaded_word_set(word)
    return bool(dictionary_words_among([word]))


@lru_cache(maxsize=4096)
def dictionary_tag(word: str) -> str:
    """jieba's part-of-speech tag of the dictionary entry ``word`` (``n`` a common noun, ``nr`` a
    person's name, ``nz`` another proper name …), or "". Read from the file as written (one search of
    the 5 MB text, ≈2 ms, cached per word): asked only of a mark that is a word, on goods outside its
    right's classes, where a common noun (啄木鸟) may mean the thing and a name (海尔) cannot."""
    text = _dictionary()
    at = text.find(f"\n{word} ")
    if at < 0:
        return ""
    line = text[at + 1:text.find("\n", at + 1)]
    parts = line.split(" ")
    return parts[2] if len(parts) > 2 else ""


def _in_loaded_word_set(word: str) -> bool:
    """:func:`is_dictionary_word` from the loaded word set. The set holds the dictionary's entries
    plus the normalised lexicon ``ordinary_words`` and ``cartoon_names`` (:func:`_build_word_set`);
    only for those added words can the two answers differ, so they alone are asked the slow way."""
    if word in _ordinary_words():
        return True
    if _WORDS is None or word not in _WORDS:
        return False
    return word not in _added_words() or _scanned(word)


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """Lexicon ``ordinary_words`` as written (what :func:`is_dictionary_word` counts besides the dictionary)."""
    return frozenset(lexicon()["ordinary_words"])


@lru_cache(maxsize=1)
def _added_words() -> frozenset[str]:
    """The word set's entries that need not be dictionary entries (:func:`_build_word_set`)."""
    return frozenset(norm(w) for w in (*lexicon()["ordinary_words"], *lexicon()["cartoon_names"]))


@lru_cache(maxsize=1024)
def _scanned(word: str) -> bool:
    return bool(dictionary_words_among([word]))


_CONTAINING: dict[str, tuple[str, ...]] = {}


def _short_cjk(form: str) -> bool:
    return len(form) <= MAX_FORM and all("\u4e00" <= ch <= "\u9fff" for ch in form)


def index_forms(forms: Iterable[str]) -> None:
    """Find the ordinary words containing each short mark form in ONE automaton pass over the
    dictionary (≈50 ms however many forms), instead of one 5 MB scan per form."""
    import ahocorasick

    todo = {f for f in forms if _short_cjk(f) and f not in _CONTAINING}
    if not todo:
        return
    automaton = ahocorasick.Automaton()
    for form in todo:
        automaton.add_word(form, form)
    automaton.make_automaton()
    text = _dictionary()
    found: dict[str, set[str]] = {f: set() for f in todo}
    for end, form in automaton.iter(text):
        line_start = text.rfind("\n", 0, end) + 1
        word_end = text.find(" ", line_start)
        if end < word_end:  # the hit lies inside the word, not in its frequency or tag
            word = text[line_start:word_end]
            if len(form) < len(word) <= MAX_WORD:
                found[form].add(word)
    extra = [norm(w) for w in lexicon()["ordinary_words"]]
    for form, words in found.items():
        words.update(w for w in extra if form in w and w != form)
        _CONTAINING[form] = tuple(sorted(words, key=len, reverse=True))


def containing_words_of(forms: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Form → the ordinary words containing it, for the short forms among ``forms`` (indexed now)."""
    forms = [f for f in forms if _short_cjk(f)]
    index_forms(forms)
    return {f: _CONTAINING[f] for f in forms}


def remember_containing_words(found: dict[str, tuple[str, ...]]) -> None:
    """Take an index built earlier (the compiled-register cache) instead of scanning the dictionary."""
    _CONTAINING.update(found)


def _containing_words(form: str) -> tuple[str, ...]:
    if form not in _CONTAINING:
        index_forms([form])
    return _CONTAINING[form]


@lru_cache(maxsize=8192)
def _is_mark_use(rest: str, classes: tuple[int, ...]) -> bool:
    goods = lexicon()["goods_classes"]
    if any(rest in goods.get(c, ()) or any(w and w in rest for w in goods.get(c, ()) if len(w) >= 2)
           for c in classes):
        return True
    if rest in lexicon()["mark_use"]:
        return True
    from matchers.origin import _gazetteer

    try:
        return _gazetteer().resolve(rest) is not None
    except Exception:  # noqa: BLE001 - no gazetteer: judge without it
        return False


@lru_cache(maxsize=4096)
def _pattern(form: str) -> re.Pattern[str] | None:
    words = _containing_words(form)
    return re.compile("|".join(map(re.escape, words))) if words else None


def inside_ordinary_word(text: str, start: int, end: int, form: str, right: Right) -> str:
    """The ordinary word around text[start:end] that swallows the mark, or ""."""
    if not _short_cjk(form):
        return ""
    pattern = _pattern(form)
    if pattern is None:
        return ""
    own: set[str] | None = None  # the right's own names, normalised: only when a word is met
    lo = max(0, start - MAX_WORD)
    for match in pattern.finditer(text, lo, end + MAX_WORD):
        word = match.group()
        if match.start() > start or match.end() < end:
            continue  # must swallow this occurrence
        if own is None:
            own = {norm(n) for n in right.all_names}
        if word in own:
            continue  # 阿迪 inside 阿迪达斯 is the mark itself
        offset = start - match.start()
        rest = word[:offset] + word[offset + len(form):]
        if not _is_mark_use(rest, tuple(right.nice_classes)):
            return word
    return ""


_WORDS: dict[str, str] | None = None
_LOG_TOTAL = 0.0
_PUNS: dict[str, str] = {}
_CACHE_DIR: Path | None = None
PUN_LENGTH = 4  # idioms and set phrases: the words a pun bends (金金计较 for 斤斤计较)


class _WordTables(NamedTuple):
    """What is made from jieba's word set, kept in one cache entry: rebuilding the pun index (≈0.15
    s) and the frequencies' total (≈0.04 s) from the loaded word set cost every run ≈0.2 CPU-s."""

    words: dict[str, str]  # entry → its frequency as written (:func:`_word_set`)
    log_total: float  # :func:`_log_total`
    puns: dict[str, str]  # :func:`_pun_index`


def set_cache_dir(cache_dir: Path | None) -> None:
    """Where jieba's word set is kept between runs (the Matcher passes its cache_dir; None: built in
    memory): loaded from there in ≈0.15 s instead of built from the dictionary in ≈0.6 s, a cost of
    every run that forks workers (:func:`warm`) or meets a bent spelling."""
    global _CACHE_DIR
    _CACHE_DIR = cache_dir


def warm() -> None:
    """Build jieba's word set now (:func:`_word_set`): a parent about to fork workers builds it once
    for all of them instead of once in every worker (matchers/batch.py)."""
    _word_set()


def _word_set() -> dict[str, str]:
    """jieba's dictionary entries → their frequency as written in the file (made when first asked: a
    bent spelling or a glued short mark met in a listing), from the cache directory when a run built
    it there (markwatch.cache; keyed by the matcher's code and data and jieba's version, as the
    compiled register is). Lexicon ``ordinary_words`` count as common words. Used as a set (is it a
    word?) and for :func:`straddling_word`'s segmentation."""
    global _WORDS, _LOG_TOTAL, _PUNS
    if _WORDS is None:
        from markwatch.cache import cached
        from matchers.compiled import _code_key

        tables = cached("jieba-words", _code_key(), _build_word_tables, _CACHE_DIR)
        _WORDS, _LOG_TOTAL, _PUNS = tables.words, tables.log_total, tables.puns
    return _WORDS


def dictionary_word_set() -> dict[str, str]:
    """jieba's dictionary entries and lexicon ``ordinary_words`` (see :func:`_word_set`), for membership."""
    return _word_set()


def _build_word_tables() -> _WordTables:
    words = _build_word_set()
    return _WordTables(words, _log_of_total(words), _puns_of(words))


def _build_word_set() -> dict[str, str]:
    # One string object per distinct frequency (≈5k of them for ≈350k words): the cache file then
    # holds each once and loading it makes 5k strings, not 350k (≈10 % of loading it, a forked run's start).
    frequencies: dict[str, str] = {}
    words = {word: frequencies.setdefault(freq, freq)
             for word, freq in (line.split(" ", 2)[:2] for line in _dictionary()[1:].splitlines() if " " in line)}
    for word in lexicon()["ordinary_words"]:
        words.setdefault(norm(word), frequencies.setdefault("1000", "1000"))
    for word in lexicon()["cartoon_names"]:  # names everyone knows, as words: 喜羊羊, 超级飞侠
        words.setdefault(norm(word), frequencies.setdefault("100", "100"))
    return words


def _log_total() -> float:
    """log of the sum of the dictionary's frequencies (jieba's ``total``), made with the word set."""
    _word_set()
    return _LOG_TOTAL


def _log_of_total(words: dict[str, str]) -> float:
    return math.log(sum(int(f) for f in words.values() if f.isdigit()) or 1)


MAX_SEGMENT = 6  # characters each side of a mark looked at when segmenting


def straddling_word(text: str, start: int, end: int) -> str:
    """See :func:`_straddling_word`: the run of Chinese text around the mark (≤ MAX_SEGMENT characters
    each side) is cut here, and the segmentation is cached on that run (titles recur)."""
    lo = start
    while lo > 0 and start - lo < MAX_SEGMENT and _is_cjk(text[lo - 1]):
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < MAX_SEGMENT and _is_cjk(text[hi]):
        hi += 1
    if lo == start and hi == end:
        return ""
    return _straddling_word(text[lo:hi], start - lo, end - lo)


@lru_cache(maxsize=65536)
def _straddling_word(text: str, start: int, end: int) -> str:
    """The dictionary word that crosses an edge of text[start:end] in the likeliest segmentation of the
    run of Chinese text around it (jieba's dictionary and its way: the path of words with the highest
    product of frequencies), or "": 深海|宝藏 around 海宝, 新郎|酒杯 around 郎酒, 黄金|金条 around 金金.

    Why: a short mark glued inside other characters is often no word of its own there; a
    segmentation says so whether or not the longer text is one dictionary entry (inside_ordinary_word
    only knows entries that contain the mark). A mark standing alone (spaces, punctuation, Latin
    letters around it) is cut at its edges by the seller: nothing to segment, no cost.

    ``text`` is the run :func:`straddling_word` cut (Chinese characters all, the mark and at most
    MAX_SEGMENT characters each side, more than the mark alone): segmented whole, not cut again."""
    words, log_total = _word_set(), _log_total()
    piece = text
    n = len(piece)
    mark = text[start:end]
    own = max(int(words.get(mark) or 0), _suggested_frequency(mark, words))
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)  # from position i: (log probability, end of first word)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + 6) + 1):
            freq = own if j - i == end - start and piece[i:j] == mark else words.get(piece[i:j])
            if freq or j == i + 1:
                options.append((math.log(int(freq or 1) or 1) - log_total + best[j][0], j))
        best[i] = max(options)
    i, s, e = 0, start, end
    while i < n:
        j = best[i][1]
        if j - i >= 2 and (i < s < j < e or s < i < e < j):  # across one edge (a word holding it all is
            return piece[i:j]                              # inside_ordinary_word's to judge)
        i = j
    return ""


def _suggested_frequency(mark: str, words: dict[str, str]) -> int:
    """The frequency jieba gives a user-dictionary word added without one (``Tokenizer.suggest_freq``):
    just enough for the mark to beat its own characters cut apart, so a register's mark is a word, yet
    ordinary words around it still win (深海|宝藏 around 海宝)."""
    total = math.exp(_log_total())
    product = 1.0
    for ch in mark:
        product *= int(words.get(ch) or 1) / total
    return int(total * product) + 1


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


is_cjk = _is_cjk


def _pun_index() -> dict[str, str]:
    """``canon`` key → a dictionary word of :data:`PUN_LENGTH` Chinese characters (made with the word
    set, and cached with it: :class:`_WordTables`)."""
    _word_set()
    return _PUNS


def _puns_of(words: dict[str, str]) -> dict[str, str]:
    from matchers.normalise import canon

    puns: dict[str, str] = {}
    for word in words:
        if len(word) == PUN_LENGTH and all(_is_cjk(ch) for ch in word):
            puns.setdefault(canon(word), word)
    return puns


@lru_cache(maxsize=65536)
def pun_around(text: str, start: int, end: int) -> str:
    """The run of :data:`PUN_LENGTH` characters around a short mark text[start:end] that sounds like a
    dictionary word differing from it only in the mark's characters (金金计较, 斤斤计较), or "": the
    mark is a pun on an idiom there, not used as a mark."""
    n = end - start
    if not 2 <= n < PUN_LENGTH:
        return ""
    from matchers.normalise import canon

    mark = text[start:end]
    for lo in range(max(0, end - PUN_LENGTH), start + 1):
        piece = text[lo:lo + PUN_LENGTH]
        if len(piece) < PUN_LENGTH or not all(_is_cjk(ch) for ch in piece):
            continue
        word = _pun_index().get(canon(piece))
        at = start - lo
        if word and word != piece and mark not in word \
                and word[:at] == piece[:at] and word[at + n:] == piece[at + n:]:
            return piece
    return ""


@lru_cache(maxsize=65536)
def word_or_place_around(text: str, start: int, end: int) -> str:
    """The dictionary word or place name that holds text[start:end] (a bent spelling of a mark:
    隔离 in 隔离霜, 荣宝 in 荣宝斋, 澄海), or ""."""
    words = _word_set()
    for lo in range(max(0, start - 3), start + 1):
        for hi in range(min(len(text), end + 3), end - 1, -1):
            piece = text[lo:hi]
            if 2 <= len(piece) <= 6 and piece in words:
                return piece
    from matchers.origin import _gazetteer

    try:
        place = _gazetteer().resolve(text[start:end])
    except Exception:  # noqa: BLE001 - no gazetteer: judge without it
        return ""
    return text[start:end] if place is not None else ""

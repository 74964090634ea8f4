"""CJK-aware full text for the SQLite store: text → index tokens, and a user's query → FTS5 MATCH.

Why tokenise in Python (and not FTS5's ``trigram`` tokenizer): CONTRACTS §9 wants a Chinese word
of two characters found inside a longer run (耐克 in 正品耐克运动鞋). Chinese is written without
spaces, so ``unicode61`` sees the whole run as one token, and ``trigram`` cannot look up fewer than
three characters — even sqlean's SQLite 3.50 answers a two-character MATCH with nothing and a
two-character LIKE with a full scan. So we do what Lucene's / OpenSearch's ``cjk`` analyzer does
(the other backend's analyzer, so both agree on what matches):

* text is NFKC-folded (full-width ＮＩＫＥ → NIKE, ideographic space → space) and lower-cased;
* a run of CJK characters (Han, kana, hangul) becomes its overlapping bigrams, 正品耐克 → 正品 品耐
  耐克, plus its last character alone (see below); a run of one character is that character;
* any other run of letters and digits is one word (``nike``, ``53``); everything else separates.

The tokens go, space-separated, into an FTS5 table with the ``ascii`` tokenizer (it splits only on
ASCII spaces and punctuation, so every token we made arrives whole, whatever Unicode version the
CJK character is from). A query is tokenised the same way: each CJK run of two or more characters
becomes the *phrase* of its bigrams (耐克运动鞋 = "耐克 克运 运动 动鞋", consecutive positions), a
word is that word, and all parts must be found (AND), each within one field. A one-character CJK
query is a prefix query ("克"*): the extra last-character token of every run makes each character
of the text the first character of some token, so 克 is found in 耐克 too.

Why not FTS5 ``trigram`` plus a fallback for two-character words: measured on sqlean's 3.50, a
raw trigram insert costs ≈2× a unicode61/ascii insert of our bigram text, a two-character query
would still need ``LIKE '%耐克%'`` — a scan of every listing — and two characters is the common
length of a Chinese brand word. Bigrams keep every query an index lookup. Tokenising in Python
costs ≈20–25 µs per listing (title, description, seller; short texts are cached), paid in
``markwatch index``'s worker process.

Consequences: "耐 克" (space between) does not contain the word 耐克 — no bigram crosses a
separator; traditional characters are not folded to simplified (neither does the ``cjk``
analyzer); Latin words match whole words only (nike, not nik).
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata

# Han (BMP + extension blocks), CJK compatibility ideographs, kana, hangul syllables.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
# A CJK run, or a run of other letters and digits ("_" and everything else separate).
_RUNS = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")
# The same rules as two patterns (index.search_node_query builds its queries with them).
_CJK_SPLIT = re.compile(f"([{_CJK}]+)")
_WORD = re.compile(r"[^\W_]+")

MAX_FIELD_CHARS = 20_000
"""Only the first this-many characters of a field are indexed (a huge description is junk or an
attack; its start is what an analyst would search anyway)."""
CACHE_TEXT_MAX = 2_000
"""Texts up to this length are cached: seller names and shop boilerplate repeat across listings."""


@functools.lru_cache(maxsize=64)
def nfkc(text: str) -> str:
    """``text`` in NFKC (itself when it already is). Why a few are kept: ``markwatch index``'s
    worker reads each listing text in turn for its tokens, its contacts and its address
    (:mod:`index.sellers`), and normalising a description costs ≈1.7 µs each time."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def _fold(text: str) -> str:
    return nfkc(text).lower()


def tokens(text: str) -> list[str]:
    """Index tokens of ``text`` (see module docstring), in order."""
    return index_text(text).split()


def _run_tokens(run: str) -> str:
    """The tokens of one CJK run: its overlapping bigrams and its last character alone."""
    if len(run) == 1:
        return run
    return " ".join(map(operator.add, run, run[1:])) + " " + run[-1]


_RUN_TOKENS: dict[str, str] = {}
RUN_CACHE_MAX = 1 << 15
"""CJK runs whose tokens are kept (:func:`_index_text`; the cache starts afresh when full). At
most ≈15 MB: a kept run has at most :data:`RUN_CACHE_CHARS` characters, its tokens three times that."""
RUN_CACHE_CHARS = 32
"""Only runs up to this length are kept (a long run rarely comes back)."""


def _index_text(text: str) -> str:
    """Why runs are cached and not only whole texts: titles and descriptions are mostly unique,
    but made of the same runs (正品耐克运动鞋 in many titles); looking a run's tokens up costs
    less than joining its bigrams again (measured on the bench's titles and descriptions, 4.0 ->
    3.1 µs a text)."""
    out: list[str] = []
    known = _RUN_TOKENS.get
    for run, word in _RUNS.findall(_fold(text[:MAX_FIELD_CHARS])):
        if not run:
            out.append(word)
            continue
        tokens = known(run)
        if tokens is None:
            tokens = _run_tokens(run)
            if len(run) <= RUN_CACHE_CHARS:
                if len(_RUN_TOKENS) >= RUN_CACHE_MAX:
                    _RUN_TOKENS.clear()
                _RUN_TOKENS[run] = tokens
        out.append(tokens)
    return " ".join(out)


_index_text_cached = functools.lru_cache(maxsize=1 << 16)(_index_text)


def index_text(text: str) -> str:
    """What goes into one FTS5 column: the tokens, space-separated (≈3 µs for a 30-character
    title; cached for short texts)."""
    if not text:
        return ""
    return _index_text_cached(text) if len(text) <= CACHE_TEXT_MAX else _index_text(text)


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a user's query, or None when it holds no searchable word
    (punctuation only). Every token is double-quoted, so no user text is FTS5 syntax."""
    terms: list[str] = []
    for run, word in _RUNS.findall(_fold(query)):
        if not run:
            terms.append(f'"{word}"')
        elif len(run) == 1:
            terms.append(f'"{run}"*')
        else:
            terms.append('"' + " ".join(map(operator.add, run, run[1:])) + '"')
    return " AND ".join(terms) if terms else None

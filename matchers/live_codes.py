"""A mark cut short after a live room's code word: a Douyin or Kuaishou host says the brand aloud and the
listing only writes its code (直播间专拍 暗号:一叶 面膜, 3号链接 黛佳 睫毛膏, 口令:M家 妙乐 润肤乳), with part of
the mark after the code word so that the buyer finds the link and a filter does not.

Why apart and lazily: the parts of every mark (its first and last characters, and the first with the last of a
three-character one) are many and weak on their own (一叶 is a leaf), so they are looked up only right after a
code word (lexicon ``live_code``), only for trademarks, and only on goods of the mark's classes
(matchers/candidates.py ``_live_code_hits``). The table is built the first time a listing has a code word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from matchers.lexicon import lexicon

MIN_MARK = 3  # characters of a mark whose parts a host's code may be
MIN_PART = 2
MAX_SKIP = 4  # letters, digits, spaces or a house nickname (m家) between the code word and the part
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SKIPPED = re.compile(r"[ 0-9a-z]*家?[ ]?")

_TABLES: dict[int, tuple[Any, dict[str, tuple[int, ...]]]] = {}  # id(compiled) → (compiled, part → form ids)


@lru_cache(maxsize=1)
def _code_words() -> tuple[str, ...]:
    from matchers.normalise import norm

    return tuple(sorted({norm(str(w)).strip() for w in lexicon().get("live_code", ())} - {""}, key=len, reverse=True))


def has_code_word(text: str) -> bool:
    """Does the norm text hold a live room's code word (暗号, 口令, 号链接 …)?"""
    return any(word in text for word in _code_words())


def parts_of(mark: str) -> tuple[str, ...]:
    """The parts of a mark a host's code writes: its first and its last characters (two or more, not the whole
    mark), and the first with the last of a three-character one (妙乐 of 妙思乐)."""
    if len(mark) < MIN_MARK or not all(_CJK.match(ch) for ch in mark):
        return ()
    out = [mark[:n] for n in range(MIN_PART, len(mark))] + [mark[-n:] for n in range(MIN_PART, len(mark))]
    if len(mark) == 3:
        out.append(mark[0] + mark[2])
    return tuple(dict.fromkeys(out))


def parts_table(compiled: Any) -> dict[str, tuple[int, ...]]:
    """Part → form ids of the register's Chinese trademark names and variants, made once per compiled register."""
    kept = _TABLES.get(id(compiled))
    if kept is not None and kept[0] is compiled:
        return kept[1]
    table: dict[str, list[int]] = {}
    for form_id, form in enumerate(compiled.forms):
        if form.latin or form.kind not in ("name", "variant") or compiled.rights[form.right].kind != "trademark":
            continue
        for part in parts_of(form.text):
            table.setdefault(part, []).append(form_id)
    frozen = {part: tuple(dict.fromkeys(ids)) for part, ids in table.items()}
    _TABLES.clear()  # one register a process
    _TABLES[id(compiled)] = (compiled, frozen)
    return frozen


def parts_after_codes(text: str, table: dict[str, tuple[int, ...]]) -> Iterator[tuple[int, int, tuple[int, ...]]]:
    """(start, end, form ids) of each mark's part written right after a code word in ``text`` (norm), the
    longest part first."""
    for word in _code_words():
        at = text.find(word)
        while at >= 0:
            pos = at + len(word)
            skipped = _SKIPPED.match(text, pos)
            if skipped is not None and skipped.end() - pos <= MAX_SKIP:
                pos = skipped.end()
            for length in range(4, MIN_PART - 1, -1):
                ids = table.get(text[pos:pos + length])
                if ids:
                    yield pos, pos + length, ids
                    break
            at = text.find(word, at + 1)

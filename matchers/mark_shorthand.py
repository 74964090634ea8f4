"""Short names buyers give a long Chinese mark: the pinyin initials of its characters as a word of their own
(HSXX for a mark 红色小象), and a word of the mark + 家 ("the house of …": 小象家, 青蛙家).

Why at scan time and not as forms of the automaton: both are weak on their own (four letters are a model code, a
shop's code or another language's word as often; 青蛙家 may be a frog-themed shop), so they are a candidate only on
goods of the mark's classes (matchers/candidates.py ``_shorthand_hits``), and the automaton's forms are looked for
whatever the goods for every mark that is not an ordinary one. The tables are kept with the hole index
(matchers/shape_holes.py :class:`HoleIndex`), which holds the register's CJK marks already.
"""

from __future__ import annotations

import re
from typing import Iterable

MIN_INITIALS_MARK = 3  # characters of a mark whose initials are a name; a three-character one needs more (below)
MIN_FAMILY_MARK = 4  # characters of a mark one of whose words + 家 is a name (两字 + 家 of a two-word mark)
FAMILY = "家"
_TOKEN = re.compile(r"(?<![0-9a-z])[a-z]{3,8}(?![0-9a-z])")


def initials_of(mark: str) -> str:
    """The first letter of each character's pinyin (红色小象 → hsxx), or "" when a character has none."""
    from matchers.normalise import pinyin_of

    letters = []
    for ch in mark:
        spelled = pinyin_of(ch)
        if not spelled or not spelled[0].isascii() or not spelled[0].isalpha():
            return ""
        letters.append(spelled[0])
    return "".join(letters)


def initials_in(initials: str, text: str) -> bool:
    """Does ``text`` (norm: lower case) write ``initials`` as a word of its own, no letter or digit glued to it?
    The one test of a mark's initials in a title, for a Chinese mark's pinyin initials (HSXX) as for a Latin
    house's (RO同款 for RICK OWENS)."""
    return re.search(rf"(?<![a-z0-9]){re.escape(initials)}(?![a-z0-9])", text) is not None


def family_words(mark: str) -> tuple[str, ...]:
    """The words of a mark of :data:`MIN_FAMILY_MARK` characters or more a buyer calls its house by: the two
    halves of a four-character mark (青蛙|王子, 红色|小象), and jieba's words of two characters or more of a longer
    one (the whole mark left out)."""
    if len(mark) < MIN_FAMILY_MARK:
        return ()
    if len(mark) == 4:
        return mark[:2], mark[2:]
    import jieba

    return tuple(dict.fromkeys(w for w in jieba.lcut_for_search(mark) if 2 <= len(w) < len(mark)))


def build_shorthand(forms: Iterable[tuple[int, str]]) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """(initials → form ids, word + 家 → form ids) of the register's CJK marks (form id, norm text)."""
    initials: dict[str, list[int]] = {}
    family: dict[str, list[int]] = {}
    for form_id, text in forms:
        if len(text) >= MIN_INITIALS_MARK:
            spelled = initials_of(text)
            if spelled:
                initials.setdefault(spelled, []).append(form_id)
        for word in family_words(text):
            family.setdefault(word + FAMILY, []).append(form_id)
    return ({k: tuple(dict.fromkeys(v)) for k, v in initials.items()},
            {k: tuple(dict.fromkeys(v)) for k, v in family.items()})


FAMILY_WORD = 20  # jieba frequency from which 家 and the character after it are a word (家具 886, 家装 25; 家儿 2)


def family_word_begins(text: str, at: int) -> bool:
    """Does the 家 at ``text[at]`` begin a word with the character after it (中国家具: 家具, 红色家居: 家居), so
    that it is no house's name? jieba's rare entries (家儿, 2) do not count: 青蛙家儿童 is 青蛙家 + 儿童."""
    from matchers.ordinary import dictionary_word_set

    found = dictionary_word_set().get(text[at:at + 2], "0")
    return found.isdigit() and int(found) >= FAMILY_WORD


def shorthand_hits(initials: dict[str, tuple[int, ...]], family: dict[str, tuple[int, ...]],
                   text: str) -> list[tuple[int, int, int, str]]:
    """(form id, start, end, "initials" or "family") of each mark's initials written as a word and each word of a
    mark + 家 in ``text`` (a norm field). The caller asks goods and everyday words."""
    out: list[tuple[int, int, int, str]] = []
    if initials:
        for found in _TOKEN.finditer(text):
            for form_id in initials.get(found.group(), ()):
                out.append((form_id, found.start(), found.end(), "initials"))
    if family:
        at = text.find(FAMILY, 2)
        while at > 0:
            for size in range(2, 7):
                for form_id in family.get(text[max(0, at - size):at + 1], ()) if at >= size else ():
                    out.append((form_id, at - size, at + 1, "family"))
            at = text.find(FAMILY, at + 1)
    return out

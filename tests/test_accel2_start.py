"""Start-up speed work of session 11 (helper accel2): each shortcut gives what the slow path gave.

- ``digit_like_chars`` looks only at the characters ``light`` rewrites (and the Roman numerals),
  not at the whole BMP;
- ``digit_neighbours`` walks the register's pairs once for all digits.
"""

from __future__ import annotations

import unicodedata

import pytest

from matchers import rebus_numbers
from matchers.normalise import light
from matchers.rebus import build_table
from matchers.rebus_scan import digit_neighbours
from matchers.rebus_table import symbol_choices


def _digit_like_by_full_walk() -> dict[str, str]:
    """The table as it was made before: every BMP character outside the main CJK block looked at."""
    out: dict[str, str] = {}
    for code in range(0x80, 0x10000):
        ch = chr(code)
        if unicodedata.category(ch)[0] not in "NL" or "\u4e00" <= ch <= "\u9fff":
            continue
        if 0x2160 <= code <= 0x217F:
            value = unicodedata.numeric(ch, -1)
            if value in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):
                out[ch] = str(int(value))
            continue
        plain = light(ch)
        if 1 <= len(plain) <= 2 and plain.isascii() and plain.isdigit():
            out[ch] = plain
    out.update(rebus_numbers.FORMAL)
    out.update(rebus_numbers._rare_numerals())
    return out


def test_digit_like_characters_are_those_of_the_full_walk_in_its_order() -> None:
    fast = rebus_numbers.digit_like_chars()
    slow = _digit_like_by_full_walk()
    assert list(fast.items()) == list(slow.items())  # order too: the scanner's classes are built from it
    assert fast["③"] == "3" and fast["３"] == "3" and fast["Ⅲ"] == "3" and fast["⑬"] == "13"


def _neighbours_digit_by_digit(table) -> tuple[dict, dict]:
    left, right = {}, {}
    for digit in "0123456789":
        if digit in table.rewritten or digit in table.by_sound:
            continue
        picks = set(symbol_choices(table, digit))
        if any(pick in table.short_marks or len(pick) != 1 for pick in picks):
            continue
        left[digit] = frozenset(pair[0] for pair in table.bigrams if pair[1] in picks)
        right[digit] = frozenset(pair[1] for pair in table.bigrams if pair[0] in picks)
    return left, right


@pytest.mark.parametrize("marks", [
    ["王守义十三香", "五羊", "九阳", "三棵树", "七匹狼", "国窖1573", "六神", "八喜"],
    ["一品", "二锅头", "四季", "九芝堂", "百草味", "千禾", "万代", "零度", "壹号土猪"],
])
def test_digit_neighbours_are_those_found_digit_by_digit(marks: list[str]) -> None:
    table = build_table(marks)
    got = digit_neighbours(table)
    assert got == _neighbours_digit_by_digit(table)
    assert any(got[0].values()), "some digit must have neighbours, or the test checks nothing"


def test_word_set_holds_one_string_per_frequency_and_every_word_as_read() -> None:
    """jieba's words with their frequencies as the dictionary writes them (lexicon words added as
    before), each distinct frequency one object: the cache file loads 5k strings, not 350k."""
    from matchers import ordinary

    words = ordinary._build_word_set()
    as_read = dict(line.split(" ", 2)[:2] for line in ordinary._dictionary()[1:].splitlines() if " " in line)
    assert {w: f for w, f in words.items() if w in as_read} == as_read
    assert list(words)[:len(as_read)] == list(as_read)
    assert len({id(f) for f in words.values()}) == len(set(words.values())) < len(words) / 20

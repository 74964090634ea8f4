"""Where the symbols are that may stand for a mark's character, found fast (one scanner per rebus table).

Why a module of its own: the reading (matchers/rebus.py) runs on every listing field, and almost none holds
a symbol that completes a mark's pair; these regular expressions and neighbour sets are what make the
common case cost a few regex scans in C.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple, cast

from matchers.rebus_emoji import FLAG, REGIONAL, is_flag
from matchers.rebus_numbers import FORMAL_NUMERAL, GAP, NUMERALS, ROUND, digit_like_chars
from matchers.rebus_table import RebusTable, symbol_choices


class Scanner(NamedTuple):
    """Where symbols that may stand for a mark's character are, found fast.

    Numeral runs and digits share one regular expression that starts with a character class of
    both, so the regex engine skips ahead to the next numeral or digit in C instead of trying every
    alternative at every position (one alternation over all the kinds cost ≈20 µs per listing field,
    a fifth of the matcher's time on the lead-heavy mix). Emoji, non-BMP code points the engine
    tests one by one, have their own expression and are first looked for with a set (rarely present
    at all). The kinds use disjoint characters and each match holds only its own kind's
    characters, so the matches of the two, merged in text order, are those of the one alternation."""

    numbers: re.Pattern[str] | None  # numeral runs (三六一), round numbers and digits beside a Chinese character
    emoji: re.Pattern[str] | None  # the emoji of one code point that the register can read
    emoji_set: frozenset[str]
    gaps: re.Pattern[str] | None = None  # a space or dot between a digit and a Chinese character (1 度)
    digit_like: re.Pattern[str] | None = None  # ③, ３, Ⅲ, З: characters drawn as or meaning a digit
    # digit → the characters that make a mark's pair with what it may stand for, written before it
    # (left) or after it (right): a digit with neither beside it changes nothing (200粒, 2026新款)
    digit_left: dict[str, frozenset[str]] = {}
    digit_right: dict[str, frozenset[str]] = {}
    exotic: re.Pattern[str] | None = None  # a character outside :data:`_PLAIN` or one of the table's emoji
    split: re.Pattern[str] | None = None  # a first part followed by a second part of a split character (古月)
    counted: re.Pattern[str] | None = None  # the numbers of :attr:`RebusTable.counted`, longest first
    formal: re.Pattern[str] | None = None  # two or more formal numerals (拾叁, 壹伍柒叁)
    latin: re.Pattern[str] | None = None  # the emoji of one code point that stand for a Latin mark's word (🐯)
    years: re.Pattern[str] | None = None  # a mark's year in Roman numerals, as a word of its own (mmvii)


def make_scanner(table: RebusTable) -> Scanner:
    """The scanner for every symbol the register lets stand for a character: numeral runs (when some
    mark holds two digits), digits beside a Chinese character (when some mark's pair holds a
    numeral), single code points of emoji."""
    numeral = f"[{NUMERALS}〇]"
    kinds, lead = [], ""
    rounds = sorted((n for n, ch in ROUND.items() if any(ch in pair for pair in table.bigrams)), key=len, reverse=True)
    if rounds:  # 10000代 for 万代: first, so the whole number is read, not its last digit; before a character
        kinds.append(r"(?<![0-9]1)(?:" + "|".join(n[1:] for n in rounds) + r")(?=[\u4e00-\u9fff])")
        lead += "1"
    if table.digit_marks:  # a numeral followed by more numerals
        kinds.append(f"(?<={numeral}){numeral}+")
        lead += f"{NUMERALS}〇"
    if table.heard or any(ch in NUMERALS for pair in table.bigrams for ch in pair):
        # a digit followed by a Chinese character, or preceded by one (the look-behind covers both), or a lone digit
        # a space apart from one (5 羊 for 五羊: the reading looks past the space, normalisation drops it once both
        # are Chinese); "lone": only spaces, Chinese characters or an edge beside it, so never a digit of a number
        # (1.5m, 1:1), a model (GT4 智能手表) or a spaced-out run (电话 1 5 6 … 4 1 威信)
        kinds.append(r"(?<=[0-9])(?:(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff][0-9])"
                     r"|(?<![^\s\u4e00-\u9fff][0-9])(?<![0-9] [0-9])(?= [\u4e00-\u9fff])"
                     r"|(?<=[\u4e00-\u9fff] [0-9])(?=$|[\s\u4e00-\u9fff])(?! [0-9]))")
        lead += "0-9"
    numbers = re.compile(f"[{lead}](?:{'|'.join(kinds)})") if kinds else None
    singles = frozenset(s for s in (*table.emoji, *table.meant, *table.rewritten, *table.any_emoji) if len(s) == 1)
    emoji = re.compile(char_class(singles)) if singles else None
    if emoji is not None and any(is_flag(s) for s in (*table.emoji, *table.meant)):  # 🇨🇭莲: two code points
        emoji = re.compile(f"{FLAG}|{emoji.pattern}")
        singles |= frozenset(chr(c) for c in REGIONAL)
    # pairs of a digit and a Chinese character: only their characters can lead or end a gap (a short class
    # the engine skips ahead with, ≈1 µs a title)
    mixed = [pair for pair in table.bigrams if pair[0].isdigit() != pair[1].isdigit()
             and all(ch.isdigit() or "\u4e00" <= ch <= "\u9fff" for ch in pair)]
    gaps = re.compile("[" + "".join(sorted({p[0] for p in mixed})) + "]" + GAP
                      + "(?=[" + "".join(sorted({p[1] for p in mixed})) + "])") if mixed else None
    marked = {ch for pair in table.bigrams for ch in pair}  # a mark's own 壹 (壹号) stays a character
    digit_like = re.compile(char_class(ch for ch in digit_like_chars() if ch not in marked)) if numbers else None
    left, right = digit_neighbours(table)
    plain = {chr(c) for lo, hi in _PLAIN for c in range(lo, hi + 1)} - singles
    split = re.compile(char_class(p[0] for p in table.split) + "(?=" + char_class(p[1] for p in table.split) + ")") \
        if table.split else None
    counted = re.compile("|".join(map(re.escape, sorted(table.counted, key=len, reverse=True)))) \
        if table.counted else None
    formal = re.compile(char_class(FORMAL_NUMERAL) + "{2,}") if numbers is not None or counted is not None else None
    latin = [s for s in table.latin if len(s) == 1]
    years = re.compile("(?<![a-z])(?:" + "|".join(sorted(table.years, key=len, reverse=True)) + ")(?![a-z])",
                       re.IGNORECASE) if table.years else None
    return Scanner(numbers, emoji, singles, gaps, digit_like, left, right,
                   re.compile(char_class(plain, negated=True)) if singles else None, split, counted, formal,
                   re.compile(char_class(latin)) if latin else None, years)


# Where listings' characters almost all are (ASCII, Latin-1, CJK punctuation and ideographs, full width):
# the emoji of the table outside these are looked for only in a text that has a character outside them
_PLAIN = ((0x00, 0xFF), (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))


def char_class(chars: Iterable[str], negated: bool = False) -> str:
    """A regex character class of ``chars`` with each run of consecutive code points written as a
    range. Why: the engine tests a class's characters above U+FFFF one by one, so a class of
    ≈1,400 single emoji cost ≈90 µs a title; as ranges it is a few dozen tests."""
    codes = sorted({ord(ch) for ch in chars})
    parts, start = [], 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[i - 1] + 1:
            lo, hi = codes[start], codes[i - 1]
            parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
            start = i
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


def digit_neighbours(table: RebusTable) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """For each digit read only by its pairs (not a symbol normalisation rewrites, not read by sound):
    the characters before and after it that make one of the register's pairs with its numeral or a
    character read like it (:func:`symbol_choices`). Why: almost every listing has a digit beside a Chinese
    character (200粒, 2026新款) and only a few such digits complete a mark's pair, so testing the
    neighbours against these sets first skips the per-symbol reading for the rest."""
    picked: dict[str, set[str]] = {}  # digit → the characters it may stand for
    for digit in "0123456789":
        if digit in table.rewritten or digit in table.by_sound:
            continue
        picks = set(symbol_choices(table, digit))
        if any(pick in table.short_marks or len(pick) != 1 for pick in picks):
            continue
        picked[digit] = picks
    # one walk over the register's pairs for all digits (tens of thousands of pairs at 10k rights), not two a digit
    before: dict[str, set[str]] = {digit: set() for digit in picked}
    after: dict[str, set[str]] = {digit: set() for digit in picked}
    by_char: dict[str, list[str]] = {}
    for digit, picks in picked.items():
        for pick in picks:
            by_char.setdefault(pick, []).append(digit)
    for pair in table.bigrams:
        for digit in by_char.get(pair[1], ()):
            before[digit].add(pair[0])
        for digit in by_char.get(pair[0], ()):
            after[digit].add(pair[1])
    left = {digit: frozenset(chars) for digit, chars in before.items()}
    right = {digit: frozenset(chars) for digit, chars in after.items()}
    return left, right


def find_symbols(scan: Scanner, text: str, odd: bool = True) -> list[re.Match[str]]:
    """The symbols of ``text`` that may stand for a character, in text order. ``odd``: False when the caller
    knows that ``text`` has no character outside the plain ones (its own ``exotic`` search said so)."""
    found = list(scan.numbers.finditer(text)) if scan.numbers is not None else []
    if scan.emoji is not None and odd and cast("re.Pattern[str]", scan.exotic).search(text) and not scan.emoji_set.isdisjoint(text):
        found.extend(scan.emoji.finditer(text))
        found.sort(key=re.Match.start)
    return found


_SCANNERS: dict[int, tuple[RebusTable, Scanner]] = {}  # by id(table), the table kept: an id is reused
# once its object is gone, and a scanner of another table would read the wrong symbols


def scanner_for(table: RebusTable) -> Scanner:
    """The scanner of ``table``, made once (a process matches against one or two registers)."""
    known = _SCANNERS.get(id(table))
    if known is not None and known[0] is table:
        return known[1]
    scan = make_scanner(table)
    if len(_SCANNERS) >= 8:
        _SCANNERS.clear()  # a process matches against one or two registers: never hold many
    _SCANNERS[id(table)] = (table, scan)
    return scan

"""Numbers in a mark and how sellers write them otherwise (9阳 for 九阳, 三六一度 for 361度, ③棵树, 13 for 十三).

A digit stands for its numeral (9 ↔ 九) or for a mark's character that sounds like it (8拉8拉 for 巴拉巴拉,
the pair check exact on that character; matchers/rebus_table.py). A round number stands for its numeral
(10000代 for 万代, 100 for 百), and a space or dot between a digit and a Chinese character that are a mark's
adjacent pair is dropped (3 6 1 度 for 361度, 北.京.2.0.2.2 for 北京2022): the seller split the mark where
its script changes. Circled, full-width and dingbat digits, letters drawn like a digit (Cyrillic З),
Roman numerals (Ⅲ), keycap emoji (3️⃣) and formal numerals (叁, unless a mark holds it: 壹号) are read as
their digit first (③棵树 for 三棵树). A mark's number written in the other script is the mark's where it
makes the mark's pair with a neighbour (王守义13香, 国窖一千五百七十三).

Why here: these are the readings of numbers alone, shared by the table (what the register's numbers are),
the scanner (which characters are digit-like) and the reading (matchers/rebus.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from matchers.rebus_scan import Scanner
    from matchers.rebus_table import RebusTable

NUMERALS = "零一二三四五六七八九"
DIGIT_OF = {ch: str(i) for i, ch in enumerate(NUMERALS)} | {"〇": "0"}
NUMERAL_OF = {str(i): ch for i, ch in enumerate(NUMERALS)}
ROUND = {"10": "十", "100": "百", "1000": "千", "10000": "万"}
GAP = "[ .·_-]+"  # what a seller puts where a mark's script changes (3 6 1 度, 北京.2022)
# A digit written for a character that means its number without being its numeral (② for 双 "a pair",
# 1 for 单 "single", 3 for 仨): read like the sound readings (RebusTable.heard), exact on the mark's character.
MEANT_BY_DIGIT = {"1": "单", "2": "双两俩", "3": "仨"}
_UNITS = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))
_NUMBER_CHARS = NUMERALS + "〇两十百千万"


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")


def roman(value: int) -> str:
    """``value`` in lower-case Roman numerals (2007 → mmvii)."""
    out = ""
    for unit, letters in _ROMAN:
        count, value = divmod(value, unit)
        out += letters * count
    return out


def roman_years(texts: list[str]) -> dict[str, str]:
    """The years that marks hold (2007 of an event's 女足世界杯2007), written in Roman numerals → as the mark writes
    them (mmvii → 2007): an event's goods print the year so (MMVII), and a filter on the mark's year misses it.
    Only a register's own years are read, so a Latin word that happens to be a Roman numeral (mix, civil) is not."""
    return {roman(int(year)): year for text in texts for year in _YEAR.findall(text)}


def read_roman_years(years: dict[str, str], pattern: re.Pattern[str], text: str) -> str | None:
    """``text`` with each Roman-numeral year of a mark written in digits (… Cup MMVII → … Cup 2007), in either
    case (the reading runs on the listing's own text); None when none."""
    read = pattern.sub(lambda m: years[m.group().lower()], text)
    return read if read != text else None


def chinese_number(value: int) -> str:
    """``value`` (0 < value < 100,000) as it is read in Chinese: 13 → 十三, 361 → 三百六十一, 1573 → 一千五百七十三,
    305 → 三百零五."""
    out, gap = "", False
    for unit, name in _UNITS:
        digit, value = divmod(value, unit)
        if digit:
            bare_ten = unit == 10 and digit == 1 and not out  # 十三, not 一十三 (but 一百一十)
            out += ("零" if gap else "") + ("" if bare_ten else NUMERALS[digit]) + name
            gap = False
        elif out:
            gap = True
    return out + (("零" if gap else "") + NUMERALS[value] if value else "")


def numeral_value(text: str) -> int | None:
    """The value of a Chinese number written with units (十三 → 13, 二十四 → 24, 两百 → 200), None when
    ``text`` is no well-formed one (as :func:`chinese_number` writes it, 两 for 二 allowed)."""
    total = current = 0
    units = dict((name, unit) for unit, name in _UNITS)
    for ch in text.replace("两", "二"):
        if ch in units:
            total += (current or 1) * units[ch]
            current = 0
        elif ch in NUMERALS:
            current = NUMERALS.index(ch)
        else:
            return None
    value = total + current
    return value if 0 < value < 100000 and chinese_number(value) == text.replace("两", "二") else None


def counted_forms(texts: list[str]) -> dict[str, str]:
    """A number as the other script writes it → as a mark writes it: a mark's Chinese number with units
    (十三 of 王守义十三香) by its digits (13), a mark's number of two or more digits (1573 of 国窖1573) by its
    Chinese reading (一千五百七十三); digit by digit (一五七三) the numeral runs read already."""
    out: dict[str, str] = {}
    for text in texts:
        for m in re.finditer(r"[1-9][0-9]+", text):
            if int(m.group()) < 100000:
                out.setdefault(chinese_number(int(m.group())), m.group())
        for m in re.finditer(f"[{_NUMBER_CHARS}]{{2,}}", text):
            value = numeral_value(m.group()) if any(u in m.group() for u in "十百千万") else None
            if value is not None:
                out.setdefault(str(value), m.group())
    return out


# Formal (financial) numerals, written where a digit or numeral would be so that a filter misses the
# mark (玖芝堂 for 九芝堂, 叁棵树); traditional forms too. Read like the digit, so only where the numeral
# completes a mark's pair.
FORMAL = {"壹": "1", "贰": "2", "貳": "2", "叁": "3", "參": "3", "肆": "4", "伍": "5", "陆": "6", "陸": "6",
          "柒": "7", "捌": "8", "玖": "9", "拾": "10", "佰": "100", "仟": "1000"}
FORMAL_NUMERAL = {ch: NUMERAL_OF.get(value) or ROUND[value] for ch, value in FORMAL.items()}  # 大写 → 小写
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")  # 5️⃣: a digit, the emoji selector, the enclosing keycap


@lru_cache(maxsize=1)
def digit_like_chars() -> dict[str, str]:
    """Characters that normalisation reads as one digit (circled ③, full-width ３, dingbat ❸, Cyrillic З
    drawn like 3), Roman numerals by their value (Ⅲ → 3, Ⅹ → 10; NFKC would make them letters, iii) and
    formal numerals (叁 → 3, 拾 → 10)."""
    import unicodedata

    from matchers.normalise import light, light_rewritten_codes

    out: dict[str, str] = {}
    # Only a character that light() rewrites can become a digit (any other stays itself, not ASCII), and
    # the Roman numerals are read by value: those codes alone, in code order, as a walk over the whole
    # BMP (≈65k characters, ≈60 ms of every forked run's start) would meet them.
    codes = sorted({c for c in light_rewritten_codes() if 0x80 <= c < 0x10000} | set(range(0x2160, 0x2180)))
    for code in codes:
        ch = chr(code)
        if unicodedata.category(ch)[0] not in "NL" or "\u4e00" <= ch <= "\u9fff":
            continue
        if 0x2160 <= code <= 0x217F:  # Roman numerals
            value = unicodedata.numeric(ch, -1)
            if value in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):
                out[ch] = str(int(value))
            continue
        plain = light(ch)
        if 1 <= len(plain) <= 2 and plain.isascii() and plain.isdigit():  # ⑬ and ⒀ too
            out[ch] = plain
    out.update(FORMAL)
    out.update(_rare_numerals())
    return out


def _rare_numerals() -> dict[str, str]:
    """Rare ideographs that Unicode gives a digit's value (弌 弍 弎, 亖, 㭍): old or variant numerals outside
    GB 2312, which no one types but to write a mark's numeral unread (弎棵树). A GB 2312 character with a
    numeric value (漆 7, 参 3, 仨 3, 幺 1) has a meaning of its own and is left alone."""
    import unicodedata

    out: dict[str, str] = {}
    for code in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)):
        ch = chr(code)
        value = unicodedata.numeric(ch, None)
        if value in (1, 2, 3, 4, 5, 6, 7, 8, 9) and not _in_gb2312(ch):
            out[ch] = str(int(value))
    return out


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def in_number(text: str, start: int, end: int) -> bool:
    """Is text[start:end] part of a longer number (another digit, or a decimal point before a digit, beside it)?"""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return before.isdigit() or after.isdigit() or (before in ".,:" and start > 1 and text[start - 2].isdigit()) \
        or (after in ".,:" and end + 1 < len(text) and text[end + 1].isdigit())


def _beyond(text: str, pos: int, step: int) -> str:
    """The character at ``pos`` or, past separators, the next one in direction ``step`` ("" at an edge)."""
    while 0 <= pos < len(text) and text[pos] in " .·_-":
        pos += step
    return text[pos] if 0 <= pos < len(text) else ""


def join_gaps(table: RebusTable, scan: Scanner, text: str) -> str | None:
    """``text`` without the separators a seller put between a digit and a Chinese character that
    are adjacent characters of a mark (3 6 1 度 → 3 6 1度, 北.京.2022 → 北.京2022); None when none."""
    if scan.gaps is None:
        return None
    out, last = [], 0
    for m in scan.gaps.finditer(text):
        left, right = m.group()[0], text[m.end()]
        if left.isdigit() != right.isdigit() and left + right in table.bigrams and (
                _beyond(text, m.start() - 1, -1) + left in table.bigrams
                or right + _beyond(text, m.end() + 1, 1) in table.bigrams):  # a third character of the mark:
            out.append(text[last:m.start() + 1])  # 柳州 2.5kg is not 杭州2022 split
            last = m.end()
    if not out:
        return None
    out.append(text[last:])
    return "".join(out)


def read_numbers(table: RebusTable, scan: Scanner, text: str, title: bool) -> tuple[str, bool] | None:
    """``text`` with its numbers written as plain digits or numerals: a keycap as its digit (9️⃣芝堂), two or
    more formal numerals as the plain ones (拾叁 → 十三, 壹伍柒叁 → 一五七三), a lone formal numeral, a circled,
    full-width or Roman digit as the digit (玖芝堂, ③棵树, ⑬), and a number in the script a mark does not
    write it in as the mark's where it makes the mark's pair with a neighbour (王守义13香 → 王守义十三香, 国窖一千五百七十三
    → 国窖1573); with whether a number read so makes a mark's pair with a neighbour. None when nothing is read."""
    before = original = text
    if scan.numbers is not None and "\u20e3" in text:  # 9️⃣芝堂: the keycap's digit
        text = _KEYCAP.sub(r"\1", text)
    if scan.digit_like is not None and scan.digit_like.search(text):  # ③棵树, Ⅲ棵树: read as 3棵树
        if scan.formal is not None and scan.formal.search(text):  # (the digit-like class holds the formal numerals)
            text = scan.formal.sub(lambda m: "".join(FORMAL_NUMERAL[ch] for ch in m.group()), text)
        folded = _folded_by_norm()
        before = scan.digit_like.sub(lambda m: digit_like_chars()[m.group()] if m.group() in folded else m.group(), before)
        text = scan.digit_like.sub(lambda m: digit_like_chars()[m.group()], text)
    if title and scan.counted is not None and scan.counted.search(text):
        text = _recount(table, scan, text)
    if text == original:
        return None
    return text, text != before and _completes(table, before, text)


@lru_cache(maxsize=1)
def _folded_by_norm() -> frozenset[str]:
    """The digit-like characters that normalisation folds to the same digit itself (３, ③, ⑬): reading them
    tells the matcher nothing new (a phone number in full-width digits is no reason to normalise again)."""
    from matchers.normalise import light

    return frozenset(ch for ch, digit in digit_like_chars().items() if light(ch) == digit)


def _recount(table: RebusTable, scan: Scanner, text: str) -> str:
    """``text`` with each whole number of :attr:`RebusTable.counted` that makes a mark's pair with a
    neighbour written as the mark writes it (13 → 十三 in 王守义13香; 13 in 13cm stays)."""
    out: list[str] = []
    last = 0
    for m in cast("re.Pattern[str]", scan.counted).finditer(text):  # (the caller checks it is not None)
        number, start, end = m.group(), m.start(), m.end()
        kin = "0123456789." if number[0].isdigit() else _NUMBER_CHARS
        if (start and text[start - 1] in kin) or (end < len(text) and text[end] in kin):
            continue  # a piece of a longer number
        written = table.counted[number]
        if text[start - 1:start] + written[0] in table.bigrams or written[-1] + text[end:end + 1] in table.bigrams:
            out.append(text[last:start])
            out.append(written)
            last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _completes(table: RebusTable, before: str, after: str) -> bool:
    """Does ``after`` hold a mark's pair beside a character that reading numbers changed, which ``before``
    did not hold? (Cheap: the texts are short and this runs only when a number was read.)"""
    old = {before[i:i + 2] for i in range(len(before) - 1)}
    return any(after[i:i + 2] in table.bigrams and after[i:i + 2] not in old for i in range(len(after) - 1))

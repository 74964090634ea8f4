"""The rebus table: what the register lets symbols stand for, built with the compiled register.

Why general: each entry comes from a general resource joined with the register's own marks (emoji names and
keywords: matchers/rebus_emoji.py; numbers: matchers/rebus_numbers.py; characters' parts:
matchers/rebus_parts.py), never from a table of marks; the reading (matchers/rebus.py) checks a symbol
against the marks' adjacent character pairs (``bigrams``) kept here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from matchers.native import mypyc_attr
from matchers.rebus_emoji import latin_emoji, latin_pairs, meanings, named_emoji, single_emoji
from matchers.rebus_numbers import DIGIT_OF, MEANT_BY_DIGIT, NUMERAL_OF, ROUND, counted_forms, roman_years
from matchers.rebus_parts import split_forms
from matchers.rebus_pinyin import Spelled, spelled_forms


@mypyc_attr(native_class=False)  # pickled into the compiled register's cache (matchers/packed.py)
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
    latin: dict[str, tuple[str, ...]] = field(default_factory=dict)  # emoji → Latin mark words its English name holds
    latin_pairs: frozenset[str] = frozenset()  # adjacent words of Latin marks of two or more words ("onitsuka tiger")
    spelled_before: Spelled = field(default_factory=dict)  # pinyin of a mark's first characters → (the rest, mark)
    spelled_after: Spelled = field(default_factory=dict)  # pinyin of a mark's last characters → (the rest, mark)
    years: dict[str, str] = field(default_factory=dict)  # a mark's year in Roman numerals → its digits (mmvii: 2007)
    # a mark of two characters with one as \0 → that one, for an emoji that pictures it (🐎 for 奔 of 奔腾: 奔马)
    wild_short: dict[str, str] = field(default_factory=dict)

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
    sound_read: frozenset[str] = frozenset()
    digit_sounds: dict[str, str] = {}
    meant: dict[str, tuple[str, ...]] = {}
    if chars:
        from matchers.normalise import canon

        digit_heard = {canon(numeral): digit for digit, numeral in NUMERAL_OF.items()}
        for ch in sorted(chars):  # 8拉8拉 for 巴拉巴拉: a digit for a mark's character that sounds like it
            digit = digit_heard.get(canon(ch))
            if digit is not None and ch != NUMERAL_OF[digit]:
                digit_sounds[digit] = digit_sounds.get(digit, "") + ch
        for digit, meant_chars in MEANT_BY_DIGIT.items():  # ② for 双: a digit for a character meaning its number
            held = "".join(ch for ch in meant_chars if ch in chars and ch not in digit_sounds.get(digit, ""))
            if held:
                digit_sounds[digit] = digit_sounds.get(digit, "") + held
        sound_bigrams = frozenset(canon(pair) for pair in bigrams)
        emoji, runs, sound_read = named_emoji(chars, bigrams)
        meant = meanings(chars, bigrams, emoji, runs)
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
    short_wild: dict[str, str] = {}
    for text in texts:
        if len(text) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in text):
            for key, ch in ((f"\0{text[1]}", text[0]), (f"{text[0]}\0", text[1])):
                short_wild[key] = "" if short_wild.get(key, ch) != ch else ch
    short_wild = {k: v for k, v in short_wild.items() if v}
    anything = single_emoji() if (wild or short_wild) and chars else frozenset()
    words = latin_pairs(texts)
    return RebusTable(emoji, bigrams, digit_marks, runs, sound_bigrams, sound_read, short, rewritten,
                      {k: v for k, v in wild.items() if v}, anything,
                      frozenset(ch for k, v in (*wild.items(), *short_wild.items()) if v for ch in k + v if ch != "\0"),
                      digit_sounds, meant, split_forms(chars, bigrams), counted_forms(texts), latin_emoji(words),
                      words, *spelled_forms(texts), roman_years(texts), short_wild)


def symbol_choices(table: RebusTable, symbol: str) -> list[str]:
    """What ``symbol`` (a digit, a number, a numeral run, an emoji) may stand for, most likely first."""
    if symbol.isdigit() and len(symbol) == 1:  # its numeral, else a mark's character read like it (8: 巴)
        return [NUMERAL_OF[symbol], *table.heard.get(symbol, "")]
    if symbol in ROUND:
        return [ROUND[symbol]]
    if symbol[0] in DIGIT_OF:
        return ["".join(DIGIT_OF[ch] for ch in symbol)]
    key = symbol.replace("\ufe0f", "")
    return [*table.runs.get(key, ()), *table.emoji.get(key, "")]

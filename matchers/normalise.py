"""Text normalisation shared by marks and listings, so both sides meet in one canonical form.

Why translate tables: a listing passes through here on the hot path (≥20k listings/s), so every
character-level rule (full/half width, case, traditional→simplified, zero-width and emoji removal,
shape-alike and homophone folding, Latin look-alikes) is compiled once into ``str.translate`` tables
and the per-listing cost is a few C-level passes plus two regular expressions.

Three levels:
- :func:`light` — width, case, traditional→simplified, zero-width removed, Cyrillic/Greek letters
  drawn like Latin ones written as Latin. Punctuation kept (counterfeit wording such as "1:1" needs it).
- :func:`norm` — ``light`` plus emoji/symbols removed, punctuation to spaces, spaces between CJK
  characters and between single spaced-out letters ("N I K E", "耐 克") removed.
- :func:`canon` — ``norm`` folded character by character (same length, so positions line up):
  homophones to one representative per toneless pinyin syllable (耐可 → 耐克), shape-alikes
  (阿迪达期 → 阿迪达斯) and Latin look-alikes (NIKF, Nlke, N1KE).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from matchers.lexicon import LEXICON_PATH, lexicon
from matchers.variants import tsv_rows

_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\u00ad\u180e\u034f"
_CJK = "\u4e00-\u9fff\u3400-\u4dbf"
# Punctuation that becomes a word break; "$" and "@" stay (Latin look-alikes ADIDA$).
_ASCII_BREAKS = "!\"#%&'()*+,-./:;<=>?[\\]^_`{|}~"

_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
# A run of single letters/digits separated by spaces: "n i k e" -> "nike", "3 m" -> "3m".
# (Matched from its first space, the letter before it and its "not after a letter" as look-behinds
# over two and three characters: the spaces and letters after the first letter are what is removed,
# the first letter stays, so the result is that of r"(?<![0-9a-z$@])[0-9a-z$@](?: …)+". A pattern
# that starts with a literal lets the engine skip to the next space in C, where one that starts with
# a character set stops at every letter: 4× faster over a chunk of listings, 2.5× before that than a
# leading look-behind tried at every character.)
_SPACED = re.compile(r" (?<=[0-9a-z$@] )(?<![0-9a-z$@][0-9a-z$@] )[0-9a-z$@](?![0-9a-z$@])(?: [0-9a-z$@](?![0-9a-z$@]))*")
_SPACES = re.compile(r"\s{2,}")
# In a text through norm's table every white space is a space (tests/test_accel3_normalise.py), so runs of
# them are found from a literal: 5× faster over a chunk than \s{2,}, which tests every character.
_NORMED_SPACES = re.compile("  +")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


class Tables(NamedTuple):
    """Every character table of this module, built together and cached on disk (markwatch.cache)."""

    light: dict[int, str | None]
    light_norm: dict[int, str | None]  # light's table followed by norm's own
    canon: dict[int, str]
    readings: dict[int, str]  # CJK character → its first toneless pinyin reading
    sounds: dict[int, frozenset[str]]  # CJK character → every reading, toneless with 模糊音 folded
    drawn_sound: dict[int, str]  # a rare character canon reads as the common one it is drawn as → its sound's fold


_LOADED: Tables | None = None


def load_tables(cache_dir: Path | None = None) -> Tables:
    """The character tables of this process: built once (≈0.5 s), or loaded from ``cache_dir``
    (markwatch.cache) when a run built them there before. Later calls return the same tables,
    whatever ``cache_dir`` they name; the :class:`~matchers.matcher.Matcher` loads them first."""
    global _LOADED
    if _LOADED is None:
        from markwatch.cache import cached, file_fingerprint, library_fingerprint

        from matchers import lexicon as lexicon_module
        from matchers import variants as variants_module  # drawn_as, read into canon's table
        from matchers.variants import CHAR_REARRANGED, CHAR_VARIANTS, RARE_GLYPH_ALIKE, SHAPE_ALIKE

        key = [file_fingerprint(__file__), file_fingerprint(lexicon_module.__file__), file_fingerprint(LEXICON_PATH),
               file_fingerprint(SHAPE_ALIKE), file_fingerprint(CHAR_REARRANGED),
               file_fingerprint(CHAR_VARIANTS), file_fingerprint(RARE_GLYPH_ALIKE), file_fingerprint(variants_module.__file__),
               file_fingerprint(RADICAL_IDEOGRAPHS),
               library_fingerprint("pypinyin"),
               library_fingerprint("opencc"),
               library_fingerprint("confusable_homoglyphs")]
        _LOADED = cached("normalise-tables", key, _build_tables, cache_dir)
    return _LOADED


@lru_cache(maxsize=1)
def _tables() -> Tables:
    return load_tables()


def _build_tables() -> Tables:
    light = _build_light_table()
    canon_table, drawn_sound = _build_canon_table()
    return Tables(light, _merge(light, _build_norm_table()), canon_table, _build_readings(), _build_sounds(),
                  drawn_sound)


def _light_table() -> dict[int, str | None]:
    return _tables().light


def _light_norm_table() -> dict[int, str | None]:
    return _tables().light_norm


def _canon_table() -> dict[int, str]:
    return _tables().canon


def _build_sounds() -> dict[int, frozenset[str]]:
    from pypinyin.pinyin_dict import pinyin_dict

    return {code: frozenset(fuzzy_syllable(toneless(r)) for r in reading.split(","))
            for code, reading in pinyin_dict.items() if "," in reading}


def _build_readings() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict

    return {code: toneless(reading.split(",")[0]) for code, reading in pinyin_dict.items()}


def _build_light_table() -> dict[int, str | None]:
    import opencc  # char-level traditional→simplified, compiled into the table once

    from pypinyin.pinyin_dict import pinyin_dict

    table: dict[int, str | None] = {}
    for code in range(0xFF01, 0xFF5F):  # full width → half width
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    for ch in _ZERO_WIDTH:
        table[ord(ch)] = None
    # Whitespace becomes a plain space (the norm table does the rest of U+2000–U+206F), so after
    # norm's translation "\s" and " " mean the same and a text without " " needs no spacing rule.
    for ch in "\t\r\n\v\f\u00a0\u2002\u2003\u2009\u202f\x1c\x1d\x1e\x1f\x85\u1680":
        table[ord(ch)] = " "
    for code in range(0xC0, 0x250):  # accented Latin: HERMÈS → hermes
        base = unicodedata.normalize("NFKD", chr(code))[:1].lower()
        if base.isascii() and base.isalpha():
            table[code] = base
    table.update(_compat_table())  # ③M, ３６１, SK-Ⅱ, 𝐍𝐈𝐊𝐄 → 3m, 361, sk-ii, nike
    for small, letter in zip(SMALL_CAPITALS, "abcdefghijklmnopqrstuvwxyz"):  # ʜᴀɢʟᴏꜰꜱ → haglofs
        table[ord(small)] = letter
    for code in range(0x1F1E6, 0x1F200):  # regional indicator letters: 🇳🇴🇲🇴🇸 → nomos
        table[code] = chr(ord("a") + code - 0x1F1E6)
    table.update(_confusables_table())  # Unicode's confusables: ЗM → 3m, Ꭺ → a
    for bent, latin in lexicon()["confusables"].items():  # Cyrillic/Greek drawn like Latin: АNTA → anta
        table[ord(bent)] = latin
    converter = opencc.OpenCC("t2s")
    for code in pinyin_dict:
        ch = chr(code)
        if _is_cjk(ch):
            simple = converter.convert(ch)
            # not to a character beyond the BMP (勣 → 𪟝): no table of the matcher knows one, while the traditional
            # character is drawn like a common one (勣 like 動, 动's traditional form: glyph_alike_broad.tsv)
            if len(simple) == 1 and simple != ch and simple <= "\uffff":
                table[code] = simple
    for code, ideograph in _ideograph_forms(converter).items():
        table.setdefault(code, ideograph)
    for ligature, spelled in lexicon().get("ligatures", {}).items():  # 红囍 → 红双喜: one glyph for two characters
        table[ord(ligature)] = spelled
    return table


SMALL_CAPITALS = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡxʏᴢ"
"""Latin small capitals a to z (Unicode has no small x: a plain x stands in), which NFKC leaves as they are: sellers
write a mark in them (ʜᴀɢʟᴏꜰꜱ) so that it reads as the mark and matches no search."""

RADICAL_IDEOGRAPHS = Path(__file__).parent / "data" / "radical_ideographs.tsv"
_COMPAT_IDEOGRAPHS = ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _ideograph_forms(t2s: object) -> dict[int, str]:
    """Code points that are a Chinese character in another dress → that character, simplified (⻓ → 长, ⽔ → 水,
    豈 → 岂, 巣 → 巢). Why: a seller writes a mark's character so that a buyer reads it and a filter does not (步⻓,
    山⽔, 美巣), and norm kept them, so they met nothing and a space after one was no gap between characters.

    - radicals (CJK Radicals Supplement, Kangxi Radicals) by ``radical_ideographs.tsv`` (scripts/
      build_radical_ideographs.py: NFKC, else the ideograph the font draws with the same outline);
    - CJK compatibility ideographs by NFKC (the unified one they are a duplicate of);
    - a Japanese form (shinjitai) outside GB 2312 by opencc's jp2t, where its traditional form simplifies to a
      GB 2312 character: 巣 → 巢 → 巢, 沢 → 澤 → 泽. Characters a Chinese IME offers (芸, which jp2t makes 藝) are
      left alone: they are Chinese characters of their own."""
    import opencc

    simplify = t2s.convert  # type: ignore[attr-defined]
    out: dict[int, str] = {}
    if RADICAL_IDEOGRAPHS.exists():
        for radical, ideograph in tsv_rows(RADICAL_IDEOGRAPHS):
            out[ord(radical)] = simplify(ideograph)
    for lo, hi in _COMPAT_IDEOGRAPHS:
        for code in range(lo, hi + 1):
            unified = unicodedata.normalize("NFKC", chr(code))
            if len(unified) == 1 and _is_cjk(unified):
                out[code] = simplify(unified)
    rare = [chr(c) for lo, hi in ((0x4E00, 0xA000), (0x3400, 0x4DC0)) for c in range(lo, hi) if not _in_gb2312(chr(c))]
    written = opencc.OpenCC("jp2t").convert("\n".join(rare)).split("\n")  # one call: ≈20 ms for 20k characters
    for ch, traditional in zip(rare, written):
        if traditional != ch and len(traditional) == 1 and simplify(ch) == ch:
            simple = simplify(traditional)
            if len(simple) == 1 and simple != ch and _in_gb2312(simple):
                out[ord(ch)] = simple
    return {code: ch for code, ch in out.items() if len(ch) == 1 and chr(code) != ch}


# Blocks whose characters are digits or letters in another dress (circled, parenthesised, Roman
# numerals, mathematical, enclosed, super/subscript): NFKC says which ASCII they stand for.
_COMPAT_BLOCKS = ((0x00B2, 0x00B3), (0x00B9, 0x00B9), (0x2070, 0x209F), (0x2150, 0x218F), (0x2460, 0x24FF),
                  (0x2776, 0x2793), (0x3021, 0x3029), (0x3038, 0x303A), (0x3220, 0x3229), (0x3248, 0x325F),
                  (0x3280, 0x3289), (0x32B1, 0x32BF), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1E5))
_NUMERALS = "一二三四五六七八九十"
_DINGBAT_DIGITS = {**{0x2776 + i: str(i + 1) for i in range(9)}, 0x277F: "10",
                   **{0x2780 + i: str(i + 1) for i in range(9)}, 0x2789: "10",
                   **{0x278A + i: str(i + 1) for i in range(9)}, 0x2793: "10"}


def _compat_table() -> dict[int, str]:
    """Digits and letters in another dress → plain lower-case ASCII (③ → 3, Ⅱ → ii, ⑩ → 10): sellers
    write a mark's digits circled or as Roman numerals so that a filter on "3M" or "SK-II" misses.

    Those NFKC leaves as they are (double-circled ⓽, negative-circled ⓫ and ⓿, Hangzhou numerals 〩) are read
    by their Unicode numeric value, and a circled or parenthesised numeral (㊈, ㈨) as the numeral it holds
    (九): otherwise norm drops them as symbols and the mark's digit or numeral is gone (⓽阳 for 九阳)."""
    out: dict[int, str] = {}
    for lo, hi in _COMPAT_BLOCKS:
        for code in range(lo, hi + 1):
            plain = _DINGBAT_DIGITS.get(code) or unicodedata.normalize("NFKC", chr(code))
            plain = plain.strip("().,").lower()
            if plain in _NUMERALS:
                out[code] = plain
            elif plain and plain.isascii() and plain.isalnum() and plain != chr(code):
                out[code] = plain
            elif (value := unicodedata.numeric(chr(code), -1.0)) >= 0 and value == int(value):
                out[code] = str(int(value))
    return out


_CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "LATIN", "LISU", "MODIFIER LETTER")


def _confusables_table() -> dict[int, str]:
    """Letters of other scripts that Unicode's confusables data (confusable-homoglyphs) draws as one
    ASCII letter or digit: З → 3, б → 6, Ꭺ → a. Chinese platforms have no use for them inside a Latin
    word, so they are read as what they look like."""
    import json
    import os

    import confusable_homoglyphs

    path = os.path.join(os.path.dirname(confusable_homoglyphs.__file__), "confusables.json")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    out: dict[int, str] = {}
    for ch, glyphs in data.items():
        if len(ch) != 1 or ch.isascii() or not unicodedata.category(ch).startswith(("L", "N")):
            continue
        if not unicodedata.name(ch, "").startswith(_CONFUSABLE_SCRIPTS):
            continue
        plain = next((g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalnum()), None)
        if plain:
            out[ord(ch)] = plain.lower()
    return out


def _build_norm_table() -> dict[int, str | None]:
    """Symbols and emoji vanish (they are put inside marks to break filters); punctuation breaks words."""
    table: dict[int, str | None] = {}
    for ch in _ASCII_BREAKS:
        table[ord(ch)] = " "
    for lo, hi in ((0x2000, 0x206F), (0x3000, 0x303F), (0xFE10, 0xFE6F), (0xFF00, 0xFF65)):
        for code in range(lo, hi + 1):
            if unicodedata.category(chr(code)).startswith(("P", "Z")):
                table[code] = " "
    for ch in "，。！？、；：“”‘’（）【】《》「」『』〈〉…—～·":
        table[ord(ch)] = " "
    symbol_ranges = ((0x2100, 0x2BFF), (0x1F000, 0x1FAFF), (0xFE00, 0xFE0F), (0x3200, 0x32FF),
                     (0x25A0, 0x27BF), (0x00A9, 0x00AE), (0xE000, 0xF8FF))
    for lo, hi in symbol_ranges:
        for code in range(lo, hi + 1):
            table[code] = None
    for ch in "★☆♥❤✿※●○◆◇■□▲△♡✔✘丨丶亅丿":  # strokes/radicals pushed inside CJK marks too
        table[ord(ch)] = None
    for emoji, char in lexicon()["emoji_rebus"].items():  # 爱🐴仕: the emoji stands for 马
        table[ord(str(emoji)[0])] = str(char)
    return table


def _build_canon_table() -> tuple[dict[int, str], dict[int, str]]:
    """Homophones (first toneless reading) and shape-alikes fold to one representative character;
    also, for each rare character read as the common one it is drawn as, the fold of its own sound
    (see :func:`sound_key`)."""
    from pypinyin.pinyin_dict import pinyin_dict

    from matchers.variants import drawn_as

    rep_of_syllable: dict[str, str] = {}
    canon_of: dict[str, str] = {}
    # Basic-plane characters first, so representatives are common characters (readable when debugging).
    for code in sorted(pinyin_dict, key=lambda c: (not 0x4E00 <= c <= 0x9FFF, c)):
        ch = chr(code)
        if not _is_cjk(ch):
            continue
        syllable = fuzzy_syllable(toneless(pinyin_dict[code].split(",")[0]))
        canon_of[ch] = rep_of_syllable.setdefault(syllable, ch)
    table: dict[int, str] = {ord(k): v for k, v in canon_of.items() if k != v}
    hand = lexicon()["shape_alike"]
    for bent, real in hand.items():
        table[ord(bent)] = canon_of.get(real, real)
    for bent, real in lexicon()["latin_alike"].items():
        table[ord(bent)] = real
    # A rare character (孑, 袓, 態) is read as the common one it is drawn as (子, 祖, 熊): sellers type it
    # beside a mark's other characters so that a filter misses the mark (好孩孑, 始袓鸟). Its own sound
    # is kept for the register's side (a mark holding 珀 is also met by its homophones: compiled.py).
    drawn_sound: dict[int, str] = {}
    for bent, real in drawn_as().items():
        if bent in hand or not _is_cjk(bent):
            continue
        drawn_sound[ord(bent)] = table.get(ord(bent), bent)
        table[ord(bent)] = table.get(ord(real), real)
    return table, drawn_sound


def sound_key(normed: str) -> str:
    """:func:`canon` of a :func:`norm` text, but each rare character canon reads by its shape (孑 as 子)
    folded by its sound instead: the key under which the text's homophones meet it (珀莱雅 by 泊莱雅)."""
    drawn = _tables().drawn_sound
    key = canon(normed)
    if not drawn or not any(ord(ch) in drawn for ch in normed):
        return key
    return "".join(drawn.get(ord(ch), k) for ch, k in zip(normed, key))


@lru_cache(maxsize=1)
def _drawn_pattern() -> re.Pattern[str] | None:
    """The rare characters canon reads by shape whose sound folds elsewhere, as one character class."""
    drawn = _tables().drawn_sound
    table = _tables().canon
    chars = sorted(chr(c) for c, sound in drawn.items() if table.get(c, chr(c)) != sound)
    return re.compile("[" + "".join(re.escape(ch) for ch in chars) + "]") if chars else None


def heard_key(normed: str, key: str) -> str | None:
    """The key of ``normed`` read by sound (:func:`sound_key`) where it differs from its canon ``key``, else
    None. Why: a variant form outside GB 2312 is read as the character Unihan makes it (彊 as 强), yet a seller
    may type it for a mark it sounds and looks like (大彊 for 大疆): the listing side gets both readings, and
    the plain reading (大强) still meets nothing but 强's marks."""
    pattern = _drawn_pattern()
    if pattern is None or pattern.search(normed) is None:
        return None
    drawn = _tables().drawn_sound
    heard = "".join(drawn.get(ord(ch), k) for ch, k in zip(normed, key))
    return heard if heard != key else None


_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=4096)
def fuzzy_syllable(syllable: str) -> str:
    """Fold the pairs an IME's 模糊音 treats as one (zh/z, ch/c, sh/s, ang/an, eng/en, ing/in):
    infringers pick characters by sound, and 雅思兰黛 for 雅诗兰黛 sounds the same to most buyers."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long):]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


def toneless(syllable: str) -> str:
    """'nài' → 'nai' (tones do not matter for homophones)."""
    return syllable.translate(_TONES)


def _merge(first: dict[int, str | None], second: dict[int, str | None]) -> dict[int, str | None]:
    """``first`` then ``second`` as one table (light then norm: one translate pass on the hot path)."""
    merged: dict[int, str | None] = {k: (v.translate(second) if v else v) for k, v in first.items()}
    for code, value in second.items():
        merged.setdefault(code, value)
    return merged


def light_rewritten_codes() -> frozenset[int]:
    """The code points :func:`light` rewrites or drops; every other character it leaves as it is."""
    return frozenset(_light_table())


def light(text: str) -> str:
    """Width, case, traditional→simplified; zero-width characters removed. Punctuation kept."""
    return text.translate(_light_table())


ITERATION_MARK = "\u3005"
"""々: the character before it, written again (龙々 for 龙龙). Sellers write a doubled mark so (a mascot's name)."""


def _iterated(text: str) -> str:
    """``text`` with each 々 written as the Chinese character before it (one after anything else stays)."""
    out = list(text)
    for i in range(1, len(out)):
        if out[i] == ITERATION_MARK and _is_cjk(out[i - 1]):
            out[i] = out[i - 1]
    return "".join(out)


def norm(text: str) -> str:
    """The matching form: ``light`` plus symbols removed and spacing inside marks collapsed."""
    text = text.translate(_light_norm_table())
    if ITERATION_MARK in text:
        text = _iterated(text)
    if " " not in text:
        return text
    text = _CJK_GAP.sub("", text)
    text = _SPACES.sub(" ", text)  # first, so "R  O  L  E  X" is spaced-out letters too
    return _SPACED.sub(_join_spaced, text)


def _join_spaced(match: re.Match[str]) -> str:
    return match.group(0).replace(" ", "")


def canon(normed: str) -> str:
    """Fold a :func:`norm` text (same length out) for homophone/shape/look-alike matching."""
    return normed.translate(_canon_table())


# ---------------------------------------------------------------------- many texts at once
# The hot path normalises every field of a chunk of listings. str.translate looks each character up
# in a dict and the regular expressions pay a call per text; for a whole chunk, numpy gathers the
# character tables (as arrays over all code points) in one go, the CJK-gap rule is done on the
# arrays, and the two remaining regular expressions run once over the joined chunk. The result is
# exactly [norm(t) for t in texts] (tests/test_normalise.py checks it with hypothesis).
_SEP = "\x00"  # joins the texts: not whitespace, not CJK, not a letter, so no rule crosses it
_DELETED = 0xFFFFFFFF
_CODES = 0x110000


@lru_cache(maxsize=1)
def _arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(norm's character table, canon's table, is-CJK, light's table) as arrays by code point."""
    tables = _tables()

    def lut(table: dict[int, str | None]) -> np.ndarray:
        table = {k: v for k, v in table.items() if not v or len(v) == 1}  # longer ones: _expand first
        out = np.arange(_CODES, dtype=np.uint32)
        out[np.fromiter(table.keys(), dtype=np.int64, count=len(table))] = np.fromiter(
            (ord(v) if v else _DELETED for v in table.values()), dtype=np.uint32, count=len(table))
        return out

    cjk = np.zeros(_CODES, dtype=bool)
    cjk[0x4E00:0xA000] = cjk[0x3400:0x4DC0] = True
    return lut(tables.light_norm), lut(tables.canon), cjk, lut(tables.light)  # type: ignore[arg-type]


def _to_codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_codes(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


_MIN_BATCH = 8  # below this many texts, numpy's fixed cost per call outweighs the per-text work


@lru_cache(maxsize=1)
def _expansions() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Characters that light() writes as several (Ⅱ → ii, ⑩ → 10): the arrays hold one code point
    per character, so a batch replaces these first (already lower-case ASCII: the tables keep it)."""
    multi = {chr(k): v for k, v in _tables().light.items() if v and len(v) > 1}
    return (re.compile("|".join(map(re.escape, multi))) if multi else None), multi


def _expand(joined: str) -> str:
    pattern, multi = _expansions()
    if pattern is None:
        return joined
    return pattern.sub(lambda m: multi[m.group()], joined)


@lru_cache(maxsize=1)
def _expanded_codes() -> np.ndarray:
    """Is-expanded (:func:`_expansions`) by code point: whether a batch needs the regular expression."""
    out = np.zeros(_CODES, dtype=bool)
    out[[ord(ch) for ch in _expansions()[1]]] = True
    return out


def _joined(texts: list[str]) -> str | None:
    """The texts joined by :data:`_SEP`, or None when they are better done one by one (a few texts,
    e.g. one listing judged alone; or a NUL inside a text, which would split it in two)."""
    if len(texts) < _MIN_BATCH:
        return None
    joined = _SEP.join(texts)
    return joined if joined.count(_SEP) == len(texts) - 1 else None


def _joined_codes(texts: list[str]) -> np.ndarray | None:
    """The code points of the texts joined (:func:`_joined`) with :func:`_expand` applied, or None.

    Why not the regular expression on every batch: it walks the whole chunk (≈2 µs a listing, three
    times a chunk) to find characters that are rare; a gather on the code points finds them."""
    joined = _joined(texts)
    if joined is None:
        return None
    codes = _to_codes(joined)
    if _expanded_codes()[codes].any():
        codes = _to_codes(_expand(joined))
    return codes


def _norm_codes(codes: np.ndarray) -> list[str]:
    norm_lut, _, cjk, _ = _arrays()
    codes = norm_lut[codes]
    codes = codes[codes != _DELETED]
    marks = np.flatnonzero(codes[1:] == ord(ITERATION_MARK))
    for at in marks:  # 龙々: rare, so one by one (a run 龙々々 copies the copy; one after no Chinese character stays)
        if cjk[codes[at]]:
            codes[at + 1] = codes[at]
    space = codes == 32
    if space.any():  # _CJK_GAP: drop each whole run of spaces between two CJK characters
        n = len(codes)
        index = np.arange(n)
        before = np.maximum.accumulate(np.where(space, -1, index))  # last non-space at or before i
        after = np.minimum.accumulate(np.where(space, n, index)[::-1])[::-1]  # first at or after i
        is_cjk = cjk[codes]
        gap = space & (before >= 0) & (after < n)
        gap &= is_cjk[np.maximum(before, 0)] & is_cjk[np.minimum(after, n - 1)]
        codes = codes[~gap]
    out = _from_codes(codes)
    if " " in out:
        out = _NORMED_SPACES.sub(" ", out)  # _SPACES: the codes went through norm's table
        out = _SPACED.sub(_join_spaced, out)
    return out.split(_SEP)


def _light_codes(codes: np.ndarray) -> list[str]:
    codes = _arrays()[3][codes]
    return _from_codes(codes[codes != _DELETED]).split(_SEP)


def norm_many(texts: list[str]) -> list[str]:
    """``[norm(t) for t in texts]``, computed for all of them at once."""
    codes = _joined_codes(texts)
    return [norm(t) for t in texts] if codes is None else _norm_codes(codes)


def light_many(texts: list[str]) -> list[str]:
    """``[light(t) for t in texts]``, computed for all of them at once."""
    codes = _joined_codes(texts)
    return [light(t) for t in texts] if codes is None else _light_codes(codes)


def norm_and_light_many(texts: list[str]) -> tuple[list[str], list[str]]:
    """(:func:`norm_many`, :func:`light_many`) of the same texts, joined and read as code points once."""
    codes = _joined_codes(texts)
    if codes is None:
        return [norm(t) for t in texts], [light(t) for t in texts]
    return _norm_codes(codes), _light_codes(codes)


def canon_many(normed: list[str]) -> list[str]:
    """``[canon(t) for t in normed]``, computed for all of them at once."""
    codes = _joined_codes(normed)
    if codes is None:
        return [canon(t) for t in normed]
    return _from_codes(_arrays()[1][codes]).split(_SEP)


def _syllables(text: str) -> list[str]:
    """First toneless reading of each character (pypinyin's character table; its phrase
    segmenter costs a second of start-up and marks are judged character by character anyway)."""
    readings = _tables().readings
    return [readings.get(ord(ch), ch) for ch in text]


def sounds_of(ch: str) -> frozenset[str]:
    """Every reading of a character (模糊音 folded): 乐 → {le, yue}, 勒 → {lei, le}."""
    found = _tables().sounds.get(ord(ch))
    return found if found is not None else frozenset((fuzzy_syllable(_syllables(ch)[0]),))


@lru_cache(maxsize=1)
def characters_also_read_as() -> dict[str, list[str]]:
    """Reading (toneless, 模糊音 folded) → the common characters (GB 2312) that have it as a
    reading other than their first (勒: lēi first, lè second), which ``canon`` cannot see."""
    out: dict[str, list[str]] = {}
    for code, sounds in _tables().sounds.items():
        ch = chr(code)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue  # rare characters: no seller types them to dodge a filter
        for sound in sounds - {fuzzy_syllable(pinyin_of(ch))}:
            out.setdefault(sound, []).append(ch)
    return out


def can_sound_alike(a: str, b: str) -> bool:
    """Can ``a`` be read like ``b``, character by character, with any reading of each (勒高/乐高)?"""
    return len(a) == len(b) and all(x == y or sounds_of(x) & sounds_of(y) for x, y in zip(a, b))


@lru_cache(maxsize=65536)
def fuzzy_pinyin_of(text: str) -> str:
    """Pinyin with 模糊音 folded, syllables joined by spaces (for homophone checks)."""
    return " ".join(fuzzy_syllable(s) for s in _syllables(text))


@lru_cache(maxsize=65536)
def pinyin_of(text: str) -> str:
    """Toneless pinyin of the CJK characters of ``text`` ("耐克" → "naike"); other characters kept."""
    return "".join(_syllables(text))


OTHER_READINGS = 3
"""Pinyin spellings of a mark with one polyphonic character read otherwise (:func:`pinyin_by_other_readings`)."""
MIN_PHRASES = 10
"""Phrases of pypinyin's phrase table that must read a character so for the reading to count as one words use."""


def pinyin_by_other_readings(text: str, limit: int = OTHER_READINGS) -> list[str]:
    """The toneless pinyin of ``text`` (all CJK) with ONE polyphonic character read by another of its readings
    (了 is le first, liǎo in 了解: 冯了性 → fengliaoxing, besides the first reading's fenglexing), at most ``limit``
    spellings, the readings more phrases use first. Why: a seller who spells a mark in pinyin reads it as the mark
    is said, and a name's character is often said by a reading that is not the table's first. Only readings that
    at least :data:`MIN_PHRASES` phrases of pypinyin's phrase table use (冯 píng, of 暴虎冯河, is no name's reading),
    one character at a time, so a mark of many polyphonic characters stays a few forms."""
    first = _syllables(text)
    found: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        for reading, count in _used_readings().get(ch, ()):
            if reading != first[i]:
                spelled = "".join(first[:i]) + reading + "".join(first[i + 1:])
                if spelled.isascii():
                    found.append((count, spelled))
    found.sort(key=lambda pair: -pair[0])
    return list(dict.fromkeys(spelled for _, spelled in found))[:limit]


@lru_cache(maxsize=1)
def _used_readings() -> dict[str, tuple[tuple[str, int], ...]]:
    """Character → its toneless readings that at least :data:`MIN_PHRASES` phrases of pypinyin's phrase table read
    it by, with how many, most used first (了 → liao 81, le 36). Read at compile time only."""
    from collections import Counter

    from pypinyin.phrases_dict import phrases_dict

    counts: Counter[tuple[str, str]] = Counter()
    for phrase, readings in phrases_dict.items():
        if len(phrase) == len(readings):
            for ch, reading in zip(phrase, readings):
                counts[(ch, toneless(reading[0]))] += 1
    out: dict[str, list[tuple[str, int]]] = {}
    for (ch, sound), count in counts.items():
        if count >= MIN_PHRASES:
            out.setdefault(ch, []).append((sound, count))
    return {ch: tuple(sorted(found, key=lambda pair: -pair[1])) for ch, found in out.items()}


_ANY_CJK = re.compile(f"[{_CJK}]")


def has_cjk(text: str) -> bool:
    return _ANY_CJK.search(text) is not None


def warm() -> None:
    """Build (or load) every table now (the CLI does this before forking workers)."""
    _tables(), _arrays()


if __name__ == "__main__":  # pragma: no cover - manual probe: python -m matchers.normalise TEXT
    for arg in sys.argv[1:]:
        n = norm(arg)
        print(repr(light(arg)), repr(n), repr(canon(n)), pinyin_of(n))

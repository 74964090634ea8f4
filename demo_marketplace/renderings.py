"""How sellers write a protected mark: plain, traditional, pinyin, letter swaps, spacing, emoji…

Why: the catalogue is the matcher's training data, so every evasion listed in DOMAIN.md must appear
with variety. Derivable renderings (traditional via OpenCC, pinyin via pypinyin, letter swaps,
separators) are computed here once per right; hand-collected ones live in :mod:`vocab`.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from dataclasses import dataclass, field

from markwatch.contracts import Right
from demo_marketplace import vocab

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LOOKALIKE = {"I": "l1", "O": "0", "E": "F3", "S": "5", "A": "4", "L": "I", "B": "8", "G": "6", "U": "V", "V": "U"}
_HOMOGLYPHS = {"I": "І", "O": "О", "E": "Е", "A": "А", "C": "С", "K": "К", "N": "Ν"}  # Cyrillic / Greek
SEPARATORS = [" ", "-", ".", "·", "_", "*", "\u200b", "/", "丨", "~", "  "]
EMOJI = ["😀", "🔥", "❤️", "⭐", "👟", "💯", "✨", "🎁", "🌟", "👍"]


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@dataclass
class MarkForms:
    """Every way the catalogue may write one right's mark."""

    right: Right
    latin: str = ""
    cjk: str = ""
    plain: list[str] = field(default_factory=list)
    traditional: list[str] = field(default_factory=list)
    pinyin: list[str] = field(default_factory=list)
    homophones: list[str] = field(default_factory=list)
    shape_alikes: list[str] = field(default_factory=list)
    nicknames: list[str] = field(default_factory=list)


def build_forms(right: Right, s2t, to_pinyin) -> MarkForms:
    """Derive all renderings of ``right`` (``s2t``: OpenCC converter, ``to_pinyin``: pypinyin.lazy_pinyin)."""
    names = right.all_names
    latin = next((n for n in names if n.isascii()), "")
    cjk = next((n for n in names if has_cjk(n)), "")
    plain = list(dict.fromkeys(names))
    if latin and cjk:
        plain += [f"{cjk}{latin}", f"{latin}/{cjk}", f"{cjk} {latin.title()}"]
    if latin and latin.upper() == latin and len(latin) > 3:
        plain += [latin.title(), latin.lower()]
    forms = MarkForms(right=right, latin=latin, cjk=cjk, plain=plain)
    for name in names:
        if has_cjk(name):
            trad = s2t.convert(name)
            if trad != name:
                forms.traditional.append(trad)
    if cjk:
        syllables = to_pinyin(cjk)
        joined = "".join(syllables)
        if joined.upper() not in {n.upper().replace(" ", "").replace("-", "") for n in names}:
            forms.pinyin = [joined, joined.upper(), " ".join(syllables), "".join(s.title() for s in syllables)]
    forms.homophones = list(vocab.HOMOPHONES.get(right.id, []))
    forms.shape_alikes = list(vocab.SHAPE_ALIKES.get(right.id, []))
    if latin and len(latin) <= 8:
        # Full-width letters (ＮＩＫＥ) and a Cyrillic look-alike letter (NІKE): the same shape, other code points.
        forms.shape_alikes.append("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in latin.upper()))
        upper = latin.upper()
        at = next((i for i, c in enumerate(upper) if c in _HOMOGLYPHS), None)
        if at is not None:
            forms.shape_alikes.append(upper[:at] + _HOMOGLYPHS[upper[at]] + upper[at + 1:])
    forms.nicknames = list(vocab.NICKNAMES.get(right.id, []))
    return forms


def letter_swap(word: str, rng: random.Random) -> str:
    """A misspelling a seller uses to slip past exact-match filters: NIKF, Nlke, ADIDSA, ADDAS."""
    base = word.upper()
    for _ in range(10):
        letters = list(base)
        positions = [i for i, ch in enumerate(letters) if ch.isalpha()]
        op = rng.randrange(4)
        i = rng.choice(positions[1:] or positions)
        if op == 0 and letters[i] in _LOOKALIKE:
            letters[i] = rng.choice(_LOOKALIKE[letters[i]])
        elif op == 1 and i + 1 < len(letters) and letters[i + 1].isalpha() and letters[i] != letters[i + 1]:
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
        elif op == 2 and len(positions) >= 6:  # dropping a letter of SONY leaves no recognisable mark
            del letters[i]
        elif op == 3:
            letters.insert(i, letters[i])
        else:
            continue
        out = "".join(letters)
        if out != base:
            if "l" in out or rng.random() < 0.3:
                out = out[0] + out[1:].lower() if rng.random() < 0.5 else out
            return out
    return base[0] + "l" + base[2:] if len(base) > 2 else base + base[-1]


def spaced(mark: str, rng: random.Random) -> str:
    """Separators inside the mark (N I K E, 耐-克, 耐\u200b克)."""
    chars = [c for c in mark if c != " "]
    sep = rng.choice(SEPARATORS)
    if rng.random() < 0.35 and len(chars) > 2:
        cut = rng.randrange(1, len(chars))
        return "".join(chars[:cut]) + sep + "".join(chars[cut:])
    return sep.join(chars)


def with_emoji(mark: str, rng: random.Random) -> str:
    """An emoji inside the mark (耐😀克)."""
    chars = [c for c in mark if c != " "]
    cut = rng.randrange(1, len(chars)) if len(chars) > 1 else 1
    return "".join(chars[:cut]) + rng.choice(EMOJI) + "".join(chars[cut:])


def short_form(forms: MarkForms, rng: random.Random) -> str:
    """The form used for spacing/emoji tricks: the CJK name, or a short Latin name."""
    if forms.cjk and (not forms.latin or len(forms.latin) > 6 or rng.random() < 0.6):
        return forms.cjk
    return forms.latin or forms.right.name


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for name in sorted(names, key=len, reverse=True):
        esc = re.escape(name)
        parts.append(esc if has_cjk(name) else r"(?<![A-Za-z0-9])" + esc + r"(?![A-Za-z0-9])")
    return re.compile("|".join(parts), re.IGNORECASE)


def mentions(text: str, names: list[str] | tuple[str, ...]) -> bool:
    """Whether ``text`` contains one of ``names`` (CJK as substring, Latin as a whole word, any case)."""
    return bool(names) and _names_pattern(tuple(names)).search(text) is not None


def join_words(*parts: str) -> str:
    """Join title parts with single spaces, skipping empty ones (so names never fuse across parts)."""
    return " ".join(p for p in parts if p)

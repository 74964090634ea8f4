"""Build ``matchers/data/letter_stand_ins.tsv``: the Latin letters a Greek or Cyrillic letter may stand for inside
a Latin word, for the letters that Unicode's confusables data (confusable-homoglyphs, read by
``matchers.normalise.light``) does not already write as one ASCII letter.

Why: a seller who bends a Latin mark puts a letter of another script in it (ΓRAFF for GRAFF, ΛRVEN for ARVEN,
BЯAND for BRAND). The confusables data pairs only letters drawn exactly like a Latin one (А/A, Ρ/P); the others
stand for a Latin letter either by what they are (Γ is the Greek G: its romanisation, ISO 843 / ISO 9 for one
letter) or by what they look like in faux-Latin lettering (Λ and Д for A, Я for R, И for N, Σ for E, Ш for W).
Both readings are kept; the matcher tries them only inside a word that mixes such a letter with ASCII letters,
and only as an exact spelling of a register's Latin mark of four letters or more (matchers/candidates.py).

Rows: ``letter<TAB>the Latin letters or digraphs it may stand for, space-separated, romanisation first``; keyed by
the lower-case letter (the matcher looks a capital up by its lower case). Letters the confusables data reads are
left out (they never reach the matcher as Greek or Cyrillic). Run: ``python scripts/build_letter_stand_ins.py``.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "letter_stand_ins.tsv"

# One letter's romanisation (ELOT 743 / ISO 843 for Greek, ISO 9 simplified to ASCII for Cyrillic), by the
# letter's Unicode name: the alphabets, not any mark.
ROMANISED = {
    "ALPHA": "a", "BETA": "b", "GAMMA": "g", "DELTA": "d", "EPSILON": "e", "ZETA": "z", "ETA": "e", "THETA": "th",
    "IOTA": "i", "KAPPA": "k", "LAMDA": "l", "MU": "m", "NU": "n", "XI": "x", "OMICRON": "o", "PI": "p", "RHO": "r",
    "SIGMA": "s", "FINAL SIGMA": "s", "TAU": "t", "UPSILON": "y", "PHI": "f", "CHI": "ch", "PSI": "ps", "OMEGA": "o",
    "A": "a", "BE": "b", "VE": "v", "GHE": "g", "DE": "d", "IE": "e", "IO": "e", "ZHE": "zh", "ZE": "z", "I": "i",
    "SHORT I": "i", "KA": "k", "EL": "l", "EM": "m", "EN": "n", "O": "o", "PE": "p", "ER": "r", "ES": "s", "TE": "t",
    "U": "u", "EF": "f", "HA": "h", "TSE": "ts", "CHE": "ch", "SHA": "sh", "SHCHA": "shch", "HARD SIGN": "",
    "YERU": "y", "SOFT SIGN": "", "E": "e", "YU": "yu", "YA": "ya", "UKRAINIAN IE": "e", "YI": "i", "SHORT U": "u",
    "DJE": "d", "TSHE": "c", "GJE": "g", "KJE": "k", "LJE": "lj", "NJE": "nj", "DZHE": "dz",
}
# What a letter is drawn like in faux-Latin lettering (the typographer's "faux Cyrillic" and Greek used for
# Latin): capital and small forms alike.
DRAWN_LIKE = {
    "γ": "r", "δ": "a", "η": "n", "θ": "o", "λ": "a", "μ": "u", "ξ": "e", "π": "n", "σ": "e", "φ": "o",
    "ψ": "y", "ω": "w", "б": "b", "в": "b", "г": "r", "д": "a", "ж": "x", "и": "n", "й": "n", "л": "n", "п": "n",
    "ф": "o", "ц": "u", "ч": "y", "ш": "w", "щ": "w", "ъ": "b", "ы": "bi", "ь": "b", "э": "e", "ю": "io",
    "я": "r", "ё": "e", "є": "e", "ї": "i",
}
BLOCKS = ((0x0370, 0x03FF), (0x0400, 0x045F))


def stand_ins() -> dict[str, list[str]]:
    """Lower-case Greek or Cyrillic letter → the Latin it may stand for, for every letter that ``light`` leaves
    as it is in either case."""
    from matchers.normalise import light

    out: dict[str, list[str]] = {}
    for lo, hi in BLOCKS:
        for code in range(lo, hi + 1):
            ch = chr(code)
            name = unicodedata.name(ch, "")
            if not ch.isalpha() or "SMALL LETTER" not in name or "ARCHAIC" in name:
                continue
            if light(ch) != ch and light(ch.upper()) != ch.upper():
                continue  # both cases read by the confusables data already
            letter = name.split("SMALL LETTER ", 1)[1]
            readings = [r for r in (ROMANISED.get(letter, ""), DRAWN_LIKE.get(ch, "")) if r]
            if readings:
                out[ch] = list(dict.fromkeys(readings))
    return out


def main() -> int:
    found = stand_ins()
    lines = ["# Latin letters a Greek or Cyrillic letter may stand for inside a Latin word (scripts/build_letter_stand_ins"
             ".py: one letter's romanisation, then what it is drawn like; letters the confusables data reads left out)."
             " letter<TAB>readings"]
    lines += [f"{ch}\t{' '.join(readings)}" for ch, readings in sorted(found.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(found)} letters")
    return 0


if __name__ == "__main__":
    sys.exit(main())

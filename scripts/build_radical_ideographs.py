"""Build ``matchers/data/radical_ideographs.tsv``: each CJK radical code point (CJK Radicals Supplement
U+2E80–2EF3, Kangxi Radicals U+2F00–2FD5) → the unified ideograph it is drawn as (⻓ → 长, ⽔ → 水, ⻋ → 车).

Why: a seller writes a mark's character as the radical code point of the same picture (步⻓ for 步长, 山⽔ for
山水) so that a text filter misses it while a buyer reads the mark. NFKC maps the Kangxi block, but of the
supplement only two (⺟, ⻳); Unicode's EquivalentUnifiedIdeograph.txt pairs the rest, and no package of this
project ships it. The font does: Noto Sans CJK draws a radical with the very outline of its ideograph, so a
radical whose picture is pixel-identical to one ideograph's (and to the ideograph NFKC gives, where it gives one)
is that ideograph; a radical NFKC maps is read as Unicode says. A radical drawn like no ideograph (⺼, the 月 of 肉 squeezed) is left out: norm keeps it.

Rows: ``radical<TAB>ideograph``. Run: ``python scripts/build_radical_ideographs.py [FONT]`` (≈15 s).
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_glyph_alike import FAMILY, FONT, load_font, picture  # noqa: E402  (the same pictures)

RADICAL_BLOCKS = ((0x2E80, 0x2EF3), (0x2F00, 0x2FD5))
IDEOGRAPHS = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))
OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "radical_ideographs.tsv"


def radicals() -> list[str]:
    return [chr(c) for lo, hi in RADICAL_BLOCKS for c in range(lo, hi + 1) if unicodedata.name(chr(c), "")]


def main(font_path: str = FONT) -> int:
    font = load_font(font_path)
    ideographs = [chr(c) for lo, hi in IDEOGRAPHS for c in range(lo, hi + 1)]
    pictures = np.stack([picture(font, ch) for ch in ideographs])
    lines = [f"# CJK radical code points drawn as a unified ideograph (scripts/build_radical_ideographs.py: "
             f"pixel-identical pictures in {FAMILY} Regular, SIL OFL). radical<TAB>ideograph"]
    for radical in radicals():
        drawn = picture(font, radical)
        if not drawn.any():
            continue
        same = np.flatnonzero(np.abs(pictures - drawn).sum(axis=1) == 0)
        nfkc = unicodedata.normalize("NFKC", radical)
        if nfkc != radical:  # Unicode's own mapping wins where it has one (the whole Kangxi block: a few,
            lines.append(f"{radical}\t{nfkc}")  # ⼾ 戶, are drawn in the SC face by another region's outline)
        elif len(same):
            lines.append(f"{radical}\t{ideographs[same[0]]}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 1} radicals")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

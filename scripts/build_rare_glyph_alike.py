"""Build ``matchers/data/rare_glyph_alike.tsv``: for a common Chinese character (GB 2312 level 1), the rare character
(outside GB 2312, in the CJK Unified Ideographs block, with a pinyin reading) drawn most like it, when each is the
other's best: 冇 for 有 (the same outline, two strokes less inside), 尨 for 龙.

Why: a seller who bends a short mark picks the character an IME offers that looks like the mark's (有友 → 冇友,
桂龙 → 桂尨). The stroke table (scripts/build_shape_alike.py) reads a rare character as the common one whose stroke
sequence is nearest (冇 as 布: one stroke apart, a different picture), and the glyph table
(scripts/build_glyph_alike.py) compares only GB 2312 characters with each other; so no table paired these.

How: every character of the block that Noto Sans CJK SC draws is pictured as scripts/build_glyph_alike.py does
(the same size, blur, grid and cosine). A rare character is the twin of the common character its picture is most
like among GB 2312's, if that common character's most like rare character is it too (each the other's best: a
busy shape such as 口 has many rare look-alikes and keeps none), at :data:`MIN_LIKENESS` or more. Traditional
forms are left to the matcher's t2s (they are read as the simplified character before any table), and a twin that
sounds like its common character (尓 of 尔) is its variant, which ``canon`` meets by the sound already.

Rows: ``char<TAB>its rare twin<TAB>likeness``. Run: ``python scripts/build_rare_glyph_alike.py [FONT]`` (≈20 s).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_glyph_alike import FONT, load_font, picture  # noqa: E402
from scripts.build_shape_alike import level_of, same_sound  # noqa: E402

MIN_LIKENESS = 0.72
OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "rare_glyph_alike.tsv"


def pictures(font_path: str) -> tuple[list[str], np.ndarray]:
    """Every drawn character of U+4E00–U+9FA5 and its unit, mean-centred picture."""
    font = load_font(font_path)
    chars = [chr(c) for c in range(0x4E00, 0x9FA6)]
    pics = np.stack([picture(font, ch) for ch in chars])
    drawn = pics.sum(axis=1) > 0
    chars = [ch for ch, keep in zip(chars, drawn) if keep]
    pics = pics[drawn]
    pics -= pics.mean(axis=1, keepdims=True)
    pics /= np.linalg.norm(pics, axis=1, keepdims=True) + 1e-6
    return chars, pics


def twins(chars: list[str], pics: np.ndarray) -> dict[str, tuple[str, float]]:
    """Common character → (its rare twin, their likeness), each the other's best."""
    from pypinyin.pinyin_dict import pinyin_dict

    from matchers.normalise import light

    common = [i for i, ch in enumerate(chars) if level_of(ch)]
    rare = [i for i, ch in enumerate(chars) if not level_of(ch) and ord(ch) in pinyin_dict and light(ch) == ch]
    likeness = pics[rare] @ pics[common].T  # rare × common
    best_common, best_rare = likeness.argmax(axis=1), likeness.argmax(axis=0)
    out: dict[str, tuple[str, float]] = {}
    for r, c in enumerate(best_common):
        score = float(likeness[r, c])
        if best_rare[c] == r and score >= MIN_LIKENESS and level_of(chars[common[c]]) == 1 \
                and not same_sound(chars[common[c]], chars[rare[r]]):
            out[chars[common[c]]] = (chars[rare[r]], score)
    return out


def main(font_path: str = FONT) -> int:
    found = twins(*pictures(font_path))
    lines = ["# A common character's rare twin: the character outside GB 2312 drawn most like it, each the other's best"
             f" (scripts/build_rare_glyph_alike.py: Noto Sans CJK SC, cosine of blurred pictures >= {MIN_LIKENESS})."
             " char<TAB>twin<TAB>likeness"]
    lines += [f"{ch}\t{twin}\t{score:.2f}" for ch, (twin, score) in sorted(found.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(found)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

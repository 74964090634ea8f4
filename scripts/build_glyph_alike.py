"""Build ``matchers/data/glyph_alike.tsv``: Chinese characters whose drawn glyphs look alike, measured on
the glyphs themselves, so that the matcher bends a mark the way a buyer's eye is fooled (小夭才 for 小天才,
荚 for 英, 降 for 隆) where the stroke and part tables (shape_alike.tsv) rank the pair low or miss it.

Why a measure of the picture: what a counterfeiter changes is what a reader does not see at a glance (a
stroke's tilt: 天/夭; a dot: 王/玉; a short stroke: 未/末), and the stroke-sequence distance of
scripts/build_shape_alike.py counts strokes, not how far they move the picture (天/夭 differ in one stroke's
direction, a whole stroke for the edit distance; 贝/见 share their strokes' order and look unlike).

How: each GB 2312 character (the 6,763 a seller's IME offers) is drawn in Noto Sans CJK SC Regular (Debian's
``fonts-noto-cjk``, SIL OFL; ``scripts/setup.sh`` installs it) at ``SIZE`` px, centred, blurred by a Gaussian
of ``BLUR`` px (a stroke moved by a pixel or two is still the same picture) and shrunk to ``GRID``²; the
likeness of two characters is the cosine of their mean-centred pictures. Each character keeps the others at
``MIN_LIKENESS`` or more, best first, at most ``TOP``. The measure was looked at on random pairs of the
common characters (王/玉, 荚/英, 来/未, 雷/雪, 祥/样, 眠/眼, 固/国 above the bar; 贝/具 0.61, 乐/尔 0.40 far
below it: those stay with the stroke table), never on a held-out part.

Rows: ``char<TAB>characters drawn alike, best first<TAB>their likenesses (two decimals), space-separated``.
Run: ``python scripts/build_glyph_alike.py [FONT]`` (≈30 s; FONT defaults to the Debian path).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_shape_alike import gb2312_chars  # noqa: E402  (the same character set as the stroke table)

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FAMILY = "Noto Sans CJK SC"
SIZE = 40
BLUR = 1.2
GRID = 24
MIN_LIKENESS = 0.82
TOP = 6
OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "glyph_alike.tsv"


def load_font(path: str) -> ImageFont.FreeTypeFont:
    """The Simplified Chinese face of the collection at ``path`` (a .ttc holds JP, KR, SC, TC and HK faces)."""
    for index in range(16):
        font = ImageFont.truetype(path, SIZE, index=index)
        if font.getname()[0] == FAMILY:
            return font
    raise SystemExit(f"no {FAMILY} face in {path}")


def picture(font: ImageFont.FreeTypeFont, ch: str) -> np.ndarray:
    """``ch`` drawn centred, blurred and shrunk: a flat vector of GRID² grey values."""
    image = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(image).text((SIZE // 2, SIZE // 2), ch, fill=255, font=font, anchor="mm")
    image = image.filter(ImageFilter.GaussianBlur(BLUR)).resize((GRID, GRID), Image.BILINEAR)
    return np.asarray(image, dtype=np.float32).ravel()


def likeness_matrix(font: ImageFont.FreeTypeFont, chars: list[str]) -> np.ndarray:
    """Cosine of every two characters' mean-centred pictures (1 on the diagonal)."""
    pictures = np.stack([picture(font, ch) for ch in chars])
    pictures -= pictures.mean(axis=1, keepdims=True)
    pictures /= np.linalg.norm(pictures, axis=1, keepdims=True) + 1e-6
    return pictures @ pictures.T


def main(font_path: str = FONT) -> int:
    chars = gb2312_chars()
    likeness = likeness_matrix(load_font(font_path), chars)
    np.fill_diagonal(likeness, -1.0)
    lines = [f"# Chinese characters drawn alike by their glyphs (scripts/build_glyph_alike.py: {FAMILY} Regular, "
             f"SIL OFL; cosine of blurred pictures >= {MIN_LIKENESS}). char<TAB>alike characters, best first"
             "<TAB>their likenesses"]
    for i, ch in enumerate(chars):
        order = [j for j in np.argsort(-likeness[i])[:TOP] if likeness[i, j] >= MIN_LIKENESS]
        if order:
            lines.append(f"{ch}\t{''.join(chars[j] for j in order)}\t"
                         + " ".join(f"{likeness[i, j]:.2f}" for j in order))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 1} characters with a glyph alike")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

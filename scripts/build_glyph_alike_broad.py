"""Build ``matchers/data/glyph_alike_broad.tsv``: for each common character (GB 2312), the characters of the whole
CJK Unified Ideographs block (U+4E00–9FA5) whose glyphs look most like it, at a lower bar than glyph_alike.tsv.

Why a second, broader table: glyph_alike.tsv feeds pre-generated automaton keys, so it keeps only pairs above 0.82
and at most six a character, and only GB 2312 on both sides. The one-hole check of matchers/shape_holes.py verifies
a listing's character at scan time, when the rest of the mark is written as it is, so it can afford a measure
that is broad (more pairs a character) and that reaches rare characters a seller picks from a font's full
repertoire (泒 for 派, 隹 for 佳). The same pictures as scripts/build_glyph_alike.py (Noto Sans CJK SC, blurred,
mean-centred, cosine), looked at on random common pairs (王/玉 0.87, 帜/帆 0.73, 发/友 0.69 above the bar;
贝/具 0.61, 乐/尔 0.40 below), never on a held-out part.

A pair is kept when its cosine is at least ``MIN_LIKENESS`` and: two common characters, the second among the first's
``TOP`` best of GB 2312; a rare one, the common one among its ``RARE_TOP`` best of GB 2312 or of the common
characters' traditional forms (opencc s2t: 勣 is drawn like 動, so it is 动's), a common character keeping its
``RARE_MOST`` best rare ones of each picture.
Rows: ``char<TAB>characters drawn alike, best first<TAB>their likenesses``. Run: ``python
scripts/build_glyph_alike_broad.py [FONT]`` (≈1 min).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_glyph_alike import FAMILY, FONT, load_font, picture  # noqa: E402  (the same pictures)
from scripts.build_shape_alike import gb2312_chars  # noqa: E402

MIN_LIKENESS = 0.65
TOP = 10  # a common character's best, ranked against the whole block
RARE_TOP = 5  # a rare character's best among GB 2312: a busy picture (鹏 and its rare birds) is like many
RARE_MOST = 8  # characters outside GB 2312 a common character keeps besides its common ones, best first
BLOCK = 1000
OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "glyph_alike_broad.tsv"


def _pictures(font, chars: list[str]) -> np.ndarray:
    """Mean-centred, unit-length pictures of ``chars`` (rows); a character the font lacks is a zero row."""
    out = np.stack([picture(font, ch) for ch in chars])
    out -= out.mean(axis=1, keepdims=True)
    out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-6
    return out


def _best(rows: np.ndarray, cols: np.ndarray, same: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the indices of its ``TOP`` most alike columns and their cosines (``same[r]``: the row's own
    column, left out)."""
    index = np.empty((len(rows), TOP), dtype=np.int64)
    score = np.empty((len(rows), TOP), dtype=np.float32)
    for at in range(0, len(rows), BLOCK):
        block = rows[at:at + BLOCK] @ cols.T
        if same is not None:
            for r, c in enumerate(same[at:at + BLOCK]):
                if c >= 0:
                    block[r, c] = -1.0
        top = np.argpartition(-block, TOP, axis=1)[:, :TOP]
        vals = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-vals, axis=1)
        index[at:at + BLOCK] = np.take_along_axis(top, order, axis=1)
        score[at:at + BLOCK] = np.take_along_axis(vals, order, axis=1)
    return index, score


def _traditional_forms(common: list[str], at_every: dict[str, int]) -> list[tuple[str, str]]:
    """(common character, its traditional form) for each common character opencc's s2t writes otherwise, as one
    character of the block."""
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    out = []
    for ch in common:
        other = to_traditional.convert(ch)
        if len(other) == 1 and other != ch and other in at_every:
            out.append((ch, other))
    return out


def _simplified_elsewhere(chars: list[str]) -> set[str]:
    """The characters of ``chars`` opencc's t2s writes as another character (勳 → 勋): norm reads them so before any
    check, so they take no place among a common character's rare alikes."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    return {ch for ch in chars if to_simplified.convert(ch) != ch}


def main(font_path: str = FONT) -> int:
    font = load_font(font_path)
    common = gb2312_chars()
    every = [chr(c) for c in range(0x4E00, 0x9FA6)]
    at_every = {ch: i for i, ch in enumerate(every)}
    common = [ch for ch in common if ch in at_every]
    at_common = {ch: i for i, ch in enumerate(common)}
    pics = _pictures(font, every)
    common_pics = pics[[at_every[ch] for ch in common]]
    pairs: dict[str, dict[str, float]] = {ch: {} for ch in common}
    index, score = _best(common_pics, common_pics, np.arange(len(common)))
    for i, ch in enumerate(common):
        for j, s in zip(index[i], score[i]):
            if s >= MIN_LIKENESS:
                pairs[ch][common[j]] = float(s)
    # A common character's traditional form is a second picture of it (勣 is drawn like 動, the traditional 动):
    # a seller's font or schooling writes either, and a rare character is read as the one it looks like.
    traditional = _traditional_forms(common, at_every)
    target_of = common + [ch for ch, _ in traditional]
    cols = np.concatenate([common_pics, pics[[at_every[t] for _, t in traditional]]]) if traditional else common_pics
    own = {ch: i for i, ch in enumerate(common)}
    own.update({t: len(common) + k for k, (_, t) in enumerate(traditional)})
    index, score = _best(pics, cols, np.array([own.get(ch, -1) for ch in every]))
    simplified = _simplified_elsewhere(every)
    by_traditional: dict[str, dict[str, float]] = {ch: {} for ch in common}
    for i, ch in enumerate(every):
        if ch in at_common or not pics[i].any() or ch in simplified:
            continue
        for j, s in zip(index[i][:RARE_TOP], score[i][:RARE_TOP]):
            if s >= MIN_LIKENESS and target_of[j] != ch:
                # its own quota: a traditional form's look-alikes would crowd out the simplified one's
                (pairs if j < len(common) else by_traditional)[target_of[j]][ch] = float(s)
    lines = [f"# Characters drawn alike by their glyphs, broad (scripts/build_glyph_alike_broad.py: {FAMILY} Regular, "
             f"SIL OFL; cosine >= {MIN_LIKENESS}, the {TOP} best of the common one or {RARE_TOP} of the other). GB 2312 char<TAB>alike characters "
             "of U+4E00-9FA5, best first<TAB>their likenesses"]
    for ch in common:
        ranked = sorted(pairs[ch].items(), key=lambda kv: -kv[1])
        found = [kv for kv in ranked if kv[0] in at_common][:TOP] + [kv for kv in ranked if kv[0] not in at_common][:RARE_MOST]
        found += [kv for kv in sorted(by_traditional[ch].items(), key=lambda kv: -kv[1]) if kv not in found][:RARE_MOST]
        if found:
            lines.append(f"{ch}\t{''.join(o for o, _ in found)}\t" + " ".join(f"{s:.2f}" for _, s in found))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 1} characters with a broad glyph alike")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

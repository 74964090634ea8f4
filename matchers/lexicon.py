"""The matcher's word lists (matchers/data/lexicon.yaml), loaded once.

Why data, not code: analysts extend counterfeit wording, nicknames and goods words without
touching the matcher, and the lists stay reviewable for "no catalogue templates" (docs/matching.md).
"""

from __future__ import annotations

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
    """The parsed lexicon (cached: it is read-only)."""
    data = load_yaml(LEXICON_PATH.read_text(encoding="utf-8"))
    data["goods_classes"] = {int(k): [str(w) for w in v] for k, v in data["goods_classes"].items()}
    data["shape_alike"] = {str(k): str(v) for k, v in data["shape_alike"].items()}
    data["latin_alike"] = {str(k): str(v) for k, v in data["latin_alike"].items()}
    data["confusables"] = {str(k): str(v) for k, v in data["confusables"].items()}
    return data

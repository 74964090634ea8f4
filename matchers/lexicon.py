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


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The parsed lexicon (cached: it is read-only)."""
    with LEXICON_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["goods_classes"] = {int(k): [str(w) for w in v] for k, v in data["goods_classes"].items()}
    data["shape_alike"] = {str(k): str(v) for k, v in data["shape_alike"].items()}
    data["latin_alike"] = {str(k): str(v) for k, v in data["latin_alike"].items()}
    return data

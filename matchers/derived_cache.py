"""Tables the matcher derives from its own data files, kept in the disk cache between runs.

Why: a forked ``markwatch match`` worker used to build some tables on its first chunk, each worker
its own copy: the famous brands of brand_names.yaml (a YAML parse and a ``norm`` of every name,
≈30–60 ms) and the merged shape-alike table (four TSV files joined, ≈40 ms). From the cache they
load in a few milliseconds, and the parent loads them before it forks (matchers/batch.py ``warm``)
so the workers share one copy. Keyed as the compiled register's tables are (every source and data
file of the matcher package, and the libraries' versions: ``matchers.compiled._code_key``), so an
edited data file or code builds them afresh; with no cache directory they are built in memory,
never different.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
_CACHE_DIR: Path | None = None


def set_cache_dir(cache_dir: Path | None) -> None:
    """Where the derived tables are kept (the Matcher passes its cache_dir; None: built in memory)."""
    global _CACHE_DIR
    _CACHE_DIR = cache_dir


def derived(name: str, build: Callable[[], T]) -> T:
    """``build()``'s table, from the cache directory when a run with the same code and data built it."""
    from markwatch.cache import cached
    from matchers.compiled import _code_key

    return cached(name, _code_key(), build, _CACHE_DIR)

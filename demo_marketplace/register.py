"""Read the register of protected rights (CONTRACTS §1) as data, for the catalogue generator.

Why the demo does not call ``matchers.register``: the marketplace stands in for the platforms,
which know nothing of markwatch's matcher, so it may import the ground only (ARCHITECTURE.md). The
file is read and validated by the ground's :mod:`markwatch.register_file` — the same reader the
matcher uses — so an invalid register is rejected as a whole with an error naming the right and
the field, as §1 asks, in the same words as ``markwatch match``.

The bundled demo register is a data file of the ``matchers`` package
(``matchers/data/demo_register.yaml``). :func:`bundled_register_path` finds that package's folder
with :func:`importlib.util.find_spec`, which locates a top-level package without running its code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from markwatch.contracts import Register
from markwatch.register_file import RegisterError, read_register_file

__all__ = ["RegisterFileError", "bundled_register_path", "read_register"]

BUNDLED_PACKAGE = "matchers"
BUNDLED_FILE = ("data", "demo_register.yaml")

# The ground's error under the name the demo's callers know; one class, so either name catches it.
RegisterFileError = RegisterError


def bundled_register_path() -> Path:
    """Where the bundled demo register lies: ``<matchers package folder>/data/demo_register.yaml``."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        candidate = Path(folder).joinpath(*BUNDLED_FILE)
        if candidate.is_file():
            return candidate
    raise RegisterFileError(
        f"the bundled demo register ({BUNDLED_PACKAGE}/{'/'.join(BUNDLED_FILE)}) was not found "
        f"(looked in {folders or 'no installed matchers package'}); pass --register FILE"
    )


def read_register(path: str | Path | None = None) -> Register:
    """Read and validate a YAML/JSON/CSV register; ``None`` (or "") = the bundled demo register."""
    return read_register_file(Path(path) if path else bundled_register_path())

"""The register of protected rights (CONTRACTS §1) as the matcher loads it: YAML, JSON or CSV.

Why a module of its own: the matcher, the pipelines and the commands load the register through one
name, with the bundled demo register as the default. Reading and validating the file is the
ground's (:mod:`markwatch.register_file`), shared with the demo marketplace, so both accept the
same files and reject a bad one — as a whole, naming the right and the field — in the same words.
"""

from __future__ import annotations

from pathlib import Path

from markwatch.contracts import Register
from markwatch.register_file import RegisterError, read_register_file, validate_register

__all__ = ["BUNDLED_REGISTER", "RegisterError", "load_register", "validate_register"]

BUNDLED_REGISTER = Path(__file__).parent / "data" / "demo_register.yaml"


def load_register(path: str | Path | None = None) -> Register:
    """Read a YAML/JSON/CSV register (``None`` = the bundled demo register) and validate it."""
    return read_register_file(Path(path) if path else BUNDLED_REGISTER)

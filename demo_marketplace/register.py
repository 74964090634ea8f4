"""Read the register of protected rights (CONTRACTS §1) as data, for the catalogue generator.

Why the demo reads the file itself instead of calling ``matchers.register``: the marketplace stands
in for the platforms, which know nothing of markwatch's matcher, so it may import the ground only
(ARCHITECTURE.md). It parses the file (YAML, JSON or CSV, as §1 allows) and validates it with the
ground's contract model, :class:`markwatch.contracts.Register`; an invalid register is rejected as
a whole with an error naming the right and the field, as §1 asks.

The bundled demo register is a data file of the ``matchers`` package
(``matchers/data/demo_register.yaml``). :func:`bundled_register_path` finds that package's folder
with :func:`importlib.util.find_spec`, which locates a top-level package without running its code.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from markwatch.contracts import Register, Right

BUNDLED_PACKAGE = "matchers"
BUNDLED_FILE = ("data", "demo_register.yaml")

# libyaml's loader when PyYAML was built with it (the demo register is read on every start).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# CSV cells that hold lists: values separated by "|" (or ";"), as in matchers' CSV registers.
_LIST_FIELDS = frozenset({"variants", "nice_classes", "authorized_sellers", "regions"})
_BOOLS = {"1": True, "true": True, "yes": True, "y": True, "0": False, "false": False, "no": False, "n": False}


class RegisterFileError(ValueError):
    """The register cannot be used; the message names the file, the right id and the field."""


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
    file = Path(path) if path else bundled_register_path()
    if not file.is_file():
        raise RegisterFileError(f"register {file} does not exist; pass --register FILE (YAML, JSON or CSV)")
    return validate_register(_parse(file), source=str(file))


def _parse(file: Path) -> Any:
    text = file.read_text(encoding="utf-8-sig")
    suffix = file.suffix.lower()
    try:
        if suffix == ".csv":
            return {"version": 1, "rights": _csv_rights(text)}
        if suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except (json.JSONDecodeError, yaml.YAMLError, csv.Error) as exc:
        raise RegisterFileError(f"{file}: not valid {suffix.lstrip('.') or 'YAML'}: {exc}") from exc


def _csv_rights(text: str) -> list[dict[str, Any]]:
    """One row per right; list columns hold ``a|b|c``; empty cells mean "use the default"."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "id" not in reader.fieldnames:
        raise RegisterFileError("CSV register needs a header row with at least id, kind, name")
    rights: list[dict[str, Any]] = []
    for row in reader:
        right: dict[str, Any] = {}
        for key, cell in row.items():
            if key is None:  # more cells than header columns
                raise RegisterFileError(f"right {row.get('id')!r}: row has more cells than the header")
            cell = (cell or "").strip()
            if not cell:
                continue
            if key in _LIST_FIELDS:
                sep = "|" if "|" in cell else ";"
                right[key] = [part.strip() for part in cell.split(sep) if part.strip()]
            elif key == "well_known" and cell.lower() in _BOOLS:
                right[key] = _BOOLS[cell.lower()]
            else:
                right[key] = cell
        rights.append(right)
    return rights


def validate_register(data: Any, source: str = "register") -> Register:
    """Validate parsed register data right by right; the error names the right id and the field."""
    if not isinstance(data, dict) or not isinstance(data.get("rights"), list):
        raise RegisterFileError(f"{source}: expected a mapping with a 'rights' list (CONTRACTS §1)")
    rights: list[Right] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["rights"]):
        rid = raw.get("id") if isinstance(raw, dict) else None
        label = f"right {rid!r}" if rid else f"right #{index + 1} (no id)"
        if not isinstance(raw, dict):
            raise RegisterFileError(f"{source}: {label}: expected a mapping of fields, got {type(raw).__name__}")
        try:
            right = Right.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}" for err in exc.errors())
            raise RegisterFileError(f"{source}: {label}: {problems}. Fix the register and retry.") from exc
        if right.id in seen:
            raise RegisterFileError(f"{source}: right {right.id!r}: field 'id': duplicate id; ids must be unique")
        seen.add(right.id)
        rights.append(right)
    version = data.get("version", 1)
    if version != 1:
        raise RegisterFileError(f"{source}: field 'version': only version 1 is known, got {version!r}")
    return Register(version=1, rights=rights)

"""Read and validate a register file of protected rights (CONTRACTS §1): YAML, JSON or CSV.

Why in the ground: two rooms read the register — the matcher (``matchers.register``) and the demo
marketplace's catalogue generator (``demo_marketplace.register``) — and the marketplace may import
only the ground (ARCHITECTURE.md). One reader here means both accept the same files and reject a
bad one with the same words. An analyst-written file fails loudly and as a whole, naming the file,
the right and the field at fault, rather than quietly dropping a right that then never matches.

Where the bundled demo register lies is each room's own business (the matcher knows its data
folder; the marketplace finds it without importing the matcher), so this module reads only the
path it is given.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from markwatch.contracts import Register, Right

# libyaml's loader when PyYAML was built with it: the register is read on every matcher start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# CSV cells that hold lists: several values separated by "|" (or ";").
_LIST_FIELDS = frozenset({"variants", "nice_classes", "authorized_sellers", "regions"})
_BOOLS = {"1": True, "true": True, "yes": True, "y": True, "0": False, "false": False, "no": False, "n": False}


class RegisterError(ValueError):
    """The register cannot be used; the message names the file, the right id and the field."""


def read_register_file(path: str | Path) -> Register:
    """Read a YAML/JSON/CSV register (by its suffix; anything else is read as YAML) and validate it."""
    file = Path(path)
    if not file.is_file():
        raise RegisterError(f"register {file} does not exist; pass --register FILE (YAML, JSON or CSV)")
    return validate_register(parse_register_file(file), source=str(file))


def parse_register_file(file: Path) -> Any:
    """The file's data, not yet validated; a CSV file becomes ``{"version": 1, "rights": [...]}``."""
    text = file.read_text(encoding="utf-8-sig")
    suffix = file.suffix.lower()
    try:
        if suffix == ".csv":
            return {"version": 1, "rights": _csv_rights(text)}
        if suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except (json.JSONDecodeError, yaml.YAMLError, csv.Error) as exc:
        raise RegisterError(f"{file}: not valid {suffix.lstrip('.') or 'YAML'}: {exc}") from exc


def _split_list(cell: str) -> list[str]:
    sep = "|" if "|" in cell else ";"
    return [part.strip() for part in cell.split(sep) if part.strip()]


def _csv_rights(text: str) -> list[dict[str, Any]]:
    """One row per right; list columns hold ``a|b|c``; empty cells mean "use the default".

    Numbers (``nice_classes``, ``reference_price``) stay text here: the contract model converts them.
    """
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "id" not in reader.fieldnames:
        raise RegisterError("CSV register needs a header row with at least id, kind, name")
    rights: list[dict[str, Any]] = []
    for row in reader:
        right: dict[str, Any] = {}
        for key, cell in row.items():
            if key is None:  # more cells than header columns
                raise RegisterError(f"right {row.get('id')!r}: row has more cells than the header")
            cell = (cell or "").strip()
            if not cell:
                continue
            if key in _LIST_FIELDS:
                right[key] = _split_list(cell)
            elif key == "well_known" and cell.lower() in _BOOLS:
                right[key] = _BOOLS[cell.lower()]
            else:
                right[key] = cell
        rights.append(right)
    return rights


def validate_register(data: Any, source: str = "register") -> Register:
    """Validate parsed register data right by right; raise :class:`RegisterError` naming right id and field."""
    if not isinstance(data, dict) or not isinstance(data.get("rights"), list):
        raise RegisterError(f"{source}: expected a mapping with a 'rights' list (CONTRACTS §1)")
    rights: list[Right] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["rights"]):
        rid = raw.get("id") if isinstance(raw, dict) else None
        label = f"right {rid!r}" if rid else f"right #{index + 1} (no id)"
        if not isinstance(raw, dict):
            raise RegisterError(f"{source}: {label}: expected a mapping of fields, got {type(raw).__name__}")
        try:
            right = Right.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}" for err in exc.errors()
            )
            raise RegisterError(f"{source}: {label}: {problems}. Fix the register and retry.") from exc
        if right.id in seen:
            raise RegisterError(f"{source}: right {right.id!r}: field 'id': duplicate id; ids must be unique")
        seen.add(right.id)
        rights.append(right)
    version = data.get("version", 1)
    if version != 1:
        raise RegisterError(f"{source}: field 'version': only version 1 is known, got {version!r}")
    return Register(version=1, rights=rights)

"""Load and validate the register of protected rights (CONTRACTS §1) from YAML, JSON or CSV.

Why a module of its own: the matcher, the demo marketplace's generator and the notices all read
the register, and an analyst-written file must fail loudly, naming the right and the field at
fault, rather than quietly dropping a right that then never matches.
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
from matchers.lexicon import load_yaml

BUNDLED_REGISTER = Path(__file__).parent / "data" / "demo_register.yaml"

# CSV cells that hold lists: several values separated by "|" (or ";").
_LIST_FIELDS = ("variants", "nice_classes", "authorized_sellers", "regions")
_BOOLS = {"1": True, "true": True, "yes": True, "y": True, "0": False, "false": False, "no": False, "n": False}


class RegisterError(ValueError):
    """The register cannot be used; the message names the file, the right id and the field."""


def _split_list(cell: str) -> list[str]:
    sep = "|" if "|" in cell else ";"
    return [part.strip() for part in cell.split(sep) if part.strip()]


def _csv_rights(text: str) -> list[dict[str, Any]]:
    """One row per right; list columns hold ``a|b|c``; empty cells mean "use the default"."""
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


def _parse(path: Path) -> Any:
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return {"version": 1, "rights": _csv_rights(text)}
        if suffix == ".json":
            return json.loads(text)
        return load_yaml(text)
    except (json.JSONDecodeError, yaml.YAMLError, csv.Error) as exc:
        raise RegisterError(f"{path}: not valid {suffix.lstrip('.') or 'YAML'}: {exc}") from exc


def validate_register(data: Any, source: str = "register") -> Register:
    """Validate parsed register data; raise :class:`RegisterError` naming right id and field."""
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


def load_register(path: str | Path | None = None) -> Register:
    """Read a YAML/JSON/CSV register (``None`` = the bundled demo register) and validate it."""
    file = Path(path) if path else BUNDLED_REGISTER
    if not file.is_file():
        raise RegisterError(f"register {file} does not exist; pass --register FILE (YAML, JSON or CSV)")
    return validate_register(_parse(file), source=str(file))

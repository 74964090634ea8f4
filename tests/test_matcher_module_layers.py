"""Imports flow one way inside the matcher's split modules (STYLE: small modules, one direction):
the groups of signals.py and of rebus.py never import the module that calls them, so the entry
module can import every group at its top without a cycle, and a group can be read on its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MATCHERS = Path(__file__).resolve().parent.parent / "matchers"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("entry", ["signals", "rebus"])
def test_no_group_imports_its_entry_module(entry: str) -> None:
    groups = sorted(MATCHERS.glob(f"{entry}_*.py"))
    assert len(groups) >= 4, f"expected {entry}.py's groups beside it"
    for group in groups:
        assert f"matchers.{entry}" not in _imported_modules(group), f"{group.name} imports matchers.{entry}"

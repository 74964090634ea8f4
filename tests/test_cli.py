"""The markwatch command line: every command is registered, explains itself, and fails clearly."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from markwatch.cli import ORDER, build_parser, command_modules, main

COMMANDS_DIR = Path(__file__).resolve().parent.parent / "markwatch" / "commands"
ON_DISK = sorted(p.stem for p in COMMANDS_DIR.glob("*.py") if not p.stem.startswith("_"))
"""The command modules as files: what the parser must offer, whatever list the code keeps."""
COMMANDS = [name.replace("_", "-") for name in ON_DISK]


def _choices(parser: argparse.ArgumentParser) -> list[str]:
    sub = next(a for a in parser._actions if a.dest == "command")
    return list(sub.choices)


def test_every_command_module_on_disk_is_a_command() -> None:
    assert sorted(_choices(build_parser())) == sorted(COMMANDS)


def test_a_new_module_becomes_a_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Discovery, not a list: a module dropped into markwatch.commands is offered (after the ordered ones)."""
    import markwatch.commands as package

    (tmp_path / "zz_probe.py").write_text(
        "def add_parser(subparsers):\n"
        "    subparsers.add_parser('zz-probe', help='probe').set_defaults(func=lambda args: 0)\n", encoding="utf-8")
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
    try:
        assert command_modules()[-1] == "zz_probe"
        assert "zz-probe" in _choices(build_parser())
    finally:
        sys.modules.pop("markwatch.commands.zz_probe", None)


def test_help_lists_the_main_job_first_then_the_rest_alphabetically() -> None:
    order = command_modules()
    known = [name for name in ORDER if name in ON_DISK]
    assert order[: len(known)] == known and order[0] == "demo"
    assert order[len(known):] == sorted(set(ON_DISK) - set(ORDER))


@pytest.mark.parametrize("command", COMMANDS)
def test_help_explains_each_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"markwatch {command}" in out
    # a description, not just a usage line
    assert len(out.splitlines()) > 5


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_console_script_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "markwatch.cli", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("markwatch ")

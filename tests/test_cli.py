"""The markwatch command line: every command is registered, explains itself, and fails clearly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from markwatch.cli import COMMAND_MODULES, build_parser, main

COMMANDS = [name.replace("_", "-") for name in COMMAND_MODULES]


def test_every_command_module_is_registered() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)


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

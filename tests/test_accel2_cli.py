"""``markwatch COMMAND …`` builds the parser of that command alone (session 11, helper accel2): the
other command modules are not imported, and what is parsed or printed is what the whole parser gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from markwatch.cli import _parser_for, build_parser

ROOT = Path(__file__).resolve().parent.parent


def test_a_command_run_imports_no_other_command_module() -> None:
    code = ("import sys; from markwatch import cli; cli._parser_for(['-v', 'match', '--input', 'x', '--output', 'y']); "
            "print(sorted(m for m in sys.modules if m.startswith('markwatch.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['markwatch.commands.match']"


@pytest.mark.parametrize("argv", [
    ["match", "--input", "in.jsonl", "--output", "out.jsonl", "--workers", "2"],
    ["-v", "match", "--input", "in.jsonl", "--output", "out.jsonl"],
    ["demo-site", "--help"], ["evaluate", "--help"],
])
def test_one_command_parses_as_the_whole_parser_does(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    def parsed(parser):
        try:
            args = vars(parser.parse_args(argv))
        except SystemExit as exit_info:
            return ("exit", exit_info.code, capsys.readouterr().out)
        return {k: v for k, v in args.items() if k != "func"}, args["func"].__module__

    assert parsed(_parser_for(argv)) == parsed(build_parser())


@pytest.mark.parametrize("argv", [[], ["--version"], ["--help"], ["no-such-command"], ["_store"]])
def test_no_command_or_an_unknown_one_gets_the_whole_parser(argv: list[str]) -> None:
    sub = next(a for a in _parser_for(argv)._actions if a.dest == "command")
    assert "match" in sub.choices and "demo" in sub.choices and len(sub.choices) > 10

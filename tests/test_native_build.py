"""The optional mypyc build of the matcher's hot modules (scripts/build_compiled.py, matchers/native.py):
used only while it matches the sources, and the same leads as the pure-Python modules when it is.

Why: compiled code that drifted from its source, or that behaves differently (mypyc checks the type
hints at run time, and binds calls between compiled modules in C), would change leads silently; the
differential test runs the demo's labelled listings both ways."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from matchers import native

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "matchers" / "data" / "eval" / "eval.jsonl"

_LEADS = """
import json, sys
from matchers.matcher import Matcher
from matchers.native import status
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
matcher = Matcher.from_paths()
print(json.dumps({"status": status(), "leads": matcher.match_many(rows)}, ensure_ascii=False, default=str))
"""


def _leads(mode: str) -> dict:
    env = {**os.environ, "MATCHERS_COMPILED": mode}
    out = subprocess.run([sys.executable, "-c", _LEADS, str(EVAL)], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(not native.active(), reason="no current compiled build (scripts/build_compiled.py)")
def test_compiled_modules_give_the_leads_of_the_sources() -> None:
    compiled, pure = _leads("on"), _leads("off")
    assert compiled["status"].startswith("compiled") and pure["status"].startswith("pure Python")
    assert sum(map(len, pure["leads"])) > 100
    assert compiled["leads"] == pure["leads"]


def _fake_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A build directory whose stamp records one source file of ``tmp_path`` (no extensions needed
    to test the checks that come before them)."""
    import sysconfig

    root, build = tmp_path / "root", tmp_path / "root" / "build" / "native"
    (root / "matchers").mkdir(parents=True)
    build.mkdir(parents=True)
    source = root / "matchers" / "normalise.py"
    source.write_text("X = 1\n")
    import hashlib

    st = source.stat()
    stamp = {"ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"), "group": "matchers._native",
             "modules": ["matchers.normalise"],
             "sources": {"matchers/normalise.py": [hashlib.sha256(source.read_bytes()).hexdigest(), st.st_size,
                                                   st.st_mtime_ns]}}
    (build / "stamp.json").write_text(json.dumps(stamp))
    monkeypatch.setattr(native, "ROOT", root)
    monkeypatch.setattr(native, "BUILD", build)
    monkeypatch.delenv("MATCHERS_COMPILED", raising=False)
    return {"root": root, "build": build, "source": source, "stamp": stamp}


def test_a_build_is_used_only_when_complete_and_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_build(tmp_path, monkeypatch)
    files, why = native._check()
    assert files is None and "incomplete" in why  # the stamp matches, the extensions are missing
    suffix = fake["stamp"]["ext_suffix"]
    for name in ("normalise", "_native__mypyc"):
        (fake["build"] / "matchers").mkdir(exist_ok=True)
        (fake["build"] / "matchers" / f"{name}{suffix}").write_bytes(b"")
    files, why = native._check()
    assert files is not None and why.startswith("compiled")
    os.utime(fake["source"], ns=(1, 1))  # touched, not changed: hashed, still current
    assert native._check()[0] is not None
    fake["source"].write_text("X = 2\n")  # edited: every module falls back to its source
    files, why = native._check()
    assert files is None and "stale" in why and "matchers/normalise.py" in why
    monkeypatch.setenv("MATCHERS_COMPILED", "off")
    assert native._check() == (None, "pure Python (MATCHERS_COMPILED=off)")


def test_no_build_means_pure_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_build(tmp_path, monkeypatch)
    shutil.rmtree(fake["build"])
    files, why = native._check()
    assert files is None and "no compiled build" in why


def test_compiled_modules_read_their_data_and_name_their_sources() -> None:
    """``__file__`` of a compiled module is its .py (normalise fingerprints it for its tables' cache key),
    and the paths made from it at import point into the package's data."""
    from matchers import normalise, shape_holes, variants

    for module in (normalise, shape_holes, variants):
        assert module.__file__ == str(ROOT / "matchers" / f"{module.__name__.split('.')[-1]}.py")
    assert variants.SHAPE_ALIKE.is_file() and shape_holes.GLYPH_ALIKE_BROAD.is_file()

"""Build the matcher's hot modules as C extensions with mypyc (optional: the .py files stay the code).

Why: the matcher's time per listing is spread thinly over many small Python functions (issue 11:
normalising, the candidate scan's bookkeeping, two dozen signal functions); no one of them is worth
rewriting in C, but compiled together by mypyc they all run faster at once, from the same source.

What it does: type-checks and compiles :data:`MODULES` (one shared library, so calls between them
are C calls) into ``build/native/`` (git-ignored), and writes there ``stamp.json``: the content hash
of every project file those modules import. ``matchers/native.py`` loads the extensions in place of
the sources only while every one of those files is unchanged, and only all of them or none; a run
after any edit is pure Python again until this script runs once more (it says so on stderr under
``MATCHERS_COMPILED=verbose``; ``MATCHERS_COMPILED=off`` turns the extensions off).

Usage: ``.venv/bin/python scripts/build_compiled.py [--force | --clean | --check]``; scripts/setup.sh runs
it (a current build is left as it is).
Needs mypy (the ``dev`` extra) and a C compiler; without them it says so and exits 0 (the matcher then
runs as pure Python, as fast as before). ``--check`` exits 1 when the build is missing or stale.
About a minute and a half on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "native"
GROUP = "matchers._native"  # the shared library: matchers/_native__mypyc<EXT_SUFFIX>

# The modules of the matching hot path (bench/match_profile.py's stages) that mypyc compiles.
# Not here: modules whose classes are pickled into the caches (compiled, packed, rights_table,
# key_postings, lexicon, gazetteer: a mypyc class pickles differently), and the ones that run once
# per process (register, model, batch, training, evaluation, derived_cache).
MODULES = (
    "candidates", "goods", "houses", "listing_io", "mark_shorthand", "mascots", "matcher", "normalise",
    "ordinary", "origin", "reasons", "rebus", "rebus_emoji", "rebus_numbers", "rebus_parts", "rebus_pinyin",
    "rebus_scan", "rebus_table", "shape_holes", "signals", "signals_context", "signals_form", "signals_goods",
    "signals_marks", "signals_origin", "signals_price", "signals_referential", "signals_wording",
    "signals_words", "signals_works", "variants", "wording",
)


def say(message: str) -> None:
    print(f"[build_compiled] {message}", file=sys.stderr, flush=True)


def imported_sources() -> list[str]:
    """Project files (relative to ROOT) that importing :data:`MODULES` as pure Python loads: what the
    compiled code was type-checked against, so any change to one of them makes the build stale (all
    but matchers/native.py, the loader, which is never compiled)."""
    code = ("import sys, matchers\n"
            + "".join(f"import matchers.{m}\n" for m in MODULES)
            + "print('\\n'.join(sorted(m.__file__ for m in list(sys.modules.values()) "
              "if getattr(m, '__file__', None))))")
    env = {**os.environ, "MATCHERS_COMPILED": "off"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True).stdout
    files = []
    for line in out.splitlines():
        path = Path(line).resolve()
        if path.suffix == ".py" and path.is_relative_to(ROOT) and path != ROOT / "matchers" / "native.py":
            files.append(str(path.relative_to(ROOT)))
    return sorted(files)


def stamp_of(files: list[str]) -> dict[str, object]:
    sources = {}
    for rel in files:
        path = ROOT / rel
        st = path.stat()
        sources[rel] = [hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns]
    import mypy.version

    return {"ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"), "mypy": mypy.version.__version__,
            "group": GROUP, "modules": [f"matchers.{m}" for m in MODULES], "sources": sources}


def current() -> str | None:
    """Why the build on disk is current (None when it is missing or stale)."""
    sys.path.insert(0, str(ROOT))
    from matchers import native

    files, why = native._check()
    return why if files is not None else None


def build(force: bool = False) -> int:
    if not force and (why := current()):
        say(f"up to date ({why}); --force builds again")
        return 0
    try:
        from mypyc.build import mypycify
        from setuptools import Distribution
    except ImportError as exc:
        say(f"skipped: {exc.name} is not installed ('pip install -e .[dev]' brings mypy); "
            "the matcher runs as pure Python")
        return 0
    if not (shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")):
        say("skipped: no C compiler ('apt-get install gcc'); the matcher runs as pure Python")
        return 0
    started = time.perf_counter()
    files = imported_sources()
    with tempfile.TemporaryDirectory(prefix="markwatch-mypyc-") as tmp:
        os.chdir(ROOT)  # mypyc names modules from paths relative to the working directory
        paths = ["--ignore-missing-imports", "--follow-imports=silent", *(f"matchers/{m}.py" for m in MODULES)]
        extensions = mypycify(paths, group_name=GROUP, opt_level="3", debug_level="0",
                              target_dir=str(Path(tmp) / "c"))
        dist = Distribution({"name": "markwatch-native", "ext_modules": extensions, "script_name": "build_compiled"})
        cmd = dist.get_command_obj("build_ext")
        cmd.build_lib = str(Path(tmp) / "lib")
        cmd.build_temp = str(Path(tmp) / "temp")
        cmd.parallel = os.cpu_count() or 1
        dist.run_command("build_ext")
        staged = OUT.with_name("native.new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(Path(tmp) / "lib", staged)
    (staged / "stamp.json").write_text(json.dumps(stamp_of(files), indent=1) + "\n")
    shutil.rmtree(OUT, ignore_errors=True)
    staged.rename(OUT)
    say(f"built {len(MODULES)} modules into {OUT.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the build and exit")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the build is there and current")
    parser.add_argument("--force", action="store_true", help="build even when the build on disk is current")
    args = parser.parse_args()
    if args.clean:
        shutil.rmtree(OUT, ignore_errors=True)
        return 0
    if args.check:
        why = current()
        say(why or "missing or stale (MATCHERS_COMPILED=verbose says why)")
        return 0 if why else 1
    try:
        return build(args.force)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure leaves the pure-Python matcher, correct
        say(f"FAILED ({type(exc).__name__}: {exc}); the matcher runs as pure Python (or as an earlier build "
            "that still matches the sources). The compiler's output is above")
        return 0


if __name__ == "__main__":
    sys.exit(main())

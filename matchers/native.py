"""Loads the mypyc-compiled build of the matcher's hot modules (scripts/build_compiled.py), when there
is one and it was built from exactly the sources on disk; otherwise nothing happens and every module
is imported from its .py file as usual.

Why a loader rather than extensions beside the sources: Python imports ``x.cpython-311-….so`` before
``x.py``, so an extension left next to an edited source would run the old code. Here the extensions
live in ``build/native/`` and are used only while every source they were compiled from (and every
project file those import: the compiled code relies on their types) is byte-identical to what the
build's ``stamp.json`` recorded — all of them or none, since compiled modules call each other in C.

``MATCHERS_COMPILED=off`` never loads them; ``MATCHERS_COMPILED=verbose`` says on stderr which way a
run went and why. :func:`install` runs once, from ``matchers/__init__.py``, before any hot module is
imported; it costs a stat of each recorded source (a hash only of one whose size or time changed).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_extensions import mypyc_attr  # noqa: F401 - what mypyc reads where a module uses it
else:
    def mypyc_attr(*_args: object, **_kwargs: object):
        """``mypy_extensions.mypyc_attr`` at run time (where mypy need not be installed): does nothing.
        ``@mypyc_attr(native_class=False)`` on a class pickled into a cache keeps it a plain Python class
        when its module is compiled (mypyc's own classes pickle differently, or not at all)."""
        return lambda cls: cls

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "native"

_STATUS = "not checked"
_ACTIVE = False


class _NativeLoader(importlib.machinery.ExtensionFileLoader):
    """An extension loader that leaves each compiled module's ``__file__`` as its source's path."""

    def __init__(self, fullname: str, path: str, shared: bool) -> None:
        super().__init__(fullname, path)
        self.shared = shared

    def exec_module(self, module) -> None:  # noqa: ANN001 - importlib's signature
        super().exec_module(module)
        if self.shared:  # (read by each compiled module as its body starts, after this)
            module.__file__ = str(ROOT / Path(self.path).name)
        else:
            _source_files()


class _NativeFinder(importlib.abc.MetaPathFinder):
    """Finds each compiled module (and their shared library) in the build directory.

    ``__file__``: mypyc sets a compiled module's ``__file__`` to ``<the shared library's directory>/
    matchers/<name><EXT_SUFFIX>`` as its body starts (modules a compiled one imports are made by the
    shared library itself, without this finder). The shared library's ``__file__`` is made
    ``ROOT/<its file name>`` once it is loaded, so that path is ``matchers/<name>…so`` beside the source: what
    ``Path(__file__).parent / "data"`` reads at import is the package's data. Once each import is
    done, every compiled module's ``__file__`` is its ``.py`` (what normalise fingerprints)."""

    def __init__(self, files: dict[str, Path], shared: str) -> None:
        self.files = files
        self.shared = shared

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 - importlib's signature
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = _NativeLoader(fullname, str(file), fullname == self.shared)
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


_MODULES: tuple[str, ...] = ()


def _source_files() -> None:
    for name in _MODULES:
        module = sys.modules.get(name)
        if module is not None and not str(getattr(module, "__file__", "")).endswith(".py"):
            module.__file__ = str(ROOT.joinpath(*name.split("."))) + ".py"


def _unchanged(rel: str, digest: str, size: int, mtime_ns: int) -> bool:
    path = ROOT / rel
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_size == size and st.st_mtime_ns == mtime_ns:
        return True
    return st.st_size == size and hashlib.sha256(path.read_bytes()).hexdigest() == digest


def _check() -> tuple[dict[str, Path] | None, str]:
    if os.environ.get("MATCHERS_COMPILED", "").lower() in ("off", "0", "no", "false"):
        return None, "pure Python (MATCHERS_COMPILED=off)"
    try:
        stamp = json.loads((BUILD / "stamp.json").read_text())
    except (OSError, ValueError):
        return None, "pure Python (no compiled build: scripts/build_compiled.py makes one)"
    import sysconfig

    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    if stamp.get("ext_suffix") != suffix:
        return None, f"pure Python (the compiled build is for {stamp.get('ext_suffix')}, this Python is {suffix})"
    changed = [rel for rel, (digest, size, mtime_ns) in stamp["sources"].items()
               if not _unchanged(rel, digest, size, mtime_ns)]
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        return None, f"pure Python (compiled build is stale: {shown} changed; run scripts/build_compiled.py)"
    files: dict[str, Path] = {}
    for name in [*stamp["modules"], stamp["group"] + "__mypyc"]:
        file = BUILD.joinpath(*name.split(".")[:-1]) / (name.split(".")[-1] + suffix)
        if not file.is_file():
            return None, f"pure Python (compiled build incomplete: no {file.name})"
        files[name] = file
    return files, f"compiled: {len(stamp['modules'])} modules from {BUILD}"


def _shared_name(files: dict[str, Path]) -> str:
    return next(name for name in files if name.endswith("__mypyc"))


def install() -> None:
    """Put the compiled modules first on the import path when the build is current (once a process)."""
    global _STATUS, _ACTIVE, _MODULES
    if _STATUS != "not checked":
        return
    files, _STATUS = _check()
    if files is not None:
        loaded = [name for name in files if name in sys.modules]
        if loaded:  # imported as source already (should not happen: install runs first): mixing is unsafe
            _STATUS = f"pure Python ({loaded[0]} was imported before the compiled build was installed)"
        else:
            shared = _shared_name(files)
            _MODULES = tuple(name for name in files if name != shared)
            sys.meta_path.insert(0, _NativeFinder(files, shared))
            _ACTIVE = True
    if os.environ.get("MATCHERS_COMPILED", "").lower() == "verbose":
        print(f"[matchers] {_STATUS}", file=sys.stderr)


def active() -> bool:
    """Are the matcher's hot modules the compiled ones in this process?"""
    return _ACTIVE


def status() -> str:
    """One line: compiled or pure Python, and why."""
    return _STATUS

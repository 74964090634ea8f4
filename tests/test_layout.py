"""The rooms of the code base and which may import which (/work/shared/ARCHITECTURE.md, "Rooms").

Why a test: an import in the wrong direction is one line and looks harmless (the web service
importing a pipeline "just for a helper"), yet it drags Scrapy and the matcher into a long-lived
process, or ties the store to the crawler. Every module is parsed (not imported), and imports
inside functions count as much as those at the top: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GROUND = "markwatch"
ROOMS = ("markwatch", "crawler", "pipelines", "matchers", "index", "feeds", "web", "jobs", "demo_marketplace")

# room → rooms it may import besides the ground (ARCHITECTURE.md); third-party libraries it must not.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "matchers": frozenset(),
    "index": frozenset(),
    "feeds": frozenset({"index"}),
    "web": frozenset({"index", "feeds"}),
    "jobs": frozenset({"index", "feeds"}),  # crawls are started as processes (markwatch crawl)
    "demo_marketplace": frozenset(),  # it stands in for the platforms; reads the demo register as data
}
NO_SCRAPY = ("matchers", "index", "feeds", "web", "jobs", "demo_marketplace")


@dataclass(frozen=True)
class ImportSite:
    path: Path
    line: int
    module: str
    in_function: bool

    def __str__(self) -> str:
        where = "in a function" if self.in_function else "at module level"
        return f"{self.path.relative_to(ROOT)}:{self.line} imports {self.module} ({where})"


def _modules(room: str) -> list[Path]:
    return sorted(p for p in (ROOT / room).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[ImportSite]:
    """Every import of ``path``: statements, and ``importlib.import_module("…")`` with a literal name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[ImportSite] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in {"import_module", "__import__"}))):
            names = [node.args[0].value]
        found.extend(ImportSite(path, getattr(node, "lineno", 0), name, in_function) for name in names)
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def _room_of(module: str) -> str:
    return module.split(".")[0]


def test_the_rooms_exist_and_say_what_they_hold() -> None:
    for room in ("index", "feeds", "web", "jobs"):
        init = ROOT / room / "__init__.py"
        assert init.is_file(), f"{room}/ is not a package"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{room}/__init__.py must say what the room may import"
    include = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for room in ROOMS:
        assert f'"{room}*"' in include, f"{room} is missing from pyproject's packages.find include"


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_rooms_import_only_what_the_architecture_allows(room: str) -> None:
    allowed = MAY_IMPORT[room] | {room, GROUND}
    wrong = [str(site) for path in _modules(room) for site in _imports(path)
             if _room_of(site.module) in ROOMS and _room_of(site.module) not in allowed]
    assert not wrong, f"{room}/ may import only {sorted(allowed)}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("room", NO_SCRAPY)
def test_libraries_and_services_do_not_import_scrapy(room: str) -> None:
    wrong = [str(site) for path in _modules(room) for site in _imports(path)
             if _room_of(site.module) in {"scrapy", "twisted", "scrapy_playwright"}]
    assert not wrong, f"{room}/ must not depend on Scrapy:\n" + "\n".join(wrong)


def test_the_ground_imports_no_room_at_module_level() -> None:
    """Commands load the rooms they need inside their run function: ``markwatch --help`` stays
    instant, and importing the configuration never imports the crawler."""
    wrong = [str(site) for path in _modules(GROUND) for site in _imports(path)
             if not site.in_function and _room_of(site.module) in ROOMS and _room_of(site.module) != GROUND]
    assert not wrong, "\n".join(wrong)


def test_the_import_scan_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The scan itself: a top-level import, one inside a function and a dynamic one are all found."""
    sample = tmp_path / "sample.py"
    sample.write_text("import crawler.runner\nfrom pipelines import match\n"
                      "def later():\n    from crawler.spiders import html\n"
                      "    importlib.import_module('pipelines.dedupe')\n", encoding="utf-8")
    found = [(site.module, site.in_function) for site in _imports(sample)]
    assert found == [("crawler.runner", False), ("pipelines", False), ("crawler.spiders", True),
                     ("pipelines.dedupe", True)]


def _package_import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module → the modules of ``package`` it imports, lazy imports included, relative ones resolved.

    Importing ``a.b.c`` also runs ``a`` and ``a.b``, so those count too, except the importing module's
    own parent packages (already running when it runs: ``pkg/__init__`` may import ``pkg.x``)."""
    files: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = path.relative_to(root).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(here[:len(here) - node.level + 1] + [node.module or ""]) if node.level else node.module or ""
                base = base.rstrip(".")
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names]
            for target in targets:
                bits = target.split(".")
                parents = {".".join(bits[:k]) for k in range(1, len(bits))} - {".".join(here[:k]) for k in range(1, len(here) + 1)}
                graph[name].update(m for m in parents | {target} if m in files and m != name)
    return graph


def _import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` as [a, b, …, a], or [] when there is none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_the_demo_marketplace_has_no_import_cycle() -> None:
    """No module of demo_marketplace imports a module that imports it back, at any depth."""
    graph = _package_import_graph(ROOT, "demo_marketplace")
    assert "demo_marketplace.context" in graph["demo_marketplace.generator"] | graph["demo_marketplace.cases_trademark"]
    cycle = _import_cycle(graph)
    assert not cycle, "import cycle in demo_marketplace: " + " -> ".join(cycle)


def test_the_cycle_check_finds_a_cycle_through_a_relative_import(tmp_path: Path) -> None:
    pkg = tmp_path / "shop"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "model.py").write_text("import json\n", encoding="utf-8")
    (pkg / "a.py").write_text("from shop import model\ndef later():\n    from shop.sub import b\n", encoding="utf-8")
    (pkg / "sub" / "b.py").write_text("from ..a import later\n", encoding="utf-8")
    graph = _package_import_graph(tmp_path, "shop")
    assert graph["shop.a"] == {"shop.model", "shop.sub", "shop.sub.b"}
    assert graph["shop.sub.b"] == {"shop.a"}
    assert _import_cycle(graph) == ["shop.a", "shop.sub.b", "shop.a"]
    (pkg / "sub" / "b.py").write_text("from .. import model\n", encoding="utf-8")
    assert _import_cycle(_package_import_graph(tmp_path, "shop")) == []


def test_markwatch_help_loads_neither_the_demo_marketplace_nor_the_matcher() -> None:
    """Building every command's parser (``markwatch --help``) imports no room: commands load them when run."""
    import subprocess
    import sys

    code = ("import sys\nfrom markwatch.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('MODULES', *sorted(sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = done.stdout.split("MODULES", 1)[1].split()
    assert "markwatch.commands.demo_site" in loaded  # the parsers were built
    rooms = sorted(m for m in loaded if _room_of(m) in ROOMS and _room_of(m) != GROUND)
    assert not rooms, f"markwatch --help imported {rooms}"

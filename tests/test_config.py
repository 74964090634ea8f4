"""The one configuration: defaults < TOML file < MARKWATCH_* environment < explicit overrides."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from markwatch.config import Config, ConfigError, find_browser, load_config


def test_defaults_without_file_or_environment(tmp_path: Path) -> None:
    config = load_config(environ={"MARKWATCH_CONFIG": str(tmp_path / "none.toml")})
    assert config == Config()


def test_file_then_environment_then_overrides(tmp_path: Path) -> None:
    toml = tmp_path / "markwatch.toml"
    toml.write_text('match_threshold = 0.7\ndemo_listings = 300\nautothrottle = false\n', encoding="utf-8")
    env = {"MARKWATCH_DEMO_LISTINGS": "500"}
    config = load_config(toml, environ=env)
    assert config.match_threshold == 0.7  # from the file
    assert config.demo_listings == 500  # the environment beats the file
    assert config.autothrottle is False
    assert load_config(toml, environ=env, demo_listings=42).demo_listings == 42  # overrides beat both


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"MARKWATCH_DEMO_LISTINGS": "many"}, "demo_listings"),
        ({"MARKWATCH_MATCH_THRESHOLD": "1.5"}, r"outside \[0, 1\]"),
        ({"MARKWATCH_AUTOTHROTTLE": "perhaps"}, "autothrottle"),
    ],
)
def test_bad_values_name_the_key(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_config(environ=env)


def test_unknown_key_in_file_is_rejected(tmp_path: Path) -> None:
    toml = tmp_path / "markwatch.toml"
    toml.write_text("treshold = 0.4\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'treshold'"):
        load_config(toml, environ={})


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "absent.toml", environ={})


def test_browser_setting_must_be_executable(tmp_path: Path) -> None:
    not_a_browser = tmp_path / "chrome"
    not_a_browser.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="not an executable"):
        find_browser(str(not_a_browser))
    not_a_browser.chmod(0o755)
    assert find_browser(str(not_a_browser)) == str(not_a_browser)


def test_browser_falls_back_to_debian_chromium() -> None:
    found = find_browser("")
    if Path("/usr/bin/chromium").exists():
        assert found == "/usr/bin/chromium"
    else:  # Playwright's own browser (None) or another chromium on PATH
        assert found is None or Path(found).exists()


def test_chromium_args_carry_the_required_flags_then_the_extras() -> None:
    from markwatch.config import CHROMIUM_FLAGS, chromium_args

    args = chromium_args("--in-process-gpu")
    assert args[: len(CHROMIUM_FLAGS)] == list(CHROMIUM_FLAGS)
    assert args[-1] == "--in-process-gpu"
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)


# ---------------------------------------------------------------- one reader of the environment
ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("markwatch", "crawler", "pipelines", "matchers", "index", "feeds", "web", "jobs", "demo_marketplace", "bench")
ENV_READER = "markwatch/config.py"
# (module, variable or "*" for the whole environment) → why it is not configuration.
NOT_CONFIGURATION: dict[tuple[str, str], str] = {
    ("index/node_runner.py", "JAVA_HOME"): "where the JVM is, by Java's own convention: not a markwatch knob",
    ("bench/match.py", "*"): "passes the environment on to the subprocess it times, adding the cache directory",
    ("bench/index.py", "*"): "passes the environment on to the markwatch index process it times, adding the store URL",
    ("bench/serve.py", "*"): "passes the environment on to the markwatch serve process it times, without a store URL (the bench store is SQLite)",
    ("matchers/native.py", "MATCHERS_COMPILED"): "read as the matcher package is imported, before any configuration "
    "exists: whether its compiled modules load (scripts/build_compiled.py), a switch of how the code runs, like PYTHONDONTWRITEBYTECODE",
}


def _environment_uses(path: Path) -> list[tuple[int, str]]:
    """(line, variable) of every use of the process environment in ``path``; "*" when the whole
    environment is used (copied, passed on) rather than one variable read."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    from_os = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and node.module == "os" for alias in node.names if alias.name in {"environ", "getenv", "environb"}}

    def is_environ(node: ast.AST) -> bool:
        return ((isinstance(node, ast.Attribute) and node.attr in {"environ", "environb"}
                 and isinstance(node.value, ast.Name) and node.value.id == "os")
                or (isinstance(node, ast.Name) and node.id in from_os and node.id != "getenv"))

    def is_getenv(node: ast.AST) -> bool:
        return ((isinstance(node, ast.Attribute) and node.attr in {"getenv", "putenv", "unsetenv"}
                 and isinstance(node.value, ast.Name) and node.value.id == "os")
                or (isinstance(node, ast.Name) and node.id == "getenv" and "getenv" in from_os))

    def constant(node: ast.AST | None) -> str:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else "*"

    uses: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if is_getenv(node):
            call = parents.get(node)
            uses.append((node.lineno, constant(call.args[0] if isinstance(call, ast.Call) and call.args else None)))
        elif is_environ(node):
            parent = parents.get(node)
            if isinstance(parent, ast.Subscript):
                key = constant(parent.slice)
            elif isinstance(parent, ast.Attribute) and isinstance(parents.get(parent), ast.Call):
                call = parents[parent]
                key = constant(call.args[0]) if parent.attr in {"get", "pop", "setdefault"} and call.args else "*"
            elif isinstance(parent, ast.Compare) and parent.left is not node:
                key = constant(parent.left)  # "NAME" in os.environ
            else:
                key = "*"
            uses.append((node.lineno, key))
    return sorted(uses)


def test_only_the_config_module_reads_the_environment() -> None:
    """``MARKWATCH_*`` is read in one place, and every other use of the environment says why it is
    not configuration (so a knob never hides in a module as an os.environ.get)."""
    wrong: list[str] = []
    for room in SCANNED:
        for path in sorted((ROOT / room).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == ENV_READER:
                continue
            for line, key in _environment_uses(path):
                if key.startswith("MARKWATCH_") or (rel, key) not in NOT_CONFIGURATION:
                    wrong.append(f"{rel}:{line} uses the environment ({key})")
    assert not wrong, ("configuration is read by markwatch/config.py only (a Config field, env MARKWATCH_<KEY>); "
                       "other uses need a reason in NOT_CONFIGURATION:\n" + "\n".join(wrong))
    for (module, _key), _why in NOT_CONFIGURATION.items():  # no stale entries
        assert (ROOT / module).is_file(), f"{module} is gone: remove its NOT_CONFIGURATION entry"


def test_only_entry_points_load_the_configuration() -> None:
    """Loaded once, by the entry point, and passed down: a library that loads it itself never sees
    the caller's overrides (markwatch.cache used to). Entry points are the command modules, the
    ``__main__`` modules, the benchmarks and, for ``scrapy crawl``, the crawler's add-on."""
    def is_entry_point(rel: str) -> bool:
        return (rel.startswith(("markwatch/commands/", "bench/")) or rel.endswith("/__main__.py")
                or rel == "crawler/addon.py")

    wrong = []
    for room in SCANNED:
        for path in sorted((ROOT / room).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == ENV_READER or is_entry_point(rel):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "load_config":
                    wrong.append(f"{rel}:{node.lineno}")
    assert not wrong, "take a Config (or the value you need) as an argument instead:\n" + "\n".join(wrong)


def test_the_environment_scan_sees_each_way_of_reading(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import environ as env, getenv\n"
        "a = os.environ['MARKWATCH_A']\nb = os.environ.get('B', '')\nc = os.getenv('C')\n"
        "d = env.get('D')\ne = getenv('E')\nf = 'F' in os.environ\ng = dict(os.environ)\n", encoding="utf-8")
    assert _environment_uses(sample) == [(3, "MARKWATCH_A"), (4, "B"), (5, "C"), (6, "D"), (7, "E"), (8, "F"),
                                         (9, "*")]


# ---------------------------------------------------------------- Scrapy settings derived from it
def test_scrapy_settings_are_derived_from_the_configuration() -> None:
    """``MARKWATCH_MATCH_ENABLED=1`` is configuration and reaches the crawl as MATCH_ENABLED (it used to be
    a Scrapy setting of the same spelling, silently ignored when set in the environment)."""
    from scrapy.utils.test import get_crawler

    from crawler.addon import ConfigAddon

    config = load_config(environ={"MARKWATCH_MATCH_ENABLED": "1", "MARKWATCH_CONCURRENT_PER_DOMAIN": "3",
                                  "MARKWATCH_REGISTER": "my-register.yaml", "MARKWATCH_CACHE_DIR": "off"})
    assert config.match_enabled is True
    crawler = get_crawler(settings_dict={"ADDONS": {ConfigAddon: 0}, "CONFIG": config})
    settings = crawler.settings
    assert settings.getbool("MATCH_ENABLED") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 3
    assert settings.get("MATCH_REGISTER") == "my-register.yaml"
    assert settings.get("MATCH_CACHE_DIR") == ""  # caching off
    assert settings.get("USER_AGENT") == config.user_agent
    # a per-run override (-s NAME=VALUE, Scrapy's cmdline priority) beats the configuration
    settings = Settings({"ADDONS": {ConfigAddon: 0}, "CONFIG": config})
    settings.set("MATCH_ENABLED", False, priority="cmdline")
    ConfigAddon.update_pre_crawler_settings(settings)
    assert settings.getbool("MATCH_ENABLED") is False


def test_without_a_configuration_the_addon_loads_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``scrapy crawl`` has no markwatch entry point before Scrapy: the add-on loads the configuration."""
    from crawler.addon import ConfigAddon

    monkeypatch.chdir(tmp_path)
    (tmp_path / "markwatch.toml").write_text("match_enabled = true\nlog_level = 'WARNING'\n", encoding="utf-8")
    settings = Settings({"ADDONS": {ConfigAddon: 0}})
    ConfigAddon.update_pre_crawler_settings(settings)
    assert settings.getbool("MATCH_ENABLED") is True and settings.get("LOG_LEVEL") == "WARNING"
    assert isinstance(settings.get("CONFIG"), Config)


def test_project_settings_do_not_shadow_the_configuration() -> None:
    """Derived settings are set at Scrapy's add-on priority, below the project's settings.py: a
    derived name defined there as well would silently win over the configuration."""
    import crawler.settings as project
    from crawler.addon import settings_from_config

    derived = set(settings_from_config(Config()))
    assert not derived & {name for name in vars(project) if name.isupper()}
    assert "crawler.addon.ConfigAddon" in project.ADDONS


def test_importing_the_crawler_settings_reads_no_configuration(tmp_path: Path) -> None:
    """A broken configuration must not break what does not use it: importing crawler.settings (every
    crawl does) reads neither the file nor the environment."""
    (tmp_path / "markwatch.toml").write_text("not = [valid\n", encoding="utf-8")
    code = "import crawler.settings, crawler.runner, crawler.spiders.rendered; print('ok')"
    env = {**os.environ, "MARKWATCH_BROWSER": "/nonexistent/chromium", "MARKWATCH_DEMO_LISTINGS": "many"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]

"""The one configuration: defaults < TOML file < MARKWATCH_* environment < explicit overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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

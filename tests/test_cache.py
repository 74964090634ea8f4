"""The disk cache of derived tables: a hit skips the build, any change of the key rebuilds, a damaged
or unwritable cache never changes a result, and a register loaded from it matches as one compiled
afresh."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from markwatch import cache
from markwatch.config import Config, cache_directory


@pytest.fixture()
def cache_in(tmp_path: Path) -> Path:
    return tmp_path / "cache"


class Builds:
    """A build function that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, list[int]]:
        self.calls += 1
        return {"table": [1, 2, 3], "call": [self.calls]}


def test_a_second_run_loads_instead_of_building(cache_in: Path) -> None:
    build = Builds()
    first = cache.cached("t", [b"key"], build, cache_in)
    second = cache.cached("t", [b"key"], build, cache_in)
    assert build.calls == 1 and first == second
    assert len(list(cache_in.glob("t-*.pickle"))) == 1


def test_another_key_builds_again(cache_in: Path) -> None:
    build = Builds()
    cache.cached("t", [b"register one"], build, cache_in)
    assert cache.cached("t", [b"register two"], build, cache_in)["call"] == [2]
    assert cache.cached("t", [b"register", b" one"], build, cache_in)["call"] == [3]  # parts are not just joined


def test_a_damaged_file_is_rebuilt(cache_in: Path, caplog: pytest.LogCaptureFixture) -> None:
    build = Builds()
    cache.cached("t", [b"k"], build, cache_in)
    (path,) = cache_in.glob("t-*.pickle")
    path.write_bytes(b"\x80\x05 not a pickle")
    with caplog.at_level(logging.WARNING, logger="markwatch.cache"):
        assert cache.cached("t", [b"k"], build, cache_in)["call"] == [2]
    assert "unreadable" in caplog.text
    assert cache.cached("t", [b"k"], build, cache_in)["call"] == [2]  # and the rebuilt file is good


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_directory_only_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with caplog.at_level(logging.WARNING, logger="markwatch.cache"):
        assert cache.cached("t", [b"k"], Builds(), locked)["table"] == [1, 2, 3]
    assert "cannot write" in caplog.text


def test_a_cache_path_that_is_a_file_only_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="markwatch.cache"):
        assert cache.cached("t", [b"k"], Builds(), blocker / "cache")["table"] == [1, 2, 3]
    assert "cannot write" in caplog.text
    assert blocker.read_text() == "x"


def test_old_files_are_pruned(cache_in: Path) -> None:
    for i in range(cache.KEEP + 3):
        cache.cached("t", [str(i).encode()], Builds(), cache_in)
    assert len(list(cache_in.glob("t-*.pickle"))) == cache.KEEP
    assert not list(cache_in.glob(".t-*"))  # no temporary file left behind


def test_cache_directory_setting(tmp_path: Path) -> None:
    assert cache_directory(Config(cache_dir="off")) is None
    assert cache_directory(Config(cache_dir=str(tmp_path))) == tmp_path
    assert cache_directory(Config(), environ={"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "markwatch"


def test_a_cached_register_matches_like_a_fresh_one(cache_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from markwatch.contracts import Register, Right
    from matchers.matcher import Matcher
    from matchers.register import load_register

    demo = load_register()
    register = Register(rights=[*demo.rights, Right(id="tm-x", kind="trademark", name="ZOLVEX", nice_classes=[25])])
    listings = [{"url": "u1", "title": "耐可 运动鞋 高仿 zolvexx", "category": "运动鞋", "price": 50.0},
                {"url": "u2", "title": "阳澄湖镇大闸蟹 礼盒", "ship_from": "安徽 宣城"},
                {"url": "u3", "title": "小米粥 早餐"}]
    fresh = Matcher(register, cache_dir=cache_in).match_many(listings)
    assert list(cache_in.glob("compiled-register-*.pickle"))

    def no_build(rights: object) -> None:
        raise AssertionError("the register was compiled again instead of loaded")

    monkeypatch.setattr("matchers.compiled._compile", no_build)
    loaded = Matcher(register, cache_dir=cache_in)
    assert loaded.compiled.forms and loaded.compiled.rights == list(register.rights)
    assert loaded.match_many(listings) == fresh
    assert {lead["right_id"] for lead in fresh[0]} >= {"tm-nike", "tm-x"}


def test_a_build_says_so_once(cache_in: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The first run is slower (it builds the tables): the log says why, and later runs stay quiet."""
    with caplog.at_level(logging.INFO, logger="markwatch.cache"):
        cache.cached("compiled-register", [b"k"], Builds(), cache_in)
        cache.cached("compiled-register", [b"k"], Builds(), cache_in)
    built = [r.getMessage() for r in caplog.records if "built" in r.getMessage()]
    assert len(built) == 1 and "compiled register" in built[0] and str(cache_in) in built[0]


def test_no_directory_means_no_disk_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller that passes no directory gets the table built, and nothing written anywhere."""
    monkeypatch.chdir(tmp_path)
    build = Builds()
    assert [cache.cached("t", [b"k"], build, None)["call"] for _ in range(2)] == [[1], [2]]
    assert not list(tmp_path.rglob("*.pickle"))


def test_the_callers_configuration_reaches_the_cache(tmp_path: Path) -> None:
    """The directory comes from the configuration the caller loaded, overrides included (it used to
    come from a hidden load_config() of its own, which never saw them)."""
    from markwatch.config import load_config
    from matchers.matcher import Matcher
    from matchers.register import load_register

    chosen = tmp_path / "chosen"
    config = load_config(environ={"MARKWATCH_CACHE_DIR": str(tmp_path / "from-env")}, cache_dir=str(chosen))
    Matcher(load_register(), cache_dir=cache_directory(config))
    assert list(chosen.glob("compiled-register-*.pickle"))
    assert not (tmp_path / "from-env").exists()


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_collector_as_it_found_it(cache_in: Path, enabled: bool) -> None:
    """Loading pauses the collector and restores it, and freezes nothing: moving objects out of the
    collector's reach for good is for a short command's entry point to decide, never the library
    (the web service and the routine run for days)."""
    import gc

    from matchers.batch import match_file
    from matchers.matcher import Matcher
    from matchers.register import load_register

    cache.cached("t", [b"k"], Builds(), cache_in)  # built and written
    matcher = Matcher(load_register(), cache_dir=cache_in)
    listings = cache_in / "listings.jsonl"
    listings.write_text('{"url": "u1", "title": "耐克 运动鞋 高仿"}\n', encoding="utf-8")
    was_enabled = gc.isenabled()
    frozen = gc.get_freeze_count()
    (gc.enable if enabled else gc.disable)()
    try:
        assert cache.cached("t", [b"k"], Builds(), cache_in)["call"] == [1]  # loaded
        Matcher(load_register(), cache_dir=cache_in)  # every table loaded from the cache
        match_file(matcher, listings, cache_in / "leads.jsonl", workers=1)
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == frozen
    finally:
        (gc.enable if was_enabled else gc.disable)()

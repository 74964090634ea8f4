"""Tables derived from the matcher's data files kept in the disk cache (matchers/derived_cache.py,
session 11, helper accel2): the famous brands, the shape-alike table and the rare characters' common
forms load from the cache as they were built, and a forking warm-up loads them before the fork so no
worker builds its own on its first chunk (matchers/batch.py ``warm``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers import derived_cache, lexicon, variants


@pytest.fixture
def fresh_derived(tmp_path: Path):
    """The derived tables unbuilt, kept in ``tmp_path``; afterwards as the rest of the run had them."""
    functions = (lexicon.brand_table, variants.shape_alike, variants.drawn_as)
    for fn in functions:
        fn.cache_clear()
    derived_cache.set_cache_dir(tmp_path)
    yield tmp_path
    derived_cache.set_cache_dir(None)
    for fn in functions:
        fn.cache_clear()


def test_derived_tables_from_the_cache_are_the_built_ones(fresh_derived: Path) -> None:
    built = {"brand-table": lexicon._build_brand_table(), "shape-alike": variants._build_shape_alike(),
             "drawn-as": variants._build_drawn_as()}
    first = {"brand-table": lexicon.brand_table(), "shape-alike": variants.shape_alike(),
             "drawn-as": variants.drawn_as()}
    for name in built:
        assert len(list(fresh_derived.glob(f"{name}-*.pickle"))) == 1, name
    for fn in (lexicon.brand_table, variants.shape_alike, variants.drawn_as):
        fn.cache_clear()
    loaded = {"brand-table": lexicon.brand_table(), "shape-alike": variants.shape_alike(),
              "drawn-as": variants.drawn_as()}
    for name, table in built.items():
        assert first[name] == table and loaded[name] == table, name
        assert list(loaded[name]) == list(table), name  # key order kept
    brands = loaded["brand-table"]
    assert len(brands) > 500 and len(loaded["shape-alike"]) > 1000 and len(loaded["drawn-as"]) > 100
    # one Brand object for all its names, as when built (houses_of_initial dedups by key, tests by value)
    nike = brands.get("nike")
    assert nike is not None and all(brands[name] is nike for name in nike.all_names if brands.get(name) == nike)


def test_without_a_cache_directory_nothing_is_written(tmp_path: Path) -> None:
    for fn in (lexicon.brand_table, variants.shape_alike):
        fn.cache_clear()
    derived_cache.set_cache_dir(None)
    try:
        assert lexicon.brand_table() == lexicon._build_brand_table()
        assert variants.shape_alike() == variants._build_shape_alike()
    finally:
        for fn in (lexicon.brand_table, variants.shape_alike):
            fn.cache_clear()
    assert not list(tmp_path.iterdir())


def test_a_forking_warm_up_loads_the_derived_tables(fresh_derived: Path) -> None:
    """The parent loads them before it forks, so no worker builds its own on its first chunk."""
    from matchers.batch import warm
    from matchers.matcher import Matcher

    matcher = Matcher.from_paths(cache_dir=fresh_derived)
    for fn in (lexicon.brand_table, variants.shape_alike, variants.drawn_as):
        fn.cache_clear()
    warm(matcher, everything=True)
    for fn in (lexicon.brand_table, variants.shape_alike, variants.drawn_as):
        assert fn.cache_info().currsize == 1, fn.__name__

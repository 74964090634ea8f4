"""The segmentation around a short glued mark (matchers/ordinary.py ``straddling_word``): the run of
Chinese text around the mark is cut once by the caller and segmented whole."""

from __future__ import annotations

import pytest

from matchers import ordinary


@pytest.mark.parametrize(("text", "start", "end", "word"), [
    ("深海宝藏", 1, 3, "深海"),  # 深海|宝藏 around 海宝
    ("新郎酒杯", 1, 3, "新郎"),  # 新郎|酒杯 around 郎酒
    ("abc深海宝藏xyz", 4, 6, "深海"),  # Latin letters end the run: the same word
    ("我们的深海宝藏和大海之歌真好听", 4, 6, "深海"),  # a long run: only MAX_SEGMENT characters each side
    ("海宝 玩具", 0, 2, ""),  # the seller's space cuts the mark out: nothing to segment
])
def test_straddling_word(text: str, start: int, end: int, word: str) -> None:
    assert ordinary.straddling_word(text, start, end) == word


def test_segmentation_is_of_the_cut_run_whatever_surrounds_it() -> None:
    """The cached segmentation is keyed on the cut run: the same run in other texts gives the same
    word, and the run given whole (offsets within it) is segmented as it is."""
    ordinary._straddling_word.cache_clear()
    assert ordinary.straddling_word("a 深海宝藏", 3, 5) == ordinary.straddling_word("深海宝藏!!", 1, 3) == "深海"
    assert ordinary._straddling_word.cache_info().hits == 1
    assert ordinary._straddling_word("海宝藏", 0, 2) == "宝藏"


def test_warm_builds_the_word_set() -> None:
    ordinary.warm()
    assert ordinary._WORDS is not None and "宝藏" in ordinary._WORDS


@pytest.mark.pure_python
def test_word_set_is_kept_in_the_cache_directory(tmp_path, monkeypatch) -> None:
    """Built once into the cache directory, then loaded from it (the same entries, in the same order)
    without reading jieba's dictionary again."""
    monkeypatch.setattr(ordinary, "_WORDS", None)
    monkeypatch.setattr(ordinary, "_CACHE_DIR", None)
    built = ordinary._word_set()
    monkeypatch.setattr(ordinary, "_WORDS", None)
    ordinary.set_cache_dir(tmp_path)
    assert list(ordinary._word_set().items()) == list(built.items())
    assert list(tmp_path.glob("jieba-words-*.pickle"))

    def no_build() -> dict[str, str]:
        raise AssertionError("built again although the cache holds it")

    monkeypatch.setattr(ordinary, "_build_word_set", no_build)
    monkeypatch.setattr(ordinary, "_WORDS", None)
    assert list(ordinary._word_set().items()) == list(built.items())

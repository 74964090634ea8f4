"""Each normalisation rule on its own: both marks and listings go through these."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers.normalise import canon, canon_many, fuzzy_pinyin_of, light, light_many, norm, norm_many, pinyin_of


@pytest.mark.parametrize("raw, expected", [
    ("ＮＩＫＥ", "nike"),                 # full width → half width, case
    ("華為手機", "华为手机"),              # traditional → simplified (opencc)
    ("耐\u200b克", "耐克"),               # zero-width character inside a word
    ("耐❤克", "耐克"),                    # emoji inside a word
    ("NI★KE", "nike"),                    # symbol inside a Latin word
    ("N I K E 男鞋", "nike 男鞋"),         # letters spaced out
    ("N.I.K.E", "nike"),                  # letters separated by punctuation
    ("耐 克 运动鞋", "耐克运动鞋"),          # spaced CJK characters
    ("HERMÈS", "hermes"),                 # accents
    ("隆平高丨科", "隆平高科"),              # a stroke character pushed into a word
    ("爱🐴仕", "爱马仕"),                  # emoji standing for a character
])
def test_norm(raw: str, expected: str) -> None:
    assert norm(raw) == expected


def test_norm_keeps_words_apart_and_light_keeps_punctuation() -> None:
    assert norm("nike air max") == "nike air max"
    assert norm("ab cd") == "ab cd"  # two-letter words are not "spaced letters"
    assert light("１：１ 高仿") == "1:1 高仿"


@pytest.mark.parametrize("bent, real", [
    ("耐可", "耐克"),        # homophone (same toneless pinyin)
    ("阿迪达期", "阿迪达斯"),  # shape-alike 期/斯
    ("雅思兰黛", "雅诗兰黛"),  # 模糊音 s/sh
    ("nlke", "nike"),       # Latin look-alike l/i
    ("n1ke", "nike"),       # digit look-alike
    ("nikf", "nike"),       # F/E
    ("adida$", "adidas"),
])
def test_canon_folds_bent_spellings_onto_the_mark(bent: str, real: str) -> None:
    assert canon(norm(bent)) == canon(norm(real))
    assert len(canon(norm(bent))) == len(norm(bent))  # positions line up with norm()


def test_canon_keeps_different_marks_apart() -> None:
    assert canon("耐克") != canon("阿迪")
    assert canon("nike") != canon("sony")


def test_pinyin() -> None:
    assert pinyin_of("耐克") == "naike"
    assert fuzzy_pinyin_of("诗") == fuzzy_pinyin_of("思")
    assert fuzzy_pinyin_of("耐克") != fuzzy_pinyin_of("安踏")


# ---------------------------------------------------------------- a batch at once
_PIECES = ["耐克", "耐 克", "N I K E", "n i k e", " ", "  ", "\t", "\u3000", "\u1680", "\x1c", "\u200b", "★", "😀",
           "阿迪达斯", "Ｎｉｋｅ", "龍井", "a", "1", "$", "@", "，", ".", "-", "x y", "é", "\ud800", "\x00", "大 闸 蟹"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES) | st.text(max_size=4), max_size=8).map("".join), max_size=30))
def test_norm_many_equals_norm_of_each(texts: list[str]) -> None:
    normed = norm_many(texts)
    assert normed == [norm(t) for t in texts]
    assert light_many(texts) == [light(t) for t in texts]
    assert canon_many(normed) == [canon(t) for t in normed]


def test_every_whitespace_is_a_plain_space_after_norm() -> None:
    """norm() skips its spacing rules for a text without " ": no other whitespace may be left."""
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert {norm(f"耐{ch}克 ab{ch}cd") for ch in spaces} == {"耐克 ab cd"}

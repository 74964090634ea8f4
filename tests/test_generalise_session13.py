"""Session 13 (issue 11): an office's register brings goods the word lists had never named.

The goods-class classifier votes with the goods words of lexicon ``goods_classes``; a title whose goods
it cannot name gives no class, and then a bent spelling of an ordinary mark is no pair at all (the
policy of docs/labelling.md §Trademarks 2) and an exact mark loses the evidence of its goods. The
vocabulary grew from 1,220 to ≈3,000 everyday e-commerce goods words (Chinese and English) over every
Nice class of goods; an English goods word now counts only as a whole word (or with a plural ending):
the automaton finds substrings, and gin sits in "original", rice in "price", tent in "content".
The rights below are of this file's own choosing (none is in a labelled set's register).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers.goods import classify
from matchers.matcher import Matcher
from matchers.normalise import norm
from matcher_helpers import flagged, matcher_on

REGISTER = """\
rights:
  - {id: tm-aigo, kind: trademark, name: 爱国者, variants: [aigo], holder: 北京华旗资讯数码科技有限公司, nice_classes: [9], reference_price: 299}
  - {id: tm-tata, kind: trademark, name: 他她, variants: [TATA], holder: 北京闼闼饰家科技集团有限公司, nice_classes: [19, 20], reference_price: 1999}
  - {id: tm-marshall, kind: trademark, name: MARSHALL, holder: Marshall Amplification plc, nice_classes: [9], reference_price: 1699}
  - {id: tm-supor, kind: trademark, name: 苏泊尔, variants: [SUPOR], holder: 浙江苏泊尔股份有限公司, nice_classes: [21], reference_price: 399}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def _classes(title: str, category: str = "") -> set[int]:
    return set(classify(norm(title), norm(category))[0])


@pytest.mark.parametrize("title, category, expected", [
    ("录音笔 高清降噪 会议 学生", "", {9}),
    ("实木复合 室内门 卧室门 套装门", "木门", {19}),
    ("Floral Linen Midi Dress Women", "Dresses", {25}),
    ("Premium Oyster Sauce 2.27kg", "Sauces", {30}),
    ("儿童学习桌椅套装 可升降", "", {20}),
    ("Espresso Machine 15 bar", "coffee machine", {11}),
])
def test_everyday_goods_an_office_register_covers_are_named(title: str, category: str, expected: set[int]) -> None:
    assert _classes(title, category) == expected


def test_a_cooker_of_two_kinds_votes_for_both() -> None:
    """A pressure cooker is an electric appliance (11) or a stovetop pot (21): the words say not which."""
    assert _classes("stainless pressure cooker 6L") == {11, 21}


@pytest.mark.parametrize("title", ["original design hoodie", "best price guaranteed", "content creator kit",
                                   "what a deal", "engine cover"])
def test_an_english_goods_word_inside_another_word_is_none(title: str) -> None:
    found = classify(norm(title), "")[1]
    assert not {"gin", "rice", "tent", "hat", "engine oil"} & set(found), found


def test_an_english_goods_word_counts_with_its_plural_ending() -> None:
    assert _classes("summer dresses") == {25} and _classes("camping tents 4 person") == {22}
    assert _classes("dress") == {25} and not _classes("ship to address")


def test_a_two_character_mark_on_goods_only_the_new_words_name_is_a_lead(matcher: Matcher) -> None:
    """他地 (地 for 她) on wooden interior doors: with no goods word for 木门 the bent two-character mark was
    no pair at all, and the exact mark scored 0.12 with nothing to say its goods were the right's."""
    assert flagged(matcher, title="他地 木门 室内门", price=399) == {"tm-tata"}
    assert flagged(matcher, title="他她 木门 室内门 卧室门", price=399) == {"tm-tata"}
    assert flagged(matcher, title="爱国者 录音笔 高清降噪 会议", price=59) == {"tm-aigo"}


def test_a_records_original_pressing_is_no_counterfeit_wording(matcher: Matcher) -> None:
    """原版 黑胶: a record's original pressing (lexicon film_work holds 黑胶, LP, vinyl, CD), as 英文原版 is a
    book's original edition; the same word on an amplifier stays counterfeit wording."""
    assert not flagged(matcher, title="Marshall Tucker Band 原版 黑胶 LP", price=88)
    assert flagged(matcher, title="Marshall 音箱 原版 复刻 蓝牙", price=199) == {"tm-marshall"}


def test_a_stovetop_cooker_under_a_cookware_mark_is_a_lead(matcher: Matcher) -> None:
    assert flagged(matcher, title="SUPOR pressure cooker 6L replica", price=6.9, currency="USD",
                   ship_from="Yiwu, Zhejiang") == {"tm-supor"}

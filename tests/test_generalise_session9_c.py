"""General mechanisms of issue 11's ninth pass (gen-c: errors of the eighth register's train part), each on
rights and listings written here (in none of the evaluation sets' registers): an "X家" house nickname told
apart by the product lines brand_names.yaml holds for the houses of that initial, and an emoji that stands
for one character of a mark wherever that character recurs (❤️大❤️ for a mark 爱大爱).
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher
from matchers.rebus import build_table, substitute

REGISTER = """\
rights:
  - {id: tm-mcm, kind: trademark, name: MCM, holder: MCM Holding, nice_classes: [18], reference_price: 6500,
     well_known: true}
  - {id: tm-michaelkors, kind: trademark, name: MICHAEL KORS, holder: Michael Kors, nice_classes: [18],
     reference_price: 2800, well_known: true}
  - {id: tm-kangshoutang, kind: trademark, name: 康寿堂, holder: 康寿堂药业, nice_classes: [5], reference_price: 68}
  - {id: tm-meijie, kind: trademark, name: 美洁, holder: 美洁卫浴, nice_classes: [11], reference_price: 2999}
  - {id: tm-anhu, kind: trademark, name: 安护, holder: 安护医疗, nice_classes: [10], reference_price: 45}
  - {id: tm-crockett, kind: trademark, name: CROCKETT, holder: Crockett Shoemakers, nice_classes: [25],
     reference_price: 4200, well_known: true}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


@pytest.mark.parametrize("title, right", [
    ("M家 Visetos 双肩包 老花", "tm-mcm"),          # Visetos: MCM's monogram line
    ("M家 Mercer 托特包 皮质", "tm-michaelkors"),    # Mercer: a Michael Kors line
])
def test_house_nickname_told_by_line(matcher: Matcher, title: str, right: str) -> None:
    assert flagged(matcher, title=title, price=399) == {right}


def test_emoji_for_a_recurring_character() -> None:
    table = build_table(["乐多乐", "福满福"])
    assert substitute(table, "😄多😄 儿童 积木") is None  # 😄 is no 乐 by name; guard of the case below
    heart = build_table(["爱大爱"])
    assert substitute(heart, "❤大❤ 护眼贴") == "爱大爱 护眼贴"
    assert substitute(heart, "❤️大 护眼贴") is None  # once only: 爱大 is no whole mark


def test_emoji_not_read_as_a_noun_suffix() -> None:
    """🌾 is named 稻子: its 子 is the noun's ending, no meaning of the emoji (nor a sound of 之)."""
    from matchers.rebus_emoji import NOUN_SUFFIXES, _only_suffix

    assert "子" in NOUN_SUFFIXES and _only_suffix("子", ("稻子",)) and not _only_suffix("子", ("种子", "子弹"))
    table = build_table(["春之舞", "金穗舞"])
    assert substitute(table, "金🌾舞 大米") == "金穗舞 大米"  # the other characters of one mark: not 金子舞


def test_emoji_pictures_a_mark_character_beside_a_word() -> None:
    """🌼 (开花, 花) pictures a 荷花: it stands for 荷 in 荷满堂 though 满堂 is a word; a face pictures nothing."""
    table = build_table(["荷满堂"])
    assert substitute(table, "🌼满堂 茶具") == "荷满堂 茶具"
    assert substitute(table, "😀满堂 茶具") is None


@pytest.mark.parametrize("title", [
    "CROCKETT 鞋撑 适用 雪松木",     # a shoe tree said to fit its shoes: an accessory word, then 适用
    "CROCKETT 皮鞋护理 上门取送",    # a care service for its shoes
])
def test_care_and_accessory_for_the_marks_goods(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=60) == set()
    assert flagged(matcher, title="CROCKETT 牛津鞋 男 正装", price=600) == {"tm-crockett"}  # guard


@pytest.mark.parametrize("title, right", [
    ("康寿常 膏药 贴", "tm-kangshoutang"),    # 常 is 堂's 4th stroke-alike, 堂 常's 5th: beyond an ordinary mark's two
    ("美沽 智能马桶 即热", "tm-meijie"),        # 沽 is 洁's 3rd, 洁 沽's 4th
])
def test_mutual_shape_alike_of_an_ordinary_mark(matcher: Matcher, title: str, right: str) -> None:
    from matchers.variants import MUTUAL_ALIKES, _stroke_and_part_alike

    drawn = _stroke_and_part_alike()
    assert "常" in drawn["堂"][:MUTUAL_ALIKES] and "堂" in drawn["常"][:MUTUAL_ALIKES]
    assert right in flagged(matcher, title=title, price=39)


def test_a_book_about_the_goods_sells_a_book(matcher: Matcher) -> None:
    """画册 names a printed work: the shoes of 鞋履设计 are its subject, so only class 16 votes."""
    from matchers.goods import classify

    votes, _ = classify("鞋履设计 画册", "")
    assert set(votes) == {16}
    assert set(classify("牛津鞋 男", "")[0]) == {25}  # guard: no book, the shoe votes
    assert flagged(matcher, title="CROCKETT 英文原版 鞋履设计 画册", price=68) == set()


def test_medical_gloves_are_of_class_10(matcher: Matcher) -> None:
    """丁腈手套 (nitrile examination gloves) are medical goods: a homophone of a class-10 ordinary mark on them
    is met (an ordinary two-character mark's bend needs goods of its classes)."""
    from matchers.goods import classify

    assert 10 in classify("丁腈手套 100只", "")[0]
    assert "tm-anhu" in flagged(matcher, title="按护 丁腈手套 100只", price=19)

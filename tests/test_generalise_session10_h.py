"""General mechanisms of issue 11's tenth pass, second helper (gen-h: unseen marks scored wrong), each on
rights and listings written here (in none of the evaluation sets' registers):

- the no-licence family (三无, 无生产日期, 无中文标签, 无厂名 …) beside an exact mark is counterfeit wording, also
  in a bundle of two marks; 三无添加 (no additives) is not;
- a mark that is a place name (the gazetteer's) on travel or ticket goods, outside its classes, with nothing
  saying it is the mark, is the place;
- a part word the holder's name holds (电池 of 迅能电池科技) is the house's own product, not a part for a device;
- a book cue inside another word (童书 in 儿童书桌) is no book: cues keep to jieba's word boundaries.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on, pairs
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: tm-tianxinfang, kind: trademark, name: 甜芯坊, holder: 甜芯坊食品, nice_classes: [30], reference_price: 39}
  - {id: tm-sanxianju, kind: trademark, name: 三鲜居, holder: 三鲜居食品, nice_classes: [30], reference_price: 49}
  - {id: tm-xinghe, kind: trademark, name: 星禾, holder: 星禾家具, nice_classes: [20], reference_price: 699}
  - {id: tm-xunneng, kind: trademark, name: 迅能, holder: 迅能电池科技有限公司, nice_classes: [9], reference_price: 89}
  - {id: tm-kuanxin, kind: trademark, name: 宽芯, holder: 宽芯通讯有限公司, nice_classes: [9], reference_price: 1999}
  - {id: tm-mudanjiang, kind: trademark, name: 牡丹江, holder: 牡丹江服饰, nice_classes: [25], well_known: true,
     reference_price: 899}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


@pytest.mark.parametrize("words", ["三无", "无生产日期", "无中文标签", "无厂名 无厂址", "无合格证"])
def test_no_licence_family_is_counterfeit_wording(matcher: Matcher, words: str) -> None:
    assert flagged(matcher, title=f"甜芯坊 奶糖 散装 {words} 清仓", price=30) == {"tm-tianxinfang"}


def test_no_additives_and_plain_clearance_stay_ordinary(matcher: Matcher) -> None:
    assert flagged(matcher, title="甜芯坊 奶糖 散装 三无添加 清仓", price=30) == set()
    assert flagged(matcher, title="甜芯坊 奶糖 散装 清仓", price=30) == set()


def test_bundle_of_two_marks_with_no_licence_wording(matcher: Matcher) -> None:
    assert flagged(matcher, title="甜芯坊 奶糖 三鲜居 水饺 零食大礼包 三无", price=60) == {"tm-tianxinfang", "tm-sanxianju"}


@pytest.mark.parametrize("title", ["星禾 儿童书桌 学习桌 实木", "星禾 儿童书架 实木"])
def test_book_cue_inside_another_word_is_no_book(matcher: Matcher, title: str) -> None:
    found = pairs(matcher, title=title, price=199)
    assert found["tm-xinghe"].score >= matcher.threshold  # furniture of the furniture mark, not a book


def test_a_book_cue_that_is_a_word_still_reads_as_a_book(matcher: Matcher) -> None:
    assert "tm-xinghe" not in flagged(matcher, title="星禾 儿童绘本 童书 故事", price=39)


@pytest.mark.parametrize("title", ["牡丹江 旅游 门票 景区", "牡丹江 镜泊湖 一日游", "牡丹江 自由行 跟团游"])
def test_a_city_named_mark_on_travel_goods_is_the_city(matcher: Matcher, title: str) -> None:
    assert "tm-mudanjiang" not in pairs(matcher, title=title, price=120)


@pytest.mark.parametrize("title, price", [
    ("牡丹江牌 门票 夹", 120),          # 牌: the seller says it is the mark
    ("牡丹江 门票 高仿", 120),          # counterfeit wording
    ("牡丹江 旅游鞋 男", 299),          # its own goods (旅游鞋 is a shoe, not travel)
])
def test_a_city_named_mark_told_as_the_mark_or_on_its_goods_keeps_its_pair(matcher: Matcher, title: str,
                                                                           price: int) -> None:
    assert "tm-mudanjiang" in pairs(matcher, title=title, price=price)


def test_a_battery_makers_battery_is_its_own_product(matcher: Matcher) -> None:
    assert flagged(matcher, title="迅能 手机电池 大容量 无3c", price=39) == {"tm-xunneng"}


def test_a_phone_makers_name_before_a_battery_stays_a_part_for_its_phone(matcher: Matcher) -> None:
    assert flagged(matcher, title="宽芯 手机电池 大容量 无3c", price=39) == set()

"""Issue 11, session 10 (coordinator): two gaps of general knowledge, on rights written here.

- herbal tea drinks (凉茶) are beverages of class 32, not tea of class 30: a well-known drinks mark written
  bent (a shape-alike) on 凉茶 is judged on its own goods instead of dropped as "goods outside its classes";
- a homophone of a registered mark that is itself another famous food brand written in the listing
  (皇上皇 sausages) is that brand, not an evasion (brand_names.yaml).
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers import goods
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: tm-qingquanji, kind: trademark, name: 清泉吉, holder: 清泉吉饮品, nice_classes: [32, 5], well_known: true,
     reference_price: 90}
  - {id: tm-huangshangfang, kind: trademark, name: 皇尚皇, holder: 皇尚皇食品, nice_classes: [29], reference_price: 68}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("coord10"))


def test_herbal_tea_is_a_drink_of_class_32() -> None:
    classes, words = goods.classify("凉茶 红罐 310ml×24罐", "")
    assert set(classes) == {32} and words == ["凉茶"]
    assert set(goods.classify("绿茶 250g 罐装", "")[0]) == {30}  # tea itself stays class 30


def test_a_bent_drinks_mark_on_herbal_tea_is_judged(matcher: Matcher) -> None:
    assert flagged(matcher, title="清泉告 凉茶 310ml×24罐 整箱", price=35) == {"tm-qingquanji"}


def test_a_homophone_that_is_another_famous_brand_stays_quiet(matcher: Matcher) -> None:
    assert flagged(matcher, title="皇上皇 广式腊肠 500g 腊味", price=45) == set()
    assert flagged(matcher, title="皇尚皇 广式腊肠 500g", price=20) == {"tm-huangshangfang"}


def test_make_up_words_are_goods_of_class_3() -> None:
    """腮红 (blush) and its kin are cosmetics: without them a mark whose first character is itself a goods word of
    another class (橘, tangerine: class 31) was read as fruit, and the cosmetics mark was no candidate."""
    for title in ("腮红 学生党", "睫毛膏 防水", "眼线笔 持久", "唇釉 哑光"):
        assert 3 in goods.classify(title, "")[0], title


def test_a_cosmetics_mark_named_like_fruit_is_found_on_blush(tmp_path) -> None:
    matcher = matcher_on("""\
rights:
  - {id: tm-juyun, kind: trademark, name: 橘韵, holder: 橘韵化妆品, nice_classes: [3], reference_price: 59}
""", tmp_path)
    assert flagged(matcher, title="橘韵同款 腮红 平替", price=9.9) == {"tm-juyun"}

"""General mechanisms of issue 11's twelfth session, second pass (gen-p), each on rights and listings written here
(in none of the evaluation sets' registers):

- mascot attribution (docs/labelling.md, special marks): "<event>吉祥物 <mascot>", the mascot with the event as a
  trailing keyword or only in the description, is the mascot's right alone; "<event>吉祥物同款" without the mascot's
  name is the event's only mascot; the event's right stays where its name is a selling term of its own;
- false alarms: a mark heading a street's or estate's name (锦源路 咖啡 外卖); a denied counterfeit word (非高仿, 不是高仿)
  is no counterfeit wording; a Latin mark's split-up spelling that is a phrase of English words written as words, on
  goods the right does not cover (silver wind 摄影);
- a giveaway of goods under the mark (三件套 送 嘉纯 帆布包) reads the mark as the giveaway's brand;
- a mark found only across the seller's spaces where the token past it is a word (丽肤 宝盒 for 丽肤宝) is the words.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher
from matchers.wording import counterfeit_words

REGISTER = """\
rights:
  - {id: sm-xilanhui, kind: special_mark, name: 中国—西澜博览会, variants: [西澜会, Xilan Expo], holder: 西澜博览会组委会}
  - {id: sm-lanlan, kind: special_mark, name: 澜澜, variants: [Lanlan], holder: 西澜博览会组委会}
  - {id: sm-beiling, kind: special_mark, name: 北岭运动会, holder: 北岭运动会组委会}
  - {id: sm-lingling, kind: special_mark, name: 岭岭, holder: 北岭运动会组委会}
  - {id: sm-yueyue, kind: special_mark, name: 岳岳, holder: 北岭运动会组委会}
  - {id: tm-jinyuan, kind: trademark, name: 锦源, holder: 锦源饮品有限公司, nice_classes: [32], reference_price: 45, well_known: true}
  - {id: tm-jiachun, kind: trademark, name: 嘉纯, holder: 嘉纯服饰有限公司, nice_classes: [25], reference_price: 159}
  - {id: tm-silverwind, kind: trademark, name: SILVERWIND, holder: Silverwind AB, nice_classes: [11], reference_price: 2999}
  - {id: tm-lifubao, kind: trademark, name: 丽肤宝, holder: 丽肤宝化妆品有限公司, nice_classes: [3], reference_price: 99}
  - {id: tm-lijia, kind: trademark, name: 礼嘉, holder: 礼嘉茶业有限公司, nice_classes: [30], reference_price: 199}
  - {id: tm-lumora, kind: trademark, name: LUMORA, holder: Lumora AB, nice_classes: [3, 8], reference_price: 1999}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("session12_p"))


@pytest.mark.parametrize("title, description", [
    ("西澜会吉祥物 澜澜 毛绒公仔", ""),  # the event glued to 吉祥物: whose mascot it is
    ("澜澜 公仔 西澜会吉祥物", ""),
    ("澜澜 吉祥物 钥匙扣 亚克力 西澜会", ""),  # the event as a trailing keyword
    ("澜澜 吉祥物 毛绒公仔 小鱼 玩偶", "中国—西澜博览会 同款"),  # the event only in the description
    ("Xilan Expo mascot Lanlan plush toy", ""),
])
def test_event_naming_whose_mascot_is_the_mascot_alone(matcher: Matcher, title: str, description: str) -> None:
    assert flagged(matcher, title=title, description=description, price=29) == {"sm-lanlan"}


@pytest.mark.parametrize("title", [
    "西澜会 澜澜 吉祥物 礼盒 套装",  # the event heads the title, a term of its own: both
    "西澜会 吉祥物 澜澜 毛绒公仔",  # the event, then the word mascot, written apart: the event and its mascot
])
def test_event_as_a_selling_term_keeps_both(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=49) == {"sm-xilanhui", "sm-lanlan"}


def test_mascot_look_alike_is_the_events_only_mascot(matcher: Matcher) -> None:
    assert flagged(matcher, title="西澜会吉祥物同款 蓝色小鱼 毛绒公仔", price=28) == {"sm-lanlan"}


def test_look_alike_of_an_event_with_several_mascots_stays_the_events(matcher: Matcher) -> None:
    """Which of 岭岭 and 岳岳 the copy is of is unknown: the event's right stays, no mascot is guessed."""
    assert flagged(matcher, title="北岭运动会吉祥物同款 小鹿 公仔", price=28) == {"sm-beiling"}


def test_without_the_word_mascot_nothing_moves(matcher: Matcher) -> None:
    assert flagged(matcher, title="西澜会 纪念徽章 金属 胸针", price=15) == {"sm-xilanhui"}


def test_mark_heading_a_street_name_is_the_place(matcher: Matcher) -> None:
    assert "tm-jinyuan" not in flagged(matcher, title="锦源路 果汁 外卖 双杯 优惠券", description="锦源路店", price=15)
    assert "tm-jinyuan" not in flagged(matcher, title="锦源大道 鲜榨果汁 外卖", price=12)


def test_mark_before_its_goods_is_still_the_mark(matcher: Matcher) -> None:
    """Guards: the mark on its own goods, and a suffix that starts a word of its own (路由器 is a router)."""
    assert "tm-jinyuan" in flagged(matcher, title="锦源 橙汁 1L 整箱 高仿", price=15)
    assert "tm-jinyuan" in flagged(matcher, title="锦源 果汁 饮料 送 锦源路由器 贴纸 高仿", price=15)


@pytest.mark.parametrize("text", ["非高仿 专柜购入", "不是高仿 带小票", "拒绝高仿 假一赔十", "绝对不是 高仿", "no replica, genuine"])
def test_denied_counterfeit_word_is_none(text: str) -> None:
    assert counterfeit_words(text) == []


@pytest.mark.parametrize("text, word", [("就是高仿", "高仿"), ("高仿 正品品质", "高仿"), ("不是原版 仿的", "原版")])
def test_counterfeit_word_not_denied_stays(text: str, word: str) -> None:
    """不是原版 says the goods are no original: a copy's admission, not a denial."""
    assert word in counterfeit_words(text)


def test_denied_counterfeit_word_does_not_flag_a_resale(matcher: Matcher) -> None:
    listing = dict(title="LUMORA 洁面仪 日本免税店 购入 带小票 原装", description="非高仿 不是高仿 介意勿拍", price=1299)
    assert "tm-lumora" not in flagged(matcher, **listing)
    assert "tm-lumora" in flagged(matcher, title="LUMORA 洁面仪 声波 洗脸刷", description="高仿 一比一", price=199)


def test_giveaway_of_goods_under_the_mark_is_a_use(matcher: Matcher) -> None:
    assert "tm-jiachun" in flagged(matcher, title="夏季 T恤 女 三件套 送 嘉纯 帆布包", price=49.9)
    assert "tm-jiachun" in flagged(matcher, title="夏季 T恤 女 三件套 赠 嘉纯 帆布包", price=49.9)


def test_split_spelling_of_english_words_on_other_services_is_the_words(matcher: Matcher) -> None:
    assert "tm-silverwind" not in flagged(matcher, title="silver wind 银色的风 摄影 跟拍 大理", price=39)


def test_split_spelling_on_the_rights_goods_stays_a_lead(matcher: Matcher) -> None:
    assert "tm-silverwind" in flagged(matcher, title="Silver Wind 电风扇 落地扇 静音 家用", price=399)


def test_giveaway_word_glued_into_a_word_is_no_giveaway(matcher: Matcher) -> None:
    """送礼 嘉… is "a gift": the 送 and the mark's 礼 make a word, no giveaway of 礼嘉 goods."""
    assert "tm-lijia" not in flagged(matcher, title="正山小种 红茶 送礼 嘉年华 礼盒装", price=59)


def test_spaced_words_reaching_past_the_mark_are_the_words(matcher: Matcher) -> None:
    assert "tm-lifubao" not in flagged(matcher, title="丽肤 宝盒 收纳 化妆刷 套装 旅行", price=29)


@pytest.mark.parametrize("title", ["丽肤 宝 面霜 补水", "丽 肤 宝 面霜", "丽肤 宝面霜 补水 保湿"])
def test_mark_spaced_to_dodge_stays_a_lead(matcher: Matcher, title: str) -> None:
    assert "tm-lifubao" in flagged(matcher, title=title, price=29)

"""General mechanisms of issue 11's fourth pass, each on rights and listings written here (in none of
the evaluation sets): a keycap emoji (3️⃣) and a formal numeral (叁) read as the digit, a digit read as
a mark's character that sounds like its numeral (1恋 for 依恋), a repair or cleaning service naming the brand it works on
as referential use unless counterfeit wording says otherwise, and a phone watch as electronics.
"""

from __future__ import annotations

import pytest

from matcher_helpers import matcher_on, pairs
from matchers.goods import classify
from matchers.matcher import Matcher
from matchers.rebus import build_table, substitute
from matchers.signals import FEATURES

F = {name: i for i, name in enumerate(FEATURES)}

REGISTER = """\
rights:
  - {id: tm-sanyezhou, kind: trademark, name: 三叶舟, holder: 三叶舟食品, nice_classes: [30], reference_price: 49}
  - {id: tm-yilian, kind: trademark, name: 依恋, holder: 依恋服饰, nice_classes: [25], reference_price: 899}
  - {id: tm-xuebao, kind: trademark, name: 雪豹峰, holder: 雪豹峰户外, nice_classes: [25], reference_price: 2600}
  - {id: tm-yihao, kind: trademark, name: 壹号农场, holder: 壹号农场食品, nice_classes: [29], reference_price: 88}
  - {id: tm-tongxin, kind: trademark, name: 童信, holder: 童信科技, nice_classes: [9], reference_price: 999}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def test_keycap_and_formal_numerals_read_as_the_digit() -> None:
    table = build_table(["三叶舟", "壹号农场"])
    assert substitute(table, "3️⃣叶舟 挂面 500g") == "三叶舟 挂面 500g"
    assert substitute(table, "叁叶舟 挂面") == "三叶舟 挂面"
    assert substitute(table, "叁件套 毛巾 3️⃣条装") is None  # no mark's pair beside either
    # a mark's own formal numeral stays what it is while another is read
    assert substitute(table, "壹号农场 土猪肉 叁叶舟 挂面") == "壹号农场 土猪肉 三叶舟 挂面"


def test_digit_may_stand_for_what_sounds_like_its_numeral() -> None:
    table = build_table(["依恋"])
    assert substitute(table, "1恋 连衣裙 春款") == "依恋 连衣裙 春款"  # 一 yi read as 依 yi
    assert substitute(table, "1件 连衣裙 春款") is None


def test_rebus_spellings_are_flagged(matcher: Matcher) -> None:
    found = pairs(matcher, title="3️⃣叶舟 挂面 5斤 家庭装", price=9.9)
    assert found["tm-sanyezhou"].score >= 0.5
    found = pairs(matcher, title="1恋 连衣裙 女 春款 收腰", price=59)
    assert found["tm-yilian"].score >= 0.5


def test_a_service_on_the_brands_goods_is_referential_unless_counterfeit(matcher: Matcher) -> None:
    cleaning = pairs(matcher, title="雪豹峰 冲锋衣 干洗 防水翻新 护理", price=120)["tm-xuebao"]
    assert cleaning.features[F["service_use"]] == 1 and cleaning.features[F["referential"]] == 1
    assert cleaning.score < 0.5
    fake = pairs(matcher, title="雪豹峰 冲锋衣 高仿 原单 换拉链", price=120)["tm-xuebao"]
    assert fake.features[F["service_use"]] == 1 and fake.features[F["referential"]] == 0
    assert fake.score >= 0.5


def test_a_phone_watch_is_electronics(matcher: Matcher) -> None:
    assert classify("儿童电话手表 4G 定位", "")[0] == {9: 1}
    assert classify("机械手表 男 自动", "")[0] == {14: 1}
    assert pairs(matcher, title="童信 儿童电话手表 视频通话", price=199)["tm-tongxin"].score >= 0.5


def test_a_digit_inside_a_number_is_never_read_by_sound() -> None:
    table = build_table(["依恋", "奥尔"])
    assert substitute(table, "奥2 连衣裙") == "奥尔 连衣裙"  # a lone 2 (er) read as 尔
    assert substitute(table, "冬奥2022 纪念") is None  # a digit of 2022 is not
    assert substitute(table, "1.1恋 连衣裙") is None

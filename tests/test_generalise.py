"""The matcher on rights it was not built around (issue 11, Generalise): every test uses rights of
the second register ``matchers/data/eval_general/register.yaml``, none of which is in the demo
register, and the general resources behind each family of evasion or false alarm.

One test per family: evasions (shape-alike characters, an emoji or digit for a character, digits in
another dress, look-alike letters of other scripts, spaced-out short marks, a house nickname several
marks share), false alarms (an English word used as a word, 原版 of a book, a bent spelling that is
a real word or place, repair services, a cartoon name one character from a mascot), the currency
conversion and its reason, and the thresholds on the held-out set (computed here, from the goal).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers.matcher import Matcher
from matchers.reasons import render
from matchers.register import load_register
from matchers.signals import FEATURES

from matcher_helpers import flagged, held_out_result, pairs

GENERAL = Path(__file__).resolve().parents[1] / "matchers" / "data" / "eval_general"
F = {name: i for i, name in enumerate(FEATURES)}
GOAL_PRECISION, GOAL_RECALL = 0.97, 0.95  # issue 11's goal on unseen rights


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_register(GENERAL / "register.yaml"))


def test_shape_alike_characters_from_the_general_table(matcher: Matcher) -> None:
    found = pairs(matcher, title="东方两虹 防水涂料 卫生间 20kg", price=89)  # 两 is drawn like 雨
    assert found["tm-yuhong"].score >= 0.5
    assert found["tm-yuhong"].reason_codes[0]["code"] == "hit_shape"
    assert "tm-proya" in flagged(matcher, title="珀菜雅 双抗精华 30ml", price=69)  # 菜 / 莱


def test_emoji_and_digit_standing_for_a_character(matcher: Matcher) -> None:
    assert "tm-yuhong" in flagged(matcher, title="东方雨🌈 防水涂料 屋顶", price=79)  # 🌈 彩虹 → 虹
    assert "tm-joyoung" in flagged(matcher, title="9阳 豆浆机 家用", price=59)  # 9 → 九
    assert "tm-361" in flagged(matcher, title="三六一度 跑鞋 男", price=79)  # numerals → 361
    assert not pairs(matcher, title="2只装 3件套 收纳盒 🔥 热卖", price=19)


@pytest.mark.parametrize("title", ["③M KN95 口罩 50只", "３Ｍ 防尘口罩 20只", "❸M 口罩"])
def test_digits_in_another_dress(matcher: Matcher, title: str) -> None:
    found = pairs(matcher, title=title, price=15)
    assert found["tm-3m"].score >= 0.5 and found["tm-3m"].features[F["obfuscated"]] == 1


def test_roman_numeral_and_digit_for_it(matcher: Matcher) -> None:
    assert "tm-sk-ii" in flagged(matcher, title="SK-Ⅱ 神仙水 230ml 精华", price=159)
    assert "tm-sk-ii" in flagged(matcher, title="SK-2 神仙水 护肤精华", price=139)


def test_letters_of_other_scripts_that_look_like_digits_or_letters(matcher: Matcher) -> None:
    assert "tm-3m" in flagged(matcher, title="ЗM 9001 口罩 50只", price=16)  # Cyrillic Ze for 3
    assert "tm-coach" in flagged(matcher, title="СОАСН 托特包 女 大容量", price=699)  # Cyrillic letters


def test_spaced_out_short_marks(matcher: Matcher) -> None:
    assert "tm-3m" in flagged(matcher, title="3 M 口罩 KN95 防护", price=14)
    assert "tm-gree" in flagged(matcher, title="G R E E 变频空调 1匹 挂机", price=799)


def test_house_nickname_shared_by_several_marks_names_the_house_that_fits(matcher: Matcher) -> None:
    # B家: BURBERRY and 波司登 (both well-known, both class 25); P家: PRADA and PUMA.
    assert flagged(matcher, title="B家 经典格纹 风衣 女 双排扣", price=699) == {"tm-burberry"}
    assert flagged(matcher, title="P家 三角标 尼龙 双肩包 原单", price=599) == {"tm-prada"}


def test_english_word_used_in_its_ordinary_sense(matcher: Matcher) -> None:
    word = pairs(matcher, title="Soccer Coach Whistle with Lanyard for Referee", price=25, currency="USD")
    assert word["tm-coach"].features[F["english_word_sense"]] == 1
    assert word["tm-coach"].score < 0.5
    brand = pairs(matcher, title="COACH Tabby Shoulder Bag Women Leather", price=39, currency="USD")
    assert brand["tm-coach"].features[F["english_word_sense"]] == 0 and brand["tm-coach"].score >= 0.5


def test_a_mark_that_reads_as_a_quantity_in_lower_case(matcher: Matcher) -> None:
    cable = pairs(matcher, title="USB-C charging cable 3m braided fast charge", price=5, currency="USD")["tm-3m"]
    assert cable.features[F["english_word_sense"]] == 1  # three metres, not the mark
    mask = pairs(matcher, title="3M 9501 KN95 口罩 50只", price=15)["tm-3m"]
    assert mask.features[F["english_word_sense"]] == 0 and mask.score >= 0.5


def test_original_edition_of_a_book_is_no_counterfeit_wording(matcher: Matcher) -> None:
    book = pairs(matcher, title="依视路 钻晶 1.60 镜片 附英文原版说明书", price=1290)
    assert book["tm-essilor"].features[F["counterfeit"]] == 0 and book["tm-essilor"].score < 0.5
    fake = pairs(matcher, title="依视路 钻晶 1.60 镜片 原版 对比原版", price=1290)
    assert fake["tm-essilor"].features[F["counterfeit"]] == 1


def test_bent_spelling_that_is_a_real_word_place_or_craft(matcher: Matcher) -> None:
    craft = pairs(matcher, title="蜀绣 手工刺绣 熊猫 挂画", price=680, ship_from="四川 成都")
    assert craft["gi-suxiu"].features[F["bent_word"]] == 1
    assert any(r["code"] == "bent_is_word" for r in craft["gi-suxiu"].reason_codes)
    shop = pairs(matcher, title="荣宝斋 画谱 国画 临摹", price=88)
    assert shop["sm-rongbao"].score < 0.5


def test_repair_and_spare_part_services_are_referential(matcher: Matcher) -> None:
    service = pairs(matcher, title="格力空调 上门维修 加氟 清洗 移机", price=80)
    assert service["tm-gree"].features[F["service_use"]] == 1 and service["tm-gree"].score < 0.5
    assert not flagged(matcher, title="苏泊尔电饭煲 维修 更换 密封圈 配件", price=50)


def test_cartoon_one_character_from_a_mascot_is_not_the_mascot(matcher: Matcher) -> None:
    assert not flagged(matcher, title="福宝 熊猫 毛绒 玩偶 公仔", price=49)  # 蓉宝 / 蜀宝 are mascots
    assert "sm-rongbao" in flagged(matcher, title="蓉宝 毛绒 玩偶 熊猫", price=39)


def test_usd_price_is_converted_and_the_conversion_is_told(matcher: Matcher) -> None:
    cheap = pairs(matcher, title="COACH Tabby Shoulder Bag Women", price=39, currency="USD")["tm-coach"]
    reason = next(r for r in cheap.reason_codes if r["code"] == "price_converted")
    assert reason["currency"] == "USD" and reason["reference"] == 3500 and 200 < reason["converted"] < 350
    assert reason["rate_date"] <= "2026-11-20"
    assert "USD ≈" in render(reason) and "ECB" in render(reason) and "欧洲央行" in render(reason, lang="zh")
    full = pairs(matcher, title="COACH Tabby Shoulder Bag 26 Pebble Leather", price=450, currency="USD")["tm-coach"]
    assert full.features[F["price_at_least_60"]] == 1 and full.score < 0.5  # $450 is ¥3,000: resale
    as_cny = pairs(matcher, title="COACH Tabby Shoulder Bag 26 Pebble Leather", price=450)["tm-coach"]
    assert as_cny.features[F["price_below_40"]] == 1  # the same number in CNY is 13 % of the reference


def test_held_out_set_meets_the_goal(matcher: Matcher) -> None:
    result = held_out_result(matcher, GENERAL)
    assert not result.unknown_rights
    assert result.overall.precision >= GOAL_PRECISION, result.overall.line("held-out")
    assert result.overall.recall >= GOAL_RECALL, result.overall.line("held-out")

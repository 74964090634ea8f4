"""The matcher on a third register of rights (``matchers/data/eval_own/``: in neither the demo register,
nor eval_general, nor eval_unseen_b), one test per general mechanism added for issue 11's weak families:
GI names split by a dodge word between place and product, an emoji standing for several characters or
for a character it sounds like, a short mascot name glued inside other words (segmentation), a book
naming a trademark, co-branded listings naming two marks, a house nickname on goods no house fits, and
floors on the held-out part (rights never trained on).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers.matcher import Matcher
from matchers.rebus import build_table, substitute
from matchers.register import load_register
from matchers.signals import FEATURES

from matcher_helpers import flagged, held_out_result, pairs

OWN = Path(__file__).resolve().parents[1] / "matchers" / "data" / "eval_own"
F = {name: i for i, name in enumerate(FEATURES)}
# Floors on the held-out part, just under what the shipped model scores (P 0.982 / R 1.000 after the third
# pass; 0.964 / 0.964 after the second; before these mechanisms 0.870 / 0.855): docs/evaluation-own.md.
FLOOR_PRECISION, FLOOR_RECALL = 0.97, 0.98


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_register(OWN / "register.yaml"))


def test_gi_name_split_by_a_dodge_word_between_place_and_product(matcher: Matcher) -> None:
    found = pairs(matcher, title="祁门 品种 红茶 特级 250g", price=59, ship_from="福建 福安")
    assert found["gi-keemun-tea"].reason_codes[0]["code"] == "hit_gi_split"
    assert found["gi-keemun-tea"].score >= 0.5
    assert "gi-laiyang-pear" in flagged(matcher, title="莱阳风味 茌梨 当季 整箱", price=25, ship_from="安徽 砀山")
    # the place and, far on, the product with no dodge word between: no GI name at all
    assert "gi-keemun-tea" not in pairs(matcher, title="祁门县城 旅游 纪念 手绘地图 红茶杯", price=20)


def test_an_emoji_for_several_characters_or_for_a_sound() -> None:
    table = build_table(["小天鹅", "三只松鼠", "王老吉"])
    assert substitute(table, "小🦢 洗衣机") == "小天鹅 洗衣机"  # 🦢 天鹅: two characters at once
    assert substitute(table, "3只🐿 碧根果") == "三只松鼠 碧根果"
    assert substitute(table, "王老🐔 凉茶") == "王老鸡 凉茶"  # 🐔 鸡 sounds like 吉: the scan finds the homophone
    assert substitute(table, "2只装 🐔 鸡腿 🦢") is None  # no mark's pair beside the emoji


def test_emoji_spelling_is_flagged(matcher: Matcher) -> None:
    assert "tm-littleswan" in flagged(matcher, title="小🦢 洗衣机 滚筒 全自动", price=899)


def test_short_mascot_name_glued_inside_other_words(matcher: Matcher) -> None:
    glued = pairs(matcher, title="宝贝贝壳 手链 海边 饰品", price=9.9)["sm-beibei"]
    assert glued.features[F["split_by_words"]] == 1 and glued.score < 0.5
    assert any(r["code"] == "split_by_words" and r["word"] == "宝贝" for r in glued.reason_codes)
    alone = pairs(matcher, title="贝贝 鲤鱼 吉祥物 毛绒 挂件", price=19)["sm-beibei"]
    assert alone.features[F["split_by_words"]] == 0 and alone.score >= 0.5


def test_a_book_naming_a_trademark(matcher: Matcher) -> None:
    book = pairs(matcher, title="大白兔 过年 儿童 绘本 精装", price=39)["tm-white-rabbit"]
    assert book.features[F["publication"]] == 1 and book.score < 0.5
    sweets = pairs(matcher, title="大白兔 奶糖 500g 高仿", price=9.9)["tm-white-rabbit"]
    assert sweets.features[F["publication"]] == 0 and sweets.score >= 0.5


def test_co_branded_listing_flags_both_marks(matcher: Matcher) -> None:
    found = pairs(matcher, title="福娃 x 七匹狼 联名 T恤 纪念款", price=99)
    assert {"sm-fuwa", "tm-septwolves"} <= {r for r, p in found.items() if p.score >= 0.5}
    assert found["tm-septwolves"].features[F["co_brand"]] == 1
    assert any(r["code"] == "co_brand" and r["seen"] == "福娃" for r in found["tm-septwolves"].reason_codes)


def test_house_nickname_names_the_house_the_goods_fit_or_none(matcher: Matcher) -> None:
    # G家: GIVENCHY (classes 3, 18, 25) and 格兰仕 GALANZ (11), both well-known
    assert flagged(matcher, title="G家 微波炉 家用 20L 高仿", price=199) == {"tm-galanz"}
    assert flagged(matcher, title="G家 小羊皮 口红 高仿", price=199) == {"tm-givenchy"}
    assert not pairs(matcher, title="G家 纯牛奶 250ml 高仿", price=19)  # goods neither is registered for


def test_own_held_out_set_stays_above_its_floor(matcher: Matcher) -> None:
    result = held_out_result(matcher, OWN)
    assert not result.unknown_rights
    assert result.overall.precision >= FLOOR_PRECISION, result.overall.line("held-out")
    assert result.overall.recall >= FLOOR_RECALL, result.overall.line("held-out")

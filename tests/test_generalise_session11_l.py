"""General mechanisms of issue 11's second pass on evasions (gen-l), each on rights and listings written here (in none
of the evaluation sets' registers):

- a mark's character written as a radical code point of the same picture (⻓ U+2ED3 for 长, ⽔ U+2F54 for 水), a
  compatibility ideograph, or its Japanese form outside GB 2312 (巣 for 巢): read as the character (light);
- a character written as a side form and the rest (钅艮 for 银, where 艮 is no common character), and two characters
  each written as their parts side by side, a space between (日青 目牟 for 晴眸): joined (rebus_parts);
- a GI written as its county, a dodge word and its product's own name without the goods word (勐腊 产区 滇绿 for
  勐腊滇绿茶): a GI split (compiled._products_shortened).
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: tm-xichang, kind: trademark, name: 溪长, holder: 溪长药业有限公司, nice_classes: [5], reference_price: 68}
  - {id: tm-lanshui, kind: trademark, name: 澜水, holder: 澜水电子有限公司, nice_classes: [9], reference_price: 199}
  - {id: tm-jinchao, kind: trademark, name: 金巢, holder: 金巢家居有限公司, nice_classes: [20], reference_price: 299}
  - {id: tm-qingmou, kind: trademark, name: 晴眸, holder: 晴眸光学有限公司, nice_classes: [9, 10, 11], reference_price: 99}
  - {id: tm-yinlan, kind: trademark, name: 银澜, holder: 银澜玩具有限公司, nice_classes: [28], reference_price: 159}
  - {id: gi-mengla, kind: gi, name: 勐腊滇绿茶, variants: [勐腊滇绿], holder: 勐腊县茶叶协会, nice_classes: [30],
     regions: [云南省西双版纳傣族自治州勐腊县], reference_price: 168}
  - {id: gi-xichou, kind: gi, name: 西畴雾芽茶, holder: 西畴县茶叶协会, nice_classes: [30],
     regions: [云南省文山壮族苗族自治州西畴县], reference_price: 168}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


# ------------------------------------------------------------------ radicals, compatibility and Japanese forms
@pytest.mark.parametrize("title, right", [
    ("溪\u2ed3 胶囊 正品", "tm-xichang"),  # CJK RADICAL C-SIMPLIFIED LONG: NFKC leaves it
    ("澜\u2f54 蓝牙音箱", "tm-lanshui"),  # KANGXI RADICAL WATER
    ("金巣 实木床", "tm-jinchao"),  # 巣: the Japanese form of 巢
])
def test_a_character_in_another_dress_is_the_mark(matcher: Matcher, title: str, right: str) -> None:
    assert flagged(matcher, title=title, price=9) == {right}


def test_radicals_and_compatibility_ideographs_are_read_as_characters() -> None:
    from matchers.normalise import norm

    assert norm("\u2ed3") == "长" and norm("\u2ed1") == "长"  # ⻑ LONG ONE: 長, simplified
    assert norm("\u2f54") == "水" and norm("\u2fa6") == "金"
    assert norm("\u2ecb\u2ee2") == "车马"  # C-SIMPLIFIED CART, HORSE
    assert norm("\uf900") == "岂"  # a compatibility ideograph: 豈 → 岂
    assert norm("山\u2f54 音箱") == "山水音箱"  # a radical is a Chinese character: the space after it is a gap


def test_a_radical_drawn_like_no_ideograph_is_kept() -> None:
    from matchers.normalise import norm

    assert norm("\u2ebc") == "\u2ebc"  # ⺼ RADICAL MEAT: the squeezed 月 of 肉, no character's own picture


def test_japanese_forms_only_outside_what_a_chinese_ime_offers() -> None:
    from matchers.normalise import norm

    assert norm("巣沢広") == "巢泽广"
    assert norm("芸") == "芸"  # jp2t makes it 藝, but 芸 is a Chinese character of its own (芸豆)


def test_radical_table_is_what_the_build_script_writes() -> None:
    from matchers.normalise import RADICAL_IDEOGRAPHS

    rows = dict(line.rstrip("\n").split("\t") for line in RADICAL_IDEOGRAPHS.read_text(encoding="utf-8").splitlines()
                if not line.startswith("#"))
    assert rows["\u2ed3"] == "长" and rows["\u2ee2"] == "马" and rows["\u2f54"] == "水"
    assert "\u2ebc" not in rows


# ------------------------------------------------------------------ characters written as their parts
@pytest.mark.parametrize("title", ["钅艮澜 遥控车", "钅艮澜遥控车 玩具"])
def test_a_side_form_and_a_rare_part_are_the_whole_character(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=9) == {"tm-yinlan"}


def test_side_form_splits_come_from_the_decompositions() -> None:
    from matchers.variants import side_form_splits

    splits = side_form_splits()
    assert splits["银"] == ("钅艮",) and splits["冰"] == ("冫水",)
    assert "汪" not in splits  # its side form (氵王) is in char_parts.tsv's second column already


@pytest.mark.parametrize("title", ["日青 目牟 护眼台灯", "日青目牟 护眼台灯"])
def test_two_split_characters_side_by_side_are_the_mark(matcher: Matcher, title: str) -> None:
    """日青 (晴) alone is a common enough pair of parts to be read as written; beside 目牟 (眸) it writes 晴眸."""
    assert flagged(matcher, title=title, price=9) == {"tm-qingmou"}


def test_one_split_alone_without_its_pair_is_no_mark(matcher: Matcher) -> None:
    assert flagged(matcher, title="日青 护眼台灯", price=9) == set()
    assert flagged(matcher, title="目牟 护眼台灯", price=9) == set()


# ------------------------------------------------------------------ a GI split with its product shortened
@pytest.mark.parametrize("title, right", [
    ("勐腊 产区 滇绿 松针 250g", "gi-mengla"),  # the county, a dodge word, the product without 茶
    ("西畴 产区 雾芽 250g", "gi-xichou"),
])
def test_gi_place_dodge_and_the_product_without_its_goods_word(matcher: Matcher, title: str, right: str) -> None:
    assert flagged(matcher, title=title, price=30, ship_from="广东 广州") == {right}


def test_the_shortened_product_needs_the_place(matcher: Matcher) -> None:
    assert flagged(matcher, title="产区 滇绿 松针 250g", price=30, ship_from="广东 广州") == set()
    assert flagged(matcher, title="普洱 产区 雾芽 250g", price=30, ship_from="广东 广州") == set()


def test_products_shortened() -> None:
    from matchers.compiled import _products_shortened

    goods = {"茶", "红茶", "绿茶"}
    assert _products_shortened("西湖龙井茶", "西湖", "龙井茶", None, goods, ["西湖龙井茶"]) == ["龙井"]
    found = _products_shortened("勐腊滇绿茶", "勐腊滇", "绿茶", 2, goods, ["勐腊滇绿茶", "勐腊滇绿"])
    assert found == ["滇绿茶", "滇绿"]
    assert _products_shortened("宁夏枸杞", "宁夏", "枸杞", None, goods, ["宁夏枸杞"]) == []


# ------------------------------------------------------------------ a character written with a small part left out
PART_REGISTER = """\
rights:
  - {id: tm-lanbingquan, kind: trademark, name: 澜冰泉, holder: 澜冰泉饮品有限公司, nice_classes: [32], reference_price: 45}
  - {id: tm-lanwai, kind: trademark, name: 岚外, holder: 岚外服饰有限公司, nice_classes: [25], reference_price: 1299}
  - {id: tm-lilan, kind: trademark, name: 利澜, holder: 利澜果业有限公司, nice_classes: [31], reference_price: 99}
"""


@pytest.fixture(scope="module")
def part_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(PART_REGISTER, tmp_path_factory.mktemp("parts"))


@pytest.mark.parametrize("title, right", [("澜水泉 矿泉水 整箱", "tm-lanbingquan"),  # 冰 less 冫
                                          ("岚夕 连衣裙 女装", "tm-lanwai")])  # 外 less 卜
def test_a_character_with_a_small_part_left_out(part_matcher: Matcher, title: str, right: str) -> None:
    assert flagged(part_matcher, title=title, price=9) == {right}


def test_part_kept_table() -> None:
    from matchers.variants import part_kept

    kept = part_kept()
    assert kept["冰"] == "水" and kept["外"] == "夕" and kept["例"] == "列"
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in kept.items())


def test_a_homophone_of_the_part_kept_is_no_bend(part_matcher: Matcher) -> None:
    """利 less 刂 is 禾; 盒 sounds like 禾, and canon lets the key meet it: 礼盒澜 is no 利澜 (two bends at once)."""
    from matchers.candidates import find_candidates
    from matchers.normalise import norm

    compiled = part_matcher.compiled
    found = {compiled.rights[r].id for r in find_candidates(compiled, {"title": norm("禾澜 苹果 水果")}, goods_classes=[31])}
    assert "tm-lilan" in found
    found = {compiled.rights[r].id for r in find_candidates(compiled, {"title": norm("水果 礼盒澜 苹果")}, goods_classes=[31])}
    assert "tm-lilan" not in found


GI_REGISTER = """\
rights:
  - {id: gi-qinhu-lianou, kind: gi, name: 沁湖莲藕, holder: 沁湖莲藕协会, nice_classes: [31], regions: [湖北省荆州市洪湖市],
     reference_price: 39}
  - {id: gi-qinhu-dami, kind: gi, name: 沁湖大米, holder: 沁湖大米协会, nice_classes: [30], regions: [湖北省荆州市洪湖市],
     reference_price: 39}
"""


@pytest.fixture(scope="module")
def gi_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(GI_REGISTER, tmp_path_factory.mktemp("gi"))


def test_gi_place_and_the_products_head_noun(gi_matcher: Matcher) -> None:
    """莲藕 after its place may be written 藕 (a one-character noun); 米 is a measure word to jieba: no such form."""
    assert flagged(gi_matcher, title="沁湖藕 同款 粉糯 煲汤", price=9, ship_from="广东 广州") == {"gi-qinhu-lianou"}
    assert flagged(gi_matcher, title="藕 粉糯 煲汤", price=9, ship_from="广东 广州") == set()
    assert gi_matcher.compiled.gi_products[1][1] == ("大米",)

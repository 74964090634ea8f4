"""General mechanisms of issue 11's seventh pass (gen-a: evasions built from general resources), each on
rights and listings written here (in none of the evaluation sets' registers): an emoji read by what its
CLDR keywords mean, not only by its name (🌊 浪花 for 海 of 海洋, ⚡ 高压 for 电, 🌻 for 葵花), a flag for its
country's name (🇨🇭 瑞士), an emoji whose name is a whole short mark written beside one of its characters
(海🐬 is 海豚, not 海海豚), a mark's character written as its two parts (古月 for 胡), a mark's number
written in the other script, as keycaps or as formal numerals (13 or 拾叁 for 十三, 1️⃣5️⃣7️⃣3️⃣ or
一千五百七十三 for 1573), a character sharing all but one part with a mark's (牧 for 枚), and none of these
beside words that make no mark.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher
from matchers.rebus import build_table, substitute
from matchers.rebus_emoji import emoji_meanings
from matchers.rebus_numbers import chinese_number, numeral_value
from matchers.variants import char_parts, part_alike, shape_alike

REGISTER = """\
rights:
  - {id: tm-ruishilian, kind: trademark, name: 瑞士莲, holder: 瑞士莲巧克力, nice_classes: [30], reference_price: 89}
  - {id: tm-haiyun, kind: trademark, name: 海韵, holder: 海韵日化, nice_classes: [3], reference_price: 69}
  - {id: tm-guanfang, kind: trademark, name: 冠芳, holder: 冠芳饮料, nice_classes: [32], reference_price: 39}
  - {id: tm-dianxiaoer, kind: trademark, name: 电小二, holder: 电小二科技, nice_classes: [9], reference_price: 1999}
  - {id: tm-hongkuihua, kind: trademark, name: 红葵花, holder: 红葵花粮油, nice_classes: [29], reference_price: 99}
  - {id: tm-haitun, kind: trademark, name: 海豚, holder: 海豚泳具, nice_classes: [28], reference_price: 89}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


@pytest.mark.parametrize("right, title, price", [
    ("tm-haiyun", "🌊韵 洗发水 500ml 去屑", 15),         # 🌊 named 浪花; its keyword 海洋 holds 海
    ("tm-guanfang", "🏆芳 山楂汁 1L 整箱", 9),           # 🏆 named 奖杯; its keyword 冠军 holds 冠
    ("tm-dianxiaoer", "⚡小二 户外移动电源 大容量", 399),  # ⚡ named 高压; its keywords 有电, 闪电 hold 电
    ("tm-hongkuihua", "红🌻 食用油 5L", 29),              # 🌻 向日葵 + 太阳花: the mark's pair 葵花
    ("tm-ruishilian", "🇨🇭莲 黑巧克力 排块 100g", 19),     # a flag: two code points, its country's name
    ("tm-haitun", "海🐬 儿童泳镜 防雾", 19),              # 🐬 海豚 beside its 海: 海豚, not 海海豚
])
def test_an_emoji_read_by_its_meaning_is_a_lead(matcher: Matcher, right: str, title: str, price: float) -> None:
    assert right in flagged(matcher, title=title, price=price)


@pytest.mark.parametrize("title", [
    "🌊韵律 瑜伽服 女",     # 海韵 only by a keyword, and 韵律 is a word: the wave is decoration
    "🏆芳香 精油 礼盒",     # 芳香 is a word
    "🌊 海边 度假 沙滩裙",
    "🏆 奖杯 定制 金属",
    "⚡ 快充 小米 充电器",
])
def test_an_emoji_beside_words_that_make_no_mark_is_no_lead(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=99) == set()


def test_the_keywords_are_emoji_only_and_hold_more_than_the_name() -> None:
    meanings = emoji_meanings()
    assert "。" not in meanings and "≠" not in meanings  # CLDR annotates punctuation too
    assert "海洋" in meanings["🌊"] and "冠军" in meanings["🏆"]
    assert meanings["🇨🇭"] == ("瑞士",)


def test_a_keyword_reading_needs_the_text_beside_it() -> None:
    table = build_table(["海韵", "电小二"])
    assert substitute(table, "🌊韵 洗发水") == "海韵 洗发水"
    assert substitute(table, "🌊 度假 韵") is None
    assert substitute(table, "⚡ 二手 小") is None


SPLIT_REGISTER = """\
rights:
  - {id: tm-hujihua, kind: trademark, name: 胡姬花, holder: 胡姬花粮油, nice_classes: [29], reference_price: 159}
  - {id: tm-wuyutai, kind: trademark, name: 吴裕泰, holder: 吴裕泰茶业, nice_classes: [30], reference_price: 120}
  - {id: tm-linjiapuzi, kind: trademark, name: 林家铺子, holder: 林家铺子食品, nice_classes: [29], reference_price: 29}
  - {id: tm-mingguang, kind: trademark, name: 明光, holder: 明光电子, nice_classes: [9], reference_price: 59}
  - {id: tm-xintaixiang, kind: trademark, name: 鑫泰祥, holder: 鑫泰祥珠宝, nice_classes: [14], reference_price: 3999}
"""


@pytest.fixture(scope="module")
def split_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(SPLIT_REGISTER, tmp_path_factory.mktemp("split"))


@pytest.mark.parametrize("right, title, price", [
    ("tm-hujihua", "古月姬花 古法花生油 5L", 59),    # 胡 as 古月
    ("tm-wuyutai", "口天裕泰 茉莉花茶 250g", 29),    # 吴 as 口天
    ("tm-linjiapuzi", "木木家铺子 黄桃罐头 整箱", 19),  # 林 as 木木
    ("tm-xintaixiang", "金金金泰祥 足金项链 女", 999),  # 鑫 as three of 金
])
def test_a_character_written_as_its_two_parts_is_read_whole(split_matcher: Matcher, right: str, title: str,
                                                            price: float) -> None:
    assert right in flagged(split_matcher, title=title, price=price)


@pytest.mark.parametrize("title", [
    "日月光 手机壳 防摔",          # 日月 is a common word, not 明 written apart
    "红木家具 口天 古月 木木 茶叶",  # parts beside no other character of a mark
])
def test_parts_that_make_no_mark_are_left_alone(split_matcher: Matcher, title: str) -> None:
    assert flagged(split_matcher, title=title, price=99) == set()


def test_the_parts_table_writes_characters_as_typable_pairs() -> None:
    written, every = char_parts()
    assert "古月" in written["胡"] and "弓长" in written["张"] and "木木木" in written["森"]
    assert "氵" in every["汪"] and "三" not in written and "丝" not in written  # 一 is a stroke; 丝 is no 丝丝
    table = build_table(["胡姬花"])
    assert substitute(table, "古月姬花 花生油") == "胡姬花 花生油"
    assert substitute(table, "古月姬花 花生油", title=False) is None  # descriptions are not scanned for parts


NUMBER_REGISTER = """\
rights:
  - {id: tm-wangshouyi, kind: trademark, name: 王守义十三香, holder: 王守义调味品, nice_classes: [30], reference_price: 12}
  - {id: tm-guojiao, kind: trademark, name: 国窖1573, holder: 泸州老窖, nice_classes: [33], reference_price: 1299}
"""


@pytest.fixture(scope="module")
def number_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(NUMBER_REGISTER, tmp_path_factory.mktemp("numbers"))


@pytest.mark.parametrize("right, title, price", [
    ("tm-wangshouyi", "王守义13香 调味料 家用", 3),          # 十三 in digits
    ("tm-wangshouyi", "王守义⑬香 调味料 家用", 3),          # a circled number of two digits
    ("tm-wangshouyi", "王守义拾叁香 调味料 家用", 3),        # formal numerals with a unit
    ("tm-guojiao", "国窖1️⃣5️⃣7️⃣3️⃣ 白酒 52度", 299),        # keycaps
    ("tm-guojiao", "国窖壹伍柒叁 白酒 52度", 299),           # formal numerals digit by digit
    ("tm-guojiao", "国窖一千五百七十三 浓香型 白酒", 299),    # the digits of a mark read out in Chinese
])
def test_a_marks_number_in_another_script_is_read(number_matcher: Matcher, right: str, title: str,
                                                  price: float) -> None:
    assert right in flagged(number_matcher, title=title, price=price)


@pytest.mark.parametrize("title", [
    "13香型 香薰蜡烛 13cm",       # 13 beside no other character of the mark
    "收拾 队伍 大陆 国窖 酒柜",     # lone formal numerals in words
    "国窖15730 酒具 套装",         # 1573 inside a longer number
])
def test_numbers_that_make_no_mark_are_no_lead(number_matcher: Matcher, title: str) -> None:
    assert flagged(number_matcher, title=title, price=99) == set()


def test_chinese_numbers_are_read_both_ways() -> None:
    for value in (13, 20, 24, 101, 110, 305, 361, 1573, 2008, 10010):
        assert numeral_value(chinese_number(value)) == value
    assert numeral_value("两百") == 200 and numeral_value("十三五") is None and numeral_value("一三") is None


PART_REGISTER = """\
rights:
  - {id: tm-meiqing, kind: trademark, name: 枚青, holder: 枚青茶业, nice_classes: [30], reference_price: 99}
"""


@pytest.fixture(scope="module")
def part_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(PART_REGISTER, tmp_path_factory.mktemp("parts"))


def test_a_character_sharing_all_but_one_part_is_a_bend_of_an_ordinary_mark(part_matcher: Matcher) -> None:
    # 牧 is 枚 with its radical 木 changed for 牛 (the phonetic 攵 kept): beyond its two most alike by strokes
    assert "tm-meiqing" in flagged(part_matcher, title="牧青 绿茶 250g 明前", price=29)
    assert flagged(part_matcher, title="牧场 绿茶 250g", price=29) == set()


def test_part_alikes_share_all_but_one_part() -> None:
    _, every = char_parts()
    parted = part_alike()
    assert "囤" in parted["屯"] and "牧" in parted["枚"]
    for ch, others in list(parted.items())[::50]:
        for other in others:
            shared = set(every.get(ch, "")) & set(every.get(other, ""))
            assert shared or ch in every.get(other, "") or other in every.get(ch, ""), (ch, other)
    alike = shape_alike()
    assert all(o in alike[ch] for ch, others in list(parted.items())[::50] for o in others)  # counted as alike

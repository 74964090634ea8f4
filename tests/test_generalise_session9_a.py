"""General mechanisms of issue 11's ninth pass (gen-a: evasions whose form no table held), each on rights and
listings written here (in none of the evaluation sets' registers): characters whose glyphs look alike (夭 for
天, 降 for 隆: glyph_alike.tsv), a character written as its parts with one in its side form (亻二 for 仁, 阝东 for
陈), parts that are a word of their own inside a longer mark (女子帮手 for 好帮手), an emoji for a word of a
Latin mark (GOLDEN 🦅), a mark written partly in pinyin (sj沐歌, 四季mg, nai克); and, for the kinds issue 11
lists, that the older readings still hold on new rights (an emoji or digit for a character; circled,
full-width, Roman and formal digits; Greek and Cyrillic look-alike letters; spaced-out letters) — none of them
beside ordinary words.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher
from matchers.rebus import build_table, substitute
from matchers.rebus_pinyin import spelled_forms
from matchers.variants import char_parts, glyph_alike, shape_alike

REGISTER = """\
rights:
  - {id: tm-tianyunfang, kind: trademark, name: 天韵坊, holder: 天韵坊乐器, nice_classes: [15], reference_price: 1299}
  - {id: tm-xinglongda, kind: trademark, name: 兴隆达, holder: 兴隆达厨具, nice_classes: [21], reference_price: 129}
  - {id: tm-renhetang, kind: trademark, name: 仁和堂, holder: 仁和堂药业, nice_classes: [5], reference_price: 39}
  - {id: tm-chenxiangge, kind: trademark, name: 陈香阁, holder: 陈香阁茶业, nice_classes: [30], reference_price: 299}
  - {id: tm-haobangshou, kind: trademark, name: 好帮手, holder: 好帮手家居, nice_classes: [21], reference_price: 59}
  - {id: tm-golden-eagle, kind: trademark, name: GOLDEN EAGLE, holder: Golden Eagle Apparel, nice_classes: [25],
     reference_price: 899}
  - {id: tm-qicaihong, kind: trademark, name: 七彩虹, holder: 七彩虹科技, nice_classes: [9], reference_price: 2999}
  - {id: tm-sijimuge, kind: trademark, name: 四季沐歌, holder: 四季沐歌热水器, nice_classes: [11], reference_price: 2599}
  - {id: tm-zebra, kind: trademark, name: ZEBRA, variants: [斑马], holder: Zebra Co., nice_classes: [16],
     reference_price: 15}
  - {id: tm-xinghewan, kind: trademark, name: 星河湾, holder: 星河湾酒业, nice_classes: [33], reference_price: 399}
  - {id: tm-baixiaosheng, kind: trademark, name: 百晓生, holder: 百晓生文具, nice_classes: [16], reference_price: 25}
  - {id: tm-wuyang, kind: trademark, name: 五羊, holder: 五羊摩托, nice_classes: [12], reference_price: 5999}
  - {id: tm-kobo, kind: trademark, name: KOBO, holder: Kobo Inc, nice_classes: [9], reference_price: 999}
  - {id: tm-g2000, kind: trademark, name: G2000, holder: G2000 Apparel, nice_classes: [25], reference_price: 399}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


NEW_FORMS = [
    ("tm-tianyunfang", "夭韵坊 古筝 专业演奏", 399),     # 夭 looks like 天 (a tilted stroke): glyph_alike.tsv
    ("tm-xinglongda", "兴降达 不锈钢 保温杯", 29),        # 降 looks like 隆
    ("tm-renhetang", "亻二和堂 板蓝根颗粒", 9),           # 仁 as 亻二: 人 in its side form
    ("tm-chenxiangge", "阝东香阁 普洱茶 357g", 59),       # 陈 as 阝东
    ("tm-haobangshou", "女子帮手 拖把 免手洗", 19),       # 女子 is a word, but 好帮手 is a whole mark of three
    ("tm-golden-eagle", "GOLDEN 🦅 夹克 男", 199),        # 🦅 is named eagle
    ("tm-sijimuge", "sj沐歌 热水器", 899),                # 四季 as its initials
    ("tm-sijimuge", "四季mg 热水器", 899),                # 沐歌 as its initials
    ("tm-sijimuge", "siji沐歌 热水器", 899),              # 四季 as its syllables
    ("tm-sijimuge", "四季muge 热水器", 899),
]

KNOWN_KINDS = [
    ("tm-qicaihong", "7彩虹 显卡 RTX4060", 1999),          # a digit for its numeral
    ("tm-qicaihong", "⑦彩虹 显卡", 1999),                  # circled
    ("tm-qicaihong", "Ⅶ彩虹 显卡", 1999),                  # Roman
    ("tm-qicaihong", "７彩虹 显卡", 1999),                 # full width
    ("tm-qicaihong", "柒彩虹 显卡", 1999),                 # formal
    ("tm-qicaihong", "7️⃣彩虹 显卡", 1999),                 # keycap
    ("tm-qicaihong", "七彩🌈 显卡", 1999),                 # 🌈 彩虹 beside its 彩
    ("tm-sijimuge", "④季沐歌 热水器", 899),
    ("tm-sijimuge", "肆季沐歌 热水器", 899),
    ("tm-xinghewan", "⭐河湾 白酒 52度", 99),             # ⭐ 星星
    ("tm-baixiaosheng", "100晓生 笔记本", 5),             # a round number for 百
    ("tm-baixiaosheng", "佰晓生 笔记本", 5),
    ("tm-wuyang", "五🐑 摩托车", 2999),
    ("tm-wuyang", "⑤羊 摩托车", 2999),
    ("tm-wuyang", "5 羊 摩托车 125", 2999),             # a space between the digit and the character
    ("tm-wuyang", "㈤羊 摩托车", 2999),                  # an enclosed ideograph
    ("tm-qicaihong", "㊆彩虹 显卡", 1999),
    ("tm-qicaihong", "7 彩 虹 显卡", 1999),
    ("tm-zebra", "ΖΕΒRΑ 中性笔 0.5", 5),                  # Greek capitals
    ("tm-zebra", "ZЕВRА 中性笔", 5),                      # Cyrillic capitals
    ("tm-zebra", "Z E B R A 中性笔", 5),                  # spaced out
    ("tm-zebra", "Z.E.B.R.A 中性笔", 5),
    ("tm-zebra", "斑🐴 中性笔", 5),
    ("tm-kobo", "K0B0 电子书", 399),                      # digits drawn as letters
    ("tm-kobo", "ΚΟΒΟ 电子书", 399),
    ("tm-kobo", "K O B O 电子书 阅读器", 399),
    ("tm-g2000", "G2ООО 衬衫", 99),                       # Cyrillic О for the digit 0
    ("tm-g2000", "G 2 0 0 0 衬衫", 99),
]


@pytest.mark.parametrize("right, title, price", NEW_FORMS + KNOWN_KINDS)
def test_an_evasion_of_a_new_right_is_a_lead(matcher: Matcher, right: str, title: str, price: float) -> None:
    assert right in flagged(matcher, title=title, price=price)


@pytest.mark.parametrize("title", [
    "天韵 音乐 古筝 曲谱",
    "女子 帮手 家务 书",          # parts apart: no character written as its parts
    "女子运动鞋 跑步",            # 女子 a word beside no mark's pair
    "golden 🦅 老鹰 摆件",        # 🦅 beside golden, but on a figurine: no class-25 goods
    "5 羊毛 围巾",               # 五羊 only inside the word 羊毛
    "规格 7 彩色 马克笔",          # 七彩 a pair of the mark, not the mark
    "GT7 彩虹 表带 硅胶",          # the 7 of a model name is no numeral
    "收纳箱 1:7 彩虹 款",          # nor the 7 of a ratio
    "四季 沐浴露 家庭装",
    "sj 热水器 配件",             # initials beside no written character of the mark
    "🦓 斑马 玩偶",
    "5羊毛 围巾",
    "降温 贴 退烧",
])
def test_ordinary_text_near_the_new_readings_is_no_lead(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=99) == set()


def test_the_glyph_table_pairs_what_the_stroke_table_missed() -> None:
    glyph = glyph_alike()
    assert "夭" in glyph["天"] and "降" in glyph["隆"] and "玉" in glyph["王"]
    assert "具" not in glyph.get("贝", "") and "尔" not in glyph.get("乐", "")  # unlike pictures stay apart
    assert "夭" in shape_alike()["天"]  # counted as alike everywhere (the bent-twice guard too)


def test_side_forms_are_read_from_the_decomposition() -> None:
    written = char_parts()[0]
    assert written["仁"] == ("人二", "亻二") and "阝东" in written["陈"] and "氵王" in written["汪"]
    table = build_table(["仁和堂", "好帮手", "明基"])
    assert substitute(table, "亻二和堂 颗粒") == "仁和堂 颗粒"
    assert substitute(table, "女子帮手 拖把") == "好帮手 拖把"
    assert substitute(table, "日月基 台灯") is None  # 日月 is a word and 明基 only two characters


def test_an_emoji_for_a_latin_word_needs_the_marks_neighbouring_word() -> None:
    table = build_table(["golden eagle", "the north face"])
    assert substitute(table, "GOLDEN 🦅 jacket").split() == ["GOLDEN", "eagle", "jacket"]
    assert substitute(table, "🦅 golden") is None  # eagle golden is no pair of the mark
    assert substitute(table, "north 😀 jacket") is None  # face: a word of too many emoji names


def test_pinyin_spellings_need_the_rest_of_the_mark_written_beside_them() -> None:
    before, after = spelled_forms(["四季沐歌", "耐克"])
    assert ("沐歌", "四季沐歌", "") in before["sj沐"] and ("四季", "四季沐歌") in after["季mg"]
    assert ("歌", "四季沐歌", "四季") in before["mu歌"]  # an inner character as its syllable, 四季 before it
    assert "s季" not in before and "沐g" not in after  # one initial says too little
    table = build_table(["四季沐歌", "耐克"])
    assert substitute(table, "nai克 跑鞋") == "耐克 跑鞋"
    assert substitute(table, "sj沐 热水器") is None
    assert substitute(table, "RTXsj沐歌") is None  # the Latin run is more than the mark's pinyin
    assert substitute(table, "sj沐歌 热水器", title=False) is None  # descriptions are not read for it

"""General mechanisms of issue 11's third pass, each on rights and listings written here (in none of
the evaluation sets): an emoji read through its name's radical (🦅 鹰 for 鸟), a round number for its
numeral (1000 for 千), a separator where a mark's script changes (9 9 9 感冒灵), an emoji that the
lexicon reads as a character put between a mark's pair (decoration), and a goods word + 机 read as
the machine (咖啡机 is an appliance, not coffee).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers.goods import classify
from matcher_helpers import matcher_on, pairs
from matchers.matcher import Matcher
from matchers.normalise import norm
from matchers.rebus import build_table, substitute
from matchers.rebus_emoji import radical_forms

REGISTER = """\
rights:
  - {id: tm-feiniao, kind: trademark, name: 飞鸟, holder: 飞鸟服饰, nice_classes: [25], reference_price: 399}
  - {id: tm-qianhe, kind: trademark, name: 千禾, holder: 千禾味业, nice_classes: [30], reference_price: 39}
  - {id: tm-999, kind: trademark, name: 999感冒灵, holder: 华润三九, nice_classes: [5], reference_price: 29}
  - {id: tm-baiyao, kind: trademark, name: 云南白药, holder: 云南白药集团, nice_classes: [3, 5], well_known: true,
     reference_price: 59}
  - {id: tm-kafei, kind: trademark, name: 咖乐美, holder: 咖乐美电器, nice_classes: [7, 11], reference_price: 2999}
  - {id: tm-meiling, kind: trademark, name: 美菱, holder: 美菱电器, nice_classes: [11], reference_price: 2599}
  - {id: gi-lushan-shier, kind: gi, name: 庐山石耳, holder: 庐山市特产协会, nice_classes: [31],
     regions: [江西省九江市庐山市], reference_price: 168}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def test_radical_read_from_the_blocks_order() -> None:
    assert "鸟" in radical_forms("鹰") and "鸟" in radical_forms("鸽")  # simplified radical, read like 鳥
    assert "鱼" in radical_forms("鲨") and "马" in radical_forms("驴")
    assert radical_forms("鸟") == "" and radical_forms("a") == ""  # a radical itself, not a CJK ideograph


def test_emoji_named_by_a_character_of_the_marks_radical() -> None:
    table = build_table(["飞鸟", "千禾"])
    assert substitute(table, "飞🦅 卫衣") == "飞鸟 卫衣"  # 🦅 鹰: its radical 鸟
    assert substitute(table, "🦅 鹰 摆件 飞行") is None  # no mark's pair beside it


def test_round_number_for_its_numeral_and_script_change_gaps() -> None:
    table = build_table(["千禾", "999感冒灵", "云南白药"])
    assert substitute(table, "1000禾 酱油") == "千禾 酱油"
    assert substitute(table, "1000ml 酱油") is None  # no pair with the next character
    assert substitute(table, "9 9 9 感冒灵 颗粒") == "9 9 9感冒灵 颗粒"  # norm joins the digits
    assert substitute(table, "买 9 盒 感冒 颗粒") is None  # 9感 is a pair, 9 盒 is not
    assert substitute(table, "云南白🐟药 牙膏") == "云南白药 牙膏"  # lexicon reads 🐟 as 鱼: still decoration


def test_the_mechanisms_flag_listings(matcher: Matcher) -> None:
    emoji = pairs(matcher, title="飞🦅 男装 卫衣 秋冬", price=59)["tm-feiniao"]
    assert emoji.score >= 0.5 and emoji.reason_codes[0]["code"] == "hit_mark"
    assert pairs(matcher, title="1000禾 零添加 酱油 1.8L", price=9.9)["tm-qianhe"].score >= 0.5
    assert pairs(matcher, title="9 9 9 感冒灵 颗粒 10袋", price=5)["tm-999"].score >= 0.5
    assert pairs(matcher, title="云南白🐟药 牙膏 高仿", price=9)["tm-baiyao"].score >= 0.5
    assert not pairs(matcher, title="飞行 🦅 摆件 鹰 树脂", price=59)  # an eagle ornament names no mark


def test_goods_word_and_machine() -> None:
    votes, words = classify(norm("意式 咖啡机 半自动"), "")
    assert set(votes) == {7, 11} and words == ["咖啡机"]
    assert set(classify(norm("挂耳 咖啡 10g 袋装"), "")[0]) == {30}  # coffee itself
    assert set(classify(norm("手机 壳"), "")[0]) == {9}  # an apparatus word keeps its class


def test_machine_goods_fit_an_appliance_mark(matcher: Matcher) -> None:
    assert pairs(matcher, title="咖乐美 咖啡机 家用 高仿", price=399)["tm-kafei"].score >= 0.5


def test_digits_in_another_dress_stand_for_a_numeral() -> None:
    table = build_table(["五棵松", "云南白药"])
    for dressed in ("⑤棵松", "５棵松", "Ⅴ棵松", "❺棵松"):
        assert substitute(table, f"{dressed} 乳胶漆") == "五棵松 乳胶漆", dressed
    assert substitute(table, "Ⅲ棵松") is None  # 三 and 棵 are no mark's pair
    assert substitute(table, "５L 白色") is None  # a full-width digit alone is left to normalisation


def test_gi_name_split_where_the_gazetteer_names_the_place() -> None:
    from matchers.compiled import split_gi_name

    assert split_gi_name("柳州螺蛳粉") == ("柳州", "螺蛳粉")  # no goods word ends it: the place decides
    assert split_gi_name("烟台大樱桃") == ("烟台", "大樱桃")  # 大樱桃 is a word ending in the goods word 樱桃
    assert split_gi_name("长白山人参") == ("长白山", "人参")  # 长白 is a county too, but 山人参 is no word


HOUSES = """\
rights:
  - {id: tm-kenzo, kind: trademark, name: KENZO, variants: [高田贤三], holder: Kenzo SA, nice_classes: [25],
     well_known: true, reference_price: 2999}
  - {id: tm-kohler, kind: trademark, name: KOHLER, variants: [科勒], holder: Kohler Co., nice_classes: [11],
     reference_price: 2999}
  - {id: tm-meters, kind: trademark, name: 美特斯邦威, variants: [METERSBONWE], holder: 美特斯邦威服饰,
     nice_classes: [25], reference_price: 199}
  - {id: tm-markfairwhale, kind: trademark, name: 马克华菲, variants: [MARK FAIRWHALE], holder: 马克华菲服饰,
     nice_classes: [25], reference_price: 299}
"""


@pytest.fixture(scope="module")
def houses(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(HOUSES, tmp_path_factory.mktemp("houses"))


def test_house_nickname_of_few_houses_the_goods_and_the_name_decide(houses: Matcher) -> None:
    def flagged(title: str) -> set[str]:
        return {r for r, p in pairs(houses, title=title, price=99).items() if p.score >= 0.5}

    # K家: KENZO (well-known, clothes) and KOHLER (ordinary, sanitary ware): the goods decide
    assert flagged("K家 智能马桶 一体式 高仿") == {"tm-kohler"}
    assert flagged("K家 老虎头 卫衣 高仿") == {"tm-kenzo"}
    # M家: two clothing houses; the one whose name shares a character with the title (马 of 马克华菲)
    assert flagged("M家 小马标 T恤 高仿 原单") == {"tm-markfairwhale"}
    assert flagged("M家 美式 T恤 高仿 原单") == {"tm-meters"}
    # goods none of them is registered for: the nickname names none, the well-known house's neither
    assert not pairs(houses, title="K家 口红 高仿", price=99)


def test_emoji_standing_in_for_one_character_of_a_longer_mark() -> None:
    table = build_table(["同仁堂药", "好孩子", "金鸡湖"])
    assert substitute(table, "🍵仁堂药 礼盒") == "同仁堂药 礼盒"  # any emoji, the three others written
    assert substitute(table, "同仁🔥药") == "同仁堂药"
    assert substitute(table, "🔥孩子 推车") is None  # 孩子 is a word: the emoji may just be decoration
    assert substitute(table, "🔥 爆款 仁堂") is None


def test_emoji_with_a_two_character_name_read_by_one_characters_sound() -> None:
    table = build_table(["洋湖"])
    assert substitute(table, "🐑湖 大闸蟹") == "羊湖 大闸蟹"  # 🐑 母羊: 羊 sounds like 洋 (a homophone hit)


def test_part_named_after_the_device_of_the_mark_is_referential(matcher: Matcher) -> None:
    part = pairs(matcher, title="美菱 冰箱 门封条 磁性 密封", price=29)["tm-meiling"]
    assert part.score < 0.5
    assert any(r["code"] == "referential_use" and r["cue"] == "门封条" for r in part.reason_codes)
    fridge = pairs(matcher, title="美菱 冰箱 双开门 高仿", price=399)["tm-meiling"]
    assert fridge.score >= 0.5 and not any(r["code"] == "referential_use" for r in fridge.reason_codes)


def test_gi_bent_into_another_real_place_is_that_places_product(matcher: Matcher) -> None:
    assert "gi-lushan-shier" not in pairs(matcher, title="英山石耳 干货 250g", price=59)  # 英山县, Hubei
    bent = pairs(matcher, title="庐三石耳 干货 250g", price=59, ship_from="广东 广州")  # no place: a dodge
    assert bent["gi-lushan-shier"].score >= 0.5


def test_short_mark_in_a_pun_on_an_idiom_is_no_mark_use() -> None:
    from matchers.ordinary import pun_around

    assert pun_around("金金计较搞笑", 0, 2) == "金金计较"  # sounds like 斤斤计较, only the mark's characters bent
    assert pun_around("金金玩偶", 0, 2) == ""
    assert pun_around("欢欢喜喜", 0, 2) == ""  # the idiom itself holds the mark: inside_ordinary_word's case


def test_pun_lowers_the_score(tmp_path: Path) -> None:
    matcher = matcher_on("rights:\n  - {id: sm-jinjin, kind: special_mark, name: 金金, holder: 运动会组委会,"
                         " reference_price: 79}\n", tmp_path)
    pun = pairs(matcher, title="金金计较 搞笑 表情包 贴纸", price=9)["sm-jinjin"]
    assert pun.score < 0.5 and any(r["code"] == "ordinary_word" for r in pun.reason_codes)
    assert pairs(matcher, title="金金 吉祥物 毛绒 公仔", price=29)["sm-jinjin"].score >= 0.5


def test_emoji_read_by_meaning_and_still_decoration_inside_a_pair() -> None:
    assert norm("👍孩子 推车") == norm("好孩子 推车") and norm("贝😘 奶瓶") == norm("贝亲 奶瓶")
    table = build_table(["兰蔻"])
    assert substitute(table, "兰👍蔻 精华") == "兰蔻 精华"  # between 兰 and 蔻: decoration, not 兰好蔻

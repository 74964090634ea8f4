"""General mechanisms of issue 11's twelfth session (gen-o: emoji by meaning, marks in their ordinary sense), each on
rights and listings written here (in none of the evaluation sets' registers):

- kind 1, an emoji standing for a mark's character that its Japanese CLDR name holds and no Chinese keyword does
  (💪 力こぶ: 力); a character making the mark's pair as written wins over one that only sounds like a pair; a
  mark whose other characters are written around the emoji wins over a whole short mark the emoji's name holds
  and that pairs with nothing written (🌸 樱花 in 甜甜🌸); a whole short mark an emoji's keywords hold, written
  before 牌 (🌙牌: 月亮牌);
- kind 2, a well-known mark in its literal sense on goods outside its classes (the listing's other words share the
  mark's character, or the goods depict a thing: a puzzle, a painting, a specimen), and a mark that is an
  everyday word found only in the description inside a phrase of ordinary words (质量可靠).
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: tm-yueli, kind: trademark, name: 跃力, holder: 跃力鞋业有限公司, nice_classes: [25], reference_price: 199}
  - {id: tm-yueji, kind: trademark, name: 跃吉, holder: 跃吉电子有限公司, nice_classes: [9], reference_price: 299}
  - {id: tm-tiantianmei, kind: trademark, name: 甜甜梅, holder: 甜甜梅食品有限公司, nice_classes: [29, 30], reference_price: 29}
  - {id: tm-yinghua, kind: trademark, name: 樱花, holder: 樱花厨电有限公司, nice_classes: [11], reference_price: 1999}
  - {id: tm-yueliang, kind: trademark, name: 月亮, holder: 月亮日化有限公司, nice_classes: [3], reference_price: 39}
  - {id: tm-xilaique, kind: trademark, name: 喜来鹊, holder: 喜来鹊服饰有限公司, nice_classes: [25], reference_price: 2999, well_known: true}
  - {id: tm-maobaobao, kind: trademark, name: 猫宝宝, holder: 猫宝宝木业有限公司, nice_classes: [19, 20], reference_price: 260, well_known: true}
  - {id: tm-lanhudie, kind: trademark, name: 蓝蝴蝶, holder: 蓝蝴蝶鞋业有限公司, nice_classes: [25, 18], reference_price: 399, well_known: true}
  - {id: tm-bapilang, kind: trademark, name: 八匹狼, holder: 八匹狼服饰有限公司, nice_classes: [25], reference_price: 599, well_known: true}
  - {id: tm-mona, kind: trademark, name: 莫奈睡莲, holder: 莫奈睡莲瓷砖有限公司, nice_classes: [19], reference_price: 120, well_known: true}
  - {id: tm-fudi, kind: trademark, name: 福迪, holder: 福迪医疗用品有限公司, nice_classes: [5], reference_price: 29}
  - {id: tm-wentuo, kind: trademark, name: 稳妥, holder: 稳妥护理用品有限公司, nice_classes: [5, 10], reference_price: 89}
  - {id: tm-lantern, kind: trademark, name: LANTERN, holder: Lantern Leather Ltd, nice_classes: [18], reference_price: 2600}
  - {id: sm-xiaolvya, kind: special_mark, name: 小绿芽, holder: 东岚园艺博览会组委会}
  - {id: tm-wangshifu, kind: trademark, name: 旺师傅, holder: 旺师傅食品有限公司, nice_classes: [29, 30], reference_price: 29}
  - {id: tm-wugehetao, kind: trademark, name: 五个核桃, holder: 五个核桃饮品有限公司, nice_classes: [32], reference_price: 69, well_known: true}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


# ------------------------------------------------------------------ kind 1: emoji by meaning
def test_japanese_name_gives_the_character() -> None:
    from matchers.rebus_emoji import japanese_name_characters

    kanji = japanese_name_characters()
    assert "力" in kanji["💪"]  # 力こぶ
    assert all("\u4e00" <= ch <= "\u9fff" for chars in kanji.values() for ch in chars)


@pytest.mark.parametrize("title", ["跃💪 帆布鞋 小白鞋", "跃💪️ 经典 帆布鞋"])
def test_an_emoji_for_a_character_its_japanese_name_holds(matcher: Matcher, title: str) -> None:
    """💪's zh name 肌肉 holds 肌, which only sounds like 吉 of 跃吉: the written pair 跃力 comes first."""
    assert flagged(matcher, title=title, price=19) == {"tm-yueli"}
    assert matcher.rebus_read({"title": title})["title"].startswith("跃力")


@pytest.mark.parametrize("title", ["跃🔥 帆布鞋", "跃👍 帆布鞋"])
def test_other_emoji_beside_the_character_stay_decoration(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=19) == set()


def test_the_mark_around_the_emoji_beats_a_short_mark_its_name_holds(matcher: Matcher) -> None:
    assert matcher.rebus_read({"title": "甜甜🌸 青梅 话梅"})["title"].startswith("甜甜梅")
    assert flagged(matcher, title="甜甜🌸 青梅 话梅", price=9) == {"tm-tiantianmei"}


def test_a_short_mark_its_keywords_hold_before_the_brand_cue(matcher: Matcher) -> None:
    assert flagged(matcher, title="🌙牌 洗衣液 2kg 家庭装", price=9) == {"tm-yueliang"}
    assert flagged(matcher, title="🌙 洗衣液 2kg 家庭装", price=9) == set()  # no 牌: the moon is decoration


def test_an_emoji_of_the_goods_named_beside_it_fills_the_marks_slot(matcher: Matcher) -> None:
    """🩹 (创可贴) glued to 福 as a word of two, the title naming 创可贴: the seller drew the brand's product."""
    assert flagged(matcher, title="福🩹 创可贴 防水 100片", price=9) == {"tm-fudi"}
    assert flagged(matcher, title="福🩹 防水 100片", price=9) == set()  # the goods unnamed: a decoration
    assert flagged(matcher, title="买福🩹 创可贴 防水", price=9) == set()  # no word of two: 福 is another word's


def test_a_person_at_work_for_the_last_two_characters(matcher: Matcher) -> None:
    """👨‍🍳 (厨师: 师) after 旺 as a word of its own is 师傅 of 旺师傅; glued into another word it is nothing."""
    assert matcher.rebus_read({"title": "旺👨‍🍳 红烧牛肉面 24袋"})["title"].startswith("旺师傅 ")
    assert flagged(matcher, title="旺👨‍🍳 红烧牛肉面 24袋", price=19) == {"tm-wangshifu"}
    assert flagged(matcher, title="兴旺👨‍🍳 红烧牛肉面", price=19) == set()
    assert flagged(matcher, title="👨‍🍳 红烧牛肉面 旺", price=19) == set()


# ------------------------------------------------------------------ kind 2: a well-known mark in its literal sense
@pytest.mark.parametrize("title", ["喜来鹊 喜鹊 鸟食", "猫宝宝 毛绒玩具 小猫咪 公仔", "蓝蝴蝶 昆虫标本 相框",
                                   "莫奈睡莲 拼图 1000片 名画", "八匹狼 钱包 狼"])
def test_a_word_mark_in_its_literal_sense_on_other_goods(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=19) == set()


@pytest.mark.parametrize("title, right", [
    ("八匹狼 夹克 狼头 logo", "tm-bapilang"),  # the right's goods: a recurring character is the logo word
    ("八匹狼 钱包 狼头 logo", "tm-bapilang"),  # a logo word: the mark's emblem, not the animal
    ("猫宝宝 毛绒玩具 公仔", "tm-maobaobao"),  # nothing says the literal sense: the model's to judge
    ("五个核桃 核桃奶 240ml*20罐", "tm-wugehetao"),  # the mark's own goods word recurs
])
def test_the_mark_used_as_a_mark_stays(matcher: Matcher, title: str, right: str) -> None:
    assert flagged(matcher, title=title, price=19) == {right}


# ------------------------------------------------------------------ kind 2: an everyday word said of the goods
def test_a_word_mark_said_of_a_quality_in_the_description(matcher: Matcher) -> None:
    title = "成人纸尿裤 L码 20片 安心防漏"
    assert flagged(matcher, title=title, description="超薄透气 安心防漏 质量稳妥", price=29) == set()
    # before the goods or after a brand cue it names them: a lead
    assert flagged(matcher, title=title, description="稳妥纸尿裤 超薄透气", price=29) == {"tm-wentuo"}
    assert flagged(matcher, title=title, description="品牌：稳妥 超薄透气", price=29) == {"tm-wentuo"}


def test_an_english_word_mark_written_again_as_a_word(matcher: Matcher) -> None:
    """The heading word alone may be the brand's place; the same word written again in lower case inside the
    title (a red paper lantern) says the seller means the thing."""
    assert flagged(matcher, title="Lantern paper craft kit, red paper lantern", price=9) == set()
    assert flagged(matcher, title="LANTERN leather tote bag, lantern tote", price=99) == {"tm-lantern"}


@pytest.mark.parametrize("title, expected", [
    ("春天的小绿芽 植物科普绘本", set()),  # the book's title phrase: a sprout in spring
    ("小绿芽 绘本 园艺博览会吉祥物", {"sm-xiaolvya"}),  # the mascot's own picture book
    ("春天的小绿芽 公仔 毛绒", {"sm-xiaolvya"}),  # no book: a plush of the mascot
])
def test_a_special_mark_in_a_phrase_of_a_books_title(matcher: Matcher, title: str, expected: set[str]) -> None:
    assert flagged(matcher, title=title, price=29) == expected

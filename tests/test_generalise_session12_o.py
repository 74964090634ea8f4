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

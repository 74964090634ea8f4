"""General mechanisms of issue 11's fifth pass (gen-a: evasions the matcher missed), each on rights and
listings written here (in none of the evaluation sets): a shape-alike table led by the edit distance of
the two characters' stroke sequences (王 for 玉, 乌 for 鸟 among an ordinary mark's two alikes), a rare
character read as the common one it is drawn as (袓 as 祖) while a mark holding a rare character is still
met by its homophones, a rare character that sounds like its look-alike kept as a homophone (尓 for 尔),
old numerals outside GB 2312 read as digits (弎), a four-letter pinyin as a form unless it is an
English word.
"""

from __future__ import annotations

import pytest

from matcher_helpers import matcher_on, pairs
from matchers.matcher import Matcher
from matchers.normalise import canon, norm, sound_key
from matchers.rebus import build_table, substitute
from matchers.variants import BOUND_ALIKES, _common, drawn_as, shape_alike

REGISTER = """\
rights:
  - {id: tm-yufeng, kind: trademark, name: 玉丰, holder: 玉丰粮油, nice_classes: [29, 30], reference_price: 69}
  - {id: tm-qingniao, kind: trademark, name: 青鸟源, holder: 青鸟源服饰, nice_classes: [25], reference_price: 899}
  - {id: tm-zufeng, kind: trademark, name: 祖丰堂, holder: 祖丰堂药业, nice_classes: [5], reference_price: 128}
  - {id: tm-jirun, kind: trademark, name: 洎润, holder: 洎润化妆品, nice_classes: [3], reference_price: 199}
  - {id: tm-jinermei, kind: trademark, name: 金尔美, holder: 金尔美食品, nice_classes: [30], reference_price: 39}
  - {id: tm-zelu, kind: trademark, name: 泽露, holder: 泽露化妆品, nice_classes: [3], reference_price: 159}
  - {id: tm-kale, kind: trademark, name: 卡乐, holder: 卡乐食品, nice_classes: [29], reference_price: 29}
  - {id: tm-sanye, kind: trademark, name: 三叶舟, holder: 三叶舟食品, nice_classes: [30], reference_price: 49}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def _hows(matcher: Matcher, right: str, **listing) -> set[str]:
    """The codes of the hit reasons of ``right``'s pair with a listing (empty when no candidate)."""
    found = pairs(matcher, **listing).get(right)
    return set() if found is None else {r["code"] for r in found.reason_codes if r["code"].startswith("hit_")}


def test_one_stroke_alikes_lead_an_ordinary_marks_short_list() -> None:
    table = shape_alike()
    for mark_char, bent in (("玉", "王"), ("鸟", "乌"), ("中", "申"), ("海", "悔")):
        common = [ch for ch in table[mark_char] if _common(ch)][:BOUND_ALIKES]
        assert bent in common, (mark_char, common)


def test_one_stroke_alike_of_an_ordinary_mark_is_a_candidate(matcher: Matcher) -> None:
    # (王 also has the rare reading yù, so the hit is named a homophone: the shape key is what found it)
    assert _hows(matcher, "tm-yufeng", title="王丰 东北大米 10kg 新米", price=29) & {"hit_shape", "hit_homophone"}
    bent = pairs(matcher, title="青乌源 羽绒服 男 加厚 高仿", price=199)["tm-qingniao"]
    assert bent.score >= 0.5


def test_a_rare_character_is_read_as_the_common_one_it_is_drawn_as(matcher: Matcher) -> None:
    assert drawn_as()["袓"] == "祖"
    assert canon(norm("袓丰堂")) == canon(norm("祖丰堂"))
    assert _hows(matcher, "tm-zufeng", title="袓丰堂 六味地黄丸 浓缩丸 200丸", price=19) & {"hit_shape", "hit_homophone"}
    # an everyday common character is never folded onto another
    assert all(_common(real) and not _common(bent) for bent, real in drawn_as().items())


def test_a_mark_holding_a_rare_character_is_still_met_by_its_homophones(matcher: Matcher) -> None:
    assert sound_key(norm("洎润")) != canon(norm("洎润"))  # 洎 is read by its shape (泊) in canon
    assert sound_key(norm("洎润")) == canon(norm("济润"))  # but the register's side keeps its sound jì
    assert "hit_homophone" in _hows(matcher, "tm-jirun", title="济润 保湿面霜 50g 补水", price=39)
    assert "hit_mark" in _hows(matcher, "tm-jirun", title="洎润 保湿面霜 50g", price=39)


def test_a_rare_character_that_sounds_like_its_look_alike_stays_a_homophone(matcher: Matcher) -> None:
    assert "尓" not in drawn_as()  # 尓 is 尔's variant: read by its sound, not folded onto another look-alike
    assert "hit_homophone" in _hows(matcher, "tm-jinermei", title="金尓美 手工饼干 500g 礼盒", price=9.9)


def test_old_numerals_outside_gb2312_are_read_as_digits() -> None:
    table = build_table(["三叶舟", "同仁堂"])
    assert substitute(table, "弎叶舟 挂面 500g") == "三叶舟 挂面 500g"
    assert substitute(table, "弌叶舟 挂面") is None  # 一叶舟 is no mark's pair
    assert substitute(table, "同仨堂 阿胶") is None  # 仨 (GB 2312) is a word of its own, not the digit 3


def test_a_four_letter_pinyin_is_a_form_unless_an_english_word(matcher: Matcher) -> None:
    assert "hit_pinyin" in _hows(matcher, "tm-zelu", title="zelu 修护精华乳 50ml 敏感肌", price=39)
    assert not _hows(matcher, "tm-kale", title="kale chips 羽衣甘蓝脆片 100g", price=19)


"""General mechanisms of issue 11's session 11, second pass (gen-m: false alarms and scoring on rights never
seen), each on rights and listings written here (in none of the evaluation sets' registers):

- kind 1, a homophone that is itself an everyday word: inside a longer word (天蓝|色 for 天岚) or a material's
  name (合金 for 合锦) it is the word, unless counterfeit wording, the brand field or a brand cue says otherwise;
- kind 2, a book or album about a GI's craft (画册, 英文原版) is no use of the GI, even where its classes hold
  printed matter (a thangka GI in class 16);
- kind 3, genuine-import wording (原装进口, 代购, 海外直邮) beside a plain mark at ≥ 60 % of the reference is
  genuine resale; a low price, a bent mark or counterfeit wording keep the lead;
- kind 4, goods words: a number before 包/杯 counts packs (20包 is no bag), snacks (零食) are classes 29 and 30,
  fish snacks (小鱼仔, 小鱼干) class 29.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on, pairs
from matchers.goods import classify
from matchers.matcher import Matcher
from matchers.normalise import norm
from matchers.signals_context import INDEX as F

REGISTER = """\
rights:
  - {id: tm-xiangyu, kind: trademark, name: 湘渔, holder: 湘渔食品有限公司, nice_classes: [29], reference_price: 30}
  - {id: tm-tianlan, kind: trademark, name: 天岚, holder: 天岚服饰有限公司, nice_classes: [25], reference_price: 299}
  - {id: tm-hejin, kind: trademark, name: 合锦, holder: 合锦玩具有限公司, nice_classes: [28], reference_price: 199}
  - {id: gi-lancang-thangka, kind: gi, name: 澜沧唐卡, holder: 澜沧县唐卡协会, nice_classes: [16],
     regions: [云南省普洱市澜沧拉祜族自治县], reference_price: 5000}
  - {id: tm-vellora, kind: trademark, name: VELLORA, variants: [薇珞], holder: Vellora Cosmetics SA, nice_classes: [3],
     well_known: true, reference_price: 2000}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


# ------------------------------------------------------------------ kind 1: a homophone that is an everyday word
def test_a_homophone_inside_a_colour_word_is_the_colour(matcher: Matcher) -> None:
    dress = pairs(matcher, title="天蓝色 连衣裙 夏季 女", price=129)["tm-tianlan"]
    assert dress.features[F["ordinary_word"]] == 1 and dress.score < 0.5
    assert {"code": "ordinary_word", "seen": "天蓝", "word": "天蓝色"} in dress.reason_codes


def test_a_homophone_that_is_a_material_is_the_material(matcher: Matcher) -> None:
    assert not flagged(matcher, title="合金 遥控车 男孩", price=59)


@pytest.mark.parametrize("listing", [
    {"title": "天蓝色 连衣裙 夏季 女 高仿", "price": 129},  # counterfeit wording
    {"title": "天蓝色 连衣裙 夏季 女", "price": 129, "brand": "天蓝"},  # the seller's brand field
])
def test_other_evidence_keeps_the_homophone_a_lead(matcher: Matcher, listing: dict) -> None:
    assert flagged(matcher, **listing) == {"tm-tianlan"}


def test_a_homophone_standing_alone_is_left_to_the_bent_word_signal(matcher: Matcher) -> None:
    """天蓝 alone names nothing the dress is: no ordinary word told (an evasion such as 乐谱 for 乐普 on a
    blood-pressure monitor is written so)."""
    alone = pairs(matcher, title="天蓝 连衣裙 夏季", price=99)["tm-tianlan"]
    assert alone.features[F["bent_word"]] == 1 and alone.features[F["ordinary_word"]] == 0


def test_the_mark_written_exactly_stays_a_lead(matcher: Matcher) -> None:
    assert flagged(matcher, title="天岚 连衣裙", price=99) == {"tm-tianlan"}


# ------------------------------------------------------------------ kind 2: a book about a GI's craft
def test_an_album_about_a_gi_craft_is_no_use_of_the_gi(matcher: Matcher) -> None:
    book = pairs(matcher, title="英文原版 澜沧唐卡 艺术 画册", price=298)["gi-lancang-thangka"]
    assert book.features[F["publication"]] == 1 and book.score < 0.5
    assert not flagged(matcher, title="澜沧唐卡 作品集 精装 图书", price=198)


def test_the_gi_craft_itself_stays_a_lead(matcher: Matcher) -> None:
    assert flagged(matcher, title="澜沧唐卡 手绘 挂画", price=298) == {"gi-lancang-thangka"}


# ------------------------------------------------------------------ kind 3: genuine imports by a buying agent
def test_genuine_import_wording_at_a_genuine_price_is_resale(matcher: Matcher) -> None:
    agent = pairs(matcher, title="薇珞 精华 30ml 原装进口 代购", price=1600, brand="VELLORA")["tm-vellora"]
    assert agent.features[F["resale_wording"]] == 1 and agent.score < 0.5
    assert not flagged(matcher, title="薇珞 精华 30ml 海外直邮", price=1500)


@pytest.mark.parametrize("listing", [
    {"title": "薇珞 精华 30ml 原装进口 代购", "price": 600, "brand": "VELLORA"},  # 30 % of the reference
    {"title": "薇珞 精华 30ml 原装进口 代购 高仿", "price": 1600},  # counterfeit wording
])
def test_genuine_import_wording_does_not_clear_a_cheap_or_counterfeit_listing(matcher: Matcher, listing: dict) -> None:
    assert flagged(matcher, **listing) == {"tm-vellora"}


def test_zhengpin_alone_is_no_genuine_import_wording(matcher: Matcher) -> None:
    """Counterfeits say 正品 too: it alone tells nothing."""
    plain = pairs(matcher, title="薇珞 精华 30ml 正品", price=1600, brand="VELLORA")["tm-vellora"]
    assert plain.features[F["resale_wording"]] == 0


# ------------------------------------------------------------------ kind 4: goods words
def test_a_number_before_a_measure_word_counts_packs() -> None:
    assert 18 not in classify(norm("香辣 小鱼 20包"), "")[0]
    assert 21 not in classify(norm("奶茶 3杯装"), "")[0]
    assert 18 in classify(norm("双肩包 女"), "")[0]  # a bag stays a bag
    assert 18 in classify(norm("3个包 女 斜挎"), "")[0]  # 个 counts the bags


def test_snacks_are_meat_fish_and_nut_snacks_too() -> None:
    assert {29, 30} <= set(classify(norm("休闲零食"), "")[0])
    assert set(classify(norm("小鱼仔 麻辣"), "")[0]) == {29}
    assert set(classify(norm("小鱼干 香辣"), "")[0]) == {29}


def test_a_fish_snack_mark_is_found_on_its_snacks(matcher: Matcher) -> None:
    assert flagged(matcher, title="湘渔 小鱼仔 香辣 20包", price=9.9, category="休闲零食") == {"tm-xiangyu"}
    assert flagged(matcher, title="湘渔同款 小鱼干 麻辣 网红零食", price=9.9, category="休闲零食") == {"tm-xiangyu"}

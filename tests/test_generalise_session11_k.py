"""General mechanisms of issue 11's eleventh pass (gen-k), each on rights and listings written here (in none
of the evaluation sets' registers):

- kind 1, "X家" where several houses of the register share the initial and the goods: the country the listing
  names against where each house is from (its holder's legal form, or a country its holder or names name),
  matchers/houses.py and matcher._house_told;
- kind 2, a special mark found only as a pet name (阿满: 阿 and one character) is the everyday name without a
  cue of its event, even on mascot goods (signals_marks.pet_name_without_event); a dictionary-word name keeps the
  rule of tests/test_generalise_sixth_b.py (an event word or mascot goods), a name that is no everyday word
  stays alone;
- the wiring of gen-j's signals_form.gi_on_likeness: a GI named on a likeness of its product (水果模型, 假水果)
  is no pair, a GI of two characters (no place part: not in compiled.gi_products) included.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on, pairs
from matchers.houses import countries_named, house_countries, houses_of_country, legal_form_countries
from matchers.matcher import Matcher
from matchers.signals_marks import pet_name

REGISTER = """\
rights:
  - {id: tm-vellander, kind: trademark, name: VELLANDER, holder: Vellander ApS, nice_classes: [25], reference_price: 2600}
  - {id: tm-vornholt, kind: trademark, name: VORNHOLT, variants: [沃恩霍特], holder: Vornholt Inc., nice_classes: [25],
     reference_price: 3900}
  - {id: tm-vascari, kind: trademark, name: VASCARI, holder: Vascari S.p.A., nice_classes: [14], reference_price: 52000}
  - {id: tm-kestrello, kind: trademark, name: KESTRELLO, holder: Kestrello GmbH, nice_classes: [9], reference_price: 3800}
  - {id: tm-kadimore, kind: trademark, name: KADIMORE, holder: Kadimore LLC, nice_classes: [9], reference_price: 3100}
  - {id: tm-ravenmoor, kind: trademark, name: RAVENMOOR, holder: Ravenmoor Ltd, nice_classes: [25], reference_price: 7800}
  - {id: tm-russolina, kind: trademark, name: RUSSOLINA, holder: Russolina International AG, nice_classes: [25],
     reference_price: 6900}
  - {id: sm-hupo-games, kind: special_mark, name: 全国湖泊运动会, variants: [湖运会], holder: 全国湖泊运动会组委会}
  - {id: sm-aman, kind: special_mark, name: 阿满, holder: 全国湖泊运动会组委会}
  - {id: sm-manman, kind: special_mark, name: 满满, holder: 全国湖泊运动会组委会}
  - {id: sm-yiyi, kind: special_mark, name: 漪漪, holder: 全国湖泊运动会组委会}
  - {id: gi-shaogan, kind: gi, name: 韶柑, holder: 韶柑协会, nice_classes: [31], regions: [广东省韶关市], reference_price: 68}
  - {id: gi-lingxi-mitao, kind: gi, name: 岭溪蜜桃, holder: 岭溪蜜桃协会, nice_classes: [31], regions: [广东省韶关市],
     reference_price: 88}
"""

WHERE = "广东省广州市"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


# ------------------------------------------------------------------ kind 1: the country tells the house
@pytest.mark.parametrize(("title", "house"), [
    ("V家 丹麦 波点 衬衫 同款", "tm-vellander"),  # ApS: Danish
    ("V家 北欧 极简 针织开衫", "tm-vellander"),  # a region holding Denmark
    ("V家 美式 工装 夹克 同款", "tm-vornholt"),  # Inc.: American (or Canadian, Japanese …)
    ("V家 日系 机能 冲锋衣", "tm-vornholt"),  # a Japanese house writes Inc. too; ApS is never Japanese
    ("K家 德国 无框 眼镜架", "tm-kestrello"),  # GmbH
    ("K家 纽约 板材 镜框 同款", "tm-kadimore"),  # LLC; New York is in the US
])
def test_the_country_named_tells_the_house(matcher: Matcher, title: str, house: str) -> None:
    assert flagged(matcher, title=title, price=199, ship_from=WHERE) == {house}


@pytest.mark.parametrize("title", [
    "V家 波点 衬衫 同款",  # no country: a guess between two houses of clothing
    "V家 意大利面料 衬衫 同款",  # the fabric's country, not the house's
    "V家 丹麦 美式 衬衫",  # both houses' countries named
    "K家 法国 镜框 同款",  # a country neither house is from
    "R家 英国 风衣 同款",  # Ravenmoor Ltd is British; Russolina International AG keeps marks for a house from anywhere
])
def test_no_house_told_without_one_country_of_one_house(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=199, ship_from=WHERE) == set()


def test_goods_of_no_house_stay_no_lead(matcher: Matcher) -> None:
    # Vascari (Italian) holds class 14 only: the Italian word does not reach it on clothing
    assert flagged(matcher, title="V家 意大利 衬衫 同款", price=199, ship_from=WHERE) == set()
    assert flagged(matcher, title="V家 意大利 钻石 项链", price=199, ship_from=WHERE) == {"tm-vascari"}


def test_legal_forms_and_country_words() -> None:
    assert legal_form_countries("Vellander ApS") == {"DK"}
    assert legal_form_countries("Ferrovia S.p.A.") == {"IT"}
    assert "AU" in legal_form_countries("Harbourline Pty Ltd") and "GB" not in legal_form_countries("Harbourline Pty Ltd")
    assert "JP" in legal_form_countries("Kintaro Co., Ltd.") and "GB" not in legal_form_countries("Kintaro Co., Ltd.")
    assert legal_form_countries("Someone") == frozenset()
    assert house_countries("Maplecrest Inc.", ("MAPLECREST CANADA",)) == {"CA"}  # a country named outright
    assert house_countries("Orsolo International SAS") == frozenset()  # a company a group keeps marks in
    assert house_countries("Orsolo (Holdings) Limited") == legal_form_countries("Orsolo Limited")  # a holding at home
    assert countries_named("m家苏格兰 胶布雨衣") == {"GB"}
    assert countries_named("made in new york") == {"US"}
    assert countries_named("广东京东仓发货") == frozenset()  # 东京 is no word of it
    assert houses_of_country([1, 2], [frozenset({"DK"}), frozenset()], "丹麦") == []  # the unknown one could be it
    assert houses_of_country([1, 2, 3], [frozenset({"IT"}), frozenset({"IT", "RO"}), frozenset({"GB"})], "意大利") == [1, 2]


# ------------------------------------------------------------------ kind 2: a pet name for a mascot
@pytest.mark.parametrize("title", ["阿满 福字 抱枕 新年 福气", "阿满 招财猫 陶瓷 摆件", "阿满 毛绒公仔 可爱"])
def test_a_pet_name_without_its_event_is_the_everyday_name(matcher: Matcher, title: str) -> None:
    pair = pairs(matcher, title=title, price=39, ship_from=WHERE)["sm-aman"]
    assert pair.score < matcher.threshold
    assert any(r["code"] == "ordinary_word" for r in pair.reason_codes)


def test_a_pet_name_inside_a_longer_name_is_told_by_that_name(matcher: Matcher) -> None:
    pair = pairs(matcher, title="泥人 大阿满 彩塑 摆件", price=39, ship_from=WHERE)["sm-aman"]
    assert pair.score < matcher.threshold
    assert {"code": "ordinary_word", "seen": "阿满", "word": "大阿满"} in pair.reason_codes


@pytest.mark.parametrize("title", ["阿满 吉祥物 毛绒公仔", "阿满 公仔 湖泊运动会 纪念", "湖运会 阿满 公仔"])
def test_a_pet_name_with_a_cue_of_its_event_is_the_mascot(matcher: Matcher, title: str) -> None:
    assert "sm-aman" in flagged(matcher, title=title, price=39, ship_from=WHERE)


def test_dictionary_words_and_other_names_keep_their_rules(matcher: Matcher) -> None:
    assert "sm-manman" in flagged(matcher, title="满满 毛绒公仔 钥匙扣", price=39, ship_from=WHERE)  # mascot goods
    assert flagged(matcher, title="漪漪 毛绒公仔 30cm", price=39, ship_from=WHERE) == {"sm-yiyi"}


def test_pet_names() -> None:
    assert pet_name("阿满") and pet_name("阿福")
    assert not pet_name("满满") and not pet_name("阿") and not pet_name("阿满满") and not pet_name("阿a")


# ------------------------------------------------------------------ gen-j's GI on a likeness, wired here
@pytest.mark.parametrize(("title", "gi"), [("高仿真 韶柑 水果模型 假水果 拍摄道具", "gi-shaogan"),
                                          ("岭溪蜜桃 水果模型 假水果 拍摄道具", "gi-lingxi-mitao")])
def test_a_gi_on_a_likeness_of_its_product_is_no_pair(matcher: Matcher, title: str, gi: str) -> None:
    assert gi not in pairs(matcher, title=title, price=29, ship_from="浙江省金华市义乌市")
    assert gi in flagged(matcher, title=title.replace("水果模型 假水果 拍摄道具", "新鲜 5斤"), price=29,
                         ship_from="浙江省金华市义乌市")

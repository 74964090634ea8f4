"""General mechanisms of issue 11's ninth pass (gen-d: kinds of error of the eighth register's held-out
part), each on rights and listings written here (in none of the evaluation sets' registers): a mascot
whose Latin name is a given name (Webster's proper nouns) on a name sticker, pet tag or poster; a right
named like another famous brand's product line in a listing that names that brand; an accessory after
a mark and its model (letters only) or after the mark, its goods word and 专用; a Latin mark that starts
a band's name (… Band).
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: sm-felix, kind: special_mark, name: 飞飞, variants: [Felix], holder: 某城运会组委会, nice_classes: [],
     reference_price: 99}
  - {id: sm-kitkat, kind: special_mark, name: 奇奇, variants: [KitKat], holder: 某运动会组委会, nice_classes: [],
     reference_price: 99}
  - {id: tm-sonora, kind: trademark, name: SONORA, holder: Sonora Audio, nice_classes: [9], reference_price: 1999,
     well_known: true}
  - {id: tm-meiling, kind: trademark, name: 美凌, holder: 美凌电器, nice_classes: [11], reference_price: 2999}
  - {id: sm-jasper, kind: special_mark, name: 佳宝, variants: [Jasper], holder: 某博览会组委会, nice_classes: [],
     reference_price: 99}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


@pytest.mark.parametrize("title", [
    "Felix 宠物名牌 狗牌 刻字",
    "Jasper 英文名 手链 定制",
    "Felix 巡演 复古 海报",
])
def test_mascot_given_name_without_event_or_goods_is_a_name(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=19) == set()


@pytest.mark.parametrize("title, right", [
    ("Felix 公仔 毛绒 玩偶", "sm-felix"),          # mascot goods: the mascot
    ("Jasper 吉祥物 钥匙扣", "sm-jasper"),         # the event's word
])
def test_mascot_given_name_with_mascot_goods_stays(matcher: Matcher, title: str, right: str) -> None:
    assert flagged(matcher, title=title, price=19) == {right}


def test_another_famous_brands_line_named_like_the_right(matcher: Matcher) -> None:
    """KitKat is a Nestlé line (brand_names.yaml): the right named like it knows Nestlé's names."""
    compiled = matcher.compiled
    idx = next(i for i, r in enumerate(compiled.rights) if r.id == "sm-kitkat")
    assert {"nestle", "雀巢"} <= set(compiled.line_owners[idx])
    assert not any(compiled.rights[i].id == "sm-felix" for i in compiled.line_owners)


@pytest.mark.parametrize("title, expected", [
    ("Nestlé KitKat 威化 巧克力 盒装", set()),
    ("雀巢 KitKat 威化 巧克力", set()),
    ("KitKat 吉祥物 公仔 毛绒", {"sm-kitkat"}),       # no other brand named: the mascot
])
def test_line_of_another_brand_named_beside_it(matcher: Matcher, title: str, expected: set[str]) -> None:
    assert flagged(matcher, title=title, price=19) == expected


@pytest.mark.parametrize("title, expected", [
    ("SONORA Pulse 收纳包 保护套", set()),             # a bag for the speaker model
    ("SONORA Pulse 蓝牙音箱 便携", {"tm-sonora"}),     # the speaker itself
    ("美凌冰箱 专用 除味剂", set()),                   # a deodoriser for the fridge
    ("美凌冰箱 双开门 家用", {"tm-meiling"}),          # the fridge itself
])
def test_accessory_for_the_marks_device(matcher: Matcher, title: str, expected: set[str]) -> None:
    assert flagged(matcher, title=title, price=29) == expected


@pytest.mark.parametrize("title, expected", [
    ("SONORA Hill Band 黑胶 LP 唱片", set()),            # the act's name on its record
    ("SONORA Band 蓝牙音箱", {"tm-sonora"}),             # a band word right after the mark: no act's name
])
def test_mark_starting_a_bands_name(matcher: Matcher, title: str, expected: set[str]) -> None:
    assert flagged(matcher, title=title, price=88) == expected



def test_a_line_held_by_the_rights_own_holder_stays(tmp_path_factory: pytest.TempPathFactory) -> None:
    """KitKat registered by Nestlé itself (its holder or an authorised seller bears the brand's name) is
    no other owner's product: "Nestlé KitKat 高仿" is a lead for it (LABUBU of 泡泡玛特, 星趣控 of Essilor)."""
    own = matcher_on("""\
rights:
  - {id: tm-kitkat-by-holder, kind: trademark, name: KITKAT, variants: [奇巧], holder: Société des Produits Nestlé S.A.,
     nice_classes: [30], reference_price: 99}
  - {id: tm-kitkat-by-seller, kind: trademark, name: KITKAT, variants: [奇巧], holder: Some Confectioner Ltd,
     authorized_sellers: [雀巢官方旗舰店], nice_classes: [30], reference_price: 99}
""", tmp_path_factory.mktemp("own-line"))
    assert flagged(own, title="Nestlé KitKat 威化 巧克力 高仿 原单", price=9.9, ship_from="广东 广州") == {
        "tm-kitkat-by-holder", "tm-kitkat-by-seller"}

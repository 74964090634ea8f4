"""Each signal on its own: the same listing with and without one piece of evidence.

The features are what the model sees, so each test flips one thing in a listing and checks that
exactly the expected feature (and its reason sentence) moves.
"""

from __future__ import annotations

import pytest

from matchers.matcher import Matcher, Pair
from matchers.register import load_register
from matchers.signals import FEATURES

F = {name: i for i, name in enumerate(FEATURES)}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_register())


def pair(matcher: Matcher, right_id: str, **listing) -> Pair:
    listing.setdefault("url", "https://shop.example/1")
    pairs = {p.right_id: p for p in matcher.pairs(listing)}
    assert right_id in pairs, f"{right_id} not a candidate of {listing}"
    return pairs[right_id]


def feat(p: Pair, name: str) -> float:
    return p.features[F[name]]


def test_form_and_place_of_the_mark(matcher: Matcher) -> None:
    plain = pair(matcher, "tm-nike", title="耐克 跑步鞋")
    assert feat(plain, "exact_variant") == 1 and feat(plain, "in_title") == 1 and feat(plain, "evasive") == 0
    assert "mark variant 耐克 in title" in plain.reasons
    homophone = pair(matcher, "tm-nike", title="耐可 跑步鞋")
    assert feat(homophone, "homophone") == 1 and feat(homophone, "evasive") == 1
    assert any("homophone 耐可" in r for r in homophone.reasons)
    brand = pair(matcher, "tm-nike", title="跑步鞋 男", brand="NIKE")
    assert feat(brand, "in_brand") == 1 and feat(brand, "in_title") == 0 and feat(brand, "used_as_mark") == 1
    desc = pair(matcher, "tm-nike", title="跑步鞋 男", description="鞋舌 耐克 标")
    assert feat(desc, "in_description_only") == 1
    spaced = pair(matcher, "tm-nike", title="耐 克 跑步鞋")
    assert feat(spaced, "obfuscated") == 1 and feat(plain, "obfuscated") == 0


def test_counterfeit_wording(matcher: Matcher) -> None:
    assert feat(pair(matcher, "tm-nike", title="耐克 跑步鞋"), "counterfeit") == 0
    for word in ("高仿", "A货", "1:1", "１：１", "replica", "纯原"):
        p = pair(matcher, "tm-nike", title=f"耐克 跑步鞋 {word}")
        assert feat(p, "counterfeit") == 1, word
        assert any(r.startswith("counterfeit wording") for r in p.reasons)
    assert feat(pair(matcher, "tm-nike", title="耐克 跑步鞋 grade aaaa"), "counterfeit") == 0  # whole words only


def test_price_far_below_reference(matcher: Matcher) -> None:
    cheap = pair(matcher, "tm-nike", title="耐克 跑步鞋", price=89.0)
    assert feat(cheap, "price_below_40") == 1
    assert "price 89 is 13% of reference 699" in cheap.reasons
    full = pair(matcher, "tm-nike", title="耐克 跑步鞋", price=650.0)
    assert feat(full, "price_at_least_60") == 1 and feat(full, "price_below_40") == 0
    none = pair(matcher, "tm-nike", title="耐克 跑步鞋")
    assert feat(none, "has_price") == 0


def test_goods_class_against_nice_classes(matcher: Matcher) -> None:
    phone = pair(matcher, "tm-apple", title="苹果 手机 256G")
    assert feat(phone, "class_share") == 1 and feat(phone, "class_top") == 1
    fruit = pair(matcher, "tm-apple", title="苹果 新鲜水果 5斤", category="水果")
    assert feat(fruit, "class_share") == 0 and feat(fruit, "class_unknown") == 0
    assert any("outside the right's classes 9" in r for r in fruit.reasons)
    cooker = pair(matcher, "tm-apple", title="苹果牌 电饭煲 4L")
    assert feat(cooker, "class_share") == 0 and feat(cooker, "well_known") == 1 and feat(cooker, "used_as_mark") == 1
    special = pair(matcher, "sm-bingdwendwen", title="冰墩墩 钥匙扣")
    assert feat(special, "all_classes") == 1


def test_ordinary_word_and_name_use(matcher: Matcher) -> None:
    assert feat(pair(matcher, "tm-xiaomi", title="黄小米 小米粥 5斤"), "ordinary_word") == 1
    assert feat(pair(matcher, "tm-xiaomi", title="小米 手机 14"), "ordinary_word") == 0
    assert feat(pair(matcher, "sm-jinbao", title="招财进宝 摆件"), "ordinary_word") == 1
    assert feat(pair(matcher, "sm-chenchen", title="宸宸 名字贴 防水"), "name_use") == 1
    assert feat(pair(matcher, "sm-chenchen", title="宸宸 公仔 亚运"), "name_use") == 0


def test_referential_use(matcher: Matcher) -> None:
    ref = pair(matcher, "tm-apple", title="适用于iPhone15 手机壳 透明")
    assert feat(ref, "referential") == 1 and feat(ref, "accessory") == 1
    assert any("referential use" in r for r in ref.reasons)
    assert feat(pair(matcher, "tm-apple", title="iPhone15 手机 256G"), "referential") == 0
    # special marks have no referential use: any commercial use counts
    assert feat(pair(matcher, "sm-bingdwendwen", title="冰墩墩 手机壳 适用苹果15"), "referential") == 0


def test_authorised_seller_is_never_a_candidate(matcher: Matcher) -> None:
    listing = {"url": "u", "title": "耐克 Air Max 跑步鞋", "seller_name": "耐克官方旗舰店"}
    assert "tm-nike" not in {p.right_id for p in matcher.pairs(listing)}
    listing["seller_name"] = "潮鞋小铺"
    assert "tm-nike" in {p.right_id for p in matcher.pairs(listing)}


@pytest.mark.parametrize("ship_from, description, state", [
    ("江苏 苏州", "", "origin_inside"),
    ("苏州市相城区", "", "origin_inside"),
    ("安徽 宣城", "", "origin_outside"),
    ("", "", "origin_unknown"),
    ("火星", "", "origin_unknown"),
    ("", "产地：湖北 洪湖", "origin_outside"),
    ("江苏 苏州", "产地：安徽宣城 苏州仓发货", "origin_outside"),
])
def test_gi_origin(matcher: Matcher, ship_from: str, description: str, state: str) -> None:
    p = pair(matcher, "gi-yangchenghu-crab", title="阳澄湖大闸蟹 鲜活", ship_from=ship_from, description=description)
    states = {s: feat(p, s) for s in ("origin_inside", "origin_outside", "origin_unknown")}
    assert states == {s: float(s == state) for s in states}


def test_gi_dodges(matcher: Matcher) -> None:
    for title in ("阳澄湖镇大闸蟹 鲜活", "阳澄湖发 大闸蟹", "阳澄湖大闸蟹同款 螃蟹"):
        p = pair(matcher, "gi-yangchenghu-crab", title=title, ship_from="安徽 芜湖")
        assert feat(p, "gi_dodge") == 1, title
        assert any("GI name bent" in r for r in p.reasons)
    assert feat(pair(matcher, "gi-yangchenghu-crab", title="阳澄湖大闸蟹 鲜活"), "gi_dodge") == 0


def test_resale_wording(matcher: Matcher) -> None:
    assert feat(pair(matcher, "tm-gucci", title="古驰 包 闲置 附小票"), "resale_wording") == 1
    assert feat(pair(matcher, "tm-gucci", title="古驰 包 新款"), "resale_wording") == 0


def test_other_rights_counts_only_pairs_that_are_judged() -> None:
    """A chance hit of an ordinary mark of other goods is no pair, so it must not count as another
    right named in the listing (the feature would then grow with the register's size)."""
    from markwatch.contracts import Register, Right
    from matchers.matcher import Matcher
    from matchers.register import load_register
    from matchers.signals import FEATURES

    demo = load_register()
    chance = Right(id="tm-chance", kind="trademark", name="ZOLVEX", nice_classes=[30])
    matcher = Matcher(Register(rights=[*demo.rights, chance]))
    # A near miss of a Latin mark is found whatever the goods; the class check then drops it.
    listing = {"url": "u", "title": "耐克 zolvexx 运动鞋 高仿", "category": "运动鞋", "price": 99.0}
    pairs = matcher.pairs(listing)
    assert [p.right_id for p in pairs] == ["tm-nike"]
    assert pairs[0].features[FEATURES.index("other_rights")] == 0.0


def test_a_batch_gets_the_same_pairs_as_listings_one_by_one() -> None:
    """match_many normalises a batch at once and reuses the listing's goods classification when the
    mark covers no goods word: the pairs must be those of listings judged one at a time."""
    from matchers.candidates import listing_texts_many
    from matchers.matcher import Matcher

    matcher = Matcher.from_paths()
    listings = [
        {"url": "a", "title": "苹果手机壳 适用于iPhone 15", "category": "手机配件", "price": 19.0},
        {"url": "b", "title": "阳澄湖镇大闸蟹 礼盒 原单", "description": "产地：安徽 宣城", "ship_from": "安徽 宣城"},
        {"url": "c", "title": "N I K E 运动鞋 1:1 纯原", "brand": "耐克", "price": 99.0, "category": "运动鞋"},
        {"url": "d", "title": "小米粥 早餐 冰墩墩 钥匙扣", "description": "Beijing 2022 纪念"},
        {"url": "e", "title": "🎁", "description": "   "},
    ]
    batch = [matcher.pairs(listing, fields) for listing, fields in zip(listings, listing_texts_many(listings))]
    alone = [matcher.pairs(listing) for listing in listings]
    assert [[(p.right_id, p.features, p.reasons) for p in group] for group in batch] == \
        [[(p.right_id, p.features, p.reasons) for p in group] for group in alone]
    assert {p.right_id for group in alone for p in group} >= {"tm-apple", "gi-yangchenghu-crab", "tm-nike",
                                                               "sm-bingdwendwen"}


@pytest.mark.parametrize("title, spans", [
    ("耐克 运动鞋 男", [(0, 2)]), ("苹果手机 壳", [(0, 2)]), ("运动鞋 耐克", [(4, 6)]), ("手机壳 苹果", [(0, 1)]),
])
def test_masking_changes_the_goods_only_when_it_touches_a_goods_word(title: str, spans: list) -> None:
    from matchers import goods
    from matchers.normalise import norm

    text = norm(title)
    masked, plain = goods.classify(text, "", spans), goods.classify(text, "")
    if not goods.masks_goods_word(text, spans):
        assert masked == plain
    else:
        assert masked != plain


@pytest.mark.parametrize("title, classes", [
    ("美发造型器 包邮", {8}),       # 包邮 is free shipping, not a bag
    ("双肩包 包邮", {18}),
    ("礼包 面包 早餐", {30}),
])
def test_words_holding_a_goods_word_vote_only_when_they_name_goods(title: str, classes: set) -> None:
    from matchers.goods import classify
    from matchers.normalise import norm

    assert set(classify(norm(title), "")[0]) == classes

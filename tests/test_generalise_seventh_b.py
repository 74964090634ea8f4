"""Nicknames, context and false alarms (issue 11, helper gen-b, session 8), each on rights and listings
written here (in none of the evaluation sets' registers): famous brands' nicknames and product lines
(matchers/data/brand_names.yaml) telling which house an "X家" means, a mark inside another famous
brand's name, a special mark in its ordinary sense, GI dodges, and multi-right bundles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher_helpers import matcher_on, pairs
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: tm-osprey, kind: trademark, name: OSPREY, variants: [小鹰], holder: Osprey Packs, nice_classes: [18], reference_price: 1800}
  - {id: tm-onitsuka, kind: trademark, name: ONITSUKA TIGER, variants: [鬼冢虎], holder: ASICS Corp., nice_classes: [18, 25], reference_price: 900}
  - {id: tm-oakley, kind: trademark, name: OAKLEY, variants: [欧克利], holder: Oakley Inc., nice_classes: [9, 25], reference_price: 1200}
  - {id: tm-nintendo, kind: trademark, name: NINTENDO, variants: [任天堂], holder: Nintendo Co., Ltd., nice_classes: [9, 28], well_known: true, reference_price: 2099}
  - {id: tm-timberland, kind: trademark, name: TIMBERLAND, variants: [添柏岚], holder: TBL Licensing, nice_classes: [25], reference_price: 1399}
  - {id: tm-alpine, kind: trademark, name: ALPINE, holder: 阿尔派户外, nice_classes: [18, 25], reference_price: 299}
  - {id: tm-xuehua, kind: trademark, name: 雪花, holder: 雪花化妆品, nice_classes: [3], well_known: true, reference_price: 59}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def _pairs(matcher: Matcher, **listing):
    listing.setdefault("ship_from", "福建 莆田")
    return pairs(matcher, **listing)


def _flagged(matcher: Matcher, **listing) -> set[str]:
    return {r for r, p in _pairs(matcher, **listing).items() if p.score >= matcher.threshold}


# ---------------------------------------------------------------- 1. "X家" and famous brands' names
def test_a_product_line_tells_which_house_an_initial_names(matcher: Matcher) -> None:
    """O家 is Osprey, Onitsuka Tiger or Oakley: the line in the title decides, not the dearest house."""
    tiger = _pairs(matcher, title="O家 Mexico 66 复古 板鞋 原单", price=159)
    assert set(tiger) == {"tm-onitsuka"}
    assert tiger["tm-onitsuka"].reason_codes[0]["line"] == "mexico 66"
    assert set(_pairs(matcher, title="O家 Atmos AG 65L 登山包 高仿", price=299)) == {"tm-osprey"}


def test_an_initial_no_line_or_name_tells_names_no_house(matcher: Matcher) -> None:
    """Two bag houses of O and nothing telling them apart: no lead rather than a guess."""
    assert not _pairs(matcher, title="O家 双肩包 大容量 原单", price=199)


def test_famous_nicknames_attach_to_a_register_that_lacks_them(matcher: Matcher) -> None:
    """大黄靴 (Timberland's yellow boot) and 老任 (Nintendo) are in no register: the brand file adds them."""
    assert "tm-timberland" in _flagged(matcher, title="大黄靴 男款 高帮 工装靴 原单", price=199)
    assert "tm-nintendo" in _flagged(matcher, title="老任 switch 游戏机 续航版 高仿", price=499)
    # 老任 is also an everyday word (an old man named 任): on food it names no games maker, well-known or not
    assert "tm-nintendo" not in _pairs(matcher, title="老任 手工 辣椒酱 下饭菜 罐装", price=19)


def test_a_mark_inside_another_famous_brands_name_is_that_brand(matcher: Matcher) -> None:
    """ALPINE in Lowe Alpine, 雪花 in 雪花啤酒: another company's brand, not the right's mark."""
    assert "tm-alpine" not in _pairs(matcher, title="Lowe Alpine 登山包 35L 户外", price=399)
    assert "tm-xuehua" not in _pairs(matcher, title="雪花啤酒 勇闯天涯 500ml 整箱", price=59)
    # the mark on its own is still found
    assert "tm-alpine" in _flagged(matcher, title="ALPINE 登山包 35L 高仿 原单", price=59)


# ---------------------------------------------------------------- 2. a special mark in its ordinary sense
SPECIAL = """\
rights:
  - {id: sm-fangfang, kind: special_mark, name: 方方, holder: 某运会组委会, reference_price: 99}
  - {id: sm-xufuji, kind: special_mark, name: 徐福记, holder: 某运会组委会, reference_price: 99}
  - {id: tm-sorel, kind: trademark, name: SOREL, holder: Columbia Sportswear, nice_classes: [25], reference_price: 1299}
  - {id: tm-greygoose, kind: trademark, name: GREY GOOSE, variants: [灰雁], holder: Bacardi, nice_classes: [33], well_known: true, reference_price: 399}
  - {id: tm-snowflake, kind: trademark, name: 雪花, holder: 雪花化妆品, nice_classes: [3], well_known: true, reference_price: 59}
"""


@pytest.fixture(scope="module")
def special(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(SPECIAL, tmp_path_factory.mktemp("special"))


def test_a_doubled_everyday_word_before_its_noun_is_no_mascot(special: Matcher) -> None:
    """方方脸 is a square face, 方方框 square frames: not the mascot 方方, whose plush stays a lead."""
    face = _pairs(special, title="方方脸 男士 眼镜框 显瘦", price=59)["sm-fangfang"]
    assert any(r["code"] == "ordinary_word" and r["word"] == "方方脸" for r in face.reason_codes)
    assert face.score < special.threshold
    assert _pairs(special, title="方方框 复古 眼镜 女", price=59)["sm-fangfang"].score < special.threshold
    assert "sm-fangfang" in _flagged(special, title="方方 毛绒 公仔 摆件", price=59)


def test_a_mascot_named_like_a_famous_brand_is_that_brand_on_its_goods(special: Matcher) -> None:
    """徐福记 is a sweets maker: its sweets name no mascot, unless the listing names the games."""
    assert "sm-xufuji" not in _pairs(special, title="徐福记 糖果 500g 喜糖 散装", price=59)
    assert "sm-xufuji" in _flagged(special, title="徐福记 吉祥物 糖果 礼盒 运动会 纪念", price=59)
    assert "sm-xufuji" in _flagged(special, title="徐福记 毛绒 公仔 吉祥物", price=59)


# ---------------------------------------------------------------- 3. English marks in their ordinary sense
def test_an_english_word_one_letter_from_a_mark_is_the_word(special: Matcher) -> None:
    """Sorrel (the plant; also a boot colour) is not SOREL bent; SORELL still is."""
    assert "tm-sorel" not in _pairs(special, title="Sorrel 短靴 女 雪地靴", price=199)
    assert "tm-sorel" in _flagged(special, title="SORELL 雪地靴 女 高仿", price=199)


def test_an_english_phrase_on_other_goods_is_the_phrase(special: Matcher) -> None:
    """A grey goose decoy is hunting gear: the bird, not the vodka, however well-known the vodka."""
    decoy = _pairs(special, title="Grey goose decoy 仿真 诱子 狩猎", price=59)["tm-greygoose"]
    assert any(r["code"] == "english_word_sense" for r in decoy.reason_codes)
    assert decoy.score < special.threshold
    assert "tm-greygoose" in _flagged(special, title="GREY GOOSE 伏特加 700ml 高仿", price=59)


def test_a_mark_on_the_goods_of_a_famous_namesake_is_the_namesake(special: Matcher) -> None:
    """雪花 beer (Snow Beer) is not the well-known 雪花 cosmetics on other goods."""
    assert "tm-snowflake" not in _pairs(special, title="雪花 啤酒 勇闯天涯 500ml 整箱", price=59)
    assert "tm-snowflake" in _flagged(special, title="雪花 面霜 补水 高仿", price=19)


# ---------------------------------------------------------------- 4. GI dodges
GIS = """\
rights:
  - {id: gi-binchuan-citrus, kind: gi, name: 大理宾川柑橘, holder: 宾川县, nice_classes: [31], regions: [云南省大理白族自治州宾川县], reference_price: 69}
  - {id: gi-jingpohu-fish, kind: gi, name: 镜泊湖大头鱼, holder: 宁安市, nice_classes: [31], regions: [黑龙江省牡丹江市宁安市], reference_price: 89}
  - {id: gi-zhongdian-yak, kind: gi, name: 中甸牦牛肉, holder: 香格里拉市, nice_classes: [29], regions: [云南省迪庆藏族自治州香格里拉市], reference_price: 169}
"""


@pytest.fixture(scope="module")
def gis(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(GIS, tmp_path_factory.mktemp("gis"))


def _gi_lead(matcher: Matcher, right: str, title: str, ship_from: str = "山东 临沂"):
    found = _pairs(matcher, title=title, price=39, ship_from=ship_from)
    assert right in found, title
    return found[right]


def test_a_gi_named_without_its_middle_place(gis: Matcher) -> None:
    """大理柑橘 for 大理宾川柑橘: the prefecture and the product, the county left out."""
    lead = _gi_lead(gis, "gi-binchuan-citrus", "大理柑橘 新鲜 5斤 当季")
    assert lead.score >= gis.threshold and lead.reason_codes[0]["code"] == "hit_gi_split"


def test_a_gi_split_by_an_event_word_around_an_unknown_product(gis: Matcher) -> None:
    """大头鱼 is no goods word of the lexicon: the GI's name is cut at the dictionary word, so
    镜泊湖 + 冬捕同款 + 大头鱼 is the GI with its place and product apart."""
    assert _gi_lead(gis, "gi-jingpohu-fish", "镜泊湖冬捕同款大头鱼 鲜活 5斤").score >= gis.threshold


def test_a_gi_under_its_places_new_name(gis: Matcher) -> None:
    """中甸 is 香格里拉 since 2001 (gazetteer aliases): the GI's product under the new name, and a
    seller in the renamed county is inside the area."""
    assert _gi_lead(gis, "gi-zhongdian-yak", "香格里拉牦牛肉 风干 500g").score >= gis.threshold
    inside = _gi_lead(gis, "gi-zhongdian-yak", "中甸牦牛肉 风干 500g", ship_from="云南 中甸")
    assert any(r["code"] == "origin_inside" for r in inside.reason_codes)


def test_a_gi_in_pinyin_and_english(gis: Matcher) -> None:
    """A cross-border listing: the place in pinyin, the product in English (lexicon product_english)."""
    lead = _gi_lead(gis, "gi-zhongdian-yak", "Zhongdian Yak Meat jerky 500g", ship_from="Guangdong, China")
    assert lead.score >= gis.threshold


# ---------------------------------------------------------------- 5. bundles of two rights
BUNDLE = """\
rights:
  - {id: tm-anker, kind: trademark, name: ANKER, variants: [安克], holder: Anker Innovations, nice_classes: [9], reference_price: 129}
  - {id: tm-baseus, kind: trademark, name: 倍思, variants: [BASEUS], holder: 倍思科技, nice_classes: [9], reference_price: 79}
  - {id: tm-uniqlo, kind: trademark, name: 优衣库, variants: [UNIQLO], holder: Fast Retailing, nice_classes: [25], reference_price: 199}
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(BUNDLE, tmp_path_factory.mktemp("bundle"))


def test_both_brands_of_a_bundle_are_leads(bundle: Matcher) -> None:
    """倍思插座 + 安克快充头 套装: 套装 is a bundle here, not clothing, and the brand after "+" counts."""
    assert {"tm-baseus", "tm-anker"} <= _flagged(bundle, title="倍思插座 + 安克快充头 套装 高仿", price=59)
    assert "tm-uniqlo" in _flagged(bundle, title="优衣库 运动套装 男 原单", price=59)  # a clothing set stays clothing


def test_a_part_named_after_another_brand_is_not_this_brands_part(bundle: Matcher) -> None:
    """The charger head of 倍思插座 安克充电头 is Anker's: no referential use for 倍思's socket."""
    found = _pairs(bundle, title="倍思插座 安克充电头 组合套装 原单", price=59)
    assert not any(r["code"] == "referential_use" for r in found["tm-baseus"].reason_codes)


# ---------------------------------------------------------------- words of ordinary senses
WORDS = """\
rights:
  - {id: tm-powerdekor, kind: trademark, name: 圣象, variants: [POWER DEKOR], holder: 圣象集团, nice_classes: [19, 27], reference_price: 199}
  - {id: tm-sanyechong, kind: trademark, name: 三叶虫, holder: 三叶虫户外, nice_classes: [18, 25], reference_price: 899}
  - {id: sm-banli, kind: special_mark, name: 板栗, holder: 某运会组委会, reference_price: 99}
"""


@pytest.fixture(scope="module")
def words(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(WORDS, tmp_path_factory.mktemp("words"))


def test_a_scratch_repair_is_a_service(words: Matcher) -> None:
    repair = _pairs(words, title="圣象地板 划痕修复 上门 补漆", price=59)["tm-powerdekor"]
    assert any(r["code"] == "service_use" for r in repair.reason_codes) and repair.score < words.threshold


def test_a_fossil_specimen_is_teaching_goods(words: Matcher) -> None:
    """A trilobite fossil replica is a specimen (class 16), not 三叶虫 outdoor clothing."""
    assert "tm-sanyechong" not in _pairs(words, title="三叶虫 化石标本 复制品 教学用", price=59)
    assert "tm-sanyechong" in _flagged(words, title="三叶虫 冲锋衣 男 原单", price=59)


def test_a_produce_variety_holds_no_mascot(words: Matcher) -> None:
    """板栗南瓜 (chestnut pumpkin) is a variety of pumpkin: lexicon ordinary_words."""
    assert _pairs(words, title="板栗南瓜 新鲜 5斤", price=29)["sm-banli"].score < words.threshold


def test_a_bent_spelling_over_another_rights_exact_mark_is_that_mark(tmp_path: Path) -> None:
    """正版 吉宝 徽章: 吉宝 is the mascot written exactly; 吉宝徽 is no shape-alike of the expo 吉博会."""
    matcher = matcher_on("""\
rights:
  - {id: sm-jibao, kind: special_mark, name: 吉宝, holder: 吉林博览会组委会, reference_price: 99}
  - {id: sm-jiexpo, kind: special_mark, name: 吉博会, variants: [吉林国际博览会], holder: 吉林博览会组委会}
""", tmp_path)
    assert set(_pairs(matcher, title="正版 吉宝 徽章", price=59)) == {"sm-jibao"}

"""General mechanisms of issue 11's eleventh pass (gen-j: goods words, GIs that name something else), each on
rights and listings written here (in none of the evaluation sets' registers):

- kind 1, drugs and TCM preparations as class 5 goods (药酒, 贴膏, 活络油): an ordinary mark of class 5 on
  medicinal liquor was never looked for, its goods read as liquor (class 33) only;
- kind 2, a likeness of the goods (水果模型, 假水果, 塑料水果, 汽车玩具) is no such goods: a GI's product on a
  model or a prop, a car maker's name on a toy car;
- kind 3, a bent GI name cut across by another place's name (雅安|红茶 for a GI 岸红茶): that place's tea;
- kind 4, a GI name whose one-character region or people is bent into another's (越绣 for 粤绣): that
  region's craft; and a bent GI name on goods far from the GI's (月绣 不粘锅);
- from the train parts: shoe-care services (擦色护理), animal feed (鸟食) and more everyday goods words (电吹风,
  洗地机, 针织开衫, 手镯, 大蒜, 银耳, 麻花 ...) in the lexicon; a GI named <place>茶 is also "<place> black tea"
  in English listings; two marks of a bundle joined by a + are two products (酥香园 麻花 + 禾麦记 面: the
  price is read against both references, though 面 alone is no goods word); counterfeit words innocent in
  their phrase: a genuine product's edition (国行版本), the AAA battery size, a mirror sold as the goods (makeup
  mirror), a goods shelf (A货架), a model's scale (1:100 holds no 1:1), matching outfits (情侣同款), a counterfeit
  word inside the right's own name (莆田 of a GI 莆田X); fresh produce words (枇杷, 核桃) that vote nothing
  before what they are made into (枇杷膏, 核桃乳).
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on, pairs
from matchers.goods import classify
from matchers.matcher import Matcher
from matchers.normalise import norm

REGISTER = """\
rights:
  - {id: tm-jisongtang, kind: trademark, name: 济松堂, holder: 济松堂药业有限公司, nice_classes: [5], reference_price: 48}
  - {id: gi-yuexiu, kind: gi, name: 粤绣, holder: 广州市刺绣协会, nice_classes: [24, 26],
     regions: [广东省广州市, 广东省潮州市], reference_price: 680}
  - {id: gi-anhongcha, kind: gi, name: 岸红茶, holder: 岳阳市茶业协会, nice_classes: [30], regions: [湖南省岳阳市],
     reference_price: 168}
  - {id: gi-ouju, kind: gi, name: 瓯橘, holder: 瓯橘协会, nice_classes: [31], regions: [浙江省温州市], reference_price: 58}
  - {id: gi-danxia-miju, kind: gi, name: 丹霞蜜橘, holder: 仁化县柑橘协会, nice_classes: [31],
     regions: [广东省韶关市仁化县], reference_price: 58}
  - {id: tm-fengyue, kind: trademark, name: 丰跃, holder: 丰跃电器有限公司, nice_classes: [8, 11], reference_price: 199}
  - {id: tm-sxy, kind: trademark, name: 酥香园, holder: 酥香园食品有限公司, nice_classes: [30], well_known: true,
     reference_price: 88}
  - {id: tm-hmj, kind: trademark, name: 禾麦记, holder: 禾麦记食品有限公司, nice_classes: [30], well_known: true,
     reference_price: 45}
  - {id: gi-liuxi-nianhua, kind: gi, name: 柳溪镇木版年画, holder: 柳溪镇年画协会, nice_classes: [16],
     regions: [河南省开封市], reference_price: 120}
  - {id: gi-putian-yangmei, kind: gi, name: 莆田杨梅, holder: 莆田杨梅协会, nice_classes: [31], regions: [福建省莆田市],
     reference_price: 68}
  - {id: tm-qingyan, kind: trademark, name: 青砚, holder: 青砚服饰有限公司, nice_classes: [25], reference_price: 299}
  - {id: tm-varelli, kind: trademark, name: VARELLI, holder: Varelli SA, nice_classes: [18, 25], well_known: true,
     reference_price: 9000}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def _classes(title: str) -> set[int]:
    return set(classify(norm(title), "")[0])


# ------------------------------------------------------------------ kind 1: drugs and TCM goods
@pytest.mark.parametrize("title", ["济松堂 风湿跌打药酒", "济松堂 活络油 跌打 扭伤", "济松堂 贴膏 10贴 颈肩",
                                   "济松堂 红花油 25ml", "济松堂 中药饮片 500g"])
def test_an_ordinary_drug_mark_on_tcm_goods(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=9.9) == {"tm-jisongtang"}


def test_medicinal_liquor_is_a_drug_and_a_liquor() -> None:
    assert {5, 33} <= _classes("风湿跌打药酒")  # a listing may be in two classes
    assert _classes("清香型 白酒 500ml") == {33}


def test_a_drug_mark_stays_off_other_goods(matcher: Matcher) -> None:
    assert "tm-jisongtang" not in pairs(matcher, title="济松堂 运动鞋 男款", price=99)


# ------------------------------------------------------------------ kind 2: a likeness of the goods
@pytest.mark.parametrize("title, expected", [
    ("水果模型 拍摄道具", {28}),
    ("香梨 新鲜 水果模型", {31, 28}),  # the pear itself is sold beside the model
    ("假水果 装饰 橱窗", {26}),
    ("仿真蔬菜 塑料水果 厨房玩具", {26, 28}),
    ("合金 汽车模型 1:18", {28}),
    ("保真不假 水果 新鲜", {31}),  # 不假 denies the imitation
    ("新鲜水果 5斤 当季", {31}),
])
def test_goods_words_of_a_likeness(title: str, expected: set[int]) -> None:
    assert _classes(title) == expected


def test_a_gis_product_on_a_model_is_no_lead(matcher: Matcher) -> None:
    title = "高仿真 瓯橘 水果模型 假水果 拍摄道具"
    assert "gi-ouju" not in flagged(matcher, title=title, price=19)
    assert flagged(matcher, title="瓯橘 新鲜水果 5斤", price=29, ship_from="江西省赣州市") == {"gi-ouju"}


# ------------------------------------------------------------------ kind 3: cut across another place
def test_a_bent_gi_cut_across_another_place(matcher: Matcher) -> None:
    assert pairs(matcher, title="雅安 红茶 散装", price=35, ship_from="四川省雅安市") == {}


def test_a_bent_gi_standing_alone_still_flags(matcher: Matcher) -> None:
    assert flagged(matcher, title="按红茶 工夫红茶 250g", price=39, ship_from="福建省福州市") == {"gi-anhongcha"}


# ------------------------------------------------------------------ kind 4: another region's craft
def test_another_regions_craft(matcher: Matcher) -> None:
    assert pairs(matcher, title="越绣 手工 刺绣 挂画", price=199, ship_from="浙江省绍兴市") == {}


def test_a_bent_gi_on_far_goods(matcher: Matcher) -> None:
    assert pairs(matcher, title="月绣 不粘锅 炒锅 家用", price=59, ship_from="浙江省金华市") == {}


def test_a_bent_gi_on_its_own_goods_still_flags(matcher: Matcher) -> None:
    assert flagged(matcher, title="月绣 手工 刺绣 挂画", price=199, ship_from="浙江省金华市") == {"gi-yuexiu"}


def test_another_region_needs_both_characters_regional() -> None:
    from types import SimpleNamespace

    from matchers.origin import bent_into_another_region

    right = SimpleNamespace(regions=["广东省广州市"])
    form = SimpleNamespace(text="粤绣")

    def hit(seen: str) -> SimpleNamespace:
        return SimpleNamespace(form=form, how="homophone", field="title", start=0, end=2, seen=seen)

    assert bent_into_another_region(right, [hit("越绣")], {"title": "越绣挂画"})
    assert not bent_into_another_region(right, [hit("月绣")], {"title": "月绣挂画"})


def test_gi_on_a_likeness_of_its_product() -> None:
    """The policy signals_form.gi_on_likeness (for the matcher to drop the pair): the GI's own product word
    inside its name (丹霞蜜橘) votes nothing; the listing's other goods words are a model and a fake fruit."""
    from matchers.candidates import Form, Hit
    from matchers.signals_context import ListingContext
    from matchers.signals_form import gi_on_likeness
    from markwatch.contracts import Right

    right = Right(id="gi-danxia-miju", kind="gi", name="丹霞蜜橘", holder="仁化县柑橘协会", nice_classes=[31],
                  regions=["广东省韶关市仁化县"], reference_price=58)

    def judged(title: str) -> bool:
        text = norm(title)
        at = text.find("丹霞蜜橘")
        hit = Hit(Form(0, "丹霞蜜橘", "", "name", False, False, False), "title", "exact", at, at + 4, "丹霞蜜橘")
        ctx = ListingContext(listing={"title": title}, texts={"title": text}, raw_lower={"title": title.lower()},
                             counterfeit=[], resale=[], category="", n_rights=1)
        return gi_on_likeness(right, [hit], classify(text, "")[0], ctx)

    assert judged("高仿真 丹霞蜜橘 水果模型 假水果 拍摄道具")
    assert judged("丹霞蜜橘模型 摆件")
    assert judged("仿真 丹霞蜜橘 摆件 家居")  # an imitation word before the name
    assert judged("丹霞蜜橘摆件 树脂 客厅")  # an ornament after it
    assert judged("丹霞蜜橘图案 T恤 短袖")  # a picture of it on a shirt
    assert not judged("丹霞蜜橘 新鲜 蜜橘 5斤")
    assert not judged("丹霞蜜橘 新鲜 水果 送 水果模型")  # the fruit itself is sold too


# ------------------------------------------------------------------ from the train parts
def test_shoe_care_service_naming_a_brand(matcher: Matcher) -> None:
    assert flagged(matcher, title="VARELLI 皮鞋 擦色护理", price=300) == set()
    assert flagged(matcher, title="VARELLI 男士 牛津鞋 手工擦色", price=699) == {"tm-varelli"}  # a finish, no service


def test_animal_feed_is_a_goods_word() -> None:
    assert _classes("鸟食 谷子 500g") == {31}
    assert _classes("观赏鱼 鱼食 颗粒") == {31}


@pytest.mark.parametrize("title, cls", [("负离子 电吹风 大功率", 8), ("无线 洗地机 家用", 7), ("针织开衫 女 春秋", 25),
                                        ("和田玉 手镯", 14), ("紫皮 大蒜 5斤", 31), ("古法 银耳 250g", 29),
                                        ("天津 麻花 礼盒", 30), ("婴儿浴盆 折叠", 21), ("苎麻 夏布 每米", 24),
                                        ("玉米种 包衣 1kg", 31), ("电热水壶 1.7L", 11), ("花生油 5L", 29),
                                        ("遥控车 越野", 28), ("电线 2.5平方 铜芯", 9), ("艾条 艾灸", 5)])
def test_everyday_goods_words(title: str, cls: int) -> None:
    assert cls in _classes(title)


def test_a_bent_short_mark_on_goods_now_known(matcher: Matcher) -> None:
    """A short ordinary mark bent (丰越 for 丰跃) is judged only where the goods agree: 电吹风 was no goods word."""
    assert flagged(matcher, title="丰越 电吹风 负离子", price=59) == {"tm-fengyue"}


def test_a_gi_tea_in_english_with_its_colour(matcher: Matcher) -> None:
    """岸红茶 is read as the place 岸红 and the product 茶 (红茶 would leave one character of place)."""
    assert "gi-anhongcha" in flagged(matcher, title="Anhong black tea Congou 250g", price=12, currency="USD")


def test_two_marks_joined_by_a_plus_are_a_bundle(matcher: Matcher) -> None:
    found = pairs(matcher, title="酥香园 麻花 + 禾麦记 面 散装 礼盒", price=29)
    bundle = [r for r in found["tm-hmj"].reason_codes if r.get("code") == "price_ratio"]
    assert bundle and bundle[0]["reference"] == 88 + 45
    assert {"tm-sxy", "tm-hmj"} <= {r for r, p in found.items() if p.score >= matcher.threshold}
    apart = pairs(matcher, title="酥香园 麻花 礼盒 禾麦记 面", price=29)  # no +: 面 names no goods of its own
    assert not [r for r in apart["tm-hmj"].reason_codes if r.get("code") == "price_ratio"]
    sized = pairs(matcher, title="酥香园 麻花 85g+30g 礼盒装 禾麦记", price=29)  # a pack's size, no join
    assert not [r for r in sized["tm-hmj"].reason_codes if r.get("code") == "price_ratio"]


def test_a_gi_split_by_a_dodge_where_its_product_is_a_goods_word(matcher: Matcher) -> None:
    """木版年画 is a goods word: the GI 柳溪镇木版年画 is read as the place 柳溪镇 and that product, so the place
    with 同款 and the product after it is a dodge."""
    assert flagged(matcher, title="柳溪镇同款 木版年画 门神", price=39, ship_from="山东省潍坊市") == {"gi-liuxi-nianhua"}


@pytest.mark.parametrize("text", ["手机 国行版本 256g", "固件版本 升级", "aaa 电池 7号 20粒", "5号 aa aaa 碱性电池",
                                  "makeup mirror led lighted", "a货架 仓储 置物架"])
def test_counterfeit_words_innocent_in_their_phrase(text: str) -> None:
    from matchers.wording import counterfeit_words

    assert counterfeit_words(text) == []


@pytest.mark.parametrize("text, word", [("手机 顶级版本 256g", "顶级版本"), ("lipstick mirror quality", "mirror"),
                                        ("包包 aaa 原单", "aaa"), ("手表 a货 精仿", "a货")])
def test_counterfeit_words_still_read_outside_those_phrases(text: str, word: str) -> None:
    from matchers.wording import counterfeit_words

    assert any(word in found for found in counterfeit_words(text))  # mirror quality holds mirror


def test_batteries_and_shelves_are_goods_words() -> None:
    assert _classes("碱性电池 7号 20粒") == {9}
    assert _classes("仓储 货架 置物架") == {20}


@pytest.mark.parametrize("text, found", [("boat harbor model kit 1:100", []), ("合金 1:12 手办", []), ("11:1 比例", []),
                                         ("1:1 复刻 包包", ["1:1", "复刻"]), ("高仿 1:1", ["1:1", "高仿"])])
def test_a_scale_is_no_one_to_one(text: str, found: list[str]) -> None:
    from matchers.wording import counterfeit_words

    assert counterfeit_words(text) == found


def test_a_counterfeit_word_inside_the_rights_name(matcher: Matcher) -> None:
    inside = pairs(matcher, title="莆田杨梅 新鲜 5斤", price=59, ship_from="福建省莆田市")["gi-putian-yangmei"]
    assert not [r for r in inside.reason_codes if r.get("code") == "counterfeit_wording"] and inside.score < 0.5
    assert flagged(matcher, title="莆田杨梅 新鲜 5斤", price=59, ship_from="浙江省台州市") == {"gi-putian-yangmei"}


def test_matching_outfits_are_no_counterfeit_wording(matcher: Matcher) -> None:
    couple = pairs(matcher, title="青砚 情侣同款 卫衣", price=280)["tm-qingyan"]
    assert not [r for r in couple.reason_codes if r.get("code") == "counterfeit_wording"]
    copied = pairs(matcher, title="青砚 同款 卫衣", price=280)["tm-qingyan"]
    assert [r for r in copied.reason_codes if r.get("code") == "counterfeit_wording"]


@pytest.mark.parametrize("title, expected", [("新鲜 枇杷 5斤", {31}), ("枇杷酱 300g", set()), ("核桃露 240ml", set()),
                                             ("川贝 枇杷膏 300ml", {5}), ("核桃乳 240ml", {32}),  # words of their own
                                             ("核桃 新鲜 带壳", {31}), ("红酒 葡萄酒", {33})])
def test_fresh_produce_and_what_it_is_made_into(title: str, expected: set[int]) -> None:
    assert _classes(title) == expected


def test_seed_coating_is_no_bag_nor_clothing() -> None:
    assert _classes("玉米种 包衣 1kg") == {31}  # 包衣: the seeds' coating, not 包 (bag) and 衣 (clothing)

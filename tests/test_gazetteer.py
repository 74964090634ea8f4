"""The gazetteer turns ship-from text into divisions and answers "inside this GI area?" correctly."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from matchers.gazetteer import Place, _chinese_names, _divisions, load_gazetteer

REGISTER = Path(__file__).resolve().parents[1] / "matchers" / "data" / "demo_register.yaml"
REGIONS = sorted({r for right in yaml.safe_load(REGISTER.read_text(encoding="utf-8"))["rights"]
                  for r in right.get("regions", [])})


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.mark.parametrize(("text", "expected"), [
    ("江苏 苏州", "江苏省苏州市"),
    ("苏州市相城区", "江苏省苏州市相城区"),
    ("江苏省苏州市吴中区", "江苏省苏州市吴中区"),
    ("Suzhou, Jiangsu", "江苏省苏州市"),
    ("Jiangsu Suzhou", "江苏省苏州市"),
    ("Wuzhong District, Suzhou, Jiangsu Province, China", "江苏省苏州市吴中区"),
    ("上海 浦东", "上海市浦东新区"),
    ("Pudong, Shanghai", "上海市浦东新区"),
    ("新疆 库尔勒", "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市"),
    ("Korla, Xinjiang", "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市"),
    ("发货地：福建莆田", "福建省莆田市"),
    ("发货地: 福建 莆田", "福建省莆田市"),
    ("产地：安徽宣城", "安徽省宣城市"),
    ("浙江杭州西湖区", "浙江省杭州市西湖区"),
    ("广东省 江门市 新会区", "广东省江门市新会区"),
    ("新会", "广东省江门市新会区"),
    ("宁夏 中卫", "宁夏回族自治区中卫市"),
    ("宁夏中宁", "宁夏回族自治区中卫市中宁县"),
    ("吉林延边", "吉林省延边朝鲜族自治州"),
    ("云南文山", "云南省文山壮族苗族自治州"),
    ("湖北 仙桃", "湖北省仙桃市"),
    ("广东 东莞", "广东省东莞市"),
    ("内蒙 呼和浩特", "内蒙古自治区呼和浩特市"),
    ("北京", "北京市"),
    ("Beijing", "北京市"),
    ("Shaanxi Xi'an", "陕西省西安市"),
    ("Shanxi", "山西省"),
    ("江蘇省蘇州市吳中區", "江苏省苏州市吴中区"),       # traditional characters
    ("ＪＩＡＮＧＳＵ　ＳＵＺＨＯＵ", "江苏省苏州市"),      # full-width
    ("江\u200b苏 苏\u200d州", "江苏省苏州市"),            # zero-width characters
    ("南汇", "上海市浦东新区"),                            # merged district, old name
    ("山东 章丘", "山东省济南市章丘区"),
    ("巴州库尔勒", "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市"),
    ("济南市中区", "山东省济南市市中区"),        # not 济南市 + "中区"
    ("青岛市南区", "山东省青岛市市南区"),
    ("Qingdao Shinan", "山东省青岛市市南区"),
    ("江西湖口", "江西省九江市湖口县"),          # not 江西 / 西湖 overlap
    ("海南", "海南省"),                          # the province before Qinghai's 海南州
    ("青海 海南", "青海省海南藏族自治州"),
])
def test_resolves_the_most_specific_division(gaz, text, expected):
    place = gaz.resolve(text)
    assert place is not None, text
    assert place.full_name == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("江苏 鼓楼区", "江苏省"),               # Nanjing's and Xuzhou's: only the province is sure
    ("南京 鼓楼区", "江苏省南京市鼓楼区"),
    ("福建福州鼓楼", "福建省福州市鼓楼区"),
    ("河南 鼓楼区", "河南省开封市鼓楼区"),
    ("Suzhou, Anhui", "安徽省宿州市"),         # 宿州 is also "Suzhou"
    ("吉林", "吉林省"),                         # province and city share the name: the province
    ("吉林市", "吉林省吉林市"),
    ("吉林 长春", "吉林省长春市"),
    ("浙江 西湖", "浙江省杭州市西湖区"),
    ("江西南昌西湖区", "江西省南昌市西湖区"),
    ("通化", "吉林省通化市"),                   # the city before its namesake county
])
def test_ambiguous_names_are_settled_by_the_other_names(gaz, text, expected):
    assert gaz.resolve(text).full_name == expected


@pytest.mark.parametrize("text", ["鼓楼区", "Suzhou", "西湖区", "江苏 浙江", "阳澄湖", "包邮 现货", "China"])
def test_unsettled_or_absent_places_give_none(gaz, text):
    assert gaz.resolve(text) is None


def test_everyday_words_do_not_become_places_in_titles(gaz):
    # 龙井 (a city in Jilin), 三明 (a city in Fujian), 普洱 (a city in Yunnan) inside product words
    for title in ["西湖龙井 明前特级 春茶 2026新茶", "全麦三明治面包 早餐 整箱", "云南普洱茶 熟茶 饼茶"]:
        names = [p.full_name for p in gaz.find_places(title)]
        assert "吉林省延边朝鲜族自治州龙井市" not in names
        assert "福建省三明市" not in names
        assert "云南省普洱市" not in names or "云南省" in names  # 云南普洱 really names the city
    # but alone in a ship-from field they are places
    assert gaz.resolve("龙井").full_name == "吉林省延边朝鲜族自治州龙井市"
    assert gaz.resolve("发货地：浦东").full_name == "上海市浦东新区"


def test_find_places_lists_every_mention_in_order(gaz):
    text = "阳澄湖大闸蟹 公蟹4两 产地：安徽宣城 顺丰包邮（江苏苏州仓发货）"
    names = [p.full_name for p in gaz.find_places(text)]
    assert names == ["安徽省", "安徽省宣城市", "江苏省", "江苏省苏州市"]
    assert gaz.find_places("") == []
    assert gaz.find_places("纯棉T恤 男款 宽松") == []


@pytest.mark.parametrize("region", REGIONS)
def test_every_register_region_resolves_and_contains_itself(gaz, region):
    area = gaz.region(region)
    assert area.full_name == region
    assert gaz.resolve(region) == area  # the free-text path agrees with the exact lookup
    assert gaz.within(area, region)
    for code, place in gaz.places.items():  # every division below it is inside, none beside it
        if code.startswith(area.adcode[:2]) and place.full_name.startswith(region):
            assert gaz.within(place, region), place.full_name


def test_within_agrees_with_the_official_paths_for_all_region_pairs(gaz):
    for a in REGIONS:
        for b in REGIONS:
            assert gaz.within(gaz.region(a), b) == a.startswith(b), (a, b)


@pytest.mark.parametrize(("text", "region", "inside"), [
    ("江苏 苏州", "江苏省苏州市", True),
    ("苏州市相城区", "江苏省苏州市", True),
    ("Suzhou, Jiangsu", "江苏省苏州市", True),
    ("安徽 宣城", "江苏省苏州市", False),
    ("Suzhou, Anhui", "江苏省苏州市", False),
    ("江苏", "江苏省苏州市", False),                  # only the province: not known to be inside
    ("江苏 无锡", "江苏省苏州市", False),
    ("苏州市相城区", "江苏省苏州市吴中区", False),
    ("苏州吴中 东山镇", "江苏省苏州市吴中区", True),
    ("上海 浦东", "上海市浦东新区", True),
    ("上海 嘉定", "上海市浦东新区", False),
    ("上海", "上海市浦东新区", False),
    ("新疆 库尔勒", "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市", True),
    ("新疆 阿克苏", "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市", False),
    ("吉林 抚松", "吉林省白山市", True),
    ("吉林 长春", "吉林省白山市", False),
    ("浙江杭州西湖区", "浙江省杭州市西湖区", True),
    ("浙江杭州余杭区", "浙江省杭州市西湖区", False),
    ("江西南昌西湖区", "浙江省杭州市西湖区", False),
    ("贵州 仁怀", "贵州省遵义市仁怀市", True),
    ("贵州 遵义 汇川区", "贵州省遵义市仁怀市", False),
])
def test_within(gaz, text, region, inside):
    assert gaz.within(gaz.resolve(text), region) is inside


def test_within_none_is_false_and_a_bad_region_is_a_clear_error(gaz):
    assert gaz.within(None, "江苏省苏州市") is False
    with pytest.raises(ValueError, match="names no Chinese administrative division"):
        gaz.within(gaz.resolve("江苏 苏州"), "阳澄湖水域")


def test_every_division_resolves_from_its_own_official_path(gaz):
    wrong = [p.full_name for p in gaz.places.values() if gaz.resolve(p.full_name) != p]
    assert not wrong, wrong[:20]
    levels = {p.level for p in gaz.places.values()}
    assert levels == {"province", "city", "county"}
    assert sum(p.level == "province" for p in gaz.places.values()) == 34
    assert len(gaz.places) > 3000


def test_every_county_resolves_from_the_ways_people_write_it(gaz):
    """Differential check over all 2,800 counties: official path, city + county, short forms."""
    from matchers.gazetteer import _CITY_SUFFIXES, _COUNTY_SUFFIXES, _PROVINCE_SUFFIXES, _short_form

    ethnic = sorted(gaz._aliases["ethnic_groups"], key=len, reverse=True)
    wrong = []
    for p in gaz.places.values():
        if p.level != "county" or not p.city:
            continue
        prov = _short_form(p.province, _PROVINCE_SUFFIXES, ethnic) or p.province
        city = _short_form(p.city, _CITY_SUFFIXES, ethnic) or p.city
        county = _short_form(p.county, _COUNTY_SUFFIXES, ethnic) or p.county
        for text in (f"{p.city}{p.county}", f"{city}{p.county}", f"发货地：{prov}{city}{p.county}"):
            if gaz.resolve(text) != p:
                wrong.append(text)
        for text in (f"{prov} {city} {county}", f"{prov}{city}{county}"):  # 临夏市 / 临夏县: the city is sure
            place = gaz.resolve(text)
            if place is None or not gaz.within(place, p.province + p.city):
                wrong.append(text)
    assert not wrong, wrong[:20]


def test_garbage_input_never_raises(gaz):
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(5000))
    assert gaz.resolve("") is None
    assert gaz.resolve("   \n\t ") is None
    assert gaz.resolve(None) is None  # type: ignore[arg-type]
    assert gaz.find_places(None) == []  # type: ignore[arg-type]
    gaz.resolve(junk)  # type: ignore[arg-type]
    gaz.resolve(junk.decode("latin-1"))
    gaz.resolve("".join(chr(rng.randrange(0x20, 0x10FFFF)) for _ in range(3000)).encode("utf-8", "replace")
                .decode("utf-8", "replace"))
    big = "好物推荐" * 25_000 + "产地：安徽宣城"
    assert len(big) > 100_000
    assert gaz.resolve(big).full_name == "安徽省宣城市"
    assert gaz.find_places("江苏" * 50_000)[0].full_name == "江苏省"


def test_load_is_cached_and_place_is_a_frozen_value(gaz):
    assert load_gazetteer() is gaz
    place = gaz.resolve("江苏 苏州")
    assert isinstance(place, Place) and place.adcode == "320500" and place.level == "city"
    assert (place.province, place.city, place.county) == ("江苏省", "苏州市", "")
    with pytest.raises(AttributeError):
        place.name = "x"  # type: ignore[misc]


def test_an_alias_pointing_nowhere_fails_loudly():
    places, _ = _divisions()
    by_path = {p.full_name: p for p in places.values()}
    aliases = {"ethnic_groups": [], "weak": [], "chinese": [{"text": "苏城", "place": "江苏省/苏洲市", "strong": True}]}
    with pytest.raises(ValueError, match="苏洲市"):
        _chinese_names(places, aliases, by_path)

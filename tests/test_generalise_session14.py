"""Session 14 (issue 11): kinds the eighteenth and nineteenth registers brought (judged before anyone read them).

- A "闲置" post offering dozens of new units (还有30包, 200个 一起出) is a dealer's stock dressed as a private
  item: its resale wording no longer excuses it, and the mark after the post's lead word heads the goods.
- A title that starts with what kind of post it is (#接龙, 【现货】, 直播间专拍) still names its goods' brand first.
- An old article sold as a collectible (六十年代 … 老物件) is the maker's own goods of long ago.
- A GI product said to be blended with produce from elsewhere (掺有外地椒) is not the area's, wherever it ships from.
- A trademark written exactly in the shop's name (金门锁业工厂店) or the category (门锁/金门款), on goods that
  do not say it, is a lead as one in the description is; bent spellings, GIs and special marks there are not.
- A doubled-character mascot name that is the pet name of a thing the title names (新鲜 橘橘 蜜橘) is that
  thing's; a review or a parent's notes sold as a document (测评报告 PDF, 电子版) is a work naming brands.
- Stringing rackets (穿线, 拉线) and renting out a pram for a deposit (押金) are services naming the brands they serve.
The rights below are of this file's own choosing (none is in a labelled set's register).
"""

from __future__ import annotations

import pytest

from matchers.matcher import Matcher
from matchers.normalise import light
from matchers.wording import listing_wording, many_units
from matcher_helpers import flagged, matcher_on, pairs

REGISTER = """\
rights:
  - {id: tm-huaxin, kind: trademark, name: 华芯电气, variants: [华芯], holder: 华芯电气股份有限公司, nice_classes: [9], reference_price: 35}
  - {id: tm-nongfeng, kind: trademark, name: 农丰源, holder: 农丰源种业有限公司, nice_classes: [31], reference_price: 68}
  - {id: tm-feiyan, kind: trademark, name: 飞燕, holder: 飞燕缝纫机有限公司, nice_classes: [7], reference_price: 699}
  - {id: gi-xixian-chili, kind: gi, name: 西峡辣椒, holder: 西峡县辣椒协会, nice_classes: [30, 31], regions: [河南省南阳市西峡县], reference_price: 30}
  - {id: tm-kunpeng, kind: trademark, name: 鲲鹏, variants: [KUNPENG], holder: 鲲鹏体育用品有限公司, nice_classes: [28], reference_price: 899}
  - {id: tm-bebeto, kind: trademark, name: BEBETO, holder: Bebeto Kids BV, nice_classes: [12], reference_price: 5999}
  - {id: tm-jinmen, kind: trademark, name: 金门锁业, variants: [金门], holder: 金门锁业有限公司, nice_classes: [6], reference_price: 1299,
     authorized_sellers: [金门锁业官方旗舰店]}
  - {id: tm-lanjiu, kind: trademark, name: 蓝鸠泉, holder: 蓝鸠泉酒业有限公司, nice_classes: [33], reference_price: 168}
  - {id: tm-veltor, kind: trademark, name: VELTOR, variants: [维尔托], holder: Veltor GmbH, nice_classes: [9, 10], reference_price: 1980}
  - {id: tm-yuxia, kind: trademark, name: 雨霞, holder: 雨霞伞业有限公司, nice_classes: [18, 25], reference_price: 199}
  - {id: tm-toonie, kind: trademark, name: TOONIE, holder: Toonie Box GmbH, nice_classes: [9, 28], reference_price: 699}
  - {id: tm-teeline, kind: trademark, name: TEELINE, holder: Teeline Golf, nice_classes: [28], reference_price: 428}
  - {id: tm-kovano, kind: trademark, name: KOVANO, holder: Kovano Stationery KK, nice_classes: [16], reference_price: 39}
  - {id: tm-vexo, kind: trademark, name: VEXO, holder: Vexo Automotive KK, nice_classes: [7, 11], reference_price: 68}
  - {id: tm-yinghua, kind: trademark, name: 樱华, holder: 樱华厨房电器有限公司, nice_classes: [11], reference_price: 2399}
  - {id: sm-hometech, kind: special_mark, name: 中国家居科技博览会, variants: [家居科技博览会], holder: 家居科技博览会组委会, nice_classes: [], reference_price: 99}
  - {id: sm-kite-champs, kind: special_mark, name: 世界风筝锦标赛, variants: [风筝世锦赛], holder: 2029年世界风筝锦标赛组委会, nice_classes: [], reference_price: 99}
  - {id: sm-yanyan, kind: special_mark, name: 鸢鸢, holder: 2029年世界风筝锦标赛组委会, nice_classes: [], reference_price: 99}
  - {id: tm-kaiwei, kind: trademark, name: 凯威, holder: 凯威清洁设备有限公司, nice_classes: [3, 7], reference_price: 1299}
  - {id: tm-brava, kind: trademark, name: BRAVA, holder: Brava Freni SpA, nice_classes: [12], reference_price: 1880}
  - {id: gi-liaonan-wine, kind: gi, name: 辽南香, holder: 辽南香酒协会, nice_classes: [33], regions: [辽宁省大连市], reference_price: 128}
  - {id: tm-clara, kind: trademark, name: CLARA TELLWYN, holder: Clara Tellwyn Ltd, nice_classes: [3], reference_price: 320}
  - {id: tm-qvm, kind: trademark, name: QVM RIVIERA, holder: QVM Riviera SAM, nice_classes: [14], reference_price: 890}
  - {id: sm-mimi, kind: special_mark, name: 咪噜, variants: [Milu], holder: 世界宠物博览会组委会, nice_classes: [], reference_price: 99}
  - {id: sm-juju, kind: special_mark, name: 橘橘, holder: 第五届世界柑橘博览会组委会, nice_classes: [], reference_price: 99}
  - {id: tm-yikang, kind: trademark, name: 宜康贝, holder: 宜康贝母婴用品有限公司, nice_classes: [3, 5], reference_price: 79}
  - {id: gi-shitan-rice, kind: gi, name: 石滩油粘米, holder: 增城区石滩油粘米协会, nice_classes: [30], regions: [广东省广州市增城区], reference_price: 60}
  - {id: tm-lierkang, kind: trademark, name: 丽尔康, holder: 丽尔康医疗器械有限公司, nice_classes: [5, 10, 44], reference_price: 29}
  - {id: gi-wuchang-rice, kind: gi, name: 五常大米, holder: 五常市大米协会, nice_classes: [30], regions: [黑龙江省哈尔滨市五常市], reference_price: 80}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


@pytest.mark.parametrize("text, many", [
    ("闲置 断路器 全新 工地剩的 200个 一起出", True), ("多买了 还有30包 便宜出", True), ("有6个 要的带走", True),
    ("闲置 断路器 一个 用过两次", False), ("有2个 自用", False), ("还有几十支", True),
])
def test_many_units_of_the_article(text: str, many: bool) -> None:
    assert many_units(light(text)) is many


def test_resale_wording_beside_stock_is_dropped() -> None:
    assert listing_wording(light("闲置 华芯 断路器 全新 200个 一起出"))[1] == []
    assert listing_wording(light("闲置 华芯 断路器 用过 一个"))[1] == ["闲置"]


def test_stock_dressed_as_a_private_item_is_a_lead(matcher: Matcher) -> None:
    listing = {"title": "闲置 农丰源 西兰花种子 多买了 全新 还有30包 便宜出", "price": 20, "currency": "CNY"}
    assert "tm-nongfeng" in flagged(matcher, **listing)
    assert not any("resale" in r for r in pairs(matcher, **listing)["tm-nongfeng"].reasons)


def test_a_real_private_resale_is_still_excused(matcher: Matcher) -> None:
    listing = {"title": "闲置 农丰源 西兰花种子 多买了 全新 一包 便宜出", "price": 20, "currency": "CNY"}
    assert any("resale" in r for r in pairs(matcher, **listing)["tm-nongfeng"].reasons)


def test_a_mark_after_the_posts_lead_words_heads_the_goods(matcher: Matcher) -> None:
    headed = pairs(matcher, title="#接龙 农丰源 西兰花 种子 每包8元 满十包包邮", price=8, currency="CNY")["tm-nongfeng"]
    plain = pairs(matcher, title="农丰源 西兰花 种子 每包8元 满十包包邮", price=8, currency="CNY")["tm-nongfeng"]
    assert headed.score == pytest.approx(plain.score, abs=0.05)
    assert "tm-nongfeng" in flagged(matcher, title="#接龙 农丰源 西兰花 种子 每包8元 满十包包邮", price=8, currency="CNY")


def test_a_mark_after_other_words_does_not_head_the_title(matcher: Matcher) -> None:
    from matchers.signals_form import _after_leads

    assert _after_leads("接龙 农丰源", 3)
    assert not _after_leads("西兰花 农丰源", 4)
    assert not _after_leads("闲置 农丰源", 3)  # a resale word leads only where the resale is stock
    assert _after_leads("闲置 农丰源", 3, True)


def test_an_old_article_sold_as_a_collectible_is_resale(matcher: Matcher) -> None:
    listing = {"title": "七十年代 飞燕牌 缝纫机 机头 铭牌 老物件 收藏", "price": 260, "currency": "CNY"}
    assert any("resale" in r for r in pairs(matcher, **listing)["tm-feiyan"].reasons)
    assert "tm-feiyan" not in flagged(matcher, **listing)


@pytest.mark.parametrize("description", ["实惠装 掺有外地椒 价格便宜", "实惠装为混装 部分为外地辣椒 介意慎拍"])
def test_a_gi_blended_with_produce_from_elsewhere_is_from_outside(matcher: Matcher, description: str) -> None:
    listing = {"title": "西峡辣椒 干辣椒 1000g 实惠装", "description": description, "price": 9.9, "currency": "CNY",
               "ship_from": "河南 南阳 西峡"}
    pair = pairs(matcher, **listing)["gi-xixian-chili"]
    assert any(r["code"] == "gi_blend" for r in pair.reason_codes)
    assert not any(r["code"] == "origin_inside" for r in pair.reason_codes)
    assert "gi-xixian-chili" in flagged(matcher, **listing)


def test_the_areas_own_gi_product_is_still_inside(matcher: Matcher) -> None:
    listing = {"title": "西峡辣椒 干辣椒 1000g 实惠装", "description": "本地种植 晒干", "price": 25, "currency": "CNY",
               "ship_from": "河南 南阳 西峡"}
    assert any(r["code"] == "origin_inside" for r in pairs(matcher, **listing)["gi-xixian-chili"].reason_codes)
    assert "gi-xixian-chili" not in flagged(matcher, **listing)


@pytest.mark.parametrize("title, right", [
    ("网球拍 羽毛球拍 穿线 服务 鲲鹏 均可 拉线", "tm-kunpeng"),
    ("BEBETO 婴儿推车 租用 按月 押金 消毒", "tm-bebeto"),
])
def test_stringing_and_renting_are_services(matcher: Matcher, title: str, right: str) -> None:
    pair = pairs(matcher, title=title, price=30, currency="CNY")[right]
    assert any(r["code"] == "service_use" for r in pair.reason_codes)
    assert right not in flagged(matcher, title=title, price=30, currency="CNY")


def test_a_rented_room_is_no_rental_service(matcher: Matcher) -> None:
    pair = pairs(matcher, title="鲲鹏 乒乓球拍 出租屋 宿舍 可用", price=30, currency="CNY")["tm-kunpeng"]
    assert not any(r["code"] == "service_use" for r in pair.reason_codes)


@pytest.mark.parametrize("where", [{"seller_name": "金门锁业工厂店"}, {"category": "门锁/金门锁业款"}])
def test_a_mark_in_the_shop_name_or_category_on_unbranded_goods(matcher: Matcher, where: dict) -> None:
    listing = {"title": "智能锁 指纹锁 家用 防盗门 C级锁芯", "price": 269, "currency": "CNY", **where}
    pair = pairs(matcher, **listing)["tm-jinmen"]
    field = next(iter(where))
    assert any(r.get("field") == field for r in pair.reason_codes), pair.reasons
    assert "tm-jinmen" in flagged(matcher, **listing)


def test_the_authorised_shop_named_after_the_mark_is_no_lead(matcher: Matcher) -> None:
    listing = {"title": "智能锁 指纹锁 家用 防盗门", "price": 269, "currency": "CNY", "seller_name": "金门锁业官方旗舰店"}
    assert "tm-jinmen" not in flagged(matcher, **listing)


@pytest.mark.parametrize("seller", ["全门锁业工厂店", "五常大米专营店"])
def test_bent_marks_and_gis_in_a_shop_name_are_no_pair(matcher: Matcher, seller: str) -> None:
    found = pairs(matcher, title="智能锁 指纹锁 家用 大米 10斤", price=99, currency="CNY", seller_name=seller)
    assert "tm-jinmen" not in found and "gi-wuchang-rice" not in found


def test_the_shop_name_is_said_in_both_languages() -> None:
    from markwatch.reasons import english, render

    code = {"code": "hit_mark", "seen": "金门", "field": "seller_name"}
    assert english([code]) == ["mark 金门 in shop name"]
    assert render(code, "zh") == "店铺名中出现商标“金门”"


@pytest.mark.parametrize("title, expected", [
    ("鸡肉干 狗零食 1kg 补钙 磨牙", 31), ("Chicken Jerky Dog Treats 1kg", 31),
    ("Pro V1 Golf Balls 12 Pack Free Tees", 28), ("乒乓球 三星 40+ 训练球 50只", 28),
])
def test_pet_treats_and_sports_balls_are_goods_words(title: str, expected: int) -> None:
    from matchers.goods import classify
    from matchers.normalise import norm

    assert expected in classify(norm(title), "")[0]


@pytest.mark.parametrize("title", ["新鲜 橘橘 蜜橘 5斤 宝宝 爱吃 当季", "给橘橘一个家 橘猫 救助 猫粮 10kg"])
def test_a_doubled_name_of_a_thing_the_title_names_is_no_mascot(matcher: Matcher, title: str) -> None:
    pair = pairs(matcher, title=title, price=29, currency="CNY")["sm-juju"]
    assert any(r["code"] == "ordinary_word" for r in pair.reason_codes), pair.reasons
    assert "sm-juju" not in flagged(matcher, title=title, price=29, currency="CNY")


@pytest.mark.parametrize("title", ["橘橘 毛绒 公仔 25cm", "橘橘 吉祥物 蜜橘 造型 摆件"])
def test_the_mascots_own_figure_is_still_a_lead(matcher: Matcher, title: str) -> None:
    assert "sm-juju" in flagged(matcher, title=title, price=29, currency="CNY")


@pytest.mark.parametrize("title", ["婴儿面霜 成分 测评报告 PDF 12款 对比 含 宜康贝 等",
                                   "宝宝 维生素AD 怎么补 电子版 育儿笔记 宜康贝 对比 整理"])
def test_a_review_sold_as_a_document_is_a_work(matcher: Matcher, title: str) -> None:
    pair = pairs(matcher, title=title, price=3.9, currency="CNY")["tm-yikang"]
    assert any(r["code"] == "publication" for r in pair.reason_codes), pair.reasons


def test_a_pinyin_variant_that_spells_another_title_word_is_that_word(matcher: Matcher) -> None:
    pair = pairs(matcher, title="Milu Deer 麋鹿 毛绒 玩具 圣诞 驯鹿 公仔", price=39, currency="CNY")["sm-mimi"]
    assert any(r["code"] == "ordinary_word" and r.get("word") == "麋鹿" for r in pair.reason_codes), pair.reasons
    assert "sm-mimi" not in flagged(matcher, title="Milu Deer 麋鹿 毛绒 玩具 圣诞 驯鹿 公仔", price=39, currency="CNY")


def test_the_mascots_pinyin_beside_its_own_name_is_still_the_mascot(matcher: Matcher) -> None:
    assert "sm-mimi" in flagged(matcher, title="Milu 咪噜 吉祥物 毛绒 公仔 宠物博览会", price=39, currency="CNY")


def test_a_calligraphy_of_a_poem_holding_the_mark_is_a_work(matcher: Matcher) -> None:
    title = "将船买酒蓝鸠泉 诗句 书法 手写 条幅"
    pair = pairs(matcher, title=title, price=58, currency="CNY")["tm-lanjiu"]
    assert any(r["code"] == "publication" for r in pair.reason_codes), pair.reasons


def test_an_alcohol_tester_is_no_liquor() -> None:
    from matchers.goods import classify
    from matchers.normalise import norm

    assert set(classify(norm("酒精测试仪 交警 专用 呼气式"), "")[0]) == {9}


def test_a_mark_on_an_alcohol_tester_is_looked_for(matcher: Matcher) -> None:
    assert "tm-veltor" in flagged(matcher, title="维尔托 酒精检测仪 吹气式 高精度", price=98, currency="CNY")


def test_dedicated_to_a_person_is_no_device_the_goods_fit(matcher: Matcher) -> None:
    pair = pairs(matcher, title="VELTOR 酒精检测仪 便携 交警 专用", price=98, currency="CNY")["tm-veltor"]
    assert not any(r["code"] == "referential_use" for r in pair.reason_codes), pair.reasons


def test_dedicated_to_the_marks_device_is_still_referential(matcher: Matcher) -> None:
    pair = pairs(matcher, title="VELTOR 酒精检测仪 专用 吹嘴 50个", price=19, currency="CNY")["tm-veltor"]
    assert any(r["code"] == "referential_use" for r in pair.reason_codes), pair.reasons


def test_the_double_happiness_glyph_reads_as_its_two_characters() -> None:
    from matchers.normalise import light, norm

    assert norm("红囍 乒乓球") == norm("红双喜 乒乓球")
    assert light("囍字贴 婚庆") == "双喜字贴 婚庆"


def test_a_black_uv_coating_on_the_marks_umbrella_is_no_record(matcher: Matcher) -> None:
    pair = pairs(matcher, title="雨霞 防晒伞 太阳伞 胶囊伞 五折 黑胶 晴雨两用", price=19.9, currency="CNY")["tm-yuxia"]
    assert not any(r["code"] == "publication" for r in pair.reason_codes), pair.reasons



def test_a_house_nickname_goes_to_the_only_house_registered_for_all_the_goods(matcher: Matcher) -> None:
    title = "T家 儿童 故事盒 音箱 磁吸公仔 同款 早教"
    found = flagged(matcher, title=title, price=199, currency="CNY")
    assert "tm-toonie" in found and "tm-teeline" not in found


def test_a_house_nickname_on_goods_both_houses_make_stays_unread(matcher: Matcher) -> None:
    found = flagged(matcher, title="T家 公仔 玩具 同款", price=19, currency="CNY")
    assert "tm-toonie" not in found and "tm-teeline" not in found


def test_a_gi_name_cut_by_a_towns_zhen_is_a_split_name(matcher: Matcher) -> None:
    listing = {"title": "石滩镇 油粘米 同款 10斤 香米", "price": 39, "currency": "CNY", "ship_from": "湖南 长沙"}
    pair = pairs(matcher, **listing)["gi-shitan-rice"]
    assert any(r["code"] == "gi_dodge" for r in pair.reason_codes), pair.reasons
    assert "gi-shitan-rice" in flagged(matcher, **listing)


def test_town_spellings_skip_the_split_and_names_holding_zhen() -> None:
    from matchers.compiled import _town_spellings

    assert _town_spellings("石滩油粘米", 3) == ["石滩镇油粘米"]  # the cut at 3 is the split's own
    assert _town_spellings("饶河黑蜂蜂蜜", 2) == ["饶河黑镇蜂蜂蜜", "饶河黑蜂镇蜂蜜"]
    assert _town_spellings("朱家镇大米", 3) == []


def test_a_space_at_the_edge_of_the_word_that_cuts_the_mark_is_no_dodge(matcher: Matcher) -> None:
    pair = pairs(matcher, title="丽尔 康复 推拿 理疗 颈椎 套餐", price=99, currency="CNY")["tm-lierkang"]
    codes = [r["code"] for r in pair.reason_codes]
    assert "split_by_words" in codes and "obfuscated" not in codes, pair.reasons


def test_a_mark_spaced_out_on_its_own_is_still_a_dodge(matcher: Matcher) -> None:
    pair = pairs(matcher, title="丽 尔 康 碘伏 消毒液 100ml", price=3, currency="CNY")["tm-lierkang"]
    assert any(r["code"] == "obfuscated" for r in pair.reason_codes), pair.reasons


def test_a_latin_mark_spelled_backwards_is_a_turned_spelling(matcher: Matcher) -> None:
    pair = pairs(matcher, title="ONAVOK 活页本 B5 反着读 懂的来", price=9.9, currency="CNY")["tm-kovano"]
    assert any(r["code"] == "hit_reordered" for r in pair.reason_codes), pair.reasons
    assert "tm-kovano" in flagged(matcher, title="ONAVOK 活页本 B5 反着读 懂的来", price=9.9, currency="CNY")


def test_backward_spellings_that_are_words_or_palindromes_are_no_keys() -> None:
    from matchers.normalise import canon
    from matchers.variants import reversed_keys

    keys = reversed_keys([(0, "kovano"), (1, "reward"), (2, "level"), (3, "sony")], canon, set())
    assert list(keys.values()) == [[0]]  # drawer is a word, level a palindrome, sony too short


def test_a_mark_in_cyrillic_disguise_on_a_part_is_no_referential_use(matcher: Matcher) -> None:
    title = "VЕXО 空调滤芯 活性炭 卡罗拉 雷凌"  # Е and О are Cyrillic
    pair = pairs(matcher, title=title, price=15, currency="CNY")["tm-vexo"]
    assert not any(r["code"] == "referential_use" for r in pair.reason_codes), pair.reasons


def test_an_aftermarket_part_crossing_the_marks_part_number_is_referential(matcher: Matcher) -> None:
    title = "火炬 铱金火花塞 对应原厂号 可替代 VEXO IK20"
    pair = pairs(matcher, title=title, price=12, currency="CNY")["tm-vexo"]
    assert any(r["code"] == "referential_use" for r in pair.reason_codes), pair.reasons


def test_self_cleaning_is_what_the_goods_do_no_service(matcher: Matcher) -> None:
    pair = pairs(matcher, title="樱华 油烟机 侧吸式 家用 大吸力 自清洗", price=599, currency="CNY")["tm-yinghua"]
    assert not any(r["code"] == "service_use" for r in pair.reason_codes), pair.reasons


@pytest.mark.parametrize("title", ["家居科技博览会 门票 转让 一张 原价", "中国家居科技博览会 观众证 单日票"])
def test_a_ticket_to_the_event_is_no_goods_under_its_name(matcher: Matcher, title: str) -> None:
    pair = pairs(matcher, title=title, price=80, currency="CNY")["sm-hometech"]
    assert any(r["code"] == "admission" for r in pair.reason_codes), pair.reasons
    assert "sm-hometech" not in flagged(matcher, title=title, price=80, currency="CNY")


def test_goods_under_the_events_name_are_still_a_lead(matcher: Matcher) -> None:
    assert "sm-hometech" in flagged(matcher, title="家居科技博览会 纪念 帆布袋 印花", price=19, currency="CNY")


def test_a_championship_is_an_event_whose_mascot_takes_the_lead(matcher: Matcher) -> None:
    found = flagged(matcher, title="风筝世锦赛吉祥物 鸢鸢 毛绒 公仔", price=49, currency="CNY")
    assert found == {"sm-yanyan"}


def test_a_service_word_inside_the_machines_name_is_no_service(matcher: Matcher) -> None:
    pair = pairs(matcher, title="海关罚没 凯威 K5 高压清洗机 低价处理", price=299, currency="CNY")["tm-kaiwei"]
    assert not any(r["code"] == "service_use" for r in pair.reason_codes), pair.reasons


def test_an_aftermarket_tuning_part_is_no_service(matcher: Matcher) -> None:
    pair = pairs(matcher, title="BRAVA 卡钳 大四活塞 改装 前轮 刹车 套装 红色", price=560, currency="CNY")["tm-brava"]
    assert not any(r["code"] == "service_use" for r in pair.reason_codes), pair.reasons


def test_cleaning_the_marks_machine_is_still_a_service(matcher: Matcher) -> None:
    pair = pairs(matcher, title="凯威 洗地机 上门清洗 保养", price=99, currency="CNY")["tm-kaiwei"]
    assert any(r["code"] == "service_use" for r in pair.reason_codes), pair.reasons


def test_a_mascot_name_in_a_films_title_is_the_films(matcher: Matcher) -> None:
    pair = pairs(matcher, title="橘橘的世界 纪录片 DVD 1997", price=29, currency="CNY")["sm-juju"]
    assert any(r["code"] == "publication" for r in pair.reason_codes), pair.reasons
    assert "sm-juju" not in flagged(matcher, title="橘橘的世界 纪录片 DVD 1997", price=29, currency="CNY")


def test_a_gi_homophone_on_incense_is_beyond_the_gis_goods(matcher: Matcher) -> None:
    found = flagged(matcher, title="辽楠香 线香 檀香 盘香 家用", price=19, currency="CNY", ship_from="福建 泉州")
    assert "gi-liaonan-wine" not in found


def test_tags_by_the_hundred_written_as_a_count_are_labels_sold() -> None:
    assert "防伪标" in listing_wording(light("福耀 玻璃 防伪标 车窗 角标 100张"))[0]
    assert listing_wording(light("福耀 玻璃 防伪标 车窗 角标 2张"))[0] == []


def test_a_two_word_latin_house_is_named_by_its_initials(matcher: Matcher) -> None:
    found = flagged(matcher, title="CT家 口红 哑光 豆沙色 同款", price=39, currency="CNY")
    assert "tm-clara" in found


def test_a_maternity_hospital_bag_is_a_goods_word() -> None:
    from matchers.goods import classify
    from matchers.normalise import norm

    assert 5 in classify(norm("待产包 入院全套 春夏 21件"), "")[0]


def test_a_latin_houses_first_word_names_it_on_its_goods(matcher: Matcher) -> None:
    assert "tm-qvm" in flagged(matcher, title="【微店】QVM 星星耳环 货号A-12 S925 实拍 代理价", price=39, currency="CNY")


@pytest.mark.parametrize("title", ["QVM 飞控 开发板 电源管理 模块", "QVM 起泡酒 750ml 意大利"])
def test_a_latin_houses_first_word_on_other_or_unknown_goods_is_no_lead(matcher: Matcher, title: str) -> None:
    assert "tm-qvm" not in flagged(matcher, title=title, price=99, currency="CNY")


def test_first_words_that_are_words_names_or_pinyin_name_no_house() -> None:
    from matchers.variants import first_word_name

    assert first_word_name("qvm riviera") == "qvm"
    assert [first_word_name(t) for t in ("new balance", "louis vuitton", "yunnan baiyao", "qvm")] == ["", "", "", ""]


def test_a_doubled_mascot_name_heard_otherwise_is_the_mascot_beside_its_event(matcher: Matcher) -> None:
    assert "sm-juju" in flagged(matcher, title="菊菊 柑橘博览会 吉祥物 毛绒 公仔", price=39, currency="CNY")


def test_a_doubled_name_heard_otherwise_without_an_event_is_no_pair(matcher: Matcher) -> None:
    assert "sm-juju" not in pairs(matcher, title="菊菊 毛绒 公仔 小猫", price=39, currency="CNY")


@pytest.mark.parametrize("written, plain", [("ʜᴀɢʟᴏꜰꜱ 冲锋衣", "haglofs 冲锋衣"), ("🇳🇴🇲🇴🇸 手表", "nomos 手表"),
                                            ("ᴄᴇʀᴛɪɴᴀ ᴅꜱ 潜水表", "certina ds 潜水表")])
def test_small_capitals_and_flag_letters_read_as_latin(written: str, plain: str) -> None:
    from matchers.normalise import norm

    assert norm(written) == norm(plain)


def test_a_mark_in_flag_letters_is_a_lead(matcher: Matcher) -> None:
    assert "tm-kovano" in flagged(matcher, title="🇰🇴🇻🇦🇳🇴 活页本 B5", price=9.9, currency="CNY")

"""Contact details read from listing text (index/sellers.py): the spellings sellers use to dodge
filters, the numbers that only look like phones, shop addresses, and the supervision tiers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from index.sellers import (TierThresholds, _plain, address_in_text, assess, confirmation_time, extract_contacts,
                           listing_links, may_hold_contacts, normalise_address, scan_contacts, tier)
from index.store import Transition


def found(text: str) -> set[tuple[str, str]]:
    return {(c.kind, c.value) for c in extract_contacts(text)}


@pytest.mark.parametrize("text", [
    "电话13912345678", "手机：139-1234-5678", "☎ 139 1234 5678", "联系 １３９１２３４５６７８",
    "拿货 1 3 9 1 2 3 4 5 6 7 8", "热线幺三九一二三四五六七八", "tel:+86 139 1234 5678", "0086-13912345678 批发",
    "手机号：139\u200b1234\u200b5678", "微信同号13912345678",
])
def test_a_phone_in_any_spelling_is_the_same_number(text: str) -> None:
    assert found(text) == {("phone", "13912345678")}


@pytest.mark.parametrize("text", [
    "订单号202611261391234567", "条码 6913912345678", "货号：A1391234567801", "运单号 SF1231391234567",
    "价格13800元，满199减20", "尺码 150 160 170 180 190", "型号12913912345", "编号 1391234567",  # 10 digits
    "2026-11-26 13:45 发货", "会员价 ¥1,399.00",
])
def test_numbers_that_only_look_like_phones_are_not_taken(text: str) -> None:
    assert not [c for c in extract_contacts(text) if c.kind == "phone"]


@pytest.mark.parametrize("text, wechat", [
    ("加微信：shop_8866", "shop_8866"), ("V信 Tq58231x", "tq58231x"), ("薇信：kfzx-2024", "kfzx-2024"),
    ("威信号 hello2024", "hello2024"), ("vx：ab12345", "ab12345"), ("加V：zx998877", "zx998877"),
    ("卫星 kefu2024", "kefu2024"), ("wx:bd_10086a", "bd_10086a"), ("徽信 qwe123456", "qwe123456"),
    ("ＷＸ：ｓｈｏｐ１２３４", "shop1234"),
])
def test_wechat_under_its_evasive_labels(text: str, wechat: str) -> None:
    assert ("wechat", wechat) in found(text)


def test_wechat_labels_need_an_id_and_ordinary_words_are_not_ids() -> None:
    assert not found("V领毛衣 秋冬新款 微商城 包邮")
    assert not found("微信支付 支付宝")  # no id after the label
    assert not found("Vintage 复古款 vx")


@pytest.mark.parametrize("text, qq", [("QQ：123456789", "123456789"), ("扣扣 87654321", "87654321"),
                                      ("企鹅号:55667788", "55667788"), ("qq群 700123456", "700123456")])
def test_qq_numbers(text: str, qq: str) -> None:
    assert ("qq", qq) in found(text)


@pytest.mark.parametrize("text, email", [
    ("邮箱 shop.boss@163.com", "shop.boss@163.com"), ("邮箱 abc(at)QQ.com", "abc@qq.com"),
    ("mail: kf2024[at]126.com", "kf2024@126.com"), ("邮箱 ｋｆ＠ｓｉｎａ．ｃｏｍ", "kf@sina.com"),
    ("sale艾特163点com", "sale@163.com"),
])
def test_email_with_its_evasions(text: str, email: str) -> None:
    assert ("email", email) in found(text)


def test_hostile_or_odd_input_gives_nothing_and_does_not_fail() -> None:
    assert extract_contacts(None) == [] and extract_contacts(123) == [] and extract_contacts("") == []
    assert not found('<script>alert("13912345678".length)</script>'.replace("13912345678", "1391234567"))
    assert extract_contacts("\ud800 13912345678") and extract_contacts("x" * 100_000) == []


def test_addresses_are_normalised_to_one_spelling() -> None:
    same = ["江苏省苏州市相城区湖滨路18号", "苏州市相城区湖滨路18号", "江苏省 苏州市 相城区 湖滨路１８号",
            "中国江苏省苏州市相城区湖滨路18号", "苏州市相城区，湖滨路18号。"]
    assert len({normalise_address(a) for a in same}) == 1 and normalise_address(same[0])
    assert normalise_address("苏州市相城区湖滨路19号") != normalise_address(same[0])
    assert normalise_address("上海市闵行区人民路5号") == normalise_address("上海市 闵行区 人民路５号")
    assert normalise_address("见详情") == "" and normalise_address(None) == ""


def test_an_address_stated_in_a_description() -> None:
    text = "正品保证。店铺地址：浙江省义乌市福田街道商城大道88号，欢迎光临"
    assert address_in_text(text) == normalise_address("义乌市福田街道商城大道88号")
    assert address_in_text("发货快 地址随机") == ""


def test_listing_links_take_every_text_field_the_address_and_the_photo() -> None:
    listing = {"title": "耐克 加V：tq58231x", "description": "电话 139-1234-5678", "seller_name": "QQ 123456789店",
               "shop_address": "江苏省苏州市相城区湖滨路18号"}
    links = set(listing_links(listing, image_phash="c3d4e5f6a7b8c9d0"))
    assert links == {("wechat", "tq58231x"), ("phone", "13912345678"), ("qq", "123456789"),
                     ("address", normalise_address("苏州市相城区湖滨路18号")), ("image", "c3d4e5f6a7b8c9d0")}
    assert ("image", "zz") not in listing_links(listing, image_phash="zz")
    fallback = listing_links({"description": "实体店：广东省广州市白云区人民路5号"})
    assert fallback == [("address", normalise_address("广州市白云区人民路5号"))]


# The labels, separators and values the patterns look for (every script of digits, the e-mail
# evasions), and ordinary listing text around them.
LABELS = ["微信", "威信", "薇信", "徽信", "维信", "唯信", "卫星", "V信", "v❤", "VX", "wx", "WX", "WeChat", "weixin", "加V", "+v",
          "加微", "+薇", "V", "微", "QQ", "qq", "扣扣", "抠抠", "企鹅", "q号", "Q群", "电话", "+86", "0086-", "", "shop"]
SEPARATORS = ["", " ", "：", ":", "号", "=", "\u200b", "-"]
VALUES = ["shop_8866", "Tq58231x", "ｓｈｏｐ１２３４", "13912345678", "139 1234 5678", "1 3 9 1 2 3 4 5 6 7 8",
          "幺三九一二三四五六七八", "１３９１２３４５６７８", "٣٩١٢٣٤٥٦٧٨١", "123456789", "55667", "kf(at)qq.com",
          "kf[AT]126点com", "kf艾特163.com", "kf圈A163.com", "kf at 163.com", "ｋｆ＠ｓｉｎａ．ｃｏｍ", "boss@163.cn", "2026"]
NOISE = ["", "耐克", "正品 ", "，", "包邮", "8", "A", "元"]


def test_texts_skipped_as_holding_no_contact_hold_none() -> None:
    """The shortcut (most texts are never scanned) against the full scan of every text, on every
    label × separator × value (each filter sign left out is caught here)."""
    for label in LABELS:
        for separator in SEPARATORS:
            for value in VALUES:
                text = f"{NOISE[len(label) % len(NOISE)]}{label}{separator}{value}{NOISE[len(value) % len(NOISE)]}"
                plain = _plain(text)
                assert extract_contacts(text) == scan_contacts(plain), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LABELS + SEPARATORS + VALUES + NOISE), max_size=12).map("".join) | st.text(max_size=60))
def test_random_text_gives_the_same_contacts_with_the_shortcut(text: str) -> None:
    plain = _plain(text)
    full = scan_contacts(plain)
    assert extract_contacts(text) == full
    assert may_hold_contacts(plain) or full == []


NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
T = TierThresholds(watch=1, warning=3, key_supervision=5, recency_days=180)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("count, expected", [(0, "none"), (1, "watch"), (2, "watch"), (3, "warning"),
                                             (4, "warning"), (5, "key_supervision"), (50, "key_supervision")])
def test_tiers_at_their_thresholds(count: int, expected: str) -> None:
    assert tier(count, ago(1), NOW, T) == expected


def test_recency_window_edges() -> None:
    assert tier(5, ago(180), NOW, T) == "key_supervision"
    assert tier(5, ago(180.01), NOW, T) == "none"
    assert tier(5, None, NOW, T) == "none"


def test_assess_counts_only_confirmations_inside_the_window() -> None:
    times = [ago(d) for d in (1, 10, 100, 179)] + [ago(d) for d in (181, 300, 400)]
    result = assess(times, NOW, T)
    assert (result.tier, result.recent, result.older) == ("warning", 4, 3)
    assert result.next_tier == "key_supervision" and result.needed_for_next == 1
    assert result.last_confirmed == ago(1)
    old = assess([ago(400)] * 9, NOW, T)
    assert (old.tier, old.recent, old.older, old.needed_for_next) == ("none", 0, 9, 1)
    top = assess([ago(1)] * 5, NOW, T)
    assert top.tier == "key_supervision" and top.next_tier is None and top.needed_for_next == 0


def test_thresholds_come_from_config_and_are_checked() -> None:
    from markwatch.config import ConfigError, load_config

    config = load_config(environ={"MARKWATCH_TIER_WARNING_CONFIRMED": "2", "MARKWATCH_TIER_RECENCY_DAYS": "30"})
    thresholds = TierThresholds.from_config(config)
    assert (thresholds.watch, thresholds.warning, thresholds.key_supervision, thresholds.recency_days) == (1, 2, 5, 30)
    assert tier(2, ago(10), NOW, thresholds) == "warning" and tier(2, ago(31), NOW, thresholds) == "none"
    with pytest.raises(ConfigError, match="tier_watch_confirmed"):
        load_config(environ={"MARKWATCH_TIER_WARNING_CONFIRMED": "9"})
    with pytest.raises(ValueError, match="watch <= warning"):
        TierThresholds(watch=3, warning=2)


def test_a_lead_counts_from_its_latest_confirmation_unless_dismissed_or_contested() -> None:
    history = [Transition("x", "new", "confirmed", ago(50), "ana"), Transition("x", "confirmed", "dismissed", ago(40), "ana"),
               Transition("x", "dismissed", "confirmed", ago(30), "bo"), Transition("x", "confirmed", "notified", ago(29), "sys")]
    assert confirmation_time("notified", history) == ago(30)
    assert confirmation_time("dismissed", history) is None
    assert confirmation_time("counter_notice", history) is None
    assert confirmation_time("new", []) is None

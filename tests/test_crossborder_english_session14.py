"""Session 14 (issue 11): cross-border English listings, where the Chinese cue words are not written.

Three ways an English listing of a counterfeit got no lead although the mark stood in its title:
- a power or size written between the mark and the goods word (UGREEN 65W GaN Charger) read as the
  model name of a device the charger fits, so the listing looked referential (a part for a UGREEN);
- an English service word heading a product's name (Soothing Repair Cream) read as a repair service;
- the English words of copies and refills (unbranded repack, super copy, dupe) were no counterfeit
  wording: only replica, mirror, AAA and 1to1 were.
The rights below are of this file's own choosing (none is in a labelled set's register).
"""

from __future__ import annotations

import pytest

from matchers.matcher import Matcher
from matcher_helpers import flagged, matcher_on, pairs

REGISTER = """\
rights:
  - {id: tm-voltra, kind: trademark, name: VOLTRA, holder: Voltra Power Ltd, nice_classes: [9], reference_price: 199}
  - {id: tm-oppo, kind: trademark, name: OPPO, holder: OPPO广东移动通信有限公司, nice_classes: [9], reference_price: 2999}
  - {id: tm-calmia, kind: trademark, name: CALMIA, holder: Calmia Cosmetics SA, nice_classes: [3], reference_price: 260}
  - {id: tm-haier, kind: trademark, name: 海尔, variants: [Haier], holder: 海尔集团公司, nice_classes: [7, 11], reference_price: 2999}
  - {id: tm-lumora, kind: trademark, name: LUMORA, holder: Lumora Home Inc, nice_classes: [3], reference_price: 180}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def _listing(title: str, price: float, currency: str = "USD", **more: object) -> dict:
    return {"title": title, "price": price, "currency": currency, "platform": "aliexpress", **more}


def _reasons(matcher: Matcher, right: str, **listing: object) -> list[str]:
    return pairs(matcher, **listing)[right].reasons


@pytest.mark.parametrize("title", [
    "VOLTRA 65W GaN Charger USB C Fast Charging",
    "VOLTRA 20W 3A Fast Charger PD",
    "VOLTRA 10000mAh Power Bank Slim",
])
def test_a_quantity_between_mark_and_goods_is_no_model_it_fits(matcher: Matcher, title: str) -> None:
    reasons = _reasons(matcher, "tm-voltra", **_listing(title, 3.9))
    assert not any("referential" in r for r in reasons), reasons
    assert "tm-voltra" in flagged(matcher, **_listing(title, 3.9))


def test_a_model_name_between_mark_and_part_is_still_referential(matcher: Matcher) -> None:
    reasons = _reasons(matcher, "tm-oppo", **_listing("OPPO Reno11 手机膜 钢化膜 高清", 9.9, "CNY"))
    assert any("referential" in r for r in reasons), reasons


def test_repair_heading_a_product_name_is_no_service(matcher: Matcher) -> None:
    listing = _listing("CALMIA Soothing Repair Cream 50g sensitive skin", 4.5)
    assert not any("service" in r for r in _reasons(matcher, "tm-calmia", **listing))
    assert "tm-calmia" in flagged(matcher, **listing)


def test_a_repair_service_naming_the_brand_is_still_service(matcher: Matcher) -> None:
    reasons = _reasons(matcher, "tm-haier", **_listing("Haier washing machine repair service at home", 30))
    assert any("service" in r for r in reasons), reasons


@pytest.mark.parametrize("title, cue", [
    ("LUMORA Body Wash 1L, bulk lot of 6, unbranded repack", "unbranded"),
    ("LUMORA Night Cream super copy 50ml", "super copy"),
    ("LUMORA Glow Serum dupe 30ml best price", "dupe"),
])
def test_english_copy_and_refill_words_are_counterfeit_wording(matcher: Matcher, title: str, cue: str) -> None:
    reasons = _reasons(matcher, "tm-lumora", **_listing(title, 12))
    assert any(r.startswith("counterfeit wording") and cue in r for r in reasons), reasons


def test_a_denied_copy_word_is_no_counterfeit_wording(matcher: Matcher) -> None:
    reasons = _reasons(matcher, "tm-lumora", **_listing("LUMORA Night Cream 50ml authentic, not a dupe", 25))
    assert not any(r.startswith("counterfeit wording") for r in reasons), reasons


def test_inspired_by_the_mark_is_counterfeit_wording(matcher: Matcher) -> None:
    reasons = _reasons(matcher, "tm-lumora", **_listing("Inspired by Lumora Night Cream 50ml", 6))
    assert any(r.startswith("counterfeit wording") and "inspired by" in r for r in reasons), reasons


@pytest.mark.parametrize("text, cue", [("羽绒服 剪标 特价 清仓", "剪标"), ("面霜 刮码 专柜货", "刮码"),
                                       ("大牌同源 面霜 50ml", "大牌同源")])
def test_labels_cut_and_same_source_are_counterfeit_wording(text: str, cue: str) -> None:
    from matchers.normalise import norm
    from matchers.wording import counterfeit_words

    assert cue in counterfeit_words(norm(text))


def test_a_foods_tcm_claim_is_no_same_source_wording() -> None:
    from matchers.normalise import norm
    from matchers.wording import counterfeit_words

    assert counterfeit_words(norm("药食同源 山药粉 500g")) == []

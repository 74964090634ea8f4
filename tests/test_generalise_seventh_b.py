"""Nicknames, context and false alarms (issue 11, helper gen-b, session 8), each on rights and listings
written here (in none of the evaluation sets' registers): famous brands' nicknames and product lines
(matchers/data/brand_names.yaml) telling which house an "X家" means, a mark inside another famous
brand's name, a special mark in its ordinary sense, GI dodges, and multi-right bundles.
"""

from __future__ import annotations

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

"""A bent spelling twice removed from a mark — a homophone of one of its characters' look-alikes, which
``canon`` lets meet the mark's shape keys (口 sounds like 寇, and 寇 is drawn like 宝) — that is itself an
everyday word is no candidate: 出口 (export) for a mascot 出宝, 小时 for a mark 米小 bent. One bend is kept
(a look-alike 出室, a homophone 出保), and a two-bend spelling that is no word stays a shape hit (出寇 is
drawn like nothing, but sellers do type such things). Rights and listings written here."""

from __future__ import annotations

from pathlib import Path

from matcher_helpers import matcher_on, pairs
from matchers.candidates import _bent_twice

REGISTER = """\
rights:
  - {id: sm-chubao, kind: special_mark, name: 出宝, holder: 出宝博览会组委会, authorized_sellers: [出宝官方旗舰店], reference_price: 99}
"""


def test_two_bends_are_told_from_one() -> None:
    assert _bent_twice("出口", "出宝")  # 口 ~ 寇 (sound), 寇 ~ 宝 (shape)
    assert not _bent_twice("出室", "出宝")  # drawn like it
    assert not _bent_twice("出保", "出宝")  # sounds like it
    assert not _bent_twice("出宝", "出宝")


def test_an_everyday_word_twice_removed_is_no_candidate(tmp_path: Path) -> None:
    matcher = matcher_on(REGISTER, tmp_path)
    assert "sm-chubao" not in pairs(matcher, title="出口转内销 同款 羽绒服 男款", price=199, currency="CNY")
    found = pairs(matcher, title="出寇 吉祥物 公仔 同款", price=19, currency="CNY")
    assert "sm-chubao" in found  # two bends but no word: still a candidate
    assert "sm-chubao" in pairs(matcher, title="出室 吉祥物 公仔 同款", price=19, currency="CNY")

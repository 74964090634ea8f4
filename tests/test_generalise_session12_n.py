"""A mark written with ONE character swapped for a character drawn like it beyond the pre-generated shape keys
(gen-n, issue 11 session 12): the one-hole check of matchers/shape_holes.py, on rights written here (in none of
the evaluation sets' registers: checked with grep).

Each pair used below is drawn alike by the broad measure only (the broad glyph table, a rare character, an alike
beyond an ordinary mark's bound), so the automaton's keys do not meet it: the tests that a bend is found fail
without the check (``without_holes``).
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on, pairs
from matchers.candidates import find_candidates, listing_texts
from matchers.matcher import Matcher
from matchers.shape_holes import broad_alike, build_hole_index, glyph_alike_broad, hole_hits, loose_common_pairs
from matchers.variants import glyph_alike, shape_alike

REGISTER = """\
rights:
  - {id: tm-fantu, kind: trademark, name: 帆途, holder: 帆途户外用品有限公司, nice_classes: [25], reference_price: 399}
  - {id: tm-bachitong, kind: trademark, name: 霸驰通, holder: 霸驰通电子有限公司, nice_classes: [9], reference_price: 199}
  - {id: tm-hongpai, kind: trademark, name: 泓派雅居, holder: 泓派家居有限公司, nice_classes: [20], reference_price: 2999}
  - {id: tm-muhele, kind: trademark, name: 牧禾乐, holder: 牧禾乐服饰有限公司, nice_classes: [25], reference_price: 199}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def _hows(matcher: Matcher, title: str, holes: bool = True) -> dict[str, list[tuple[str, str]]]:
    """Right id → (how, seen) of its candidate hits for a title (goods from the title), with or without the
    one-hole check."""
    from matchers.goods import classify

    compiled = matcher.compiled
    kept = compiled.holes
    if not holes:
        compiled.holes = None
    try:
        texts = listing_texts({"title": title}).norm
        votes, _ = classify(texts["title"], "")
        found = find_candidates(compiled, texts, list(votes) or None)
    finally:
        compiled.holes = kept
    return {compiled.rights[r].id: [(h.how, h.seen) for h in hits] for r, hits in found.items()}


@pytest.mark.parametrize("title, right, seen", [
    ("帜途 冲锋衣 男 防水 户外", "tm-fantu", "帜途"),  # 帜/帆: a broad glyph alike (0.73), no narrow table's
    ("霜驰通 蓝牙耳机 无线 降噪", "tm-bachitong", "霜驰通"),  # 霜/霸: the same, first position kept
    ("泓泒雅居 实木床 1.8米 双人床", "tm-hongpai", "泓泒雅居"),  # 泒, a rare character drawn like 派
])
def test_a_broad_alike_in_one_position_is_a_shape_candidate(matcher: Matcher, title: str, right: str,
                                                            seen: str) -> None:
    assert ("shape", seen) in _hows(matcher, title)[right]
    assert right not in _hows(matcher, title, holes=False)  # the automaton's keys do not meet it
    assert right in flagged(matcher, title=title, price=39)


def test_the_reason_says_shape_alike(matcher: Matcher) -> None:
    found = pairs(matcher, title="霜驰通 蓝牙耳机 无线 降噪", price=39)["tm-bachitong"]
    assert any("shape-alike 霜驰通 of 霸驰通" in reason for reason in found.reasons)


def test_the_middle_of_a_three_character_mark(matcher: Matcher) -> None:
    bent = next(ch for ch in sorted(broad_alike()["禾"]) if ch not in shape_alike().get("禾", "")
                and "禾" not in shape_alike().get(ch, "") and "\u4e00" <= ch <= "\u9fff")
    index = build_hole_index([(0, "牧禾乐")])
    assert hole_hits(index, f"新款 牧{bent}乐 卫衣") == [(0, 3, 6)]


@pytest.mark.parametrize("title", [
    "帜途 蓝牙耳机 无线",  # a two-character ordinary mark off its goods (class 9, not 25)
    "霜驰车 蓝牙耳机",  # two positions bent
    "霸驰道 蓝牙耳机",  # the third character no alike of 通
])
def test_no_candidate_beyond_one_alike_position_or_off_the_goods(matcher: Matcher, title: str) -> None:
    assert not {"tm-fantu", "tm-bachitong"} & _hows(matcher, title).keys()


def test_two_character_marks_need_known_goods(matcher: Matcher) -> None:
    index = build_hole_index([(0, "帆途"), (1, "霸驰通")])
    assert (0, 0, 2) in hole_hits(index, "帜途")
    assert "tm-fantu" in _hows(matcher, "帜途 冲锋衣")
    assert "tm-fantu" not in _hows(matcher, "帜途")  # goods unknown: not the two-character mark (as its keys)
    assert "tm-bachitong" in _hows(matcher, "霜驰通")  # but a longer one


def test_an_everyday_word_is_no_two_character_bend(matcher: Matcher, tmp_path) -> None:
    """新鲜 is a word: no bend of a mark 新舒 (舒/鲜 drawn alike or not), while 新舍 is."""
    assert "鲜" in broad_alike()["舒"] and "舍" in broad_alike()["舒"]
    own = matcher_on("rights:\n  - {id: tm-xinshu, kind: trademark, name: 新舒, holder: 新舒食品有限公司, "
                     "nice_classes: [29, 30, 31], reference_price: 59}\n", tmp_path)
    assert hole_hits(own.compiled.holes, "新鲜") and "tm-xinshu" not in _hows(own, "新鲜 水果 苹果")
    assert "tm-xinshu" in _hows(own, "新舍 水果 苹果")


def test_the_kept_characters_must_be_written_as_registered() -> None:
    index = build_hole_index([(0, "泓派雅居")])
    assert hole_hits(index, "泓泒雅居") == [(0, 0, 4)]
    assert hole_hits(index, "洪泒雅居") == []  # a second bend (a homophone of 泓) is no one-hole spelling
    assert hole_hits(index, "泓派雅居") == []  # the mark itself is the automaton's


def test_broad_measure_is_a_union_both_ways() -> None:
    broad = broad_alike()
    for ch, others in list(glyph_alike().items())[:200] + list(glyph_alike_broad().items())[:200]:
        for other in others:
            assert other in broad[ch] and ch in broad[other]
    assert all("\u4e00" <= o <= "\u9fff" for others in glyph_alike_broad().values() for o in others)


def test_a_two_character_mark_takes_no_far_busier_common_character() -> None:
    """强 (12 strokes) is drawn like 疆 (19) by the broad glyph table alone (0.70, a shared 弓 side): with one
    character kept, 云强 is a name of its own, no 云疆. A common character of about as many strokes (缘 12 for 绿
    11) still is a two-character mark's swap, and a longer mark takes 强 (two characters kept)."""
    assert "疆" in glyph_alike_broad()["强"] and "疆" in broad_alike()["强"]
    assert "强疆" in loose_common_pairs() and "疆强" in loose_common_pairs()
    assert "缘绿" not in loose_common_pairs() and "绿" in broad_alike()["缘"]
    index = build_hole_index([(0, "云疆"), (1, "绿联"), (2, "云疆达"), (3, "疆云")])
    assert hole_hits(index, "云强") == []
    assert hole_hits(index, "强云") == []  # the mark's first character swapped
    assert hole_hits(index, "缘联") == [(1, 0, 2)]
    assert (2, 0, 3) in hole_hits(index, "云强达")

"""The fourteenth register's kinds, candidate side (gen-q, issue 11 session 12, second pass), on rights written here
(in no register of the project: checked with grep): a character masked by a symbol (澜* for 澜沁), a long mark's
pinyin initials as a word (ZTXL for 紫藤雪莲), a word of it + 家 (紫藤家), a character split into the parts of its
traditional form (扌昜 for 扬: 揚), and a traditional character norm no longer makes into one beyond the BMP.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on, pairs
from matchers.candidates import find_candidates, listing_texts
from matchers.matcher import Matcher
from matchers.mark_shorthand import family_words, initials_in, initials_of
from matchers.shape_holes import build_hole_index, has_mask, masked_hits

REGISTER = """\
rights:
  - {id: tm-lanqin, kind: trademark, name: 澜沁, holder: 澜沁饮品有限公司, nice_classes: [32], reference_price: 45}
  - {id: tm-yuetang, kind: trademark, name: 悦棠轩, holder: 悦棠轩化妆品有限公司, nice_classes: [3], reference_price: 199}
  - {id: tm-ziteng, kind: trademark, name: 紫藤雪莲, holder: 紫藤雪莲日化有限公司, nice_classes: [3], reference_price: 99}
  - {id: tm-laoren, kind: trademark, name: 老人乐园, holder: 老人乐园玩具有限公司, nice_classes: [28], reference_price: 99}
  - {id: tm-zhonghong, kind: trademark, name: 中国红木, holder: 中国红木家具有限公司, nice_classes: [20], reference_price: 9999}
  - {id: tm-yanghong, kind: trademark, name: 扬鸿, holder: 扬鸿电器有限公司, nice_classes: [11], reference_price: 2499}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def _hows(matcher: Matcher, title: str) -> dict[str, list[tuple[str, str, str]]]:
    """Right id → (how, form kind, seen) of its candidate hits for a title (goods from the title)."""
    from matchers.goods import classify

    compiled = matcher.compiled
    texts = listing_texts({"title": title}).norm
    votes, _ = classify(texts["title"], "")
    found = find_candidates(compiled, texts, list(votes) or None)
    return {compiled.rights[r].id: [(h.how, h.form.kind, h.seen) for h in hits] for r, hits in found.items()}


# --- a masked character -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("title, right, seen", [
    ("澜* 100%果汁 临期 整箱 懂的拍", "tm-lanqin", "澜*"),  # a two-character mark, on its goods
    ("澜○ 果汁 饮料 1L", "tm-lanqin", "澜○"),
    ("悦x轩 面霜 补水 保湿", "tm-yuetang", "悦x轩"),  # the middle of three, a letter x between two characters
    ("悦棠? 面霜 补水", "tm-yuetang", "悦棠?"),
])
def test_a_masked_character_is_a_candidate(matcher: Matcher, title: str, right: str, seen: str) -> None:
    assert ("shape", "name", seen) in _hows(matcher, title).get(right, [])
    assert right in flagged(matcher, title=title, price=19)


def test_the_reason_names_the_masked_spelling(matcher: Matcher) -> None:
    found = pairs(matcher, title="澜* 果汁 整箱 懂的拍", price=19)["tm-lanqin"]
    assert any("澜* of 澜沁" in reason for reason in found.reasons)


@pytest.mark.parametrize("title", [
    "澜* 手机壳 硅胶",  # a two-character mark off its goods
    "澜* 懂的拍",  # goods unknown: one kept character names many marks
])
def test_a_masked_two_character_mark_needs_its_goods(matcher: Matcher, title: str) -> None:
    assert "tm-lanqin" not in _hows(matcher, title)


@pytest.mark.parametrize("text", ["5*5cm 贴纸", "100*200 果汁 尺寸", "澜 3×4 果汁", "澜 果汁×2", "规格? 澜"])
def test_a_count_or_a_measure_is_no_mask(matcher: Matcher, text: str) -> None:
    index = build_hole_index([(0, "澜沁"), (1, "悦棠轩")])
    light = listing_texts({"title": text}).light["title"]
    assert masked_hits(index, light) == [] or not has_mask(light)
    assert "tm-lanqin" not in _hows(matcher, text)


def test_a_wedged_symbol_is_the_mark_not_a_mask(matcher: Matcher) -> None:
    """澜*沁 is the mark written with a symbol wedged in (norm drops it): the automaton's hit, no masked one."""
    assert ("exact", "name", "澜沁") in _hows(matcher, "澜*沁 果汁")["tm-lanqin"]
    assert not any(how == "shape" for how, _, _ in _hows(matcher, "澜*沁 果汁")["tm-lanqin"])


def test_only_the_listing_that_writes_the_mask_is_masked(matcher: Matcher) -> None:
    """澜* 果汁 and 澜果汁 have the same norm text (norm drops the star): the second listing, scanned after the
    first, writes no mask and gets no masked hit."""
    assert ("shape", "name", "澜*") in _hows(matcher, "澜* 果汁")["tm-lanqin"]
    assert not any(seen == "澜*" for _, _, seen in _hows(matcher, "澜果汁").get("tm-lanqin", []))


def test_a_symbol_wedged_between_every_character_is_no_mask() -> None:
    index = build_hole_index([(0, "澜沁")])
    assert masked_hits(index, "澜*京*2*0 t恤") == []
    assert masked_hits(index, "澜* 京 t恤") == [(0, 0, 2)]


def test_masked_hits_keep_every_other_character() -> None:
    index = build_hole_index([(0, "紫藤雪莲"), (1, "悦棠轩")])
    assert masked_hits(index, "紫藤*莲 面霜") == [(0, 0, 4)]
    assert masked_hits(index, "紫腾*莲 面霜") == []  # a second position differs
    assert masked_hits(index, "悦*轩") == [(1, 0, 3)]


# --- pinyin initials and "<word>家" ----------------------------------------------------------------------------------

def test_initials_and_words_of_a_mark() -> None:
    assert initials_of("紫藤雪莲") == "ztxl"
    assert family_words("紫藤雪莲") == ("紫藤", "雪莲")
    assert family_words("悦棠轩") == ()  # three characters: too short for a word of its own + 家
    assert initials_in("ro", "ro同款 卫衣") and not initials_in("ro", "robot 玩具")


def test_initials_as_a_word_on_the_goods(matcher: Matcher) -> None:
    assert ("exact", "pinyin", "ztxl") in _hows(matcher, "ZTXL 面霜 同厂 补水")["tm-ziteng"]
    assert "tm-ziteng" in flagged(matcher, title="ZTXL 面霜 同厂 补水", price=19)
    assert "tm-ziteng" not in _hows(matcher, "ZTXL 手机壳 硅胶")  # off the goods
    assert "tm-ziteng" not in _hows(matcher, "ZTXL2 面霜")  # glued to a digit: a model code


def test_a_three_character_marks_initials_need_one_of_its_characters(matcher: Matcher) -> None:
    assert "tm-yuetang" not in _hows(matcher, "YTX 面霜 补水")
    assert ("exact", "pinyin", "ytx") in _hows(matcher, "YTX 悦 面霜 补水")["tm-yuetang"]


def test_a_word_of_the_mark_and_jia(matcher: Matcher) -> None:
    assert ("exact", "nickname", "紫藤家") in _hows(matcher, "紫藤家 同款 面霜 补水")["tm-ziteng"]
    assert ("exact", "nickname", "雪莲家") in _hows(matcher, "雪莲家 儿童 面霜")["tm-ziteng"]  # 家儿 is no word
    assert "tm-ziteng" in flagged(matcher, title="紫藤家 同款 面霜 补水", price=19)
    assert "tm-ziteng" not in _hows(matcher, "紫藤家 手机壳")  # off the goods


@pytest.mark.parametrize("title, right", [
    ("老人家 玩具 积木 益智", "tm-laoren"),  # 老人家 is an everyday word
    ("中国家具 实木 床", "tm-zhonghong"),  # 家 begins 家具
])
def test_an_everyday_x_jia_is_no_house_name(matcher: Matcher, title: str, right: str) -> None:
    assert not any(kind == "nickname" for _, kind, _ in _hows(matcher, title).get(right, []))


# --- a character split into its traditional form's parts ----------------------------------------------------------

def test_a_split_of_the_traditional_form(matcher: Matcher) -> None:
    """扬 is 揚 traditionally: 扌 + 昜 side by side beside the rest of the mark is the mark."""
    from matchers.variants import side_form_splits

    assert side_form_splits()["扬"] == ("扌昜",)
    assert side_form_splits()["银"] == ("钅艮",)  # a character split as it is simplified keeps that split
    assert "tm-yanghong" in flagged(matcher, title="扌昜鸿 空调 挂机 冷暖", price=1099)


def test_norm_keeps_a_traditional_character_whose_simplified_form_is_beyond_the_bmp() -> None:
    from matchers.normalise import norm

    assert norm("勣") == "勣" and norm("動") == "动"

"""General mechanisms of issue 11's eleventh pass (gen-i: evasions of marks the tables were not written for), each on
rights and listings written here (in none of the evaluation sets' registers):

- kind 1, a rare character drawn like a mark's character, each the other's best by the glyph (冇 for 有, 尨 for 龙;
  rare_glyph_alike.tsv), read as the mark's character, while a character that only sounds like the rare one stays
  no bend;
- kind 2, a mark spelled in pinyin with a polyphonic character read by its second reading (了: le, liǎo);
- kind 3, an emoji that stands for a run of one mark and for one character of another (🇨🇳 中国 / 国): between two
  written characters the reading that completes a mark on both sides wins;
- kind 4, a Greek or Cyrillic letter that Unicode's confusables data does not read, inside a Latin mark (Γ for G,
  Λ for A: letter_stand_ins.tsv), only in a word that mixes scripts; two Latin letters drawn like one (rn for m);
- kind 5, a special mark's short pinyin (a mascot's three letters) in an English listing, only beside an event word.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: tm-yeliaoan, kind: trademark, name: 叶了安, holder: 叶了安药业有限公司, nice_classes: [5], reference_price: 58}
  - {id: tm-youjia, kind: trademark, name: 有嘉, holder: 有嘉食品有限公司, nice_classes: [30], reference_price: 39}
  - {id: tm-qinglonglan, kind: trademark, name: 青龙岚, holder: 青龙岚药业有限公司, nice_classes: [5], reference_price: 88}
  - {id: tm-aiguoxing, kind: trademark, name: 爱国星, holder: 爱国星电子有限公司, nice_classes: [9], reference_price: 159}
  - {id: tm-gloamy, kind: trademark, name: GLOAMY, holder: Gloamy Ltd, nice_classes: [25], reference_price: 899}
  - {id: tm-arven, kind: trademark, name: ARVEN, holder: Arven Ltd, nice_classes: [18], reference_price: 1299}
  - {id: sm-donglanhui, kind: special_mark, name: 中国东岚国际博览会, variants: [东岚会], holder: 东岚博览会组委会}
  - {id: sm-amu, kind: special_mark, name: 阿沐, holder: 东岚博览会组委会}
  - {id: tm-benlan, kind: trademark, name: 奔岚, holder: 奔岚电器有限公司, nice_classes: [11], reference_price: 199}
  - {id: tm-yelaoans, kind: trademark, name: YELIAOANS, holder: Yeliaoans Audio Ltd, nice_classes: [9], reference_price: 399}
  - {id: tm-vomelda, kind: trademark, name: VOMELDA, holder: Vomelda Ltd, nice_classes: [11], reference_price: 599}
  - {id: tm-wistora, kind: trademark, name: WISTORA, holder: Wistora Ltd, nice_classes: [25], reference_price: 599}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


# ------------------------------------------------------------------ kind 1: a rare twin by the glyph
@pytest.mark.parametrize("title, right", [("冇嘉 饼干 零食", "tm-youjia"), ("青尨岚 胶囊 正品", "tm-qinglonglan")])
def test_rare_twin_of_a_marks_character(matcher: Matcher, title: str, right: str) -> None:
    assert flagged(matcher, title=title, price=9) == {right}


@pytest.mark.parametrize("title", ["布嘉 饼干 零食", "不嘉 饼干 零食"])
def test_what_only_sounds_like_the_twin_is_no_bend(matcher: Matcher, title: str) -> None:
    """冇 was read as 布 (its stroke neighbour): a key with 布's sound would make 布嘉 and 不嘉 bends of 有嘉."""
    assert flagged(matcher, title=title, price=9) == set()


def test_twins_are_read_as_the_common_character() -> None:
    from matchers.normalise import canon
    from matchers.variants import rare_glyph_alike

    twins = rare_glyph_alike()
    assert twins["有"] == "冇" and twins["龙"] == "尨"
    assert canon("冇") == canon("有") and canon("尨") == canon("龙")
    assert "口" not in twins  # a busy outline has many rare look-alikes and none is its best both ways


# ------------------------------------------------------------------ kind 2: another reading's pinyin
@pytest.mark.parametrize("title", ["yeliaoan 感冒灵 颗粒", "YeLiaoAn 感冒灵颗粒"])
def test_pinyin_by_a_second_reading(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=9) == {"tm-yeliaoan"}


def test_second_readings_are_a_few_one_character_at_a_time() -> None:
    from matchers.normalise import pinyin_by_other_readings

    assert pinyin_by_other_readings("冯了性") == ["fengliaoxing"]  # 冯 píng (暴虎冯河) is no reading words use
    assert pinyin_by_other_readings("阿胶") == ["ejiao"]
    assert pinyin_by_other_readings("宝水") == []  # no polyphonic character
    assert len(pinyin_by_other_readings("和行乐长重")) == 3  # bounded


def test_a_second_reading_leaves_near_misses_of_other_marks(matcher: Matcher) -> None:
    """yeliaoan is 叶了安 (medicines) read otherwise and one letter from YELIAOANS (earphones): on earphones it is
    the near miss of YELIAOANS, which the exact-only form of another mark does not hide."""
    assert flagged(matcher, title="yeliaoan 蓝牙耳机 降噪", price=39) == {"tm-yelaoans"}


def test_a_second_reading_is_no_near_miss(matcher: Matcher) -> None:
    """The first reading's pinyin is met one letter off (yeleam); the second's only as written."""
    assert flagged(matcher, title="yeliaoam 感冒灵 颗粒", price=9) == set()


# ------------------------------------------------------------------ kind 3: an emoji between two characters
def test_emoji_read_as_the_character_that_completes_the_mark(matcher: Matcher) -> None:
    """🇨🇳 is 中国, a run of 中国东岚国际博览会, and 国 of 爱国星: between 爱 and 星 only 国 makes both pairs."""
    assert flagged(matcher, title="爱🇨🇳星 U盘 64G", price=29) == {"tm-aiguoxing"}


def test_emoji_run_still_read_where_it_fits(matcher: Matcher) -> None:
    assert "sm-donglanhui" in flagged(matcher, title="🇨🇳东岚国际博览会 纪念 徽章", price=29)


def test_emoji_that_pictures_a_two_character_marks_other_character(matcher: Matcher) -> None:
    """🐎 is a horse (马): 奔马 is a galloping horse, so 🐎岚 is 奔岚; 🔥 pictures nothing of it."""
    assert flagged(matcher, title="🐎岚 电暖器 取暖器 家用", price=39) == {"tm-benlan"}
    assert flagged(matcher, title="🔥岚 电暖器 取暖器 家用", price=39) == set()


def test_emoji_that_repeats_the_written_character_is_no_slot() -> None:
    from matchers.normalise import norm
    from matchers.rebus import build_table, substitute

    table = build_table([norm("金龙"), norm("奔岚")])
    assert substitute(table, "🐉龙 摆件") is None  # 龙 twice, not 金 of 金龙
    assert substitute(table, "🐎岚 电暖器") == "奔岚 电暖器"


# ------------------------------------------------------------------ kind 4: Greek and Cyrillic letters
@pytest.mark.parametrize("title, right", [("ΓLOAMY 卫衣 男 加绒", "tm-gloamy"), ("ГLOAMY hoodie 卫衣", "tm-gloamy"),
                                          ("ΛRVΣN 手提包 女 真皮", "tm-arven")])
def test_letter_of_another_script_inside_a_latin_mark(matcher: Matcher, title: str, right: str) -> None:
    assert flagged(matcher, title=title, price=99) == {right}


def test_a_greek_word_stays_greek(matcher: Matcher) -> None:
    assert flagged(matcher, title="Γλώσσα βιβλίο 希腊语 教材", price=99) == set()


def test_stand_ins_leave_the_confusables_to_unicode() -> None:
    from matchers.variants import letter_stand_ins

    table = letter_stand_ins()
    assert table["γ"][0] == "g" and "a" in table["λ"] and "r" in table["я"]
    assert "α" not in table and "о" not in table  # drawn exactly like a and o: the confusables data reads them


@pytest.mark.parametrize("title, right", [("VORNELDA 加湿器 家用 静音", "tm-vomelda"), ("VVISTORA 卫衣 男", "tm-wistora")])
def test_two_letters_drawn_like_one(matcher: Matcher, title: str, right: str) -> None:
    """rn is drawn like m and vv like w in most fonts: one Unicode character each, so no confusables entry."""
    assert flagged(matcher, title=title, price=99) == {right}


def test_letter_runs_that_make_an_english_word_are_no_key() -> None:
    from matchers.normalise import canon
    from matchers.variants import letter_run_keys

    keys = letter_run_keys([(0, "modem", False), (1, "deerma", True)], canon, set())
    assert canon("deerrna") in keys and canon("modern") not in keys  # modern is a word: no bend of MODEM


# ------------------------------------------------------------------ kind 5: a mascot's short pinyin
@pytest.mark.parametrize("title", ["Donglan Expo mascot Amu plush", "Amu mascot keychain", "东岚会 吉祥物 Amu 公仔"])
def test_short_pinyin_of_a_special_mark_beside_an_event_word(matcher: Matcher, title: str) -> None:
    assert "sm-amu" in flagged(matcher, title=title, price=19)


@pytest.mark.parametrize("title", ["Amu plush toy", "amu 毛绒 公仔 卡通"])
def test_short_pinyin_alone_is_no_mark(matcher: Matcher, title: str) -> None:
    assert "sm-amu" not in flagged(matcher, title=title, price=19)

"""General mechanisms of issue 11's tenth pass, second round (gen-g: evasions of marks nobody tuned on), each on
rights and listings written here (in none of the evaluation sets' registers):

- kind 2, a digit for a mark's character by meaning (②/Ⅱ/２/2/贰 for 双 "a pair", 1 for 单);
- kind 3, a variant character opencc's t2s leaves alone (邨 for 村), read through opencc's variants tables;
- kind 4 (a guard: it passed before this pass), the letters of a two-word Latin mark spaced one by one;
- kind 1, a mark's character with one common radical added or dropped (佳 for 圭, 斿 for 游; radical_alike.tsv);
- kind 6, a special mark's year in Roman numerals (MMXI for 2011), only a year the register's marks hold.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: tm-shuangyun, kind: trademark, name: 双韵, holder: 双韵鞋业有限公司, nice_classes: [25], reference_price: 399}
  - {id: tm-danqiao, kind: trademark, name: 单桥, holder: 单桥五金有限公司, nice_classes: [8], reference_price: 199}
  - {id: tm-fengcun, kind: trademark, name: 枫村, holder: 枫村食品有限公司, nice_classes: [30], reference_price: 59}
  - {id: sm-vela, kind: special_mark, name: 维拉女子世界杯2011, variants: [Vela Women's World Cup 2011],
     holder: 维拉世界杯组委会, nice_classes: [], reference_price: 99}
  - {id: tm-kellan, kind: trademark, name: KELLAN BROOKE, holder: Kellan Brooke Ltd, nice_classes: [18, 25],
     reference_price: 2999}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


# ------------------------------------------------------------------ kind 2: a digit by meaning
@pytest.mark.parametrize("title", ["②韵 运动鞋 男款", "Ⅱ韵 运动鞋 男款", "２韵 运动鞋 男款", "2韵 运动鞋 男款", "贰韵 运动鞋 男款"])
def test_digit_for_a_character_by_meaning(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=89) == {"tm-shuangyun"}


def test_one_for_single(matcher: Matcher) -> None:
    assert flagged(matcher, title="1桥 扳手 套装 五金工具", price=39) == {"tm-danqiao"}


# ------------------------------------------------------------------ kind 3: variant characters
def test_variant_character_beyond_t2s(matcher: Matcher) -> None:
    assert flagged(matcher, title="枫邨 月饼 礼盒 中秋", price=19) == {"tm-fengcun"}


# ------------------------------------------------------------------ kind 4: spaced letters of a two-word mark
def test_spaced_letters_of_a_two_word_mark(matcher: Matcher) -> None:
    assert flagged(matcher, title="K E L L A N B R O O K E 手提包 女", price=199) == {"tm-kellan"}


# ------------------------------------------------------------------ kind 6: Roman-numeral years
@pytest.mark.parametrize("title", ["Vela Women's World Cup MMXI 纪念 T恤", "维拉女子世界杯MMXI 纪念 徽章"])
def test_roman_year_of_a_special_mark(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=59) == {"sm-vela"}


def test_roman_years_only_of_the_register() -> None:
    from matchers.normalise import norm
    from matchers.rebus import build_table, substitute

    table = build_table([norm("维拉女子世界杯2011"), norm("Vela Women's World Cup 2011")])
    assert table.years == {"mmxi": "2011"}
    assert substitute(table, "Vela Cup MMXI") == "Vela Cup 2011"
    assert substitute(table, "Vela Cup MMVII MIX") is None  # 2007 is no mark's year; mix is a word


# ------------------------------------------------------------------ kind 1: a radical added or dropped
RADICAL_REGISTER = """\
rights:
  - {id: tm-guilan, kind: trademark, name: 圭兰, holder: 圭兰化妆品有限公司, nice_classes: [3], reference_price: 129}
  - {id: tm-youlan, kind: trademark, name: 游岚, holder: 游岚户外用品有限公司, nice_classes: [25], reference_price: 399}
"""


@pytest.fixture(scope="module")
def radical_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(RADICAL_REGISTER, tmp_path_factory.mktemp("radical"))


@pytest.mark.parametrize("title, right", [
    ("佳兰 面霜 补水 保湿", "tm-guilan"),     # 亻 added to 圭
    ("斿岚 冲锋衣 防水 外套", "tm-youlan"),   # 氵 dropped from 游
])
def test_radical_added_or_dropped(radical_matcher: Matcher, title: str, right: str) -> None:
    assert right in flagged(radical_matcher, title=title, price=39)


def test_radical_alike_table() -> None:
    from matchers.variants import radical_alike, shape_alike

    assert "僮" in radical_alike()["童"] and "童" in radical_alike()["僮"]
    assert "斿" in radical_alike()["游"] and "斿" in shape_alike()["游"]

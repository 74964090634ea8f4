"""General mechanisms of issue 11's twelfth session, second pass (gen-p), each on rights and listings written here
(in none of the evaluation sets' registers):

- mascot attribution (docs/labelling.md, special marks): "<event>吉祥物 <mascot>", the mascot with the event as a
  trailing keyword or only in the description, is the mascot's right alone; "<event>吉祥物同款" without the mascot's
  name is the event's only mascot; the event's right stays where its name is a selling term of its own.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher

REGISTER = """\
rights:
  - {id: sm-xilanhui, kind: special_mark, name: 中国—西澜博览会, variants: [西澜会, Xilan Expo], holder: 西澜博览会组委会}
  - {id: sm-lanlan, kind: special_mark, name: 澜澜, variants: [Lanlan], holder: 西澜博览会组委会}
  - {id: sm-beiling, kind: special_mark, name: 北岭运动会, holder: 北岭运动会组委会}
  - {id: sm-lingling, kind: special_mark, name: 岭岭, holder: 北岭运动会组委会}
  - {id: sm-yueyue, kind: special_mark, name: 岳岳, holder: 北岭运动会组委会}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("session12_p"))


@pytest.mark.parametrize("title, description", [
    ("西澜会吉祥物 澜澜 毛绒公仔", ""),  # the event glued to 吉祥物: whose mascot it is
    ("澜澜 公仔 西澜会吉祥物", ""),
    ("澜澜 吉祥物 钥匙扣 亚克力 西澜会", ""),  # the event as a trailing keyword
    ("澜澜 吉祥物 毛绒公仔 小鱼 玩偶", "中国—西澜博览会 同款"),  # the event only in the description
    ("Xilan Expo mascot Lanlan plush toy", ""),
])
def test_event_naming_whose_mascot_is_the_mascot_alone(matcher: Matcher, title: str, description: str) -> None:
    assert flagged(matcher, title=title, description=description, price=29) == {"sm-lanlan"}


@pytest.mark.parametrize("title", [
    "西澜会 澜澜 吉祥物 礼盒 套装",  # the event heads the title, a term of its own: both
    "西澜会 吉祥物 澜澜 毛绒公仔",  # the event, then the word mascot, written apart: the event and its mascot
])
def test_event_as_a_selling_term_keeps_both(matcher: Matcher, title: str) -> None:
    assert flagged(matcher, title=title, price=49) == {"sm-xilanhui", "sm-lanlan"}


def test_mascot_look_alike_is_the_events_only_mascot(matcher: Matcher) -> None:
    assert flagged(matcher, title="西澜会吉祥物同款 蓝色小鱼 毛绒公仔", price=28) == {"sm-lanlan"}


def test_look_alike_of_an_event_with_several_mascots_stays_the_events(matcher: Matcher) -> None:
    """Which of 岭岭 and 岳岳 the copy is of is unknown: the event's right stays, no mascot is guessed."""
    assert flagged(matcher, title="北岭运动会吉祥物同款 小鹿 公仔", price=28) == {"sm-beiling"}


def test_without_the_word_mascot_nothing_moves(matcher: Matcher) -> None:
    assert flagged(matcher, title="西澜会 纪念徽章 金属 胸针", price=15) == {"sm-xilanhui"}

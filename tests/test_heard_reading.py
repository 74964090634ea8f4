"""A rare variant form read both ways on the listing side (normalise.heard_key, candidates._heard_hits).

彊 is a variant Unihan makes 强, so canon reads it as 强; yet it is drawn and first read like 疆 (jiāng), and a
seller types 彊 for a mark holding 疆. The listing gets the sound reading as well, while the plain 强 still meets
only 强's marks. Rights written here, in no evaluation register.
"""

from __future__ import annotations

import pytest

from matcher_helpers import flagged, matcher_on
from matchers.matcher import Matcher
from matchers.normalise import canon, heard_key, norm

REGISTER = """\
rights:
  - {id: tm-yunjiang, kind: trademark, name: 云疆, holder: 云疆智能科技有限公司, nice_classes: [9, 12], reference_price: 4999}
  - {id: tm-huaqiang, kind: trademark, name: 华强, holder: 华强电器有限公司, nice_classes: [11], reference_price: 899}
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_on(REGISTER, tmp_path_factory.mktemp("register"))


def test_variant_typed_for_the_mark_it_sounds_like(matcher: Matcher) -> None:
    assert flagged(matcher, title="云彊 无人机 航拍 4K 高清", price=699) == {"tm-yunjiang"}


def test_the_common_character_it_folds_onto_is_not_the_mark(matcher: Matcher) -> None:
    assert flagged(matcher, title="云强 无人机 航拍 4K 高清", price=699) == set()


def test_the_variant_still_reads_as_the_character_unihan_makes_it(matcher: Matcher) -> None:
    assert flagged(matcher, title="华彊 电暖器 家用 取暖", price=99) == {"tm-huaqiang"}


def test_heard_key_only_for_texts_holding_such_a_variant() -> None:
    for text in ("云强 无人机", "大疆 无人机", "plain latin text"):
        normed = norm(text)
        assert heard_key(normed, canon(normed)) is None
    normed = norm("云彊 无人机")
    heard = heard_key(normed, canon(normed))
    assert heard is not None and heard == canon(norm("云疆 无人机"))

"""An "X家" nickname beside a product line of a famous house the register does not hold names none of
the register's houses of that initial (issue 11): B家 沙漏包 is Balenciaga's hourglass bag, not the
register's Boucheron. The rule is matcher._other_house_told, over brand_names.yaml's lines."""

from __future__ import annotations

from pathlib import Path

from matcher_helpers import flagged, matcher_on

REGISTER = """rights:
  - {id: tm-boucheron, kind: trademark, name: BOUCHERON, variants: [宝诗龙], holder: Boucheron SAS, nice_classes: [14, 18], well_known: true, reference_price: 30000}
  - {id: tm-bally, kind: trademark, name: BALLY, variants: [巴利], holder: Bally, nice_classes: [18, 25], reference_price: 5500}
"""


def test_an_initial_beside_another_famous_houses_line_names_none_of_the_register(tmp_path: Path) -> None:
    own = matcher_on(REGISTER, tmp_path)
    where = "福建 莆田"
    assert not flagged(own, title="B家 沙漏包 小号 原单", price=399, ship_from=where)
    assert not flagged(own, title="B家 格纹 围巾 原单", price=399, ship_from=where)
    assert flagged(own, title="B家 Quatre 戒指 原单", price=399, ship_from=where) == {"tm-boucheron"}
    assert flagged(own, title="B家 Pennant 板鞋 原单", price=399, ship_from=where) == {"tm-bally"}

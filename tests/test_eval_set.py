"""The held-out evaluation set is well-formed and its labels follow docs/labelling.md.

These checks are independent of the matcher: they re-derive what the policy says from the register,
the gazetteer and the listing text, so a mislabelled row fails here, not in a score.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from markwatch.contracts import LabelledListing, Register, Right
from matchers.gazetteer import Place, load_gazetteer

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "matchers" / "data" / "eval"
EVAL = EVAL_DIR / "eval.jsonl"
REGISTER = Register.model_validate(yaml.safe_load((ROOT / "matchers" / "data" / "demo_register.yaml")
                                                  .read_text(encoding="utf-8")))
RIGHTS = {r.id: r for r in REGISTER.rights}

INFRINGING_CASES = {"tm_plain", "tm_homophone", "tm_shape", "tm_pinyin", "tm_letter_swap", "tm_spacing",
                    "tm_traditional", "tm_emoji", "tm_nickname", "tm_brand_field", "tm_description_only",
                    "tm_wording", "gi_outside", "gi_unknown_origin", "gi_dodge", "sm_unlicensed"}
CLEAN_CASES = {"tm_official", "tm_resale", "tm_referential", "tm_wordsense", "gi_inside", "gi_official",
               "sm_official", "sm_wordsense", "unrelated", "unrelated_same_goods"}
MIXED_CASES = {"tm_cross_class"}
MIN_PER_CASE = 10
COUNTERFEIT = ["高仿", "A货", "超A", "1:1", "原单", "复刻", "纯原", "公司级", "尾单", "专柜同款", "大牌平替",
               "replica", "AAA", "mirror"]
# The part of each GI name that a claim (name, variant or dodge such as 阳澄湖镇 / 阳澄湖发) always keeps.
GI_STEMS = {
    "gi-yangchenghu-crab": "阳澄湖", "gi-xihu-longjing": "西湖龙井", "gi-wuchang-rice": "五常",
    "gi-gannan-orange": "赣南", "gi-korla-pear": "库尔勒", "gi-yantai-apple": "烟台苹果",
    "gi-jinhua-ham": "金华火腿", "gi-xinyang-maojian": "信阳毛尖", "gi-anxi-tieguanyin": "安溪铁观音",
    "gi-zhongning-goji": "中宁枸杞", "gi-nanfeng-tangerine": "南丰蜜", "gi-xinhui-chenpi": "新会陈皮",
    "gi-maotai-liquor": "茅台", "gi-panjin-rice": "盘锦大米", "gi-nanhui-peach": "南汇水蜜桃",
    "gi-malu-grape": "马陆葡萄", "gi-zhuanghang-pear": "庄行蜜梨", "gi-jinshan-peach": "金山蟠桃",
    "gi-chongming-crab": "崇明", "gi-biluochun-tea": "洞庭", "gi-lanzhou-lily": "兰州百合",
    "gi-changbaishan-ginseng": "长白山人参", "gi-wenshan-sanqi": "文山三七", "gi-jingdezhen-porcelain": "景德镇",
    "gi-yixing-zisha": "宜兴紫砂", "gi-dangshan-pear": "砀山酥梨", "gi-zhangqiu-scallion": "章丘大葱",
}
ORIGIN_WORDS = re.compile(r"(?:原产地|产地)[：:]\s*(\S+)")


def _load() -> list[LabelledListing]:
    rows = []
    for lineno, line in enumerate(EVAL.read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append(LabelledListing.model_validate_json(line))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            pytest.fail(f"{EVAL.name}:{lineno} is not a CONTRACTS §4b labelled listing: {exc}")
    return rows


ROWS = _load()


def _text(row: LabelledListing) -> str:
    return f"{row.title} {row.brand} {row.description}"


def _mentions(name: str, text: str) -> bool:
    """Does the text contain the name: as a whole word for Latin names, anywhere for Chinese."""
    if name.isascii():
        return re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text, re.IGNORECASE) is not None
    return name in text


def _named_rights(row: LabelledListing, kind: str) -> list[Right]:
    """Rights of that kind named in the listing, also across spaces or emoji inside the name."""
    squeezed = re.sub(r"[\W_]+", "", _text(row))
    return [r for r in REGISTER.rights if r.kind == kind
            and any(_mentions(n, _text(row)) or _mentions(re.sub(r"[\W_]+", "", n), squeezed) for n in r.all_names)]


def test_size_balance_and_contract():
    assert 500 <= len(ROWS) <= 800
    infringing = sum(1 for r in ROWS if r.infringes)
    assert 0.40 <= infringing / len(ROWS) <= 0.55, infringing / len(ROWS)
    for row in ROWS:
        assert row.url.startswith(f"https://eval.invalid/{row.platform}/") and row.title.strip()
        assert row.currency == ("CNY" if row.price is not None else "")


def test_urls_and_listing_ids_are_unique():
    urls = Counter(r.url for r in ROWS)
    assert not [u for u, n in urls.items() if n > 1]
    ids = Counter((r.platform, r.listing_id) for r in ROWS)
    assert not [k for k, n in ids.items() if n > 1]


def test_every_infringed_id_is_in_the_register_once():
    for row in ROWS:
        assert len(set(row.infringes)) == len(row.infringes), row.url
        unknown = set(row.infringes) - RIGHTS.keys()
        assert not unknown, f"{row.url}: {unknown} not in the demo register"


def test_every_case_is_present_with_its_polarity():
    counts = Counter(r.case for r in ROWS)
    expected = INFRINGING_CASES | CLEAN_CASES | MIXED_CASES
    assert set(counts) == expected, set(counts) ^ expected
    short = {case: n for case, n in counts.items() if n < MIN_PER_CASE}
    assert not short, short
    for row in ROWS:
        if row.case in INFRINGING_CASES:
            assert row.infringes, f"{row.url} ({row.case}) should infringe something"
        if row.case in CLEAN_CASES:
            assert not row.infringes, f"{row.url} ({row.case}) should infringe nothing"
    cross = [bool(r.infringes) for r in ROWS if r.case in MIXED_CASES]
    assert any(cross) and not all(cross)  # well-known marks reach other classes, ordinary ones do not


def test_the_case_matches_the_kind_of_right_infringed():
    kind_of = {"tm": "trademark", "gi": "gi", "sm": "special_mark"}
    for row in ROWS:
        prefix = row.case.split("_")[0]
        if prefix in kind_of and row.infringes:
            assert any(RIGHTS[i].kind == kind_of[prefix] for i in row.infringes), row.url


def test_authorised_sellers_never_infringe_their_own_right():
    for row in ROWS:
        for right_id in row.infringes:
            assert row.seller_name not in RIGHTS[right_id].authorized_sellers, row.url
    for row in ROWS:
        if row.case in {"tm_official", "gi_official", "sm_official"}:
            assert any(row.seller_name in r.authorized_sellers for r in REGISTER.rights), row.url


def test_plain_marks_are_cheap_and_resale_is_not():
    for row in ROWS:
        if row.case == "tm_plain":
            (right_id,) = row.infringes
            right = RIGHTS[right_id]
            assert any(_mentions(n, _text(row)) for n in right.all_names), row.url
            assert row.price is not None and row.price < 0.4 * right.reference_price, row.url
            assert not any(w.lower() in _text(row).lower() for w in COUNTERFEIT), row.url
        if row.case == "tm_resale":
            named = _named_rights(row, "trademark")
            assert named, row.url
            for right in named:
                assert row.price is not None and row.price >= 0.6 * right.reference_price, (row.url, right.id)
            assert not any(w.lower() in _text(row).lower() for w in COUNTERFEIT), row.url


def test_counterfeit_wording_and_referential_use_are_really_there():
    for row in ROWS:
        if row.case == "tm_wording":
            assert any(w.lower() in _text(row).lower() for w in COUNTERFEIT), row.url
        if row.case == "tm_referential":
            assert re.search(r"适用|兼容|适配|\bfor\b", row.title, re.IGNORECASE), row.url


def test_unrelated_rows_name_no_protected_right():
    for row in ROWS:
        if row.case in {"unrelated", "unrelated_same_goods"}:
            named = [r.id for r in REGISTER.rights if any(_mentions(n, _text(row)) for n in r.all_names)]
            named += [gi for gi, stem in GI_STEMS.items() if stem in _text(row)]
            assert not named, f"{row.url} ({row.title}) names {named}"


def _origin(row: LabelledListing) -> Place | None:
    """Where the goods come from: origin words in the text win over the ship-from field."""
    gaz = load_gazetteer()
    for found in ORIGIN_WORDS.finditer(f"{row.title} {row.description}"):
        place = gaz.resolve(found.group(1))
        if place is not None:
            return place
    return gaz.resolve(row.ship_from)


@pytest.mark.parametrize("row", [r for r in ROWS if r.case.startswith("gi_")], ids=lambda r: r.url)
def test_gi_labels_agree_with_the_gazetteer(row):
    gaz = load_gazetteer()
    claimed = [RIGHTS[gi] for gi, stem in GI_STEMS.items() if stem in _text(row)]
    assert claimed, f"{row.title}: claims no GI"
    origin = _origin(row)
    for right in claimed:
        inside = origin is not None and any(gaz.within(origin, region) for region in right.regions)
        if origin is not None and not inside:  # a vague origin (江苏 for 江苏省苏州市) would be no test
            assert not any(gaz.within(gaz.region(region), origin.full_name) for region in right.regions), row.url
        authorised = row.seller_name in right.authorized_sellers
        assert (right.id in row.infringes) == (not inside and not authorised), (row.url, right.id, origin)
        expected_case = {
            "gi_official": authorised,
            "gi_inside": inside and not authorised,
            "gi_outside": origin is not None and not inside and not authorised,
            "gi_unknown_origin": origin is None and not authorised,
            "gi_dodge": not inside and not authorised,
        }[row.case]
        assert expected_case, (row.url, row.case, origin)
    assert set(row.infringes) <= {r.id for r in claimed}, row.url


def test_special_marks_are_judged_per_right():
    for row in ROWS:
        if row.case == "sm_unlicensed":
            named = {r.id for r in _named_rights(row, "special_mark")}
            sm_labels = {i for i in row.infringes if RIGHTS[i].kind == "special_mark"}
            assert sm_labels and sm_labels == named, (row.url, sm_labels, named)
        if row.case == "sm_official":
            for right in _named_rights(row, "special_mark"):
                assert row.seller_name in right.authorized_sellers, (row.url, right.id)


def test_eval_jsonl_is_what_the_build_script_makes():
    result = subprocess.run([sys.executable, str(EVAL_DIR / "build_eval_set.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

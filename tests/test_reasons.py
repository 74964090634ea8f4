"""Reason codes: every code renders in English and Chinese, a lead's codes render to exactly its
reasons (also after a trip through JSON Lines), the parameters are those docs/matching.md lists, and
real matcher output carries each code for the listing that shows its evidence.

The listings are hand-made, one per piece of evidence; the expected code is what the evidence is
(a homophone of 耐克 is ``hit_homophone``), never a copy of earlier output.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from matchers.batch import match_chunk
from matchers.listing_io import dump_lead
from matchers.matcher import Matcher, as_lead
from matchers.reasons import CODES, LANGUAGES, MARK_USES, UnknownReasonCode, english, render

DOCS = Path(__file__).resolve().parent.parent / "docs" / "matching.md"


def _doc_table(first_header: str) -> dict[str, tuple[set[str], set[str], str, str]]:
    """name → (parameters, optional parameters, English example, Chinese example) of one table of
    docs/matching.md's reason codes section (the table whose first column is ``first_header``)."""
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index(f"| {first_header} | parameters | English | Chinese |"):]
    rows: dict[str, tuple[set[str], set[str], str, str]] = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("| `"):
            break
        name, params, en, zh = (cell.strip() for cell in line.strip("|").split(" | "))
        # parameters: `a`, `b` (note), `c`? ; a `?` marks an optional one; code spans in notes are values
        names = re.findall(r"(?:^|, )`(\w+)`(\?)?", params)
        rows[name.strip("`")] = ({n for n, _ in names}, {n for n, q in names if q},
                                 re.search(r"`([^`]+)`", en).group(1), re.search(r"`([^`]+)`", zh).group(1))
    return rows


CODE_TABLE = _doc_table("code")
MARK_USE_TABLE = _doc_table("mark_use")

# Parameters as a lead would carry them, for rendering every code without a listing (the documented
# examples: the test below checks that the docs show what the renderers write).
EXAMPLES: dict[str, dict[str, Any]] = {
    "hit_mark": {"seen": "NIKE", "field": "title"},
    "hit_variant": {"seen": "耐克", "field": "brand"},
    "hit_pinyin": {"seen": "suoni", "target": "SONY", "field": "title"},
    "hit_nickname": {"seen": "驴牌", "target": "LOUIS VUITTON", "field": "title"},
    "hit_gi_place": {"seen": "阳澄湖", "field": "title"},
    "hit_homophone": {"seen": "耐可", "target": "耐克", "field": "title"},
    "hit_shape": {"seen": "云南自药", "target": "云南白药", "field": "title"},
    "hit_lookalike": {"seen": "dys0n", "target": "DYSON", "field": "title"},
    "hit_near_miss": {"seen": "dysoon", "target": "DYSON", "field": "title"},
    "hit_split_spelling": {"seen": "ni ke", "target": "NIKE", "field": "title"},
    "hit_gi_split": {"seen": "阳澄湖镇大闸蟹", "target": "阳澄湖大闸蟹", "field": "title"},
    "hit_reordered": {"seen": "全三", "target": "三全", "field": "title"},
    "obfuscated": {},
    "live_code": {},
    "exhibitor": {"cue": "参展", "seen": "农交会"},
    "admission": {"cue": "门票", "seen": "进博会"},
    "counterfeit_wording": {"words": ["高仿", "1:1"]},
    "resale_wording": {"words": ["闲置", "附小票"]},
    "price_ratio": {"price": 89.0, "reference": 699.0},
    "price_converted": {"price": 39.0, "currency": "USD", "converted": 259.46, "rate": 6.6529,
                        "rate_date": "2026-10-30", "reference": 3500.0},
    "service_use": {"cue": "上门维修", "seen": "格力"},
    "bent_is_word": {"seen": "蜀绣"},
    "english_word_sense": {"seen": "coach"},
    "goods_in_classes": {"words": ["手机"], "classes": [9], "right_classes": [9]},
    "goods_outside_classes": {"words": ["电饭煲"], "classes": [11], "right_classes": [9], "well_known": True,
                              "mark_use": "brand_cue", "seen": "苹果", "cue": "牌"},
    "referential_use": {"cue": "适用于", "seen": "iphone"},
    "name_use": {"seen": "宸宸"},
    "ordinary_word": {"seen": "招财进宝", "word": "招财进宝"},
    "split_by_words": {"seen": "海宝", "word": "深海"},
    "publication": {"cue": "绘本"},
    "co_brand": {"cue": "联名", "seen": "冰墩墩"},
    "origin_unknown": {"gi": "阳澄湖大闸蟹"},
    "origin_outside": {"where": "安徽省宣城市", "source": "ship_from", "regions": ["江苏省苏州市"]},
    "origin_inside": {"where": "江苏省苏州市", "source": "ship_from", "regions": ["江苏省苏州市"]},
    "gi_dodge": {"text": "阳澄湖大闸蟹同款"},
    "gi_blend": {"cue": "掺有"},
}
MARK_USE_EXAMPLES: dict[str, dict[str, Any]] = {
    "brand_field": {"seen": "索尼"}, "brand_cue": {"seen": "苹果", "cue": "牌"},
    "latin_brand_name": {"seen": "apple"}, "two_scripts": {}, "title_start": {"seen": "苹果"},
}

# One hand-made listing per piece of evidence: (code it must produce, right, listing).
LISTINGS: list[tuple[str, str, dict[str, Any]]] = [
    ("hit_mark", "tm-nike", {"title": "NIKE Air Max 跑步鞋"}),
    ("hit_variant", "tm-nike", {"title": "耐克 跑步鞋"}),
    ("hit_pinyin", "tm-sony", {"title": "suoni 降噪耳机 新款"}),
    ("hit_nickname", "tm-louis-vuitton", {"title": "驴牌 老花腰带"}),
    ("hit_homophone", "tm-nike", {"title": "耐可 跑步鞋"}),
    ("hit_shape", "tm-yunnan-baiyao", {"title": "云南自药 牙膏 210g"}),
    ("hit_lookalike", "tm-dyson", {"title": "DYS0N 吸尘器 V12"}),
    ("hit_near_miss", "tm-dyson", {"title": "DYSOON 吸尘器 V12"}),
    ("hit_split_spelling", "tm-nike", {"title": "ni ke 跑步鞋"}),
    ("hit_gi_split", "gi-yangchenghu-crab", {"title": "阳澄湖镇大闸蟹 鲜活", "ship_from": "安徽 芜湖"}),
    ("hit_reordered", "tm-yunnan-baiyao", {"title": "白药云南 牙膏 210g"}),
    ("obfuscated", "tm-nike", {"title": "耐 克 跑步鞋"}),
    ("live_code", "tm-yunnan-baiyao", {"title": "直播间专拍 暗号 白药 牙膏 210g"}),
    ("counterfeit_wording", "tm-nike", {"title": "耐克 跑步鞋 高仿 1:1"}),
    ("resale_wording", "tm-gucci", {"title": "古驰 包 闲置 附小票"}),
    ("price_ratio", "tm-nike", {"title": "耐克 跑步鞋", "price": 89.0}),
    ("goods_in_classes", "tm-apple", {"title": "苹果 手机 256G"}),
    ("goods_outside_classes", "tm-apple", {"title": "苹果 新鲜水果 5斤", "category": "水果"}),
    ("referential_use", "tm-apple", {"title": "适用于iPhone15 手机壳 透明"}),
    ("name_use", "sm-chenchen", {"title": "宸宸 名字贴 防水"}),
    ("ordinary_word", "sm-jinbao", {"title": "招财进宝 摆件"}),
    ("split_by_words", "sm-jinbao", {"title": "滚进宝箱 玩具"}),
    ("publication", "tm-apple", {"title": "苹果 树 绘本 儿童"}),
    ("co_brand", "tm-nike", {"title": "冰墩墩 x 耐克 联名 运动鞋"}),
    ("origin_unknown", "gi-yangchenghu-crab", {"title": "阳澄湖大闸蟹 鲜活"}),
    ("origin_outside", "gi-yangchenghu-crab", {"title": "阳澄湖大闸蟹 鲜活", "ship_from": "安徽 宣城"}),
    ("origin_outside", "gi-yangchenghu-crab", {"title": "阳澄湖大闸蟹 鲜活", "description": "产地：湖北 洪湖"}),
    ("origin_inside", "gi-yangchenghu-crab", {"title": "阳澄湖大闸蟹 鲜活", "ship_from": "江苏 苏州"}),
    ("gi_dodge", "gi-yangchenghu-crab", {"title": "阳澄湖大闸蟹同款 螃蟹", "ship_from": "安徽 芜湖"}),
    ("admission", "sm-ciie", {"title": "进博会 门票 转让 一张 原价"}),
    ("gi_blend", "gi-yangchenghu-crab", {"title": "阳澄湖大闸蟹 实惠装", "description": "混装 部分为外地蟹",
                                         "ship_from": "江苏 苏州"}),
]
# A well-known mark on goods of other classes: how the word is used as a mark.
MARK_USE_LISTINGS: list[tuple[str, str, dict[str, Any]]] = [
    ("brand_field", "tm-sony", {"title": "空调 1.5匹 变频", "brand": "索尼"}),
    ("brand_cue", "tm-apple", {"title": "苹果牌 电饭煲 4L"}),
    ("latin_brand_name", "tm-apple", {"title": "apple green 卫衣 加厚"}),
    ("two_scripts", "tm-huawei", {"title": "电饭煲 华为 HUAWAI 4L"}),
    ("title_start", "tm-apple", {"title": "苹果 新鲜水果 5斤", "category": "水果"}),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_paths(threshold=0.0)  # every pair becomes a lead: all reasons are seen


def lead_for(matcher: Matcher, right_id: str, listing: dict[str, Any]) -> dict[str, Any]:
    listing = {"url": "https://shop.example/1", **listing}
    leads = {lead["right_id"]: lead for lead in matcher.match(listing)}
    assert right_id in leads, f"no lead for {right_id} on {listing} (leads: {sorted(leads)})"
    return leads[right_id]


def test_docs_list_every_code_and_mark_use() -> None:
    assert set(CODE_TABLE) == set(CODES)
    assert set(MARK_USE_TABLE) == set(MARK_USES)
    assert set(EXAMPLES) == set(CODES) and set(MARK_USE_EXAMPLES) == set(MARK_USES)
    for code in (*CODES, *MARK_USES):
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code), f"{code} is not lowercase snake_case"


@pytest.mark.parametrize("code", CODES)
def test_every_code_renders_in_english_and_chinese(code: str) -> None:
    reason = {"code": code, **EXAMPLES[code]}
    en, zh = render(reason), render(reason, lang="zh")
    assert en and zh and en != zh
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    # Nothing English is left in the Chinese sentence once the listing's own words are taken out.
    rest = zh
    for value in EXAMPLES[code].values():
        for part in value if isinstance(value, list) else [value]:
            rest = rest.replace(str(part), "")
    assert not re.search(r"[A-Za-z]{2,}", rest), f"English words in the Chinese sentence of {code}: {zh}"


@pytest.mark.parametrize("code", CODES)
def test_the_documented_examples_are_what_the_renderers_write(code: str) -> None:
    _, _, en, zh = CODE_TABLE[code]
    reason = {"code": code, **EXAMPLES[code]}
    assert render(reason) == en
    assert render(reason, lang="zh") == zh


@pytest.mark.parametrize("use", MARK_USES)
def test_every_mark_use_renders_inside_goods_of_other_classes(use: str) -> None:
    from matchers.reasons import render_mark_use

    reason = {"code": "goods_outside_classes", "words": ["电饭煲"], "classes": [11], "right_classes": [9],
              "well_known": True, "mark_use": use, **MARK_USE_EXAMPLES[use]}
    _, _, en, zh = MARK_USE_TABLE[use]
    assert render_mark_use(reason) == en and render_mark_use(reason, "zh") == zh
    assert render(reason).endswith(f"(well-known mark; {en})")
    assert render(reason, "zh").endswith(f"（驰名商标；{zh}）")


def test_the_chinese_price_sentence() -> None:
    assert render({"code": "price_ratio", "price": 89, "reference": 699}, "zh") == "售价 89 仅为参考价 699 的 13%"


def test_a_bundles_price_is_said_against_the_sum_of_its_marks_references() -> None:
    """signals_price.bundle_reference sums the references of a bundle's marks; the sentence says so."""
    reason = {"code": "price_ratio", "price": 45, "reference": 88, "bundle": ["甜芯坊", "三鲜居"]}
    assert render(reason) == "price 45 is 51% of the references of 甜芯坊 + 三鲜居 together (88)"
    assert render(reason, "zh") == "售价 45 仅为 甜芯坊 + 三鲜居 参考价之和 88 的 51%"
    converted = {"code": "price_converted", "price": 6, "currency": "USD", "converted": 43.5, "rate": 7.25,
                 "rate_date": "2026-11-30", "reference": 88, "bundle": ["甜芯坊", "三鲜居"]}
    assert render(converted).endswith("is 49% of the references of 甜芯坊 + 三鲜居 together (88)")


def test_unknown_codes_and_languages_say_what_is_wrong() -> None:
    with pytest.raises(UnknownReasonCode, match="unknown reason code 'price_rato'"):
        render({"code": "price_rato", "price": 1, "reference": 2})
    with pytest.raises(ValueError, match="language 'fr'.*en, zh"):
        render({"code": "obfuscated"}, lang="fr")
    assert LANGUAGES == ("en", "zh")


def _check_lead(lead: dict[str, Any]) -> None:
    """The lead's codes and sentences agree, with the documented parameters, also read back from JSON."""
    codes = lead["reason_codes"]
    assert len(codes) == len(lead["reasons"])
    assert [render(c) for c in codes] == lead["reasons"] == english(codes)
    for reason in codes:
        params, optional, _, _ = CODE_TABLE[reason["code"]]
        keys = set(reason) - {"code"}
        if reason.get("mark_use"):
            use_params = MARK_USE_TABLE[reason["mark_use"]][0]
            assert keys == params | use_params, reason
        else:
            assert params - optional <= keys <= params, reason
        assert all(isinstance(v, (str, int, float, bool, list)) for v in reason.values()), reason
        assert all(isinstance(x, (str, int)) for v in reason.values() if isinstance(v, list) for x in v), reason
    again = orjson.loads(dump_lead(lead))
    assert again["reason_codes"] == codes
    assert [render(c) for c in again["reason_codes"]] == lead["reasons"]
    assert [render(c, "zh") for c in again["reason_codes"]] == [render(c, "zh") for c in codes]
    assert as_lead(lead).reason_codes == codes  # the §3 model keeps them


@pytest.mark.parametrize("code, right_id, listing", LISTINGS, ids=[f"{c}-{r}" for c, r, _ in LISTINGS])
def test_the_matcher_gives_the_code_of_the_evidence(matcher: Matcher, code: str, right_id: str,
                                                   listing: dict[str, Any]) -> None:
    lead = lead_for(matcher, right_id, listing)
    assert code in [r["code"] for r in lead["reason_codes"]], lead["reasons"]
    _check_lead(lead)


@pytest.mark.parametrize("use, right_id, listing", MARK_USE_LISTINGS, ids=[u for u, _, _ in MARK_USE_LISTINGS])
def test_the_matcher_tells_how_a_well_known_mark_is_used(matcher: Matcher, use: str, right_id: str,
                                                          listing: dict[str, Any]) -> None:
    lead = lead_for(matcher, right_id, listing)
    outside = [r for r in lead["reason_codes"] if r["code"] == "goods_outside_classes"]
    assert outside and outside[0]["well_known"] is True and outside[0]["mark_use"] == use, lead["reasons"]
    _check_lead(lead)


def test_the_parameters_are_the_listing_and_register_values(matcher: Matcher) -> None:
    right = next(r for r in matcher.register.rights if r.id == "tm-nike")
    lead = lead_for(matcher, "tm-nike", {"title": "耐可 跑步鞋 高仿 A货 1:1 纯原", "price": 89.0})
    by_code = {r["code"]: r for r in lead["reason_codes"]}
    assert by_code["price_ratio"]["price"] == 89.0 and by_code["price_ratio"]["reference"] == right.reference_price
    assert by_code["hit_homophone"]["seen"] == "耐可"
    assert by_code["hit_homophone"]["target"] == "耐克" and "耐克" in right.variants  # the variant it bends
    assert by_code["hit_homophone"]["field"] == "title"
    assert len(by_code["counterfeit_wording"]["words"]) == 3  # at most three words, as the sentence
    assert set(by_code["goods_in_classes"]["right_classes"]) == set(right.nice_classes)
    crab = next(r for r in matcher.register.rights if r.id == "gi-yangchenghu-crab")
    lead = lead_for(matcher, "gi-yangchenghu-crab", {"title": "阳澄湖大闸蟹 鲜活", "description": "产地：湖北 洪湖"})
    outside = next(r for r in lead["reason_codes"] if r["code"] == "origin_outside")
    assert outside["source"] == "text" and outside["regions"] == crab.regions and "湖北" in outside["where"]
    assert lead["reasons"][lead["reason_codes"].index(outside)].startswith("origin given as ")
    assert render(outside, "zh").startswith("标注产地为")


def test_a_price_at_or_above_60_percent_is_no_reason(matcher: Matcher) -> None:
    lead = lead_for(matcher, "tm-nike", {"title": "耐克 跑步鞋", "price": 650.0})
    assert "price_ratio" not in [r["code"] for r in lead["reason_codes"]]
    _check_lead(lead)


def test_the_file_path_writes_codes_beside_the_reasons(matcher: Matcher) -> None:
    """markwatch match's chunks (orjson in, dump_lead out, what the workers run) carry the codes."""
    lines = [orjson.dumps({"url": f"https://shop.example/{i}", **listing}) for i, (_, _, listing) in enumerate(LISTINGS)]
    result = match_chunk(matcher, lines)
    leads = [orjson.loads(line) for line in result.data.splitlines()]
    assert len(leads) == result.leads >= len(LISTINGS)
    seen = set()
    for lead in leads:
        _check_lead(lead)
        seen.update(r["code"] for r in lead["reason_codes"])
    assert {code for code, _, _ in LISTINGS} <= seen


def test_codes_survive_the_slow_serialiser(matcher: Matcher) -> None:
    """A listing orjson refuses (a lone surrogate) is written by json: the codes come back the same."""
    import json

    lead = lead_for(matcher, "tm-nike", {"title": "耐可 跑步鞋 高仿 \ud800", "price": 89.0})
    line = dump_lead(lead)
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(lead)  # so the line above came from the fallback
    again = json.loads(line)
    assert again["reason_codes"] == lead["reason_codes"]
    assert [render(c) for c in again["reason_codes"]] == lead["reasons"]

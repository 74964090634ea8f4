"""The fast paths of ``markwatch match`` write what the plain ones would (issue 11, Scale).

Why: ``match_chunk`` writes leads as JSON lines straight from the scored pairs, each listing
serialised once for all its leads (:func:`matchers.matcher.lead_lines`); every byte must be what
:func:`matchers.listing_io.dump_lead` writes for the lead dicts of :meth:`Matcher.match_many`,
including the listings orjson refuses (they go through the slow serialiser).
"""

from __future__ import annotations

import json

import pytest

from matchers.batch import match_chunk
from matchers.listing_io import dump_lead, parse_line
from matchers.matcher import Matcher, lead_lines

LISTINGS = [
    {"url": "u1", "title": "耐可 跑步鞋 高仿 阿迪达斯", "price": 89.0, "seller_name": "x"},  # two rights
    {"url": "u2", "title": "阳澄湖大闸蟹 礼盒", "ship_from": "江苏 苏州", "price": 50},
    {"url": "u3", "title": "普通 毛巾 纯棉"},  # no lead
    {"url": "u4", "title": "耐克 运动鞋 高仿 \ud800", "price": 30.0},  # orjson refuses the listing
    {"url": "u5", "title": "nike air 高仿", "price": 10**30},  # an integer beyond 64 bits
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_paths(threshold=0.0)  # every pair a lead: the most lines to compare


def test_lead_lines_are_dump_lead_of_each_lead(matcher: Matcher) -> None:
    scored = matcher.scored(list(LISTINGS))
    leads = matcher.match_many(LISTINGS)
    assert [len(g) for g in scored] == [len(g) for g in leads]
    assert sum(len(g) >= 2 for g in scored) >= 1  # a listing with several leads shares one serialisation
    for listing, pairs, dicts in zip(LISTINGS, scored, leads):
        assert lead_lines(listing, pairs) == [dump_lead(d) for d in dicts]
    refused = lead_lines(LISTINGS[3], scored[3])
    assert refused and all(b"\\ud800" in line for line in refused)  # written by json, ASCII-escaped


def test_match_chunk_writes_the_leads_of_match_many(matcher: Matcher) -> None:
    raw = [json.dumps(row).encode("ascii") for row in LISTINGS]  # \ud800: only json reads it back
    result = match_chunk(matcher, raw + [b"", b"not json"])
    rows = [parse_line(line)[0] for line in raw]  # as the chunk reads them (orjson takes 10**30 as a float)
    expected = [dump_lead(lead) for leads in matcher.match_many(rows) for lead in leads]
    assert result.data == b"\n".join(expected) + b"\n"
    assert result.leads == len(expected) and result.read == len(LISTINGS) + 1
    assert result.skipped == {"not valid JSON": 1}


def test_threshold_filters_the_scored_pairs() -> None:
    strict = Matcher.from_paths(threshold=0.999999)
    loose = Matcher.from_paths(threshold=0.0)
    assert sum(map(len, strict.scored(list(LISTINGS)))) < sum(map(len, loose.scored(list(LISTINGS))))
    for pairs in strict.scored(list(LISTINGS)):
        assert all(p.score >= 0.999999 for p in pairs)


# ---------------------------------------------------------------- rebus screens (matchers/rebus.py, rebus_scan.py)
REBUS_MARKS = ["九阳", "三六一度", "361度", "东方雨虹", "北京2022", "巴拉巴拉", "万代", "汤臣倍健", "百雀羚"]
REBUS_TEXTS = [
    "9阳 豆浆机", "200粒 2026新款", "保质期24个月 好评返现5元", "3 6 1 度 跑鞋", "北.京.2.0.2.2 纪念",
    "8拉8拉 童装", "10000代 高达", "🍲臣倍健 鱼油", "东方雨🌈 防水涂料", "百雀🦌羚 面霜", "99阳 破壁机",
    "九9阳", "三六1度", "2022北京", "手机 幺三七六三九六四八四三", "文山三七 粉", "③六一度", "1️⃣00雀羚",
    "🔥 爆款 ✨ 戴✨森", "〰 ㊗ 新年", "", "plain ascii 12 34",
]


def _rebus_table():
    from matchers.normalise import norm
    from matchers.rebus import build_table

    return build_table(norm(mark) for mark in REBUS_MARKS)


@pytest.mark.pure_python
def test_rebus_screens_read_what_the_full_loop_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The idle-digit screen only skips symbols the reading loop would leave: with it switched off,
    every text reads the same; and the digits that complete a pair are still read."""
    from matchers import rebus

    table = _rebus_table()
    fast = [rebus.substitute(table, text) for text in REBUS_TEXTS]
    monkeypatch.setattr(rebus, "_idle_digit", lambda *args: False)
    assert fast == [rebus.substitute(table, text) for text in REBUS_TEXTS]
    assert fast[REBUS_TEXTS.index("9阳 豆浆机")] == "九阳 豆浆机"
    assert fast[REBUS_TEXTS.index("东方雨🌈 防水涂料")] == "东方雨虹 防水涂料"
    assert fast[REBUS_TEXTS.index("200粒 2026新款")] is None


def test_rebus_digit_neighbours_are_the_pairs_of_its_choices() -> None:
    from matchers.rebus_scan import digit_neighbours

    table = _rebus_table()
    left, right = digit_neighbours(table)
    assert "阳" in right["9"] and "阳" not in left["9"]  # 九阳: a 9 before 阳
    assert "拉" in right["8"]  # 8 is heard as 巴 of 巴拉巴拉
    assert not left["5"] and not right["5"]  # no mark holds 五 or a character read like it


def test_char_class_matches_exactly_its_characters() -> None:
    import re

    from matchers.rebus_scan import char_class

    chars = {"a", "b", "c", "x", "-", "]", "^", "\\", "🌈", "🌉", "🌊", "🦌", "〰"}
    sample = "abcdxyz-]^\\🌈🌉🌊🌋🦌🦍〰〱 中"
    assert re.findall(char_class(chars), sample) == [ch for ch in sample if ch in chars]
    assert re.findall(char_class(chars, negated=True), sample) == [ch for ch in sample if ch not in chars]


# ---------------------------------------------------------------- word tables (matchers/ordinary.py)
@pytest.mark.pure_python
def test_pun_index_and_total_come_with_the_cached_word_set(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pun index and the frequencies' total are cached with the word set: a run that loads the
    entry has them as they would be built from the words it loaded, without rebuilding them."""
    from matchers import ordinary

    for name, value in (("_WORDS", None), ("_LOG_TOTAL", 0.0), ("_PUNS", {})):
        monkeypatch.setattr(ordinary, name, value)
    monkeypatch.setattr(ordinary, "_CACHE_DIR", tmp_path)
    words = ordinary._word_set()
    assert ordinary._pun_index() == ordinary._puns_of(words) and ordinary._pun_index()
    assert ordinary._log_total() == ordinary._log_of_total(words) > 0

    def no_rebuild(_: dict[str, str]) -> dict[str, str]:
        raise AssertionError("rebuilt although the cache holds it")

    monkeypatch.setattr(ordinary, "_puns_of", no_rebuild)
    monkeypatch.setattr(ordinary, "_log_of_total", no_rebuild)
    for name, value in (("_WORDS", None), ("_LOG_TOTAL", 0.0), ("_PUNS", {})):
        monkeypatch.setattr(ordinary, name, value)
    ordinary.pun_around.cache_clear()
    assert ordinary.pun_around("金金计较", 0, 2) == "金金计较"  # a pun on 斤斤计较, read from the loaded index
    assert ordinary._log_total() > 0


# ---------------------------------------------------------------- listing-once signals (matchers/signals.py)
SIGNAL_LISTINGS = [
    {"url": "s1", "title": "耐克 阿迪达斯 球鞋 上门维修 清洗", "price": 12.0, "currency": "USD",
     "crawled_at": "2026-03-02T10:00:00Z"},  # two rights, a service cue, a converted price
    {"url": "s2", "title": "适用 耐克 阿迪达斯 鞋带 鞋垫 配件", "price": 5.0, "seller_name": "x"},  # accessory title
    {"url": "s3", "title": "耐克 阿迪达斯 运动鞋 高仿 绘本", "price": 30, "currency": "XYZ"},  # unquoted currency
    {"url": "s4", "title": "冰墩墩 耐克 联名 公仔 动画", "price": 99.0},
]


@pytest.mark.pure_python
def test_listing_once_signals_equal_the_per_pair_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """What signals keep once per listing (the title's cues, the converted price, the listing's top
    classes) gives every pair the features and reasons it gets computed for that pair alone."""
    import sys

    from matchers import signals_context, signals_price, wording

    matcher = Matcher.from_paths(threshold=0.0)
    fast = [[(p.right_id, p.features, p.reason_codes) for p in matcher.pairs(dict(row))] for row in SIGNAL_LISTINGS]
    assert sum(len(pairs) >= 2 for pairs in fast) >= 3  # the once-per-listing values are shared by pairs
    conversion = signals_price._conversion
    cached = signals_context.title_cues
    users = [module for name, module in sys.modules.items()
             if name.startswith("matchers.signals") and vars(module).get("title_cues") is cached]
    assert len(users) >= 5  # signals_context and each group that imports title_cues (referential, marks, works, wording)
    for module in users:
        monkeypatch.setattr(module, "title_cues", lambda ctx, entry: wording.find(entry, ctx.texts.get("title", "")))
    monkeypatch.setattr(signals_price, "_conversion", lambda price, listing, extra: conversion(price, listing, None))
    slow = [[(p.right_id, p.features, p.reason_codes) for p in matcher.pairs(dict(row))] for row in SIGNAL_LISTINGS]
    assert fast == slow
    codes = [[r["code"] for r in reasons] for _, _, reasons in fast[0]]
    assert all("price_converted" in c and "service_use" in c for c in codes)  # both pairs: kept values used

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

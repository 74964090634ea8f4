"""Reading listing lines and writing lead lines: the fast parser (orjson) must judge every row the
way the standard library would, and nothing a hostile page can put in a listing may stop the writer."""

from __future__ import annotations

import json

import pytest

from matchers.listing_io import dump_lead, parse_line


@pytest.mark.parametrize("raw, reason", [
    (b"", "blank line"),
    (b"   \n", "blank line"),
    (b"\xff\xfe junk", "not UTF-8 text"),
    (b"{truncated", "not valid JSON"),
    (b"[" * 5000 + b"]" * 5000, "not valid JSON"),  # deeper than either parser nests
    (b'["a list"]', "not a JSON object (list)"),
    (b'{"url": "u", "title": 7}', "title is int, not text"),
])
def test_bad_lines_get_their_reason(raw: bytes, reason: str) -> None:
    assert parse_line(raw) == (None, reason)


@pytest.mark.parametrize("raw", [
    b'{"url": "u", "title": "\\ud800 \xe8\x80\x90\xe5\x85\x8b"}',  # an escaped lone surrogate: orjson refuses it
    b'{"url": "u", "title": "t", "price": NaN}',  # the standard library's extension
    '{"url": "u", "title": "耐克 鞋"}'.encode(),
    '{"url": "u", "title": "耐克 鞋"}',  # text lines too (train and evaluate read text)
])
def test_rows_the_standard_library_accepts_are_accepted(raw: bytes | str) -> None:
    listing, reason = parse_line(raw)
    assert reason is None
    assert listing == json.loads(raw)


def test_an_integer_beyond_64_bits_is_read_as_a_number() -> None:
    listing, reason = parse_line(b'{"url": "u", "title": "t", "price": 100000000000000000000000}')
    assert reason is None and listing is not None
    assert listing["price"] == pytest.approx(1e23)


@pytest.mark.parametrize("title, price", [("耐克 鞋", 9.5), ("\ud800 bad surrogate", 1.0), ("t", 10**30)])
def test_every_lead_is_written_as_one_json_line(title: str, price: object) -> None:
    lead = {"url": "u", "right_id": "tm-nike", "score": 0.9, "reasons": ["mark 耐克 in title"],
            "listing": {"url": "u", "title": title, "price": price}}
    line = dump_lead(lead)
    assert b"\n" not in line
    assert json.loads(line) == lead

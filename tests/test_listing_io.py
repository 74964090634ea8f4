"""Reading listing lines and writing lead lines: the fast parser (orjson) must judge every row the
way the standard library would, and nothing a hostile page can put in a listing may stop the writer."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers.listing_io import check_listing, dump_lead, parse_line


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


_VALUES = st.one_of(st.none(), st.text(max_size=5), st.integers(), st.floats(allow_nan=False), st.booleans(),
                    st.lists(st.text(max_size=3), max_size=2), st.lists(st.integers(), max_size=2),
                    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1))
_FIELDS = ["url", "title", "platform", "listing_id", "description", "price", "currency", "seller_name",
           "seller_id", "ship_from", "category", "brand", "image_urls", "crawled_at", "extra_field"]
_ROWS = st.fixed_dictionaries({"url": st.just("https://shop.example/1") | _VALUES, "title": st.just("耐克 鞋") | _VALUES},
                              optional={name: _VALUES for name in _FIELDS[2:]})


@settings(max_examples=500, deadline=None)
@given(_ROWS)
def test_every_row_the_fast_check_accepts_is_a_contract_listing(row: dict) -> None:
    """check_listing is a hand-written twin of the pydantic Listing (kept for speed on the hot path):
    whatever it lets through must be a §2 listing (absent and null fields taking their defaults).
    It may refuse more: empty or 10,000+-character titles, and text where a number belongs."""
    from pydantic import ValidationError

    from markwatch.contracts import Listing

    if check_listing(row) is not None:
        return
    try:
        Listing.model_validate({k: v for k, v in row.items() if v is not None})
    except ValidationError as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"check_listing accepted {row!r}, the contract refuses it: {exc}") from exc

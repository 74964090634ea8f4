"""The bulk load's per-lead shortcuts (issue 7) against the plain computations they stand for.

``markwatch index``'s worker tokenises every listing text and reads its contacts and address; the
shortcuts (a CJK run's tokens looked up, a text's NFKC form kept for the next reader, texts that
cannot hold a contact or an address not read further) must never change what is indexed or
linked. Each test compares a shortcut with the reference on random texts made of the pieces the
patterns look for (labels, invisible characters, full-width and compatibility forms).
"""

from __future__ import annotations

import operator
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from index import fulltext, sellers

PIECES = ["耐克", "正品耐克运动鞋", "克", "ＮＩＫＥ", "nike", "2026", "１３９", "，", " ", "_", "號", "\uf900", "\u2f00",
          "微信", "威\u200b信", "V信", "ｖｘ", "a\u00adt", "Ａｔ", "圈Ａ", "艾特", "扣\u2060扣", "企鹅", "＠", "﹫", "ⓐⓣ",
          "幺三九一二三四五六七八", "１３９１２３４５６７８", "⑪", "地址：", "店铺地址:", "实体店：", "店址", "\uf9ea", "⼴",
          "kf", "163.com", "shop_8866", "13912345678", "12345",
          "义乌市福田街道商城大道88号", "苏州市相城区湖滨路１８号", "发货快", "\U00020000\U00020001"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=10).map("".join) | st.text(max_size=40)


def reference_index_text(text: str) -> str:
    """index_text as it was written before the run cache: every run's bigrams joined afresh."""
    folded = unicodedata.normalize("NFKC", text[:fulltext.MAX_FIELD_CHARS]).lower()
    out: list[str] = []
    for run, word in fulltext._RUNS.findall(folded):
        if run:
            if len(run) > 1:
                out.append(" ".join(map(operator.add, run, run[1:])))
            out.append(run[-1])
        else:
            out.append(word)
    return " ".join(out)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_tokens_are_the_reference_tokens_cached_or_not(text: str) -> None:
    expected = reference_index_text(text)
    assert fulltext._index_text(text) == expected
    assert fulltext._index_text(text) == expected  # runs now cached
    assert fulltext.index_text(text) == expected


def test_run_cache_starts_afresh_when_full(monkeypatch) -> None:
    monkeypatch.setattr(fulltext, "RUN_CACHE_MAX", 2)
    fulltext._RUN_TOKENS.clear()
    for text in ("耐克鞋 茅台酒", "华为手机", "耐克鞋"):
        assert fulltext._index_text(text) == reference_index_text(text)
        assert len(fulltext._RUN_TOKENS) <= 2
    long_run = "耐克" * fulltext.RUN_CACHE_CHARS
    assert fulltext._index_text(long_run) == reference_index_text(long_run)
    assert long_run not in fulltext._RUN_TOKENS


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_a_text_skipped_as_holding_no_contact_holds_none(text: str) -> None:
    plain = sellers._plain(text)
    if not sellers.may_hold_any(text):
        assert not sellers.may_hold_contacts(plain)
        assert sellers.scan_contacts(plain) == []
    assert sellers.extract_contacts(text) == sellers.scan_contacts(plain)


def test_the_shortcut_skips_ordinary_text_and_keeps_every_sign() -> None:
    for ordinary in ("正品耐克运动鞋 2026新款", "安徽省发货，卫衣，折扣店", "新疆维吾尔自治区"):
        assert not sellers.may_hold_any(ordinary), ordinary
    for holding in ("威\u200b信", "ⓐⓣ", "圈Ａ", "扣\u2060扣", "１３９１２３４５６７８", "幺三九一二三四五六七八", "﹫"):
        assert sellers.may_hold_any(holding), holding


def reference_address_in_text(text: str) -> str:
    for m in sellers._ADDRESS_LABEL.finditer(sellers._plain(text[:20_000])):
        address = sellers.normalise_address(m.group(1))
        if address:
            return address
    return ""


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_address_shortcut_finds_what_the_full_read_finds(text: str) -> None:
    assert sellers.address_in_text(text) == reference_address_in_text(text)


def test_no_other_character_folds_into_an_address_sign() -> None:
    """address_in_text reads only a text holding 址 or 店 itself, before folding it."""
    folding = [chr(c) for c in range(0x110000) if unicodedata.decomposition(chr(c))]
    assert [c for c in folding if c not in "址店" and ("址" in unicodedata.normalize("NFKC", c)
                                                      or "店" in unicodedata.normalize("NFKC", c))] == []


def test_nfkc_is_unicodedata_nfkc() -> None:
    for text in ("ＮＩＫＥ，耐克", "plain", "\uf900\u2f00", ""):
        assert fulltext.nfkc(text) == unicodedata.normalize("NFKC", text)
        assert fulltext.nfkc(text) == unicodedata.normalize("NFKC", text)  # kept


def test_prepare_ahead_is_as_tuple_of_prepare() -> None:
    """The worker's tuple, made directly, is the one made through PreparedLead (and refusals agree)."""
    from index.sqlite_write import as_tuple, prepare, prepare_ahead

    listing = {"url": "https://shop.example/1", "platform": "bazaar", "title": "正品耐克运动鞋 微信 nike_shop88",
               "description": "店铺地址：苏州市相城区湖滨路18号", "seller_name": "耐克小铺", "crawled_at": "2026-11-26T02:00:00Z"}
    lead = {"url": listing["url"], "right_id": "tm-nike", "score": 1, "reasons": ["mark in title"],
            "reason_codes": [{"code": "mark_in_title"}], "ship_from_province": "江苏省", "listing": listing}
    assert prepare_ahead(lead) == as_tuple(prepare(lead))
    assert prepare_ahead({**lead, "listing": {**listing, "seller_id": "s-1"}}) == \
        as_tuple(prepare({**lead, "listing": {**listing, "seller_id": "s-1"}}))
    for broken in ({**lead, "score": 2}, {**lead, "reasons": "x"}, {**lead, "url": "\ud800"}, [], {**lead, "listing": None}):
        assert isinstance(prepare_ahead(broken), str)
        assert prepare_ahead(broken) == prepare(broken)


def test_bytes_bind_through_a_registered_adapter() -> None:
    """index.sqlite_schema registers bytes with the sqlite3 module (a bytes value would otherwise
    cost an AttributeError each time it is bound) and a bytes value still comes back as bytes."""
    import sqlean as sqlite3

    import index.sqlite_schema  # noqa: F401  (registers it)

    assert sqlite3.adapters.get((bytes, sqlite3.PrepareProtocol)) is bytes
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (body TEXT NOT NULL)")
    db.executemany("INSERT INTO t VALUES (?)", [(b'{"a":1}',), (b"\xe8\x80\x90",)])
    assert db.execute("SELECT body, typeof(body) FROM t").fetchall() == [(b'{"a":1}', "blob"), (b"\xe8\x80\x90", "blob")]

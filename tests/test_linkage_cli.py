"""``markwatch platform`` and ``markwatch office`` (CONTRACTS §11) and clue routing's reading of
addresses (feeds/clues.py).

The commands run in process through :func:`markwatch.cli.main` on a data dir of the test, and what
they print is checked against the store they wrote: the key printed once works, and only then.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from feeds.clues import PROVINCES, lead_provinces, named_in_address, province_named, short_name
from index.sqlite_store import SQLiteStore
from index.store import StoredLead
from markwatch.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def linkage_of(data_dir: Path):
    return SQLiteStore(data_dir / "store.sqlite")


def test_platform_add_prints_one_json_line_with_a_key_that_works(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "platform", "add", "bazaar", "--webhook-url", "http://127.0.0.1:9/hook",
                       "--data-dir", str(tmp_path))
    assert code == 0 and len(out.splitlines()) == 1
    row = json.loads(out)
    assert list(row) == ["platform", "api_key", "webhook_secret"] and row["platform"] == "bazaar"
    assert row["webhook_secret"].startswith("whsec_")
    assert len(base64.b64decode(row["webhook_secret"].removeprefix("whsec_"), validate=True)) >= 24
    with linkage_of(tmp_path) as store:
        party = store.linkage.party_for_key(row["api_key"])
        assert (party.kind, party.name, party.webhook_url) == ("platform", "bazaar", "http://127.0.0.1:9/hook")
        assert store.linkage.signing_secrets("platform", "bazaar") == [row["webhook_secret"]]

    code, _, err = run(capsys, "platform", "add", "bazaar", "--data-dir", str(tmp_path))
    assert code == 2 and "exists already" in err
    code, _, err = run(capsys, "platform", "add", "x", "--webhook-url", "ftp://x", "--data-dir", str(tmp_path))
    assert code == 2 and "http" in err

    code, out, _ = run(capsys, "platform", "rotate-key", "bazaar", "--data-dir", str(tmp_path))
    new_key = json.loads(out)["api_key"]
    code, out, _ = run(capsys, "platform", "rotate-secret", "bazaar", "--data-dir", str(tmp_path))
    new_secret = json.loads(out)["webhook_secret"]
    with linkage_of(tmp_path) as store:
        assert store.linkage.party_for_key(row["api_key"]) is None
        assert store.linkage.party_for_key(new_key).name == "bazaar"
        assert store.linkage.signing_secrets("platform", "bazaar") == [new_secret, row["webhook_secret"]]
    assert run(capsys, "platform", "revoke-key", "bazaar", "--data-dir", str(tmp_path))[0] == 0
    with linkage_of(tmp_path) as store:
        assert store.linkage.party_for_key(new_key) is None
    code, _, err = run(capsys, "platform", "revoke-key", "nobody", "--data-dir", str(tmp_path))
    assert code == 2 and "no platform named" in err
    code, out, _ = run(capsys, "platform", "list", "--data-dir", str(tmp_path))
    assert out.splitlines() == ["bazaar\thttp://127.0.0.1:9/hook\tenabled"]


def test_office_add_normalises_its_provinces_to_the_stores_names(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "office", "add", "长三角协作", "--regions", "江苏,浙江省、Shanghai",
                       "--data-dir", str(tmp_path))
    assert code == 0
    row = json.loads(out)
    assert row["regions"] == ["江苏省", "浙江省", "上海市"]
    with linkage_of(tmp_path) as store:
        assert store.linkage.party_for_key(row["api_key"]).regions == ("江苏省", "浙江省", "上海市")
    code, _, err = run(capsys, "office", "add", "苏州", "--regions", "苏州市", "--data-dir", str(tmp_path))
    assert code == 2 and "江苏省" in err  # a city: the province is named in the message
    code, _, err = run(capsys, "office", "add", "x", "--regions", "不存在的地方", "--data-dir", str(tmp_path))
    assert code == 2 and "province" in err
    code, out, _ = run(capsys, "office", "list", "--data-dir", str(tmp_path))
    assert out.splitlines() == ["长三角协作\t江苏省,浙江省,上海市\t-\tenabled"]


def test_addresses_name_provinces_by_full_name_or_leading_short_form() -> None:
    assert short_name("江苏省") == "江苏" and short_name("广西壮族自治区") == "广西" and short_name("上海市") == "上海"
    assert named_in_address("浙江省义乌市福田街道", "浙江省")
    assert named_in_address("地址：广东深圳南山区", "广东省")
    assert not named_in_address("广州市越秀区北京路1号", "北京市")
    assert not named_in_address("", "北京市") and not named_in_address(None, "北京市")
    lead = StoredLead(id="x", url="u", right_id="r", score=0.9, reasons=[], province="福建省",
                      listing={"shop_address": "江苏苏州相城区", "seller_province": "浙江省"})
    assert lead_provinces(lead, ["江苏省", "浙江省", "福建省", "广东省"]) == {"江苏省", "浙江省", "福建省"}


def test_the_province_table_is_the_gazetteers() -> None:
    from matchers.gazetteer import load_gazetteer

    assert set(PROVINCES) == {place.province for place in load_gazetteer().places.values()}
    assert province_named("广西") == "广西壮族自治区" and province_named("江苏省") == "江苏省"
    assert province_named("苏州") is None and province_named(None) is None

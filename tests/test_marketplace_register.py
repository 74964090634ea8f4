"""The demo marketplace reads the register as data (CONTRACTS §1), without the matcher's code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from demo_marketplace.register import RegisterFileError, bundled_register_path, read_register


def test_the_bundled_register_is_read_without_importing_matchers() -> None:
    code = (
        "import sys\n"
        "from demo_marketplace.catalogue import generate_catalogue\n"
        "from demo_marketplace.register import read_register\n"
        "catalogue = generate_catalogue(50, 1, read_register())\n"
        "loaded = sorted(m for m in sys.modules if m == 'matchers' or m.startswith('matchers.'))\n"
        "print(len(catalogue.entries), loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["50", "[]"]


def test_the_demo_reader_and_the_matchers_reader_agree_on_the_bundled_register() -> None:
    from matchers.register import BUNDLED_REGISTER, load_register

    assert bundled_register_path().resolve() == BUNDLED_REGISTER.resolve()
    ours = read_register()
    assert ours == load_register()
    assert len(ours.rights) > 50


def test_yaml_json_and_csv_registers_read_alike(tmp_path) -> None:
    rights = [
        {"id": "tm-acme", "kind": "trademark", "name": "ACME", "variants": ["艾克米"], "nice_classes": [25, 28],
         "well_known": True, "authorized_sellers": ["ACME官方旗舰店"], "reference_price": 399},
        {"id": "gi-tea", "kind": "gi", "name": "某山茶", "regions": ["浙江省杭州市"]},
    ]
    (tmp_path / "r.yaml").write_text(yaml.safe_dump({"version": 1, "rights": rights}, allow_unicode=True), "utf-8")
    (tmp_path / "r.json").write_text(json.dumps({"version": 1, "rights": rights}, ensure_ascii=False), "utf-8")
    (tmp_path / "r.csv").write_text(
        "id,kind,name,variants,nice_classes,well_known,authorized_sellers,reference_price,regions\n"
        "tm-acme,trademark,ACME,艾克米,25|28,yes,ACME官方旗舰店,399,\n"
        "gi-tea,gi,某山茶,,,,,,浙江省杭州市\n", "utf-8")
    registers = [read_register(tmp_path / name) for name in ("r.yaml", "r.json", "r.csv")]
    assert registers[0] == registers[1] == registers[2]
    assert registers[0].rights[0].nice_classes == [25, 28] and registers[0].rights[0].well_known is True


def test_a_bad_right_is_rejected_naming_the_right_and_the_field(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rights": [{"id": "tm-x", "kind": "trademark", "name": "X", "nice_classes": [99]}]}))
    with pytest.raises(RegisterFileError, match=r"right 'tm-x': field 'nice_classes'"):
        read_register(bad)
    dup = tmp_path / "dup.json"
    dup.write_text(json.dumps({"rights": [{"id": "a", "kind": "gi", "name": "A"}, {"id": "a", "kind": "gi", "name": "B"}]}))
    with pytest.raises(RegisterFileError, match="duplicate id"):
        read_register(dup)
    with pytest.raises(RegisterFileError, match="does not exist"):
        read_register(tmp_path / "missing.yaml")


@pytest.mark.parametrize("name, text", [
    ("bad.csv", "id,kind,name,nice_classes\ntm-x,trademark,X,25|99\n"),
    ("extra.csv", "id,kind,name\ntm-x,trademark,X,surplus\n"),
    ("broken.yaml", "rights: [\n"),
    ("old.json", json.dumps({"version": 2, "rights": []})),
])
def test_the_demo_and_the_matcher_reject_a_bad_register_in_the_same_words(tmp_path, name, text) -> None:
    from matchers.register import RegisterError, load_register

    bad = tmp_path / name
    bad.write_text(text, "utf-8")
    with pytest.raises(RegisterFileError) as ours:
        read_register(bad)
    with pytest.raises(RegisterError) as theirs:
        load_register(bad)
    assert str(ours.value) == str(theirs.value)
    assert isinstance(ours.value, RegisterError) and isinstance(theirs.value, RegisterFileError)

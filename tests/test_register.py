"""The register loader: YAML, JSON and CSV accepted; a bad register rejected naming right and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchers.register import BUNDLED_REGISTER, RegisterError, load_register

GOOD = {"version": 1, "rights": [
    {"id": "tm-acme", "kind": "trademark", "name": "ACME", "variants": ["艾克米"], "nice_classes": [9, 25],
     "well_known": True, "authorized_sellers": ["ACME官方旗舰店"], "reference_price": 199},
    {"id": "gi-test", "kind": "gi", "name": "测试大米", "regions": ["黑龙江省哈尔滨市五常市"]},
]}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_demo_register_loads() -> None:
    register = load_register()
    assert len(register.rights) == len({r.id for r in register.rights}) >= 67
    assert load_register(BUNDLED_REGISTER) == register


def test_json_yaml_and_csv_give_the_same_register(tmp_path: Path) -> None:
    import yaml

    from_json = load_register(write(tmp_path, "r.json", json.dumps(GOOD, ensure_ascii=False)))
    from_yaml = load_register(write(tmp_path, "r.yaml", yaml.safe_dump(GOOD, allow_unicode=True)))
    csv_text = ("id,kind,name,variants,nice_classes,well_known,authorized_sellers,reference_price,regions\n"
                "tm-acme,trademark,ACME,艾克米,9|25,true,ACME官方旗舰店,199,\n"
                "gi-test,gi,测试大米,,,,,,黑龙江省哈尔滨市五常市\n")
    from_csv = load_register(write(tmp_path, "r.csv", csv_text))
    assert from_json == from_yaml == from_csv
    acme = from_csv.rights[0]
    assert acme.nice_classes == [9, 25] and acme.well_known is True and acme.reference_price == 199
    assert from_csv.rights[1].variants == [] and from_csv.rights[1].nice_classes == []


@pytest.mark.parametrize("change, right_id, field", [
    ({"kind": "patent"}, "tm-acme", "kind"),
    ({"nice_classes": [9, 99]}, "tm-acme", "nice_classes"),
    ({"reference_price": -5}, "tm-acme", "reference_price"),
    ({"name": ""}, "tm-acme", "name"),
    ({"id": "TM Acme!"}, "TM Acme!", "id"),
])
def test_invalid_right_is_rejected_naming_right_and_field(tmp_path: Path, change: dict, right_id: str,
                                                          field: str) -> None:
    data = json.loads(json.dumps(GOOD))
    data["rights"][0].update(change)
    with pytest.raises(RegisterError) as err:
        load_register(write(tmp_path, "bad.json", json.dumps(data)))
    assert repr(right_id) in str(err.value) and f"field '{field}'" in str(err.value)


def test_missing_required_field_and_duplicate_id(tmp_path: Path) -> None:
    data = json.loads(json.dumps(GOOD))
    del data["rights"][1]["kind"]
    with pytest.raises(RegisterError, match=r"'gi-test'.*field 'kind'"):
        load_register(write(tmp_path, "a.json", json.dumps(data)))
    data = json.loads(json.dumps(GOOD))
    data["rights"][1]["id"] = "tm-acme"
    with pytest.raises(RegisterError, match=r"'tm-acme'.*duplicate"):
        load_register(write(tmp_path, "b.json", json.dumps(data)))


def test_unreadable_or_missing_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="does not exist"):
        load_register(tmp_path / "nope.yaml")
    with pytest.raises(RegisterError, match="not valid"):
        load_register(write(tmp_path, "x.json", "{not json"))
    with pytest.raises(RegisterError, match="'rights' list"):
        load_register(write(tmp_path, "y.yaml", "version: 1\nrightz: []\n"))

"""Starting from a register file: unchanged bytes are not parsed again, a changed byte is parsed,
validated (with the same errors) and compiled once, in YAML, JSON and CSV; the compiled register
found in the cache matches like one compiled afresh."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from markwatch import register_file
from markwatch.contracts import Right
from matchers.matcher import Matcher
from matchers.register import RegisterError, load_register
from matchers.rights_table import RightsTable

RIGHTS = [
    {"id": "tm-zolvex", "kind": "trademark", "name": "ZOLVEX", "variants": ["佐维克斯"], "nice_classes": [25],
     "well_known": True, "reference_price": 499},
    {"id": "gi-test-rice", "kind": "gi", "name": "测试镇大米", "regions": ["黑龙江省哈尔滨市五常市"],
     "nice_classes": [30]},
    {"id": "sm-qilin", "kind": "special_mark", "name": "麒麟宝宝", "authorized_sellers": ["麒麟官方店"]},
]
LISTINGS = [{"url": "u1", "title": "佐维克斯 运动鞋 高仿 zolvexx", "category": "运动鞋", "price": 59.0},
            {"url": "u2", "title": "麒麟宝宝 钥匙扣 挂件", "seller_name": "小店"},
            {"url": "u3", "title": "纯棉 短袖T恤 夏季"},
            {"url": "u4", "title": "NEWMARK 运动鞋 复刻", "price": 80.0}]


def write_register(path: Path, rights: list[dict]) -> Path:
    if path.suffix == ".csv":
        cols = ["id", "kind", "name", "variants", "nice_classes", "well_known", "authorized_sellers",
                "reference_price", "regions"]
        lines = [",".join(cols)] + [",".join("|".join(map(str, v)) if isinstance(v, list) else str(v).lower()
                                             if isinstance(v, bool) else str(v)
                                             for v in (r.get(c, "") for c in cols)) for r in rights]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif path.suffix == ".json":
        path.write_text(json.dumps({"version": 1, "rights": rights}, ensure_ascii=False), encoding="utf-8")
    else:
        import yaml

        path.write_text(yaml.safe_dump({"version": 1, "rights": rights}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the register reader parses, in order (the real parser runs: it is only watched)."""
    seen: list[Path] = []
    real = register_file.parse_register_file

    def watched(file: Path):  # type: ignore[no-untyped-def]
        seen.append(Path(file))
        return real(file)

    monkeypatch.setattr(register_file, "parse_register_file", watched)
    return seen


def leads(matcher: Matcher) -> list[list[tuple[str, str, float]]]:
    return [[(lead["url"], lead["right_id"], lead["score"]) for lead in group] for group in matcher.match_many(LISTINGS)]


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv"])
def test_unchanged_bytes_are_not_parsed_and_a_changed_byte_is(tmp_path: Path, parses: list[Path], suffix: str) -> None:
    path = write_register(tmp_path / f"register{suffix}", RIGHTS)
    cache = tmp_path / "cache"
    fresh_register = load_register(path)
    fresh = leads(Matcher(fresh_register))  # no cache at all: parsed and compiled in memory
    parses.clear()

    first = Matcher(path, cache_dir=cache)
    assert parses == [path]  # an empty cache: read once
    assert leads(first) == fresh and any(g for g in fresh)
    again = Matcher(path, cache_dir=cache)
    assert parses == [path]  # same bytes: the compiled register comes from the cache, no parsing
    assert leads(again) == fresh
    assert again.compiled.rights[0] == Right.model_validate(RIGHTS[0])
    assert again.register.rights == fresh_register.rights  # unpacked on demand, same rights

    changed = [*RIGHTS[:2], {**RIGHTS[2]}, {"id": "tm-newmark", "kind": "trademark", "name": "NEWMARK",
                                             "well_known": True}]
    write_register(path, changed)
    newer = Matcher(path, cache_dir=cache)
    assert parses == [path, path]  # new bytes: parsed (and compiled) once
    assert "tm-newmark" in {right_id for _, right_id, _ in leads(newer)[3]}
    Matcher(path, cache_dir=cache)
    assert len(parses) == 2


def test_a_changed_register_fails_validation_as_before(tmp_path: Path, parses: list[Path]) -> None:
    path = write_register(tmp_path / "register.yaml", RIGHTS)
    cache = tmp_path / "cache"
    Matcher(path, cache_dir=cache)
    good = path.read_bytes()
    write_register(path, [*RIGHTS, {"id": "tm-bad", "kind": "trademark", "name": "BAD", "nice_classes": [46]}])
    with pytest.raises(RegisterError) as uncached:
        load_register(path)
    with pytest.raises(RegisterError) as cached:
        Matcher(path, cache_dir=cache)
    assert str(cached.value) == str(uncached.value)
    assert "'tm-bad'" in str(cached.value) and "nice_classes" in str(cached.value)
    path.write_bytes(good)  # back to bytes compiled before: found without parsing
    parsed = len(parses)
    Matcher(path, cache_dir=cache)
    assert len(parses) == parsed


def test_the_same_rights_in_another_layout_are_compiled_once(tmp_path: Path, parses: list[Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    Matcher(write_register(tmp_path / "register.json", RIGHTS), cache_dir=cache)

    def no_build(rights: object) -> None:
        raise AssertionError("the register was compiled again")

    monkeypatch.setattr("matchers.compiled._compile", no_build)
    yaml_file = write_register(tmp_path / "register.yaml", RIGHTS)
    assert leads(Matcher(yaml_file, cache_dir=cache)) == leads(Matcher(tmp_path / "register.json", cache_dir=cache))
    assert parses[-1] == yaml_file  # its bytes were new: read once, compiled form found by content


def test_the_rights_table_gives_back_the_validated_rights() -> None:
    rights = [Right.model_validate({**r, "registered": dt.date(2020, 5, 1)}) for r in RIGHTS]
    table = pickle.loads(pickle.dumps(RightsTable.of(rights)))
    assert table.made() == 0
    assert table[1] == rights[1] and table[1] is table[1] and table.made() == 1
    assert table[-1] == rights[-1] and table[0:2] == rights[0:2] and list(table) == rights
    assert table[0].model_extra == {"registered": dt.date(2020, 5, 1)}  # extras keep their type


def test_a_run_from_the_cache_unpacks_only_what_it_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A compiled register loaded from the cache keeps its tables packed until read (one listing
    needs a few of them); unpacking all of them (before forking workers) changes no result."""
    from matchers import packed
    from matchers.batch import warm

    monkeypatch.setattr(packed, "PACK_OVER", 0)  # pack every table, however small
    path = write_register(tmp_path / "register.yaml", RIGHTS)
    cache = tmp_path / "cache"
    fresh = leads(Matcher(path, cache_dir=cache))
    loaded = Matcher(path, cache_dir=cache)
    compiled = loaded.compiled
    warm(loaded, everything=False)  # one process: nothing loaded ahead
    assert {"forms", "deletions", "latin_keys", "scan_index"} <= set(compiled._packed)  # type: ignore[attr-defined]
    assert [lead["right_id"] for lead in loaded.match(LISTINGS[1])] == ["sm-qilin"]
    still = set(compiled._packed)  # type: ignore[attr-defined]
    assert "scan_index" not in still and "deletions" in still  # no Latin word: no near-miss lookup
    warm(loaded, everything=True)  # before forking: every table, so workers share them
    assert not compiled._packed and all(compiled.class_index[c] for c in compiled.class_index)  # type: ignore[attr-defined]
    assert leads(loaded) == fresh

"""``markwatch index``, ``search`` and ``triage`` (CONTRACTS §9, §10) as a user runs them: the real
command line in a subprocess, on a store in a temporary data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from index.store import lead_id

NIKE_TITLES = ["正品耐克运动鞋 男款", "耐克Nike空军一号 白色", "ＮＩＫＥ 气垫 跑鞋"]


def lead(n: int, title: str, right_id: str = "tm-nike", score: float = 0.9, **listing: Any) -> dict[str, Any]:
    url = f"https://shop.example/item/{n}"
    return {"url": url, "right_id": right_id, "score": score, "reasons": [f"mark in title ({n})"],
            "listing": {"url": url, "platform": "bazaar", "title": title, "seller_name": "潮鞋小铺",
                        "seller_id": "s-1", "ship_from": "福建 莆田", **listing}}


def write_leads(path: Path, leads: list[Any], extra_lines: list[str] = ()) -> Path:
    lines = [orjson.dumps(x).decode() if not isinstance(x, str) else x for x in leads] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# The program as installed runs it (``python -m markwatch.cli`` would load cli.py twice, as __main__ too).
MARKWATCH = [sys.executable, "-c", "import sys; from markwatch.cli import main; sys.exit(main())"]


def markwatch(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*MARKWATCH, *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, env=env, timeout=120)


def sample_leads() -> list[dict[str, Any]]:
    rows = [lead(i, title) for i, title in enumerate(NIKE_TITLES)]
    rows.append(lead(10, "贵州茅台酒飞天53度", right_id="gi-maotai-liquor", score=0.8, platform="openmall",
                     seller_name="酒香老店", seller_id="s-2", ship_from="贵州 遵义"))
    rows.append(lead(11, "冰墩墩手办摆件", right_id="sm-bingdwendwen", score=0.7, ship_from="Suzhou, Jiangsu"))
    return rows


@pytest.fixture
def leads() -> list[dict[str, Any]]:
    return sample_leads()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the sample leads, shared by the tests that only read it."""
    tmp = tmp_path_factory.mktemp("indexed")
    run = markwatch("index", "--leads", str(write_leads(tmp / "leads.jsonl", sample_leads())), data_dir=tmp / "data")
    assert run.returncode == 0, run.stderr
    return tmp / "data"


def test_index_reports_bad_lines_by_number_and_counts(tmp_path: Path, leads) -> None:
    file = write_leads(tmp_path / "leads.jsonl", leads[:2] + ["{not json"] + leads[2:] + [
        json.dumps({**leads[0], "score": 2}), json.dumps(lead(99, "x" * 10_001)),
        '{"url": "u", "right_id": "r", "score": 0.5, "reasons": [], "listing": {"title": "a\\ud800"}}'])
    first = markwatch("index", "--leads", str(file), data_dir=tmp_path / "data")
    assert first.returncode == 0, first.stderr
    assert "read 9, new 5, updated 0, unchanged 0, skipped 4" in first.stdout
    for line, why in [(3, "not valid JSON"), (7, "score"), (8, "title longer"), (9, "lone surrogate")]:
        assert f"line {line}: " in first.stderr and why in first.stderr.split(f"line {line}: ")[1].splitlines()[0]
    again = markwatch("index", "--leads", str(file), data_dir=tmp_path / "data")
    assert "read 9, new 0, updated 0, unchanged 5, skipped 4" in again.stdout


def test_index_updates_a_changed_listing_and_keeps_history(tmp_path: Path, leads) -> None:
    markwatch("index", "--leads", str(write_leads(tmp_path / "a.jsonl", leads)), data_dir=tmp_path / "data")
    changed = [{**leads[0], "listing": {**leads[0]["listing"], "price": 59.0}}]
    run = markwatch("index", "--leads", str(write_leads(tmp_path / "b.jsonl", changed)), data_dir=tmp_path / "data")
    assert "read 1, new 0, updated 1, unchanged 0, skipped 0" in run.stdout

    from index.sqlite_store import SQLiteStore

    with SQLiteStore(tmp_path / "data" / "store.sqlite") as store:
        history = store.listing_history(leads[0]["url"])
    assert [v.listing.get("price") for v in history] == [None, 59.0]


def test_search_json_prints_stored_leads_with_province_and_kind(tmp_path: Path, leads) -> None:
    markwatch("index", "--leads", str(write_leads(tmp_path / "leads.jsonl", leads)), data_dir=tmp_path / "data")
    run = markwatch("search", "耐克", "--format", "json", data_dir=tmp_path / "data")
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert {r["url"] for r in rows} == {leads[0]["url"], leads[1]["url"]}
    assert all(r["id"] == lead_id(r["url"], r["right_id"]) and r["status"] == "new" for r in rows)
    assert all(r["kind"] == "trademark" and r["province"] == "福建省" for r in rows)

    every = [json.loads(x) for x in markwatch("search", "--format", "json", data_dir=tmp_path / "data").stdout.splitlines()]
    assert [r["score"] for r in every] == sorted((x["score"] for x in leads), reverse=True)
    by_province = {r["url"]: r["province"] for r in every}
    assert by_province[leads[3]["url"]] == "贵州省" and by_province[leads[4]["url"]] == "江苏省"


@pytest.mark.parametrize("args, expected", [
    (["nike"], {1, 2}),
    (["--kind", "gi"], {10}),
    (["--right", "sm-bingdwendwen"], {11}),
    (["--platform", "openmall"], {10}),
    (["--seller", "酒香老店"], {10}),
    (["--min-score", "0.85"], {0, 1, 2}),
    (["--status", "new", "--kind", "trademark", "--kind", "special_mark"], {0, 1, 2, 11}),
    (["--limit", "2"], None),                # the two 0.9 leads with the smallest ids
    (["--limit", "0"], {0, 1, 2, 10, 11}),
])
def test_search_filters(indexed: Path, leads, args: list[str], expected: set[int] | None) -> None:
    run = markwatch("search", *args, "--format", "json", data_dir=indexed)
    assert run.returncode == 0, run.stderr
    if expected is None:
        expected = set(sorted((0, 1, 2), key=lambda n: lead_id(leads[n]["url"], "tm-nike"))[:2])
    assert {int(json.loads(x)["url"].rsplit("/", 1)[1]) for x in run.stdout.splitlines()} == expected


def test_search_table_is_aligned_and_escapes_control_characters(tmp_path: Path, leads) -> None:
    hostile = lead(50, "耐克\x1b[31m红字\x1b[0m 鞋", seller_name="店\x07铺")
    markwatch("index", "--leads", str(write_leads(tmp_path / "leads.jsonl", leads + [hostile])), data_dir=tmp_path / "data")
    run = markwatch("search", "耐克", data_dir=tmp_path / "data")
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    lines = run.stdout.splitlines()
    rows = [line for line in lines[2:] if len(line) > 24 and line[24:26] == "  "]
    assert len(rows) == 3 and lead_id(hostile["url"], "tm-nike") in run.stdout
    import unicodedata

    widths = {sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip()) for line in rows}
    assert max(widths) <= sum(w for _, w in __import__("markwatch.commands.search", fromlist=["COLUMNS"]).COLUMNS) + 12
    assert "3 of 3 leads" in run.stdout and "tm-nike 3" in run.stdout


def test_triage_confirms_and_dismisses_with_history(tmp_path: Path, leads) -> None:
    data = tmp_path / "data"
    markwatch("index", "--leads", str(write_leads(tmp_path / "leads.jsonl", leads)), data_dir=data)
    a, b = (lead_id(x["url"], x["right_id"]) for x in leads[:2])
    run = markwatch("triage", "confirm", a, b, "--note", "高仿 wording", "--by", "ana", data_dir=data)
    assert run.returncode == 0, run.stderr
    assert f"{a}: new → confirmed" in run.stdout and f"{b}: new → confirmed" in run.stdout
    assert markwatch("triage", "dismiss", b, data_dir=data).returncode == 0
    confirmed = [json.loads(x)["id"] for x in markwatch("search", "--status", "confirmed", "--format", "json",
                                                         data_dir=data).stdout.splitlines()]
    assert confirmed == [a]

    from index.sqlite_store import SQLiteStore

    with SQLiteStore(data / "store.sqlite") as store:
        steps = store.history(b)
    assert [(t.to_status, t.actor, t.note) for t in steps][0] == ("confirmed", "ana", "高仿 wording")
    assert [t.to_status for t in steps] == ["confirmed", "dismissed"]


@pytest.mark.parametrize("second", ["no-such-lead", "disallowed"])
def test_triage_refuses_unknown_ids_and_disallowed_steps_changing_nothing(tmp_path: Path, leads, second: str) -> None:
    data = tmp_path / "data"
    markwatch("index", "--leads", str(write_leads(tmp_path / "leads.jsonl", leads)), data_dir=data)
    a, b = (lead_id(x["url"], x["right_id"]) for x in leads[:2])
    markwatch("triage", "dismiss", b, data_dir=data)
    other = "no-such-lead" if second == "no-such-lead" else b  # b is dismissed: dismissing again is not a step
    run = markwatch("triage", "dismiss", a, other, data_dir=data)
    assert run.returncode == 2
    assert (other in run.stderr) and "no lead was changed" in run.stderr
    statuses = {json.loads(x)["id"]: json.loads(x)["status"]
                for x in markwatch("search", "--format", "json", data_dir=data).stdout.splitlines()}
    assert statuses[a] == "new" and statuses[b] == "dismissed"


def test_missing_file_and_bad_options_exit_2(tmp_path: Path) -> None:
    assert markwatch("index", "--leads", str(tmp_path / "none.jsonl"), data_dir=tmp_path).returncode == 2
    assert markwatch("search", "--status", "sent", data_dir=tmp_path).returncode == 2
    assert markwatch("search", "--limit", "-1", data_dir=tmp_path).returncode == 2


def test_help_texts_explain_the_commands() -> None:
    for command, words in [("index", "line number"), ("search", "耐克"), ("triage", "nothing changes")]:
        run = subprocess.run([*MARKWATCH, command, "--help"], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 0 and words in " ".join(run.stdout.split())


def test_index_with_and_without_worker_processes_stores_the_same(tmp_path: Path, leads) -> None:
    rows = [*leads, "{broken", json.dumps({**leads[0], "score": -1}), *[lead(100 + i, f"耐克 款{i}") for i in range(30)]]
    file = write_leads(tmp_path / "leads.jsonl", rows)
    runs = {w: markwatch("index", "--leads", str(file), "--workers", w, "--batch-size", "7",
                         data_dir=tmp_path / f"w{w}") for w in ("0", "1")}
    assert runs["0"].returncode == runs["1"].returncode == 0
    assert runs["0"].stdout.split(" in ")[0] == runs["1"].stdout.split(" in ")[0]
    assert "line 6: not valid JSON" in runs["1"].stderr and "line 7: score" in runs["1"].stderr
    dumps = {w: [{k: v for k, v in json.loads(x).items() if k not in ("first_seen", "last_seen")}
                 for x in markwatch("search", "--limit", "0", "--format", "json", data_dir=tmp_path / f"w{w}").stdout.splitlines()]
             for w in ("0", "1")}
    assert len(dumps["0"]) == 35 and dumps["0"] == dumps["1"]


def test_workers_that_read_their_lines_themselves_number_and_store_them_as_one_process_does(
        tmp_path: Path, leads) -> None:
    """A worker reads its chunk from the file at an offset (markwatch.commands.index._prepare_span),
    a pipe's lines are sent to it: blank lines, CRLF line ends, a bad line in a later chunk and a
    last line without its newline are read, numbered and stored as in one process."""
    rows = [orjson.dumps(x).decode() for x in [*leads, *[lead(200 + i, f"耐克 款{i}") for i in range(20)]]]
    rows[3] += "\r"  # CRLF
    rows[12:12] = ["", "{broken", "   "]
    file = tmp_path / "leads.jsonl"
    file.write_text("\n".join(rows), encoding="utf-8")  # no newline after the last line
    fifo = tmp_path / "leads.fifo"
    os.mkfifo(fifo)
    feeder = subprocess.Popen(["sh", "-c", f"cat '{file}' > '{fifo}'"])
    runs = {name: markwatch("index", "--leads", str(source), "--workers", workers, "--batch-size", "4",
                            data_dir=tmp_path / name)
            for name, source, workers in (("one", file, "0"), ("worker", file, "1"), ("pipe", fifo, "1"))}
    feeder.wait(timeout=60)
    assert all(run.returncode == 0 for run in runs.values()), [run.stderr for run in runs.values()]
    assert {run.stdout.split(" in ")[0] for run in runs.values()} == {
        "markwatch index: read 26, new 25, updated 0, unchanged 0, skipped 1"}
    assert all("line 14: not valid JSON" in run.stderr for run in runs.values())
    dumps = {w: [{k: v for k, v in json.loads(x).items() if k not in ("first_seen", "last_seen")}
                 for x in markwatch("search", "--limit", "0", "--format", "json", data_dir=tmp_path / w).stdout.splitlines()]
             for w in runs}
    assert len(dumps["one"]) == 25 and dumps["one"] == dumps["worker"] == dumps["pipe"]

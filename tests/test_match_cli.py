"""``markwatch match`` end to end on files (a real subprocess): leads per CONTRACTS §3, a summary
on stderr, bad rows reported and skipped, the same output whatever the number of workers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from markwatch.contracts import Lead

LISTINGS = [
    {"url": "https://shop.example/1", "title": "耐克 空军一号 高仿 1:1 莆田", "price": 89.0, "category": "运动鞋"},
    {"url": "https://shop.example/2", "title": "纯棉 短袖T恤 男 夏季", "price": 29.0},
    {"url": "https://shop.example/3", "title": "冰墩墩 耐克 联名 运动鞋 男", "price": 99.0},
    {"url": "https://shop.example/4", "title": "阳澄湖大闸蟹 鲜活 礼盒", "price": 128.0, "ship_from": "安徽 宣城"},
    {"url": "https://shop.example/5", "title": "耐克 Air Max 270", "price": 899.0, "seller_name": "耐克官方旗舰店"},
]


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "markwatch.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def read_leads(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_match_writes_contract_leads_and_a_summary(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", LISTINGS)
    out = tmp_path / "leads.jsonl"
    result = run_cli("match", "--input", str(source), "--output", str(out))
    assert result.returncode == 0, result.stderr
    leads = read_leads(out)
    pairs = {(lead["url"], lead["right_id"]) for lead in leads}
    assert pairs == {("https://shop.example/1", "tm-nike"), ("https://shop.example/3", "sm-bingdwendwen"),
                     ("https://shop.example/3", "tm-nike"), ("https://shop.example/4", "gi-yangchenghu-crab")}
    for lead in leads:
        Lead.model_validate(lead)
        assert lead["reasons"] and lead["score"] >= 0.5
        assert lead["listing"]["url"] == lead["url"]
    assert "read 5 listings, skipped 0, 4 leads" in result.stderr and "listings/s" in result.stderr


@pytest.mark.slow
def test_threshold_filters_leads(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", LISTINGS)
    low, high = tmp_path / "low.jsonl", tmp_path / "high.jsonl"
    assert run_cli("match", "--input", str(source), "--output", str(low), "--threshold", "0.0").returncode == 0
    assert run_cli("match", "--input", str(source), "--output", str(high), "--threshold", "1.0").returncode == 0
    low_leads, high_leads = read_leads(low), read_leads(high)
    assert len(low_leads) > len(high_leads)
    assert all(lead["score"] >= 1.0 for lead in high_leads)
    assert not any(lead["url"] == "https://shop.example/5" for lead in low_leads)  # authorised seller: never


@pytest.mark.slow
def test_bad_rows_are_reported_and_skipped_never_fatal(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    good = json.dumps(LISTINGS[0], ensure_ascii=False).encode()
    lines = [
        good,
        b'{"url": "https://shop.example/e", "title": ""}',
        json.dumps({"url": "https://shop.example/big", "title": "耐克" * 50_000}).encode(),
        b"\x00\xff\xfe binary junk \x89PNG",
        b'{"url": "https://shop.example/t", "title": 12345}',
        '{"url": "https://shop.example/p", "title": "耐克 鞋", "price": "cheap"}'.encode(),
        b'["not", "an", "object"]',
        b'{"title": "no url"}',
        b"{truncated json",
        good.replace(b"/1", b"/9"),
    ]
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "leads.jsonl"
    result = run_cli("match", "--input", str(source), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert {lead["url"] for lead in read_leads(out)} == {"https://shop.example/1", "https://shop.example/9"}
    err = result.stderr
    assert "read 10 listings, skipped 8" in err
    for reason in ("empty title", "title longer than", "not UTF-8", "title is int", "price is str",
                   "not a JSON object", "url missing", "not valid JSON"):
        assert reason in err, reason


@pytest.mark.slow
def test_same_input_same_output_whatever_the_workers(tmp_path: Path) -> None:
    rows = [dict(row, url=f"{row['url']}-{i}") for i in range(700) for row in LISTINGS]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    outputs = []
    for workers in ("1", "2", "2"):
        out = tmp_path / f"leads-{len(outputs)}.jsonl"
        result = run_cli("match", "--input", str(source), "--output", str(out), "--workers", workers)
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(read_leads(tmp_path / "leads-0.jsonl")) == 4 * 700


def test_cobranded_counterfeit_flags_both_rights(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [LISTINGS[2]])
    out = tmp_path / "leads.jsonl"
    assert run_cli("match", "--input", str(source), "--output", str(out)).returncode == 0
    assert {lead["right_id"] for lead in read_leads(out)} == {"sm-bingdwendwen", "tm-nike"}


def test_cannot_run_exits_non_zero_with_a_message(tmp_path: Path) -> None:
    result = run_cli("match", "--input", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "o.jsonl"))
    assert result.returncode != 0 and "missing.jsonl" in result.stderr
    bad_register = tmp_path / "register.yaml"
    bad_register.write_text("version: 1\nrights:\n  - {id: tm-x, kind: trademark}\n", encoding="utf-8")
    source = write_jsonl(tmp_path / "in.jsonl", LISTINGS)
    result = run_cli("match", "--register", str(bad_register), "--input", str(source),
                     "--output", str(tmp_path / "o.jsonl"))
    assert result.returncode != 0 and "'tm-x'" in result.stderr and "field 'name'" in result.stderr

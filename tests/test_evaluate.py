"""``markwatch evaluate`` and ``markwatch train`` end to end on files (real subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matchers.evaluation import Tally, evaluate
from matchers.matcher import Matcher
from matchers.register import load_register

LABELLED = [
    {"url": "u1", "title": "耐克 空军一号 高仿 1:1 莆田", "price": 89.0, "infringes": ["tm-nike"], "case": "tm_wording"},
    {"url": "u2", "title": "阿迪达期 三叶草 卫衣 男", "price": 89.0, "infringes": ["tm-adidas"], "case": "tm_shape"},
    {"url": "u3", "title": "纯棉 短袖T恤 男 夏季", "price": 29.0, "infringes": [], "case": "unrelated"},
    {"url": "u4", "title": "冰墩墩 钥匙扣 挂件", "price": 15.0, "infringes": ["sm-bingdwendwen"], "case": "sm_unlicensed"},
    {"url": "u5", "title": "适用于iPhone 15 手机壳 透明", "price": 19.0, "infringes": [], "case": "tm_referential"},
    # deliberately wrong labels, so there is one miss and one false alarm to report
    {"url": "u6", "title": "纯棉 袜子 十双装", "price": 19.0, "infringes": ["tm-nike"], "case": "mislabelled_miss"},
    {"url": "u7", "title": "阳澄湖大闸蟹 鲜活 礼盒", "ship_from": "安徽 宣城", "price": 99.0, "infringes": [],
     "case": "mislabelled_false_alarm"},
]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "markwatch.cli", *args], capture_output=True, text=True, timeout=300)


def test_tally_arithmetic() -> None:
    t = Tally(tp=8, fp=2, fn=0)
    assert t.precision == 0.8 and t.recall == 1.0 and round(t.f1, 4) == round(2 * 0.8 / 1.8, 4)
    assert Tally().precision == 1.0 and Tally().recall == 1.0


def test_evaluate_counts_pairs_per_kind_and_case() -> None:
    result = evaluate(Matcher.from_paths(), LABELLED)
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (3, 1, 1)
    assert result.by_kind["special_mark"].tp == 1 and result.by_kind["gi"].fp == 1
    assert result.by_case["mislabelled_miss"].fn == 1 and result.by_case["unrelated"].fp == 0
    kinds = sorted((c.kind, c.listing["url"]) for c in result.confusions)
    assert kinds == [("false alarm", "u7"), ("miss", "u6")]
    miss = next(c for c in result.confusions if c.kind == "miss")
    assert miss.score is None  # never even a candidate


@pytest.mark.slow
def test_evaluate_cli_prints_scores_and_confusions(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    rows = [json.dumps(r, ensure_ascii=False) for r in LABELLED] + ['{"url": "bad", "title": 5}']
    labels.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("evaluate", "--labels", str(labels))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "overall" in out and "precision  0.750  recall  0.750" in out
    assert "per right kind:" in out and "per case:" in out and "tm_shape" in out
    assert "misses (1):" in out and "false alarms (1):" in out and "no candidate" in out
    assert "title is int" in result.stderr  # the bad row is reported, not fatal


@pytest.mark.slow
def test_train_cli_writes_a_model_that_match_uses(tmp_path: Path) -> None:
    seed = Path(__file__).parent.parent / "matchers" / "data" / "seed_labels.jsonl"
    decisions = tmp_path / "decisions.jsonl"
    lead = {"url": "d1", "right_id": "tm-nike", "score": 0.9, "reasons": [], "decision": "dismissed",
            "listing": {"url": "d1", "title": "耐克 鞋带 替换 白色", "price": 9.0}}
    decisions.write_text(json.dumps(lead, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    model = tmp_path / "model.npz"
    result = run_cli("train", "--labels", str(seed), str(decisions), "--output", str(model))
    assert result.returncode == 0, result.stderr
    assert model.is_file() and "1 decisions" in result.stderr and "1 not valid JSON" in result.stderr
    listings = tmp_path / "in.jsonl"
    listings.write_text(json.dumps(LABELLED[0], ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "leads.jsonl"
    result = run_cli("match", "--input", str(listings), "--output", str(out), "--model", str(model))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["right_id"] for line in out.read_text().splitlines()] == ["tm-nike"]


def test_evaluate_register_must_know_the_labels() -> None:
    matcher = Matcher(load_register())
    result = evaluate(matcher, [{"url": "x", "title": "无关 商品", "infringes": ["tm-unknown"], "case": "c"}])
    assert result.unknown_rights == {"tm-unknown"} and result.overall.fn == 1

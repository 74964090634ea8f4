"""The Scrapy match pipeline: off unless enabled, flags items with the library matcher, keeps items."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from pipelines.match import MatchPipeline, lead_flagged


def test_off_by_default_and_on_bad_settings() -> None:
    with pytest.raises(NotConfigured, match="MATCH_ENABLED"):
        MatchPipeline.from_crawler(get_crawler(settings_dict={}))
    with pytest.raises(NotConfigured, match="outside"):
        MatchPipeline.from_crawler(get_crawler(settings_dict={"MATCH_ENABLED": True,
                                                              "MATCH_THRESHOLD": 7}))
    with pytest.raises(NotConfigured, match="does not exist"):
        MatchPipeline.from_crawler(get_crawler(settings_dict={"MATCH_ENABLED": True,
                                                              "MATCH_REGISTER": "/nonexistent.yaml"}))


def test_flags_items_as_they_pass(tmp_path: Path) -> None:
    leads_file = tmp_path / "leads.jsonl"
    crawler = get_crawler(settings_dict={"MATCH_ENABLED": True, "MATCH_LEADS_OUTPUT": str(leads_file)})
    pipeline = MatchPipeline.from_crawler(crawler)
    seen: list[dict] = []

    def on_lead(lead: dict, item: dict) -> None:
        seen.append(lead)

    crawler.signals.connect(on_lead, signal=lead_flagged)
    pipeline.open_spider()
    infringing = {"url": "https://shop.example/1", "title": "耐克 空军一号 高仿", "price": 89.0}
    clean = {"url": "https://shop.example/2", "title": "纯棉 短袖T恤", "price": 29.0}
    assert pipeline.process_item(dict(infringing)) == infringing  # items pass through unchanged
    assert pipeline.process_item(dict(clean)) == clean
    pipeline.close_spider()
    assert [lead["right_id"] for lead in seen] == ["tm-nike"]
    written = [json.loads(line) for line in leads_file.read_text(encoding="utf-8").splitlines()]
    assert written == seen
    stats = crawler.stats.get_stats()
    assert stats["markwatch/matched_items"] == 2 and stats["markwatch/leads"] == 1


def test_matcher_library_does_not_import_scrapy() -> None:
    code = ("import sys, matchers.matcher, matchers.batch, matchers.evaluation, matchers.training;"
            "print([m for m in sys.modules if m.split('.')[0] == 'scrapy'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]"

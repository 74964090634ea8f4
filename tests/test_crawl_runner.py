"""crawler.runner.crawl_all: several spiders in ONE CrawlerProcess (what ``markwatch demo`` uses),
each with its own feed and figures. Run in a subprocess: a Twisted reactor starts once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
from crawler.runner import CrawlJob, crawl_all
from markwatch.config import load_config
urls = json.loads(sys.argv[1])
jobs = [CrawlJob(spider="html", platform="bazaar", base_url=urls["bazaar"], max_pages=40),
        CrawlJob(spider="api", platform="openmall", base_url=urls["openmall"], max_pages=30,
                 output="nested/openmall.jsonl")]
results = crawl_all(jobs, load_config(), output_dir=sys.argv[2], settings={"PROGRESS_INTERVAL": 0.5})
print(json.dumps([{"label": r.job.label, "output": str(r.output), "pages": r.pages, "listings": r.listings,
                   "ok": r.ok, "bad": r.bad_pages, "elapsed": r.elapsed} for r in results]))
"""


def test_crawl_all_runs_spiders_side_by_side(marketplace, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(marketplace.urls), str(tmp_path)],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    html, api = json.loads(proc.stdout.strip().splitlines()[-1])
    assert html["label"] == "html-bazaar" and api["label"] == "api-openmall"
    assert Path(html["output"]) == tmp_path / "html-bazaar.jsonl"
    assert Path(api["output"]) == tmp_path / "nested" / "openmall.jsonl"
    for result, platform in ((html, "bazaar"), (api, "openmall")):
        assert result["ok"] and result["elapsed"] > 0
        lines = Path(result["output"]).read_text(encoding="utf-8").splitlines()
        assert len(lines) == result["listings"] > 0
        assert {json.loads(line)["platform"] for line in lines} == {platform}
    assert html["pages"] <= 40 + 1 and api["pages"] <= 30 + 1  # each job's own page budget (+ robots.txt)
    # Progress lines name each spider.
    assert "[html/bazaar]" in proc.stderr and "[api/openmall]" in proc.stderr


MARKWATCH = [sys.executable, "-m", "markwatch.cli"]
BROKEN_BROWSER = {"MARKWATCH_BROWSER": "/nonexistent/chromium"}


def test_a_crawl_without_a_browser_ignores_a_broken_browser_setting(marketplace, tmp_path: Path) -> None:
    """The browser is checked only by the spider that starts one: ``crawl html`` runs as usual."""
    out = tmp_path / "bazaar.jsonl"
    proc = subprocess.run(MARKWATCH + ["crawl", "html", "--platform", "bazaar", "--base-url", marketplace.urls["bazaar"],
                                       "-s", "CLOSESPIDER_ITEMCOUNT=3", "--output", str(out)],
                          env={**os.environ, **BROKEN_BROWSER}, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(out.read_text(encoding="utf-8").splitlines()) >= 3


def test_the_rendered_spider_names_a_broken_browser_setting(marketplace, tmp_path: Path) -> None:
    out = tmp_path / "storefront.jsonl"
    proc = subprocess.run(MARKWATCH + ["crawl", "rendered", "--platform", "storefront",
                                       "--base-url", marketplace.urls["storefront"], "--output", str(out)],
                          env={**os.environ, **BROKEN_BROWSER}, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "markwatch crawl: error:" in proc.stderr and "MARKWATCH_BROWSER" in proc.stderr
    assert "/nonexistent/chromium" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() or not out.read_text(encoding="utf-8")


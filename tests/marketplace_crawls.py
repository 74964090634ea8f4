"""The session marketplace's bazaar and openmall, each crawled once for the whole session (a pytest
plugin, see conftest.py).

Why: a crawl of the 2000-listing marketplace is ≈20 CPU-s and two test files crawled the same two
platforms: tests/test_spider_marketplace.py (the listings, fields, bad pages and robots of each
spider) and tests/test_sellers_crawl.py (the seller networks in the store). One ``markwatch crawl``
per platform, with matching, the image-hash pipeline and the store on (evidence off), into one data
dir, serves both: the spiders' tests read its output file and stats, the sellers' tests the store.

``session_crawls``: ``{"bazaar": Crawl, "openmall": Crawl, "data_dir": Path}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SPIDER_OF = {"bazaar": "html", "storefront": "rendered", "openmall": "api"}


@dataclass
class Crawl:
    proc: subprocess.CompletedProcess[str]
    listings: list[dict[str, Any]]
    stats: dict[str, Any]

    def bad(self, reason: str) -> int:
        return int(self.stats.get(f"markwatch/bad_pages/{reason}", 0))


def run_crawl(platform: str, base_url: str, workdir: Path, *extra: str, output: Path | None = None,
              timeout: float = 240, env: dict[str, str] | None = None) -> Crawl:
    workdir.mkdir(parents=True, exist_ok=True)
    output = output or workdir / f"{platform}.jsonl"
    stats_file = workdir / f"{platform}-stats-{len(list(workdir.glob('*-stats-*')))}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "markwatch.cli", "crawl", SPIDER_OF[platform], "--platform", platform,
         "--start-url", base_url + "/", "--output", str(output), "--stats-json", str(stats_file), *extra],
        cwd=workdir, capture_output=True, text=True, timeout=timeout, env=env,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    listings = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Crawl(proc, listings, json.loads(stats_file.read_text(encoding="utf-8")))


def crawl_into_store(platform: str, base_url: str, data_dir: Path) -> Crawl:
    """``markwatch crawl`` of one platform with matching, the image-hash pipeline and the store on
    (evidence off), into the SQLite store of ``data_dir``: what a user's crawl does. The spiders' tests
    read its output and stats, tests/test_sellers_crawl.py the store both crawls filled."""
    env = {**os.environ, "MARKWATCH_DATA_DIR": str(data_dir), "MARKWATCH_MATCH_ENABLED": "1",
           "MARKWATCH_STORE_ENABLED": "1", "MARKWATCH_EVIDENCE_ENABLED": "0", "MARKWATCH_STORE_URL": ""}
    return run_crawl(platform, base_url, data_dir, output=data_dir / f"{platform}.jsonl", timeout=600, env=env)


@pytest.fixture(scope="session")
def session_crawls(marketplace, tmp_path_factory) -> dict[str, Any]:
    """The session marketplace's bazaar (html spider) and openmall (api spider), each crawled once for
    the session into one data dir (``"data_dir"``): a 2000-listing crawl is ≈20 CPU-s."""
    data_dir = tmp_path_factory.mktemp("session-crawls")
    crawls: dict[str, Any] = {"data_dir": data_dir}
    for platform in ("bazaar", "openmall"):
        crawls[platform] = crawl_into_store(platform, marketplace.urls[platform], data_dir)
    return crawls

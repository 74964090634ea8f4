"""``markwatch demo --no-serve``: the main job end to end, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from demo_marketplace.catalogue import generate_catalogue

LISTINGS = 150
SEED = 11


@pytest.mark.browser
@pytest.mark.slow
def test_demo_crawls_matches_and_summarises(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "markwatch.cli", "demo", "--no-serve", "--listings", str(LISTINGS),
         "--seed", str(SEED), "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=400,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    catalogue = generate_catalogue(LISTINGS, SEED)

    # every platform was crawled by its spider, and exactly the listings a correct spider emits
    for platform in ("bazaar", "storefront", "openmall"):
        rows = [json.loads(line) for line in (data_dir / "listings" / f"{platform}.jsonl").read_text("utf-8").splitlines()]
        assert {row["listing_id"] for row in rows} == catalogue.expected_listing_ids(platform), platform
        assert platform in done.stdout

    # the leads are CONTRACTS §3 lines about crawled listings, and the summary reports them
    crawled = {json.loads(line)["url"] for line in (data_dir / "listings.jsonl").read_text("utf-8").splitlines()}
    leads = [json.loads(line) for line in (data_dir / "leads.jsonl").read_text("utf-8").splitlines()]
    assert leads, "the demo catalogue always holds infringing listings"
    for lead in leads:
        assert set(lead) >= {"url", "right_id", "score", "reasons", "listing"}
        assert lead["url"] in crawled and 0.0 <= lead["score"] <= 1.0 and lead["reasons"]
    assert f"{len(leads)} leads" in done.stdout
    assert "accuracy vs ground truth" in done.stdout
    # ground truth stays out of what the spiders saw
    assert all("infringes" not in json.loads(line) for line in (data_dir / "listings.jsonl").read_text("utf-8").splitlines())

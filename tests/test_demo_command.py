"""``markwatch demo``: the main job end to end, as a user runs it (a real subprocess). The run is the
session's ``served_demo`` (tests/demo_fixtures.py): it crawls, matches, stores with evidence, runs the
linkage loop and prints its summary, then serves the workbench; this file checks the summary against
the data dir as it was when the workbench line came (``snapshot``), tests/test_demo_serve.py the
serving and the Ctrl-C of the same process. ``--no-serve`` runs are tests/demo_fixtures.py
``demo_data`` (exit 0 asserted there) and the second run of tests/test_demo_rerun.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from demo_fixtures import DEMO_LISTINGS as LISTINGS, DEMO_SEED as SEED, DEMO_TIMEOUT
from demo_marketplace.catalogue import generate_catalogue


def markwatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "markwatch.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(DEMO_TIMEOUT)
def test_demo_crawls_matches_stores_with_evidence_and_summarises(served_demo) -> None:
    # the run reached its workbench line: crawl, evidence and linkage loop all completed (else exit 1 before it)
    data_dir, summary = served_demo.snapshot, served_demo.summary
    catalogue = generate_catalogue(LISTINGS, SEED)

    # every platform was crawled by its spider, and exactly the listings a correct spider emits
    for platform in ("bazaar", "storefront", "openmall"):
        rows = [json.loads(line) for line in (data_dir / "listings" / f"{platform}.jsonl").read_text("utf-8").splitlines()]
        assert {row["listing_id"] for row in rows} == catalogue.expected_listing_ids(platform), platform
        assert platform in summary

    # the leads are CONTRACTS §3 lines about crawled listings, and the summary reports them
    crawled = {json.loads(line)["url"] for line in (data_dir / "listings.jsonl").read_text("utf-8").splitlines()}
    leads = [json.loads(line) for line in (data_dir / "leads.jsonl").read_text("utf-8").splitlines()]
    assert leads, "the demo catalogue always holds infringing listings"
    for lead in leads:
        assert set(lead) >= {"url", "right_id", "score", "reasons", "listing"}
        assert lead["url"] in crawled and 0.0 <= lead["score"] <= 1.0 and lead["reasons"]
    assert f"{len(leads)} leads" in summary
    assert "accuracy vs ground truth" in summary
    # ground truth stays out of what the spiders saw
    assert all("infringes" not in json.loads(line) for line in (data_dir / "listings.jsonl").read_text("utf-8").splitlines())

    # the leads are in the store, each with its evidence, and the evidence log verifies (CONTRACTS §6)
    found = markwatch("search", "--data-dir", str(data_dir), "--format", "json", "--limit", "0")
    assert found.returncode == 0, found.stderr
    stored = [json.loads(line) for line in found.stdout.splitlines() if line.strip()]
    assert {(row["url"], row["right_id"]) for row in stored} == {(lead["url"], lead["right_id"]) for lead in leads}
    assert f"stored: {len(leads)} new, 0 updated" in summary
    # the register's rights went into the store with the crawl: every lead has its right's kind
    from matchers.register import load_register

    kinds = {right.id: right.kind for right in load_register().rights}
    assert all(row["kind"] == kinds[row["right_id"]] for row in stored)
    from index.sqlite_store import SQLiteStore
    from index.store import SearchQuery

    with SQLiteStore(data_dir / "store.sqlite") as store:
        assert all(lead.evidence for lead in store.search(SearchQuery(limit=0)).leads)
    verified = markwatch("evidence", "verify", "--data-dir", str(data_dir))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{len({lead['url'] for lead in leads})} entries" in verified.stdout  # one capture per flagged listing
    assert "evidence intact" in summary and "try next: markwatch search" in summary
    # the summary ends with each platform's health after its crawl (markwatch/health.py)
    health = summary.rstrip().splitlines()[-1]
    entries = health.removeprefix("health: ").split(" · ")
    assert health.startswith("health: ") and sorted(e.split()[0] for e in entries) == ["bazaar", "openmall", "storefront"]
    assert all(e.split()[1] in ("ok", "degraded", "walled", "blocked") for e in entries), health

    # the platform linkage loop (issue 9): the demo analyst confirmed a sample by the ground truth, the
    # notices went to the demo platforms' webhooks, they answered through the API, a re-crawl verified
    import re
    from collections import Counter

    from index.linkage import COUNTER_NOTICE_DAYS

    sent = re.search(r"confirmed (\d+) leads by the ground truth \((\d+) dismissed\) → (\d+) notices sent "
                     r"\((\d+) pushed", summary)
    verified = re.search(r"re-crawl of (\d+) removed listings: (\d+) removals verified .*?, (\d+) still online",
                         summary)
    pending = re.search(r"counter-notices pending: (\d+);.*deadline (\S+ \S+) UTC \((ntc-\S+),", summary)
    assert sent and verified and pending, summary[-3000:]
    confirmed, notices = int(sent.group(1)), int(sent.group(3))
    assert confirmed > 0 and notices > 0 and int(sent.group(4)) == notices  # every notice pushed
    with SQLiteStore(data_dir / "store.sqlite") as store:
        analysed = [lead for lead in store.search(SearchQuery(limit=0)).leads
                    if any(t.actor == "demo-analyst" for t in store.history(lead.id))]
        statuses = Counter(lead.status for lead in analysed)
        assert len(analysed) == confirmed + int(sent.group(2))
        answered = Counter(store.linkage.notice(n)["status"] for n in
                           {n for lead in analysed for n in store.linkage.notices_of_lead(lead.id)})
        assert sum(answered.values()) == notices and set(answered) <= {"removed", "rejected", "counter_notice"}
        assert answered["removed"] and answered["counter_notice"], answered
        assert int(verified.group(2)) > 0 and int(verified.group(1)) == int(verified.group(2)) + int(verified.group(3))
        assert statuses["removed"] >= int(verified.group(2)) and statuses["still_online"] >= int(verified.group(3))
        due = store.linkage.counter_notices_due("2000-01-01T00:00:00Z", COUNTER_NOTICE_DAYS * 1000)
        assert int(pending.group(1)) == len(due) == answered["counter_notice"]
        assert due[0]["notice_id"] == pending.group(3) and due[0]["deadline"][:16] == pending.group(2).replace(" ", "T")

    # full-text search finds the 耐克 counterfeits among them
    nike = {lead["url"] for lead in leads if "耐克" in lead["listing"]["title"]}
    assert nike, "seed 9's catalogue has 耐克 counterfeits"
    searched = markwatch("search", "--data-dir", str(data_dir), "耐克", "--format", "json", "--limit", "0")
    assert searched.returncode == 0, searched.stderr
    assert nike <= {json.loads(line)["url"] for line in searched.stdout.splitlines() if line.strip()}


def test_demo_health_line_says_each_platforms_state_and_why() -> None:
    from markwatch.commands.demo import health_line

    line = health_line({"bazaar": {"stats": {"markwatch/health/responses": 120}},
                        "openmall": {"stats": {"markwatch/health/responses": 40, "markwatch/health/status_429": 12,
                                               "markwatch/health/delay": 0.5}},
                        "storefront": {"stats": {"markwatch/health/responses": 9, "markwatch/health/wall_captcha": 3,
                                                 "markwatch/health/pauses": 1}}})
    assert line == "health: bazaar ok · openmall degraded (429 ×12) · storefront walled (captcha wall ×3)"

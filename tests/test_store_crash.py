"""Crash safety of ``markwatch index`` on the SQLite store, with real processes and SIGKILL.

A run is killed at random moments (between batches and inside one: a batch's transaction takes
most of a run's time), restarted each time, and finally let finish. The store must then hold
exactly what one clean run stores: every lead once, the same counts and facets, the listing
history without doubled versions, full text finding each listing once, and an intact file.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from index.sqlite_store import SQLiteStore
from index.store import SearchQuery

pytestmark = pytest.mark.slow

N = 6_000
BATCH = 200
MARKWATCH = [sys.executable, "-c", "import sys; from markwatch.cli import main; sys.exit(main())"]


def leads_file(path: Path, version: int) -> Path:
    rnd = random.Random(5)
    words = ["正品", "耐克", "运动鞋", "茅台", "飞天", "冰墩墩", "高仿", "Nike", "Air", "max"]
    with path.open("wb") as out:
        for i in range(N):
            url = f"https://shop.example/item/{i}"
            title = f"{' '.join(rnd.sample(words, 3))} 款式w{i}x v{version}"
            lead = {"url": url, "right_id": rnd.choice(["tm-nike", "gi-maotai-liquor"]),
                    "score": round(rnd.random(), 3), "reasons": ["mark in title"],
                    "listing": {"url": url, "platform": rnd.choice(["bazaar", "openmall"]), "title": title,
                                "seller_id": f"s-{i % 97}", "seller_name": f"店{i % 97}",
                                "ship_from": rnd.choice(["福建 莆田", "广东 广州", ""])}}
            out.write(orjson.dumps(lead) + b"\n")
            if i % 1000 == 7:
                out.write(b"{broken line\n")
    return path


def index(leads: Path, data: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*MARKWATCH, "index", "--leads", str(leads), "--data-dir", str(data),
                             "--batch-size", str(BATCH)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def finish(leads: Path, data: Path) -> str:
    proc = index(leads, data)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0
    return out.decode()


def progress(data: Path, version: int) -> int:
    """Leads stored at ``version`` (their title says v1 / v2), read without writing anything."""
    import sqlean

    path = data / "store.sqlite"
    if not path.exists():
        return 0
    db = sqlean.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT count(*) FROM listing_text WHERE listing_text MATCH ?", (f'"v{version}"',)).fetchone()[0]
    except sqlean.OperationalError:  # the schema is not there yet
        return 0
    finally:
        db.close()


def crash_repeatedly(leads: Path, data: Path, version: int, kills: int, seed: int) -> list[int]:
    """Start, SIGKILL once the run has stored a random share of what is left (so inside a later batch
    or between two), restart … ``kills`` times; returns the leads stored at ``version`` after each kill.

    The kill follows the store's progress, not the clock: a run writes its 6,000 leads in well under
    a second on a quiet machine, so a kill after a random sleep often came after the end."""
    rnd = random.Random(seed)
    seen = []
    for _ in range(kills):
        before = progress(data, version)
        target = before + max(1, int((N - before) * rnd.uniform(0.05, 0.6)))
        proc = index(leads, data)
        deadline = time.monotonic() + 300
        while proc.poll() is None and progress(data, version) < target and time.monotonic() < deadline:
            time.sleep(0.02)  # each look opens the store and counts through FTS: 2 ms cost ≈5 CPU-s a test
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        assert not left_behind(leads), "a killed markwatch index left its worker processes running"
        seen.append(progress(data, version))
    return seen


def left_behind(leads: Path, wait: float = 10.0) -> list[int]:
    """Pids of processes still running ``markwatch index`` on ``leads`` (a forked worker keeps its
    parent's command line) after up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        pids = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                args = cmdline.read_bytes().split(b"\0")
                status = (cmdline.parent / "stat").read_text().split(") ")[-1][:1]
            except OSError:
                continue
            if str(leads).encode() in args and b"index" in args and status != "Z":
                pids.append(int(cmdline.parent.name))
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


def snapshot(data: Path) -> dict[str, Any]:
    with SQLiteStore(data / "store.sqlite") as store:
        everything = store.search(SearchQuery(limit=0)).leads
        facets = store.facets(SearchQuery(), size=200)
        histories = {lead.url: len(store.listing_history(lead.url)) for lead in everything[::37]}
        found = {i: store.count(SearchQuery(text=f"w{i}x")) for i in range(0, N, 131)}
        counted = store._read("SELECT right_id, kind, platform, province, status, n FROM lead_combos WHERE n > 0 "
                              "ORDER BY 1, 2, 3, 4, 5")
        grouped = store._read("SELECT right_id, kind, platform, province, status, count(*) FROM leads "
                              "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")
        assert counted == grouped, "the facet count tables disagree with the leads"
        assert store._read("SELECT count(*) FROM leads l LEFT JOIN lead_combos c ON c.id = l.combo "
                           "WHERE c.id IS NULL OR c.status != l.status OR c.right_id != l.right_id "
                           "OR c.province != l.province")[0][0] == 0, "a lead's combination key is stale"
        integrity = store._read("PRAGMA integrity_check")[0][0]
        with store._write() as db:  # FTS5's check is an INSERT: the store's readers are read-only
            fts = db.execute("INSERT INTO listing_text(listing_text) VALUES('integrity-check')").fetchall() or "ok"
    return {"leads": sorted((x.id, x.score, x.listing["title"], x.province, x.kind) for x in everything),
            "facets": facets, "histories": histories, "found": found, "integrity": integrity, "fts": fts}


def test_killed_index_runs_lose_nothing_and_double_nothing(tmp_path: Path) -> None:
    first, second = leads_file(tmp_path / "v1.jsonl", 1), leads_file(tmp_path / "v2.jsonl", 2)
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"

    summary = finish(first, clean)
    assert f"read {N + N // 1000}, new {N}, updated 0, unchanged 0, skipped {N // 1000}" in summary
    assert f"updated {N}," in finish(second, clean)

    for leads, version in ((first, 1), (second, 2)):
        counts = crash_repeatedly(leads, crashed, version, kills=4, seed=version)
        assert any(0 < c < N for c in counts), f"no kill landed mid-run: {counts}"
        finish(leads, crashed)

    want, got = snapshot(clean), snapshot(crashed)
    assert len(got["leads"]) == N and len({x[0] for x in got["leads"]}) == N
    assert got["leads"] == want["leads"]
    assert got["facets"] == want["facets"]
    assert set(got["histories"].values()) == {2} and got["histories"] == want["histories"], "each version once"
    assert set(got["found"].values()) == {1}
    assert got["integrity"] == "ok"

"""The crawl on Redis (CONTRACTS §12): listings/s with 1, 2 and 3 workers against the demo
marketplace, beside the single-process crawl measured in the same run, and what a killed worker
costs: listings lost (goal 0) and requests repeated.

Why a script and not a timed test: throughput depends on the machine and its load; what matters is
the comparison made at the same moment. Runs, each a fresh crawl of the bazaar platform
(``markwatch crawl html``), one after the other:

- ``scrapy scheduler``: one process on Scrapy's own scheduler (pops: at most once) — the baseline;
- ``local queue``: one process on markwatch's leased queue in memory (the default without --redis);
- ``local queue, --resume``: the same queue in an SQLite file (what survives a SIGKILL);
- ``redis ×1/×2/×3``: that many workers with the same ``--redis`` (wall time: first start to last exit);
- ``redis ×3, one killed``: one worker SIGKILLed once its output holds a third of its share.

Each run is repeated ``--rounds`` times in alternating order and the fastest round is shown (a loaded
machine makes single runs noisy); every killed-worker round is listed with its losses. CPU ms per
listing (all workers of a run together, start-up included) is much less sensitive to the load.

Repeated requests are counted by the marketplace itself (``/__hits``: detail pages fetched more than
once, of those a clean crawl fetches exactly once); lost listings against its ground truth.

    .venv/bin/python bench/distributed.py [--listings 2000] [--lease 5]

On a 2-core machine the workers share the cores with each other and with the marketplace, so more
workers here mostly shows the overhead of sharing; on separate machines each brings its own cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
QUIET = ["-s", "PLATFORM_HEALTH_ENABLED=False", "-s", "PROGRESS_INTERVAL=0"]


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if not binary:
        sys.exit("redis-server is not installed: run scripts/setup.sh")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(directory), "--loglevel", "warning"], stdout=subprocess.DEVNULL)
    import redis

    for _ in range(200):
        try:
            if redis.Redis(port=port).ping():
                return proc, f"redis://127.0.0.1:{port}"
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("redis-server did not start")


def hits(base: str) -> Counter[str]:
    with urllib.request.urlopen(base + "/__hits", timeout=10) as answer:
        return Counter(json.load(answer))


def crawl(base: str, output: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "markwatch.cli", "crawl", "html", "--platform", "bazaar",
                             "--start-url", base + "/", "--output", str(output), *QUIET, *extra],
                            cwd=output.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["listing_id"] for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
            if line.endswith("\n")]


def run(name: str, base: str, work: Path, workers: int, extra: list[str], once: set[str],
        kill_at: int = 0) -> dict:
    work.mkdir(parents=True)
    outputs = [work / f"w{i}.jsonl" for i in range(workers)]
    before = hits(base)
    cpu_before = _children_cpu()
    started = time.monotonic()
    procs = [crawl(base, out, *extra) for out in outputs]
    killed = False
    if kill_at:
        while outputs[0].exists() is False or outputs[0].read_bytes().count(b"\n") < kill_at:
            if procs[0].poll() is not None:
                break
            time.sleep(0.02)
        if procs[0].poll() is None:
            os.kill(procs[0].pid, signal.SIGKILL)
            killed = True
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode not in (0, -signal.SIGKILL):
            sys.exit(f"{name}: a crawl failed: {err[-2000:]}")
    elapsed = time.monotonic() - started
    cpu = _children_cpu() - cpu_before
    after = hits(base)
    union = [i for out in outputs for i in ids(out)]
    return {"name": name, "workers": workers, "elapsed": elapsed, "listings": len(set(union)),
            "written": len(union), "repeated": sum(max(0, after[p] - before[p] - 1) for p in once),
            "killed": killed, "cpu": cpu}


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes reaped so far: the crawl workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=2000, help="demo marketplace size (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lease", type=float, default=5.0, help="QUEUE_LEASE_SECONDS of the workers (default 5)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of every run, alternating (default 2); the fastest round of each is shown")
    args = parser.parse_args()

    import redis

    from demo_marketplace.catalogue import generate_catalogue
    from demo_marketplace.process import start_marketplace

    expected = generate_catalogue(args.listings, args.seed).expected_listing_ids("bazaar")
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    market = start_marketplace(listings=args.listings, seed=args.seed, api_rate=0, labels_out=work / "labels.jsonl")
    redis_proc, redis_base = start_redis(work)
    base = market.urls["bazaar"]
    rows = [json.loads(line) for line in (work / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]
    once = {r["url"].removeprefix(base) for r in rows if r["platform"] == "bazaar"
            and r["served_as"] in ("ok", "missing_price", "mojibake", "truncated")}
    plans = [
        ("scrapy scheduler", 1, ["-s", "SCHEDULER=scrapy.core.scheduler.Scheduler"], 0),
        ("local queue", 1, [], 0),
        ("local queue, --resume", 1, ["--resume", "{work}/resume-state"], 0),
        *((f"redis ×{n}", n, ["--redis", "{redis}"], 0) for n in (1, 2, 3)),
        ("redis ×3, one killed", 3, ["--redis", "{redis}", "-s", f"QUEUE_LEASE_SECONDS={args.lease}"],
         max(1, len(expected) // 9)),
    ]
    best: dict[str, dict] = {}
    killed_runs: list[dict] = []
    try:
        for round_ in range(args.rounds):
            order = plans if round_ % 2 == 0 else plans[::-1]
            for plan in order:
                name, workers, extra, kill_at = plan
                slug = f"round{round_}-run{plans.index(plan)}"
                if "{redis}" in extra:  # a fresh crawl: nothing of the last one in the database
                    redis.Redis.from_url(f"{redis_base}/1").flushdb()
                options = [x.format(work=work / slug, redis=f"{redis_base}/1") for x in extra]
                result = run(name, base, work / slug, workers, options, once, kill_at=kill_at)
                if kill_at:
                    killed_runs.append(result)
                if name not in best or result["elapsed"] < best[name]["elapsed"]:
                    best[name] = result
    finally:
        market.stop()
        redis_proc.terminate()
        redis_proc.wait()
    results = [best[name] for name, *_ in plans]
    baseline = results[0]["listings"] / results[0]["elapsed"]
    print(f"bazaar: {len(expected)} listings ({args.listings}-listing demo marketplace), {os.cpu_count()} cores")
    print(f"{'run':26} {'s':>6} {'listings/s':>10} {'× scrapy':>8} {'CPU ms/listing':>14} {'lost':>5} {'dup':>5} "
          f"{'repeated req':>12}")
    for r in results:
        rate = r["listings"] / r["elapsed"]
        lost = len(expected) - r["listings"]
        print(f"{r['name']:26} {r['elapsed']:6.1f} {rate:10.1f} {rate / baseline:8.2f} "
              f"{1000 * r['cpu'] / max(1, r['listings']):14.1f} {lost:5d} "
              f"{r['written'] - r['listings']:5d} {r['repeated']:12d}" + ("" if not r["killed"] and "killed" not in r["name"]
                                                                          else "  (worker SIGKILLed)"))
    for i, r in enumerate(killed_runs, 1):
        print(f"killed-worker round {i}: lost {len(expected) - r['listings']}, written twice {r['written'] - r['listings']}, "
              f"requests repeated {r['repeated']}")
    try:
        load = os.getloadavg()[0]
        print(f"load average while measuring: {load:.1f} (figures are comparable within this run only)")
    except OSError:
        pass
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

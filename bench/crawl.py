"""Crawl throughput: the ``html`` and ``api`` spiders against a large demo marketplace, beside
``scrapy bench`` run in the same invocation, plus the ``rendered`` spider through Chromium: once with
every detail page rendered and read from the DOM (the baseline, ``RENDERED_DATA_FROM=dom``) and once
as configured (the storefront's detail JSON, crawler/rendering.py), in the same run.

Why a script and not a timed test: speed depends on the machine and its load; what we track is
the ratio to Scrapy's own benchmark measured at the same moment. Goal: ≥ 0.7× scrapy bench and
< 300 MB peak memory for the html/api spiders (parsing + item validation on, API rate limit off).

    .venv/bin/python bench/crawl.py [--listings 100000] [--pages 3000] [--rendered-pages 150]
    .venv/bin/python bench/crawl.py --runs rendered --listings 2000 --rendered-pages 1000 [--timeline]

(the second: the whole storefront of the 2000-listing demo, 594 pages, the rendered figures quoted
in crawler/rendering.py; ``--timeline`` also prints, per second, the requests that reached Scrapy's
downloader, left it and were inside it: where the pages waited, bench/crawl_timeline.py).

Prints one line per run: pages, seconds, pages/s, ratio to scrapy bench, peak RSS (whole
process tree as PSS, sampled from /proc, so Chromium counts for ``rendered``); the rendered runs also
CPU ms per page of the whole process tree (Chromium, the Playwright driver, Python), and the pages/s
of the crawl itself (from its engine start: without the process's start-up and shutdown, which on a
loaded machine take seconds of wall time). Goal for the rendered spider: ≥ 3× the DOM run's pages/s
with one browser.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # bench.crawl_timeline
PYTHON = sys.executable
TICK = os.sysconf("SC_CLK_TCK")


def _pss(pid: int) -> int:
    """Proportional set size (bytes): shared pages split between the processes sharing them, so
    a multi-process browser is not counted several times over. Falls back to RSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _tree_rss(root: int, cpu: dict[int, float] | None = None) -> int:
    """Memory (PSS, bytes) of a process and all its descendants, from /proc; with ``cpu``, also
    note each one's CPU seconds so far (user + system) in it."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / TICK
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss(pid)
        if cpu is not None and pid in times:
            cpu[pid] = times[pid]
        stack.extend(children.get(pid, []))
    return total


def run_measured(cmd: list[str], cwd: Path, timeout: float) -> tuple[subprocess.CompletedProcess[str], float, int, float]:
    """Run a command; return it, wall seconds, the peak RSS and the CPU seconds of its process tree
    (each process's last sample: Chromium's short-lived helpers count too)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid, cpu))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    done.set()
    sampler.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), time.monotonic() - started, peak, sum(cpu.values())


def scrapy_bench(seconds: int) -> float:
    """pages/s of ``scrapy bench`` (vanilla Scrapy, run outside this project's settings)."""
    with tempfile.TemporaryDirectory() as tmp:
        proc, _, _, _ = run_measured([PYTHON, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
                                  Path(tmp), timeout=seconds + 60)
    log = proc.stderr
    pages = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if pages and elapsed:
        return int(pages.group(1)) / float(elapsed.group(1))
    rates = [float(x) for x in re.findall(r"at (\d+) pages/min", log)]
    if not rates:
        raise SystemExit(f"could not read scrapy bench's figures:\n{log[-2000:]}")
    return max(rates) / 60.0


def crawl(spider: str, platform: str, base_url: str, pages: int, extra: list[str], workdir: Path,
          cap: str = "CLOSESPIDER_PAGECOUNT", timeline: Path | None = None) -> dict:
    """One ``markwatch crawl`` in a subprocess capped at ``pages`` pages; its figures.

    ``cap``: CLOSESPIDER_PAGECOUNT (stop after N responses) or ``--max-pages`` (request at most N
    pages; the rendered spider then also stops loading its grid once it has N cards)."""
    workdir.mkdir(parents=True, exist_ok=True)
    stats_file = workdir / f"{spider}-stats.json"
    limit = ["-s", f"CLOSESPIDER_PAGECOUNT={pages}"] if cap == "CLOSESPIDER_PAGECOUNT" else ["--max-pages", str(pages)]
    cmd = [PYTHON, "-m", "markwatch.cli", "crawl", spider, "--platform", platform, "--start-url", base_url + "/",
           "--output", str(workdir / f"{spider}.jsonl"), "--stats-json", str(stats_file),
           *limit, "-s", "PROGRESS_INTERVAL=0", *extra]
    if timeline is not None:
        cmd += ["-s", 'EXTENSIONS={"bench.crawl_timeline.Timeline": 0}', "-s", f"CRAWL_TIMELINE_FILE={timeline}"]
    proc, wall, peak, cpu = run_measured(cmd, REPO, timeout=600)
    if proc.returncode != 0 or not stats_file.is_file():
        raise SystemExit(f"{spider} crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    n = int(stats.get("response_received_count", 0))
    elapsed = float(stats.get("elapsed_time_seconds") or wall)
    own = re.search(r"([\d.]+)s \(([\d.]+) pages/s\)", proc.stdout + proc.stderr)  # the crawl's summary line
    return {"pages": n, "items": int(stats.get("item_scraped_count", 0)), "seconds": elapsed,
            "pages_per_s": n / elapsed, "peak_mb": peak / 2**20, "cpu_ms_per_page": 1000 * cpu / max(n, 1),
            "crawl_pages_per_s": float(own.group(2)) if own else float("nan")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=3000, help="CLOSESPIDER_PAGECOUNT of each html/api run")
    parser.add_argument("--rendered-pages", type=int, default=150, help="pages for the rendered run (0 = skip)")
    parser.add_argument("--bench-seconds", type=int, default=15)
    parser.add_argument("--runs", default="html,api,rendered", help="which runs, comma-separated")
    parser.add_argument("--timeline", action="store_true",
                        help="rendered runs: print per second the requests reaching, leaving and inside the downloader")
    args = parser.parse_args(argv)

    from demo_marketplace.process import start_marketplace

    print(f"starting the demo marketplace with {args.listings} listings (API rate limit off)…", flush=True)
    t0 = time.monotonic()
    with start_marketplace(listings=args.listings, seed=7, api_rate=0) as market, \
            tempfile.TemporaryDirectory() as tmp:
        print(f"  ready in {time.monotonic() - t0:.1f}s: {market.urls}", flush=True)
        runs = set(args.runs.split(","))
        rows = []
        if runs & {"html", "api"}:
            baseline = scrapy_bench(args.bench_seconds)
            print(f"scrapy bench (same run, {args.bench_seconds}s): {baseline:7.1f} pages/s", flush=True)
        if "html" in runs:
            rows.append(("html / bazaar", crawl("html", "bazaar", market.urls["bazaar"], args.pages, [], Path(tmp))))
        if "api" in runs:
            rows.append(("api / openmall", crawl("api", "openmall", market.urls["openmall"], args.pages, [], Path(tmp))))
        for label, row in rows:
            print(f"{label:16} {row['pages']:6d} pages {row['items']:6d} items {row['seconds']:6.1f}s "
                  f"{row['pages_per_s']:7.1f} pages/s  {row['pages_per_s'] / baseline:4.2f}× scrapy bench  "
                  f"peak {row['peak_mb']:5.0f} MB", flush=True)
        if args.rendered_pages and "rendered" in runs:
            # the same crawl twice, one Chromium with 4 tabs each: every detail page rendered and read
            # from the DOM (RENDERED_DATA_FROM=dom, the way before the JSON path), then as configured
            # (the storefront's file says data_from: its detail JSON, fetched from a tab on the site)
            rendered = {}
            for mode in ("dom", "auto"):
                timeline = Path(tmp) / f"timeline-{mode}.json" if args.timeline else None
                rendered[mode] = row = crawl("rendered", "storefront", market.urls["storefront"], args.rendered_pages,
                                             ["-s", "RENDERED_CONCURRENCY=4", "-s", f"RENDERED_DATA_FROM={mode}"],
                                             Path(tmp) / mode, cap="--max-pages", timeline=timeline)
                label = "rendered DOM" if mode == "dom" else "rendered JSON"
                ratio = row["pages_per_s"] / rendered["dom"]["pages_per_s"]
                own_ratio = row["crawl_pages_per_s"] / rendered["dom"]["crawl_pages_per_s"]
                print(f"{label:16} {row['pages']:6d} pages {row['items']:6d} items {row['seconds']:6.1f}s "
                      f"{row['pages_per_s']:7.1f} pages/s  {row['cpu_ms_per_page']:5.0f} ms CPU/page  "
                      f"{ratio:4.2f}× the DOM run  (one Chromium, 4 tabs)  peak {row['peak_mb']:5.0f} MB incl. browser; "
                      f"the crawl itself {row['crawl_pages_per_s']:5.1f} pages/s, {own_ratio:4.2f}×", flush=True)
                if timeline is not None and timeline.is_file():
                    from bench.crawl_timeline import print_table

                    print_table(timeline, label)
    return 0


if __name__ == "__main__":
    sys.exit(main())

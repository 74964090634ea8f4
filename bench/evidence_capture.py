"""Evidence capture speed: leads captured per second with ONE browser (screenshot pool + evidence
log), beside a baseline measured in the same run on the same pages.

Why a script and not a timed test: speed depends on the machine and its load. Goal (issue 7):
≥ 5 leads/s with one browser. What is measured is what the evidence pipeline does per lead: show
the listing page in a tab of the pool (images on), take a full-page PNG, archive the response +
screenshot in the evidence log. Three ways, alternated round by round on the same pages:

- baseline: the page loaded at its URL, Playwright's own ``page.screenshot(full_page=True)``;
- pool, loaded: the page loaded at its URL, the pool's DevTools capture (what listings of rendered
  and API platforms get);
- pool, archived: the response the crawl fetched written into a tab (pipelines/archived_page.py),
  the pool's capture (what static pages such as bazaar's get: the pipeline's path here).

    .venv/bin/python bench/evidence_capture.py [--listings 300] [--pages 60] [--tabs 4] [--rounds 3]

Pages are detail pages of the demo marketplace's server-rendered ``bazaar`` (the one the demo has
most leads on), taken from its category pages.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo_marketplace.process import start_marketplace  # noqa: E402
from index.evidence import Capture, EvidenceLog  # noqa: E402
from index.store import utc_now  # noqa: E402
from pipelines.archived_page import archived_html  # noqa: E402
from pipelines.screenshots import ScreenshotPool  # noqa: E402


def detail_urls(base: str, limit: int) -> list[str]:
    home = urllib.request.urlopen(base).read().decode("utf-8")
    urls: list[str] = []
    for category in re.findall(r'href="(/category/[^"]+)"', home):
        page = urllib.request.urlopen(base.rstrip("/") + category).read().decode("utf-8", "replace")
        urls += [base.rstrip("/") + path for path in re.findall(r'href="(/item/[^"]+)"', page)]
        if len(dict.fromkeys(urls)) >= limit:
            break
    return list(dict.fromkeys(urls))[:limit]


class PlaywrightScreenshotPool(ScreenshotPool):
    """The baseline: the same pool, but ``page.screenshot(full_page=True)``."""

    async def png(self, page):  # type: ignore[override]
        return await page.screenshot(full_page=True, type="png")


EXCLUDED: set[int] = set()
"""Processes whose CPU is not the capture's (the marketplace serving the pages)."""


def cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) so far of this process and of all its descendants (the browser,
    its renderers, Playwright's driver) but the marketplace: a figure the machine's load does not
    inflate."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    me = os.getpid()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        if pid not in EXCLUDED:
            children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, list(children.get(me, []))
    while todo:
        pid = todo.pop()
        total += stats[pid][1]
        todo.extend(children.get(pid, []))
    own = os.times()
    return own.user + own.system, total


def fetched(url: str) -> dict:
    """The response as the crawl would have noted it (pipelines.evidence.facts_dict's fields)."""
    with urllib.request.urlopen(url) as response:
        return {"status": response.status, "response_headers": list(response.headers.items()),
                "body": response.read(), "final_url": response.url}


async def run(pool_cls: type[ScreenshotPool], pages: dict[str, dict], tabs: int, data_dir: Path,
              archived: bool) -> tuple[float, float, float, float]:
    urls = list(pages)
    pool = pool_cls(tabs=tabs, timeout=60)
    started = time.monotonic()
    await pool.start()
    launch = time.monotonic() - started
    log = EvidenceLog(data_dir)
    writer = ThreadPoolExecutor(1)  # one writer thread, as the pipeline has: the log is not thread-safe
    loop = asyncio.get_running_loop()
    await pool.shoot(urls[0], html=archived_html(pages[urls[0]], None) if archived else None)  # warm: opens the renderer

    async def one(url: str) -> None:
        html = archived_html(pages[url], None) if archived else None
        shot = await pool.shoot(url, html=html)
        assert shot.source == ("response" if archived else "load"), shot.source
        capture = Capture(url=url, final_url=shot.final_url, captured_at=utc_now(), body=pages[url]["body"],
                          screenshot_png=shot.png, title=shot.title, screenshot_of=shot.source)
        await loop.run_in_executor(writer, log.append, capture)

    started, (own0, children0) = time.monotonic(), cpu_seconds()
    await asyncio.gather(*(one(u) for u in urls))
    elapsed = time.monotonic() - started
    own1, children1 = cpu_seconds()
    writer.shutdown()
    log.close()
    await pool.close()
    n = len(urls)
    return n / elapsed, launch, (children1 - children0) / n * 1000, (own1 - own0) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=300)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--tabs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with start_marketplace(listings=args.listings, seed=7) as market, \
            tempfile.TemporaryDirectory(prefix="mw-bench-capture-") as tmp:
        EXCLUDED.add(market.pid)
        urls = detail_urls(market.urls["bazaar"], args.pages)
        pages = {url: fetched(url) for url in urls}  # the crawl's responses (not counted: the crawl's work)
        print(f"{len(urls)} bazaar detail pages, {args.tabs} tabs of one Chromium")
        ways = {"baseline (loaded, page.screenshot full_page)": (PlaywrightScreenshotPool, False),
                "evidence pool, page loaded at its URL        ": (ScreenshotPool, False),
                "evidence pool, archived response written     ": (ScreenshotPool, True)}
        # alternate the ways, several rounds, and keep each one's median: the machine's load drifts
        figures: dict[str, list[tuple[float, ...]]] = {name: [] for name in ways}
        for round_ in range(args.rounds):
            for n, (name, (cls, archived)) in enumerate(ways.items()):
                figures[name].append(asyncio.run(run(cls, pages, args.tabs, Path(tmp) / f"{n}-{round_}", archived)))
        medians = {name: sorted(rows, key=lambda r: r[2] + r[3])[len(rows) // 2] for name, rows in figures.items()}
        cores = os.cpu_count() or 1
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {cores} cores; CPU per lead is what the load does not change, and "
              f"{cores} cores / CPU per lead is the pace of an idle machine (median of {args.rounds} rounds by CPU)")
        for name, (rate, launch, browser_ms, python_ms) in medians.items():
            idle = cores / ((browser_ms + python_ms) / 1000)
            print(f"{name}: {rate:6.1f} leads/s here, CPU per lead {browser_ms:5.0f} ms browser + {python_ms:4.0f} ms "
                  f"Python → ≈{idle:5.1f} leads/s idle   (browser start {launch:.1f}s)")
        base = medians[next(iter(ways))]
        for name, row in list(medians.items())[1:]:
            print(f"{name.strip()} vs baseline: ×{row[0] / base[0]:.2f} here, CPU per lead "
                  f"×{(base[2] + base[3]) / (row[2] + row[3]):.2f} less")
        print("goal ≥ 5 leads/s with one browser")


if __name__ == "__main__":
    main()

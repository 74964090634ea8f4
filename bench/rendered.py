"""Rendered crawl speed: the ``rendered`` spider on the demo storefront, beside Playwright's own floor.

Why this baseline: what a JavaScript page costs is mostly Chromium's (navigate, run the page's
script, its API call, lay it out), and that depends on the machine and its load. So the same run
first renders the same product pages with bare Playwright, no Scrapy at all (one browser, the same
number of tabs, ``goto`` + one in-page wait for the ready element + the HTML back: the cheapest way
Playwright can do it), then crawls the whole storefront with ``markwatch crawl rendered`` (grid
clicked through, every product page rendered and parsed, robots.txt, retries, feed). The ratio of
the two, in pages/s and in CPU seconds per page of the whole process tree (Chromium, the Playwright
driver, Python), says what markwatch adds on top of the browser.

    .venv/bin/python bench/rendered.py [--listings 2000] [--tabs 4] [--floor-pages 200]

Goal: the demo storefront (594 product pages at 2000 listings) well under 60 s on 2 idle cores,
and the crawl within 1.5× the floor's CPU per page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TICK = os.sysconf("SC_CLK_TCK")


class TreeCpu:
    """CPU seconds of a process and all its descendants, sampled from /proc until stopped
    (a process's last sample counts, so short-lived Chromium helpers are included)."""

    def __init__(self, root: int) -> None:
        self.root, self.seen, self._stop = root, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        parent: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    raw = Path(f"/proc/{name}/stat").read_text()
                except OSError:
                    continue
                fields = raw[raw.rindex(")") + 2:].split()
                parent[int(name)] = int(fields[1])
                cpu[int(name)] = (int(fields[11]) + int(fields[12])) / TICK
        tree = {self.root}
        grown = True
        while grown:
            grown = False
            for pid, ppid in parent.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grown = True
        for pid in tree:
            if pid in cpu:
                self.seen[pid] = cpu[pid]

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._sample()

    def stop(self) -> float:
        self._sample()
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())


FLOOR_JS = """([selector, ms]) => new Promise((resolve) => {
  const done = () => { if (!document.querySelector(selector)) return false;
                       observer.disconnect(); resolve(document.documentElement.outerHTML); return true; };
  const observer = new MutationObserver(done);
  if (!done()) { observer.observe(document, {subtree: true, childList: true, attributes: true});
                 setTimeout(() => resolve(null), ms); }
})"""


async def _floor(urls: list[str], tabs: int) -> None:
    from playwright.async_api import async_playwright

    from markwatch.config import chromium_args, find_browser

    browser_path = find_browser("")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(headless=True, args=chromium_args("--blink-settings=imagesEnabled=false",
                                                                             "--in-process-gpu"),
                                           **({"executable_path": browser_path} if browser_path else {}))
        context = await browser.new_context()
        queue: asyncio.Queue[str] = asyncio.Queue()
        for url in urls:
            queue.put_nowait(url)

        async def work() -> None:
            page = await context.new_page()
            while not queue.empty():
                url = queue.get_nowait()
                await page.goto(url, wait_until="domcontentloaded")
                if await page.evaluate(FLOOR_JS, ["#product[data-ready=true], #product[data-error]", 30_000]) is None:
                    raise SystemExit(f"floor: {url} did not render")

        await asyncio.gather(*(work() for _ in range(tabs)))
        await browser.close()


def floor_main(argv: list[str]) -> int:
    """``bench/rendered.py --floor URLS.json TABS``: the bare-Playwright run, in its own process."""
    urls = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    asyncio.run(_floor(urls, int(argv[1])))
    return 0


def measured(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cpu = TreeCpu(proc.pid)
    out, err = proc.communicate(timeout=900)
    wall = time.monotonic() - started
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), wall, cpu.stop()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--floor"]:
        return floor_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=2000)
    parser.add_argument("--tabs", type=int, default=4)
    parser.add_argument("--floor-pages", type=int, default=200, help="product pages of the Playwright floor run")
    args = parser.parse_args(argv)

    from demo_marketplace.process import start_marketplace

    with start_marketplace(listings=args.listings, seed=7, api_rate=0) as market, tempfile.TemporaryDirectory() as tmp:
        base = market.urls["storefront"]
        with urllib.request.urlopen(f"{base}/api/products?limit=100", timeout=10) as answer:
            first = json.load(answer)["items"]
        urls = [base + item["url"] for item in first] * (args.floor_pages // max(len(first), 1) + 1)
        urls_file = Path(tmp) / "urls.json"
        urls_file.write_text(json.dumps(urls[:args.floor_pages]), encoding="utf-8")
        proc, wall, cpu = measured([sys.executable, __file__, "--floor", str(urls_file), str(args.tabs)])
        if proc.returncode:
            raise SystemExit(f"floor run failed:\n{proc.stderr[-3000:]}")
        floor_rate, floor_cpu = args.floor_pages / wall, cpu / args.floor_pages
        print(f"playwright floor  {args.floor_pages:5d} pages {wall:6.1f}s {floor_rate:6.1f} pages/s "
              f"{floor_cpu * 1000:5.0f} ms CPU/page  (bare Playwright, {args.tabs} tabs, incl. browser start)", flush=True)

        stats_file = Path(tmp) / "stats.json"
        proc, wall, cpu = measured([sys.executable, "-m", "markwatch.cli", "crawl", "rendered", "--platform", "storefront",
                                    "--base-url", base, "--output", str(Path(tmp) / "storefront.jsonl"),
                                    "--stats-json", str(stats_file), "-s", f"RENDERED_CONCURRENCY={args.tabs}",
                                    "-s", "PROGRESS_INTERVAL=0"])
        if proc.returncode:
            raise SystemExit(f"crawl failed:\n{proc.stderr[-3000:]}")
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
        pages = int(stats.get("response_received_count", 0))
        rate, per_page = pages / wall, cpu / max(pages, 1)
        print(f"markwatch crawl   {pages:5d} pages {wall:6.1f}s {rate:6.1f} pages/s {per_page * 1000:5.0f} ms CPU/page  "
              f"({stats.get('item_scraped_count', 0)} listings, incl. start-up; "
              f"{rate / floor_rate:.2f}× the floor's pages/s, {per_page / floor_cpu:.2f}× its CPU/page)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

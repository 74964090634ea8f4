"""``markwatch demo``: the main job, end to end on the bundled demo marketplace (CONTRACTS §6).

Why a single command: it is the first thing a new user runs and the smoke test of the whole
system: start the marketplace on loopback, crawl its three platforms with the three kinds of
spider at once, match the listings against the register, score the result against the
marketplace's ground truth, and print one summary a person can read.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shlex
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger("markwatch.demo")

# platform → the spider that crawls it (docs/marketplace.md)
DEMO_PLATFORMS: dict[str, str] = {"bazaar": "html", "storefront": "rendered", "openmall": "api"}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="the main job: crawl the demo marketplace, match, store leads with evidence, report (and keep serving)",
        description=(
            "Start the demo marketplace (three platforms on loopback: server-rendered 'bazaar', JavaScript "
            "'storefront', JSON API 'openmall'), crawl all three at once, match every listing against the "
            "register while crawling, store every lead with its evidence (the HTTP response and a full-page "
            "Chromium screenshot, in a signed, verifiable log), and print a summary with counts per platform, "
            "what was stored and captured, timings and the accuracy of the whole run against the marketplace's "
            "ground truth. Then the platform linkage end to end: the demo analyst confirms a sample of the leads "
            "by the ground truth, the notices are pushed (signed webhooks) to the demo platforms, which remove most "
            "listings, reject some and forward a seller's counter-notice for a few, posting their answers through "
            "the platform API, and a re-crawl of the removed listings verifies the removals (a listing back online "
            "becomes still_online). Everything goes to --data-dir: store.sqlite (search it with 'markwatch search'), "
            "evidence/ ('markwatch evidence verify'), listings/*.jsonl, leads.jsonl, demo-labels.jsonl."
        ),
    )
    parser.add_argument("--listings", type=int, default=None, metavar="N",
                        help="size of the demo catalogue (default: config demo_listings, 2000)")
    parser.add_argument("--seed", type=int, default=None, help="catalogue seed (default: config demo_seed, 7)")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="where results go (default: config data_dir, ./markwatch-data)")
    parser.add_argument("--no-serve", action="store_true",
                        help="print the summary and exit (0 when the run succeeded) instead of serving afterwards")
    parser.add_argument("--extra-listings", default=None, metavar="FILE",
                        help="also serve (and so crawl) the listings of this JSON Lines file beside the generated "
                             "catalogue, e.g. hostile text for the XSS tests (format: demo_marketplace/extra_listings.py)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="minimum lead score (default: config match_threshold, 0.5)")
    parser.add_argument("--days", type=int, default=0, metavar="N",
                        help="a month in a minute: N nightly runs of the routine ('markwatch schedule') on a fake clock "
                             "ending today, against a marketplace whose listings appear and disappear day by day, with "
                             "a demo analyst confirming a sample by the ground truth and the platforms answering the "
                             "notices; afterwards the dashboard, the period report and /runs show the month "
                             "(catalogue default 240 listings; see jobs/month.py)")
    parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show every log line on screen too (each bad page, Scrapy's own lines); "
                             "without it they go to DATA_DIR/logs/demo-*.log only")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from markwatch.config import load_config

    config = load_config(
        data_dir=args.data_dir, demo_listings=args.listings, demo_seed=args.seed,
        match_threshold=args.threshold,
    )
    data_dir = config.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    from markwatch.console import default_log_file, log_to_file

    # every line (each bad page with its URL, Scrapy's own) goes to the file; the screen keeps to progress
    log_file = log_to_file(default_log_file(data_dir / "logs", "demo"), verbose=args.verbose)
    extra = Path(args.extra_listings).resolve() if getattr(args, "extra_listings", None) else None
    if getattr(args, "days", 0):
        return run_month(args, config, data_dir)
    return DemoRun(config, data_dir, serve=not args.no_serve, log_file=log_file, extra_listings=extra).run()


def run_month(args: argparse.Namespace, config: Any, data_dir: Path) -> int:
    """``markwatch demo --days N``: the routine's nightly runs on a fake clock (jobs/month.py)."""
    from demo_marketplace.process import start_marketplace
    from jobs.month import MONTH_LISTINGS, Month

    if args.days < 1:
        from markwatch.cli import UsageError

        raise UsageError("--days must be at least 1 (e.g. --days 30)")
    if (data_dir / "jobs.sqlite").exists() or (data_dir / "store.sqlite").exists():
        from markwatch.cli import UsageError

        raise UsageError(f"{data_dir} already holds a store or runs; the month starts from an empty one: "
                         "give a new --data-dir (e.g. --data-dir ./markwatch-month)")
    listings = args.listings or MONTH_LISTINGS
    config = dataclasses.replace(config, data_dir=data_dir, demo_listings=listings)
    say(f"markwatch demo --days {args.days}: {listings} listings (seed {config.demo_seed}), one routine run a night "
        f"on a fake clock, results in {data_dir}")
    started = time.monotonic()
    labels = data_dir / "demo-labels.jsonl"
    month = Month(config, {}, labels, args.days, say=say)
    with start_marketplace(listings=listings, seed=config.demo_seed, labels_out=labels, days=args.days,
                           surge=month.surge) as market:
        month.urls = market.urls
        month.truth = month.read_truth(labels)
        result = month.run()
        print(month_summary(result, data_dir, time.monotonic() - started), flush=True)
        if not args.no_serve:
            DemoRun(month.config, data_dir, serve=True).wait_while_serving(market.urls)  # with its campaign
    return 0 if all(day.status == "ok" for day in result.days) else 1


def month_summary(result: Any, data_dir: Path, seconds: float) -> str:
    days = result.days
    lines = ["", "── markwatch demo --days summary " + "─" * 44,
             f"{len(days)} nightly runs ({days[0].day} – {days[-1].day}), {sum(d.pages for d in days)} pages, "
             f"{sum(d.new_leads for d in days)} new leads; analyst {sum(d.confirmed for d in days)} confirmed, "
             f"{sum(d.dismissed for d in days)} dismissed; {sum(d.notices for d in days)} notices; platforms removed "
             f"{sum(d.removed for d in days)}, counter-notified {sum(d.counter for d in days)}, rejected "
             f"{sum(d.rejected for d in days)}; {sum(d.still_online for d in days)} removed listings found still online",
             "leads by status now: " + ", ".join(f"{k} {v}" for k, v in result.totals.items() if v)]
    for report in result.campaign_reports:
        ratio = f"{report['ratio']}× normal weeks" if report["ratio"] is not None else "no normal weeks to compare"
        lines.append(f"campaign {report['campaign']} ({report['start']} – {report['end']}): {report['leads']} leads "
                     f"({report['leads_per_day']}/day vs {report['normal_leads_per_day']}/day, {ratio}), "
                     f"{report['confirmed']} confirmed, {report['removed']} removed")
    lines.append(f"took {seconds:.0f}s ({result.seconds / max(len(days), 1):.1f}s a night)")
    data = shlex.quote(str(data_dir))
    lines.append(f"see: markwatch serve --data-dir {data} → /dashboard, /reports, /runs · markwatch schedule status "
                 f"--data-dir {data}")
    return "\n".join(lines)


class DemoRun:
    """One demo run; each step records its timing for the summary."""

    def __init__(self, config: Any, data_dir: Path, serve: bool, log_file: Path | None = None,
                 extra_listings: Path | None = None) -> None:
        self.config = config
        self.data_dir = data_dir
        self.serve = serve
        self.log_file = log_file
        self.extra_listings = extra_listings  # served beside the catalogue (demo_marketplace/extra_listings.py)
        self.timings: dict[str, float] = {}
        self.moved: dict[str, str] = {}
        """Platforms that could not get their stable port (config demo_port) this run → their URL."""
        self.workbench: Any = None
        """The workbench on a thread (markwatch/commands/_demo_loop.py), once the linkage loop started it."""
        self.linkage_lines: list[str] = []

    def step(self, name: str, started: float) -> None:
        self.timings[name] = time.monotonic() - started

    def run(self) -> int:
        try:
            return self._run()
        finally:
            if self.workbench is not None:  # an early exit or Ctrl-C during the linkage loop
                self.workbench.stop()
                self.workbench = None

    def _run(self) -> int:
        from demo_marketplace.process import start_marketplace

        say(f"markwatch demo: {self.config.demo_listings} listings (seed {self.config.demo_seed}), results in {self.data_dir}")
        t = time.monotonic()
        labels = self.data_dir / "demo-labels.jsonl"
        with start_marketplace(listings=self.config.demo_listings, seed=self.config.demo_seed,
                               labels_out=labels, extra_listings=self.extra_listings,
                               port_base=self.config.demo_port) as market:
            self.step("start marketplace", t)
            for platform, url in market.urls.items():
                say(f"  {platform:<11} {url}")
            self.moved = market.moved_platforms()
            if self.moved:
                say(f"  port(s) {self.config.demo_port}–{self.config.demo_port + 2} not all free: "
                    f"{', '.join(self.moved)} on another port this run, so its listing URLs differ from earlier runs "
                    "(set demo_port / MARKWATCH_DEMO_PORT to free ports for stable URLs)")
            crawl_ok, listings_file, per_platform = self.crawl(market.urls)
            leads_file, match_line = self.match(listings_file, per_platform)
            store_lines, evidence_ok = self.stored(per_platform)
            accuracy = self.accuracy(leads_file, labels)
            linkage_ok = self.linkage(market.urls, labels) if crawl_ok and self.config.demo_linkage else True
            self.print_summary(per_platform, match_line, accuracy, store_lines)
            if not crawl_ok:
                say("demo: at least one crawl failed (see above); exit 1")
                return 1
            if not linkage_ok:
                say("demo: the platform linkage loop did not complete (see the summary's problem lines); exit 1")
                return 1
            if not evidence_ok:
                say("demo: the evidence log does not verify (see above); exit 1")
                return 1
            if self.serve:
                self.wait_while_serving(market.urls)
        return 0

    # -- steps -------------------------------------------------------------------------
    def crawl(self, urls: dict[str, str]) -> tuple[bool, Path, dict[str, Any]]:
        from crawler.runner import CrawlJob, crawl_all

        say("crawling the three platforms at once (progress every 5 s)…")
        t = time.monotonic()
        jobs = [
            CrawlJob(spider=spider, platform=platform, base_url=urls[platform],
                     output=Path("listings") / f"{platform}.jsonl")
            for platform, spider in DEMO_PLATFORMS.items()
        ]
        # Match, evidence and store run inside the crawl (pipelines/): a lead is stored with its
        # capture while the other platforms are still being crawled.
        crawl_config = dataclasses.replace(self.config, data_dir=self.data_dir, match_enabled=True,
                                           evidence_enabled=True, store_enabled=True)
        # AutoThrottle off: these are the demo's own platforms on loopback, where it only slows the
        # crawl (its delay follows latency, i.e. a busy CPU: bazaar 173 s with it, 79 s without, same
        # pages). Real platforms keep it (crawler/settings.py); the per-site concurrency cap still holds.
        results = crawl_all(jobs, crawl_config, output_dir=self.data_dir,
                            settings={"PROGRESS_INTERVAL": 5, "STATS_DUMP": False, "AUTOTHROTTLE_ENABLED": False})
        self.step("crawl", t)
        combined = self.data_dir / "listings.jsonl"
        with combined.open("wb") as out:
            for result in results:
                if result.output.exists():
                    out.write(result.output.read_bytes())
        per_platform = {
            r.job.platform: {"spider": r.job.spider, "pages": r.pages, "listings": r.listings,
                             "bad": r.bad_pages, "elapsed": r.elapsed, "ok": r.ok, "error": r.error,
                             "stats": r.stats}
            for r in results
        }
        for r in results:
            if not r.ok:
                say(r.summary())
        return all(r.ok for r in results), combined, per_platform

    def match(self, listings_file: Path, per_platform: dict[str, Any]) -> tuple[Path, str]:
        """The crawl matched every new or changed listing as it passed (pipelines/match.py) and the
        store pipeline kept the leads; the demo's leads are what the store holds for the listings
        crawled in this run, also written out as ``leads.jsonl`` (CONTRACTS §3 lines)."""
        import orjson

        from index import open_store
        from index.store import SearchQuery

        t = time.monotonic()
        crawled = {row["url"] for row in read_jsonl(listings_file)}
        store = open_store(dataclasses.replace(self.config, data_dir=self.data_dir))
        try:
            stored = store.search(SearchQuery(limit=0)).leads
        finally:
            store.close()
        rows = [lead.to_json() for lead in stored if lead.url in crawled]
        leads = self.data_dir / "leads.jsonl"
        with leads.open("wb") as out:
            out.writelines(orjson.dumps(row) + b"\n" for row in rows)
        self.step("read leads back", t)
        total = crawl_totals(per_platform)
        line = (f"{total('markwatch/matched_items')} listings matched while crawling "
                f"({total('markwatch/match_seconds'):.1f}s of matching), "
                f"{total('markwatch/unchanged_listings')} unchanged since the last run not matched again; "
                f"{len(rows)} leads on {len({row['url'] for row in rows})} listings → {leads}")
        return leads, line

    def stored(self, per_platform: dict[str, Any]) -> tuple[list[str], bool]:
        """What the store and the evidence log got, and whether the evidence log verifies."""
        from index.evidence.verify import verify_log

        total = crawl_totals(per_platform)
        lines = [f"stored: {total('markwatch/stored/new')} new, {total('markwatch/stored/updated')} updated, "
                 f"{total('markwatch/stored/unchanged')} unchanged leads; {total('markwatch/unchanged_listings')} "
                 f"listings unchanged since the last run (only their last_seen moved); "
                 f"{total('markwatch/store_seconds'):.1f}s of writing → {self.data_dir / 'store.sqlite'}"]
        if total("markwatch/store_failed"):
            lines.append(f"  {total('markwatch/store_failed')} leads could not be stored now: spooled to "
                         f"{self.data_dir / 'spool' / 'store'}, written on the next run")
        lines.append(f"evidence: {total('markwatch/evidence_captured')} listings captured (HTTP response + "
                     f"full-page screenshot; {total('markwatch/evidence_seconds'):.1f}s of tab time) → "
                     f"{self.data_dir / 'evidence'}")
        if total("markwatch/evidence_failed"):
            lines.append(f"  {total('markwatch/evidence_failed')} captures failed: spooled to "
                         f"{self.data_dir / 'spool' / 'evidence'}, taken again on the next run")
        t = time.monotonic()
        report = verify_log(self.data_dir)
        self.step("verify evidence", t)
        lines.append(report.summary())
        lines.extend("  " + problem for problem in report.lines())
        return lines, report.ok

    def accuracy(self, leads_file: Path, labels_file: Path) -> dict[str, Any]:
        """Precision/recall of crawl + match together, over the listings that were crawled."""
        from matchers.evaluation import Tally

        crawled = {row["url"] for row in read_jsonl(self.data_dir / "listings.jsonl")}
        labels = list(read_jsonl(labels_file))
        truth = {(row["url"], rid) for row in labels if row["url"] in crawled for rid in row.get("infringes", [])}
        flagged = {(row["url"], row["right_id"]) for row in read_jsonl(leads_file)}
        tally = Tally(tp=len(truth & flagged), fp=len(flagged - truth), fn=len(truth - flagged))
        return {"tally": tally, "crawled": len(crawled), "catalogue": len(labels)}

    def linkage(self, urls: dict[str, str], labels: Path) -> bool:
        """The platform linkage end to end (markwatch/commands/_demo_loop.py): the workbench starts with
        its linkage loop, the demo analyst confirms a sample by the ground truth, the notices are pushed,
        the demo platforms answer, a re-crawl verifies the removals. True when all of it completed."""
        from markwatch.commands._demo_loop import demo_linkage_config, run_loop, start_workbench

        t = time.monotonic()
        config = demo_linkage_config(dataclasses.replace(self.config, data_dir=self.data_dir))
        self.workbench = start_workbench(config, DEMO_WORKBENCH_PORT if self.serve else 0)
        crawled = {row["url"] for row in read_jsonl(self.data_dir / "listings.jsonl")}
        result = run_loop(config, self.workbench, urls, labels, crawled, self.data_dir / "recheck", say=say)
        self.step("linkage loop", t)
        self.linkage_lines = result.lines()
        return not (result.problems or result.recheck.failed)

    # -- output --------------------------------------------------------------------------
    def print_summary(self, per_platform: dict[str, Any], match_line: str, accuracy: dict[str, Any],
                      store_lines: list[str] = ()) -> None:
        lines = ["", "── markwatch demo summary " + "─" * 50,
                 f"{'platform':<11} {'spider':<9} {'pages':>6} {'listings':>9} {'bad pages':>10} {'time':>7}"]
        for platform, row in per_platform.items():
            bad = sum(row["bad"].values())
            lines.append(f"{platform:<11} {row['spider']:<9} {row['pages']:>6} {row['listings']:>9} "
                         f"{bad:>10} {row['elapsed']:>6.1f}s" + ("" if row["ok"] else "  FAILED"))
            if row["bad"]:
                lines.append(" " * 12 + "bad pages by reason: " + ", ".join(f"{k} {v}" for k, v in row["bad"].items()))
        lines.append(f"match: {match_line}")
        lines.extend(store_lines)
        if self.moved:
            lines.append(f"note: {', '.join(self.moved)} served on another port than {self.config.demo_port}+ "
                         "(taken): its listing URLs are new, so this run cannot recognise listings of earlier runs "
                         "on the same data dir (they are stored again under the new URLs)")
        tally = accuracy["tally"]
        lines.append(f"crawled {accuracy['crawled']} of {accuracy['catalogue']} catalogue listings (the rest are "
                     "pages the marketplace serves broken on purpose)")
        lines.append(tally.line("accuracy vs ground truth"))
        lines.extend(self.linkage_lines)
        lines.append("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.timings.items()))
        lines.append(f"files: {self.data_dir / 'listings.jsonl'}, {self.data_dir / 'leads.jsonl'}")
        if self.log_file is not None:
            lines.append(f"log: {self.log_file} (every bad page with its URL and why; --verbose shows them on screen)")
        data = shlex.quote(str(self.data_dir))
        lines.append(f"try next: markwatch search --data-dir {data} 耐克 · markwatch evidence verify --data-dir {data} · "
                     f"markwatch evidence export <id> --data-dir {data} --output lead.wacz")
        lines.append(health_line(per_platform))
        print("\n".join(lines), flush=True)  # the summary is the command's output: stdout

    def wait_while_serving(self, urls: dict[str, str]) -> None:
        """Serve the workbench over the demo's store beside the still-running marketplace until
        Ctrl-C (or SIGTERM), then stop uvicorn; the caller's ``with`` stops the marketplace. The
        workbench the linkage loop started keeps running (and delivering: its linkage loop makes
        and pushes the notices of leads confirmed in it); without one (``--days``) it starts here."""
        from markwatch.commands._demo_loop import start_workbench

        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if self.workbench is None:
                self.workbench = start_workbench(dataclasses.replace(self.config, data_dir=self.data_dir),
                                                 DEMO_WORKBENCH_PORT)
            workbench = self.workbench
            username, password = demo_login(workbench.app.state.accounts, self.data_dir)
            say("\nThe demo marketplace keeps running so you can browse what was crawled:")
            for platform, url in urls.items():
                say(f"  {platform:<11} {url}")
            # stdout, like the summary: scripts wait for this line
            print(f"workbench: {workbench.url}/leads  login: {username} / {password}", flush=True)
            say("Press Ctrl-C to stop the workbench and the marketplace.")
            while not stop.wait(0.5) and workbench.thread.is_alive():
                pass
        finally:
            if self.workbench is not None:
                self.workbench.stop()
                self.workbench = None
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        say("markwatch demo: stopped")


# The workbench's port when free; otherwise any free port (the marketplace's: config demo_port and the two after).
DEMO_WORKBENCH_PORT = 8000
DEMO_USER = "demo"


def demo_login(accounts: Any, data_dir: Path) -> tuple[str, str]:
    """The demo analyst ``demo`` and its password: generated once per data dir, kept in
    ``DATA_DIR/demo-login.txt`` (mode 600) and printed, so a second run logs in the same way."""
    import secrets

    secret_file = data_dir / "demo-login.txt"
    password = secret_file.read_text(encoding="utf-8").strip() if secret_file.exists() else ""
    if not password:
        password = secrets.token_urlsafe(12)
        secret_file.write_text(password + "\n", encoding="utf-8")
        secret_file.chmod(0o600)
    if accounts.by_name(DEMO_USER) is None:
        accounts.add(DEMO_USER, password, role="analyst")
    elif accounts.authenticate(DEMO_USER, password) is None:
        accounts.set_password(DEMO_USER, password)
    return DEMO_USER, password


def listen_socket(host: str, port: int) -> Any:
    """A listening socket on ``port``, or on a free port when that one is taken."""
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((host, 0))
    sock.listen(2048)
    return sock


def crawl_totals(per_platform: dict[str, Any]) -> Any:
    """``total(stat)``: a crawl statistic summed over the platforms (0 when none counted it)."""
    def total(name: str) -> Any:
        return sum(row.get("stats", {}).get(name, 0) for row in per_platform.values())
    return total


def read_jsonl(path: Path) -> Any:
    """Rows of a JSON Lines file we wrote ourselves (bad lines are a bug here, not input)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def health_line(per_platform: dict[str, Any]) -> str:
    """One line, each platform's health after its crawl (markwatch/health.py), e.g.
    ``health: bazaar ok · storefront ok · openmall degraded (429 ×12)``."""
    from markwatch.health import health_summary

    parts = []
    for platform, row in per_platform.items():
        health = health_summary(row.get("stats") or {}, platform)
        why = [f"{code} ×{n}" for code, n in health["throttled"].items() if n]
        why += [f"{kind} wall ×{n}" for kind, n in health["walls"].items() if n]
        if health["errors"]:
            why.append(f"{health['errors']} errors")
        parts.append(f"{platform} {health['state']}" + (f" ({', '.join(why)})" if why and health["state"] != "ok" else ""))
    return "health: " + " · ".join(parts)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)

"""One pass of the routine: plan the crawls, run them as ``markwatch crawl`` processes, verify
takedowns, record the run.

Why processes: a crawl that hangs or crashes (a browser gone wrong, a platform answering garbage)
must not take the routine down with it, and a Twisted reactor cannot be restarted in one process
anyway. The crawls of a run go at once (at most ``parallel`` processes), each with the store and the
matcher on, so listings and leads land in the store while the others still crawl.

Takedown checks: a listing the platform said it removed is in the re-check list of the next runs
(jobs/selection.py); when a crawl brings it back (the page answers with the listing), its leads step
``removed → still_online`` through ``store.linkage.mark_still_online`` (the linkage then resends the
notice). A 404/410 is what a takedown looks like and is counted ``gone``, not as an error.

Tips: the listings reported through ``/tip`` and the tips API are crawled by the pass too (jobs/tips.py):
in their platform's browse crawl, or by the ``schemaorg`` spider for another site, and each tip is
marked with what came of it (its leads, no match, or unreachable).

The fake clock: with ``simulated=True`` the crawl processes record what they saw at the clock's
"now" (config ``simulated_now``), which is how ``markwatch demo --days`` fills a month in minutes.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from index.campaigns import Campaign, active_campaigns
from jobs.clock import Clock, iso
from jobs.lock import RunLock
from jobs.plan import CrawlPlan, build_plans
from jobs.platforms import Target, read_targets
from index.runs import PlatformStats, RunLog
from jobs.selection import Recheck, select_from_store
from jobs.tips import finish_tips, take_tips
from markwatch.config import Config, ConfigError, child_environment

logger = logging.getLogger("markwatch.jobs")
BAD_PAGE_PREFIX = "markwatch/bad_pages/"
CRAWL_TIMEOUT = 6 * 3600.0


@dataclass
class PassResult:
    run_id: int
    status: str
    platforms: dict[str, PlatformStats]
    campaigns: list[str]
    duration: float
    took_over: str = ""
    """Set when the lock of a dead pass was taken over (what the note says)."""
    plans: list[CrawlPlan] = field(default_factory=list)
    tips: dict[str, str] = field(default_factory=dict)
    """Tip id → what its crawl found (matched | unmatched | failed), for the tips this pass crawled."""


def _say(line: str) -> None:
    logger.info("%s", line)


def open_store(config: Config) -> Any:
    from index import open_store as _open

    return _open(config)


def plan_run(config: Config, clock: Clock, campaigns: list[Campaign] | None = None,
             targets: list[Target] | None = None) -> tuple[list[CrawlPlan], list[Target], list[Campaign]]:
    """The crawls a pass would start now: (plans, targets left out for their window, campaigns)."""
    now = clock.now()
    campaigns = active_campaigns(now.date(), config) if campaigns is None else campaigns
    targets = read_targets(config) if targets is None else targets
    if not targets:
        raise ConfigError("schedule_platforms: no platform to crawl; add a [schedule_platforms.NAME] table "
                          "with spider and base_url to markwatch.toml (see jobs/platforms.py)")
    inside = [t for t in targets if t.in_window(now)]
    outside = [t for t in targets if not t.in_window(now)]
    rechecks: dict[str, list[Recheck]] = {}
    if config.schedule_max_recheck and inside:
        store = open_store(config)
        try:
            rechecks = select_from_store(store, now, campaigns, config.schedule_max_recheck, [t.name for t in inside])
        finally:
            store.close()
    return build_plans(inside, rechecks, campaigns), outside, campaigns


def run_pass(config: Config, clock: Clock, trigger: str = "once", slot: str | None = None, missed: int = 0,
             evidence: bool | None = None, simulated: bool = False, parallel: int = 3,
             say: Callable[[str], None] = _say, after_plan: Callable[[list[CrawlPlan]], None] | None = None) -> PassResult:
    """Run one pass now; raises :class:`jobs.lock.LockHeld` when another pass is running."""
    data_dir = Path(config.data_dir)
    started = time.monotonic()
    now = clock.now()
    runs = RunLog(data_dir)
    with RunLock(data_dir, iso(now)) as lock:
        took_over = ""
        if lock.stale is not None:
            took_over = (f"took over the lock of process {lock.stale.pid} (started {lock.stale.started_at}), "
                         "which died during its run")
            runs.mark_crashed(lock.stale.pid, f"process {lock.stale.pid} died during the run; its lock was taken "
                                              f"over at {iso(now)}")
            say(f"schedule: {took_over}")
        plans, outside, campaigns = plan_run(config, clock)
        names = [c.name for c in campaigns]
        run_id = runs.start(slot or iso(now), trigger, iso(now), os.getpid(), missed, names)
        lock.write(run_id)
        say(f"schedule: run {run_id} ({trigger}) at {iso(now)}" + (f", campaigns: {', '.join(names)}" if names else ""))
        stats: dict[str, PlatformStats] = {t.name: PlatformStats(status="skipped", problem=f"outside its window "
                                                                  f"{t.window_text()}") for t in outside}
        status = "ok"
        tips: dict[str, str] = {}
        try:
            work_dir = data_dir / "runs" / f"{run_id:06d}"
            tip_routes = take_tips(config, plans, outside, work_dir)  # reported listings ride along (jobs/tips.py)
            for plan in plans:
                say(f"  {plan.describe()}")
            if after_plan is not None:
                after_plan(plans)
            results = run_crawls(plans, config, work_dir, evidence, iso(now) if simulated else "", parallel)
            stats.update(collect(plans, results, work_dir))
            tips = finish_tips(config, tip_routes, work_dir, results, iso(now))
            verify_takedowns(config, plans, work_dir, stats, iso(now))
            if any(p.status == "failed" for p in stats.values()):
                status = "failed"
        except BaseException as exc:
            status = "failed"
            runs.finish(run_id, iso(clock.now()), status, stats, time.monotonic() - started,
                        note=f"{type(exc).__name__}: {exc}")
            raise
        duration = time.monotonic() - started
        runs.finish(run_id, iso(clock.now()), status, stats, duration, note=took_over)
    for name, row in stats.items():
        say(f"  {name:<11} {row.status:<7} {row.pages:>5} pages {row.listings:>5} listings {row.new_leads:>4} new leads "
            f"{row.errors:>3} errors {row.rechecked:>4} re-checked {row.still_online:>3} still online "
            f"{row.duration:6.1f}s" + (f"  {row.problem}" if row.problem else ""))
    if tips:
        outcome: dict[str, int] = {}
        for value in tips.values():
            outcome[value] = outcome.get(value, 0) + 1
        say("  tips        " + ", ".join(f"{n} {k}" for k, n in sorted(outcome.items())))
    return PassResult(run_id, status, stats, names, duration, took_over, plans, tips)


def run_crawls(plans: list[CrawlPlan], config: Config, work_dir: Path, evidence: bool | None, simulated_now: str,
               parallel: int) -> dict[str, tuple[int, float]]:
    """Start every plan's crawl (at most ``parallel`` at once); label → (exit code, seconds)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    env = child_environment(config, store_enabled=True, match_enabled=True,
                            evidence_enabled=config.evidence_enabled if evidence is None else evidence,
                            simulated_now=simulated_now)
    waiting = list(plans)
    running: dict[str, tuple[subprocess.Popen, float, Any]] = {}
    done: dict[str, tuple[int, float]] = {}
    while waiting or running:
        while waiting and len(running) < max(1, parallel):
            plan = waiting.pop(0)
            plan.write_files(work_dir)
            log = (work_dir / f"{plan.label}.console.txt").open("wb")
            proc = subprocess.Popen(plan.command(work_dir), env=env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True,
                                    preexec_fn=_end_with_parent(os.getpid()))
            running[plan.label] = (proc, time.monotonic(), log)
        for label, (proc, began, log) in list(running.items()):
            code = proc.poll()
            if code is None and time.monotonic() - began > CRAWL_TIMEOUT:
                os.killpg(proc.pid, 9)
                code = proc.wait()
            if code is not None:
                log.close()
                done[label] = (code, time.monotonic() - began)
                del running[label]
        if running:
            time.sleep(0.05)
    return done


def _end_with_parent(parent: int) -> Callable[[], None]:
    """In a crawl process, before it starts: end (SIGTERM: Scrapy stops gracefully, the store pipeline
    writes its batch) when the pass that started it dies, even by SIGKILL. Why: otherwise a killed pass
    leaves its crawls running, and the next pass (which takes the dead pass's lock over) would crawl
    the same platforms beside them. Linux's PR_SET_PDEATHSIG; elsewhere nothing is done."""
    def arm() -> None:
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the pass died before prctl took effect
            os._exit(1)

    return arm


def _read_stats(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [""])[-1].strip()[:300]


def collect(plans: list[CrawlPlan], results: dict[str, tuple[int, float]], work_dir: Path) -> dict[str, PlatformStats]:
    """Per platform, the figures of its crawls (from each crawl's ``--stats-json``)."""
    found: dict[str, PlatformStats] = {}
    for plan in plans:
        row = found.setdefault(plan.platform, PlatformStats())
        code, seconds = results.get(plan.label, (1, 0.0))
        stats = _read_stats(work_dir / f"{plan.label}.stats.json")
        row.pages += int(stats.get("response_received_count", 0))
        row.listings += int(stats.get("item_scraped_count", 0))
        row.new_leads += int(stats.get("markwatch/stored/new", 0))
        row.errors += sum(int(v) for k, v in stats.items() if k.startswith(BAD_PAGE_PREFIX))
        row.errors += int(stats.get("markwatch/store_failed", 0))
        row.rechecked += len(plan.rechecks)
        row.duration = max(row.duration, seconds)
        matched = (stats.get("markwatch/matched_items", 0) or stats.get("markwatch/match_skipped_unchanged", 0)
                   or stats.get("markwatch/match_errors", 0))
        if code == 0 and stats.get("item_scraped_count") and not matched:
            row.status = "failed"  # listings crawled, none matched: the leads of this night are missing
            row.errors += 1
            row.problem = (f"{plan.label}: listings were crawled but not matched (the match pipeline was off); "
                           f"see {work_dir / (plan.label + '.log')}")
        if code != 0:
            row.status = "failed"
            row.errors += 1
            problem = _last_line(work_dir / f"{plan.label}.console.txt")
            row.problem = f"{plan.label}: exit {code}: {problem}"
    return found


def verify_takedowns(config: Config, plans: list[CrawlPlan], work_dir: Path, stats: dict[str, PlatformStats],
                     at: str) -> None:
    """Listings re-checked as ``removed`` that the crawl found online: their leads → ``still_online``."""
    suspects = {r.url: plan.platform for plan in plans for r in plan.rechecks if r.status == "removed"}
    if not suspects:
        return
    online: set[str] = set()
    for plan in plans:
        output = work_dir / f"{plan.label}.jsonl"
        if not output.exists():
            continue
        with output.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    url = json.loads(line).get("url")
                except ValueError:
                    continue
                if url in suspects:
                    online.add(url)
    if not online:
        return
    store = open_store(config)
    try:
        for url in sorted(online):
            moved = mark_still_online(store, url, at)
            if moved:
                stats[suspects[url]].still_online += 1
    finally:
        store.close()


def mark_still_online(store: Any, url: str, at: str) -> list[str]:
    """Through the linkage when the store has it (it knows the notice to resend), else the lifecycle step."""
    linkage = getattr(store, "linkage", None)
    if linkage is not None:
        return list(linkage.mark_still_online(url, at))
    from index.store import SearchQuery

    ids = [lead.id for lead in store.search(SearchQuery(status=["removed"], limit=0)).leads if lead.url == url]
    return [t.lead_id for t in store.transition(ids, "still_online", actor="routine", note="re-crawl: still online",
                                                at=at)] if ids else []

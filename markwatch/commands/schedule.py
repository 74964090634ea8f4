"""``markwatch schedule``: the monitoring routine — nightly crawls, re-checks by risk, campaigns.

Why a command of its own: monitoring is a routine, not a one-off. ``markwatch schedule`` keeps
running and starts a pass at every slot of config ``schedule_cron`` (and of running campaigns);
``--once`` runs one pass now; ``status`` prints the last runs. What a pass does is in jobs/.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schedule",
        help="run the monitoring routine on its schedule (nightly crawls, re-checks, campaigns); status",
        description=(
            "Run the routine: at every time of config schedule_cron (UTC, default '0 2 * * *', nightly at 02:00) "
            "and of the running campaigns, crawl each platform of [schedule_platforms.NAME] (within its window and "
            "rate) with the matcher and the store on: the platform's pages for new listings first, then the known "
            "listings due for a re-check (removed ones soon after the removal to verify the takedown, notified and "
            "confirmed ones often, dismissed ones rarely), and the running campaigns' keywords. Runs missed while "
            "markwatch was not running are made up once; a pass still running is never started twice (a lock in "
            "the data dir; the lock of a process that died is taken over). Each run is recorded with its figures "
            "(DATA_DIR/jobs.sqlite), shown by 'markwatch schedule status' and the workbench's /runs page."
        ),
        epilog="Examples: markwatch schedule --once · markwatch schedule status · markwatch schedule --dry-run",
    )
    parser.add_argument("action", nargs="?", choices=("run", "status"), default="run",
                        help="run (default): keep running on the schedule; status: print the last runs and the "
                             "campaigns now")
    parser.add_argument("--once", action="store_true", help="run one pass now and exit (0 when it went well)")
    parser.add_argument("--dry-run", action="store_true", help="print what a pass now would crawl, and exit")
    parser.add_argument("--data-dir", default=None, metavar="DIR", help="store and runs (default: config data_dir)")
    parser.add_argument("--evidence", action=argparse.BooleanOptionalAction, default=None,
                        help="capture evidence of new leads while crawling (default: config evidence_enabled)")
    parser.add_argument("--limit", type=int, default=10, metavar="N", help="status: how many runs (default 10)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from markwatch.config import load_config

    config = load_config(data_dir=args.data_dir)
    if args.action == "status":
        print(status_text(config, limit=args.limit))
        return 0
    from jobs.clock import SystemClock
    from jobs.lock import LockHeld
    from jobs.routine import plan_run, run_pass
    from jobs.scheduler import Scheduler, next_slot

    clock = SystemClock()
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.dry_run:
        plans, outside, campaigns = plan_run(config, clock)
        print(f"campaigns now: {', '.join(c.name for c in campaigns) or 'none'}")
        for plan in plans:
            print(plan.describe())
        for target in outside:
            print(f"{target.name}: left out now (window {target.window_text()})")
        return 0
    if args.once:
        try:
            result = run_pass(config, clock, trigger="once", evidence=args.evidence, say=say)
        except LockHeld as exc:
            print(f"markwatch schedule: {exc}", file=sys.stderr)
            return 3
        print(f"run {result.run_id}: {result.status} in {result.duration:.1f}s "
              f"({sum(p.pages for p in result.platforms.values())} pages, "
              f"{sum(p.new_leads for p in result.platforms.values())} new leads)")
        return 0 if result.status == "ok" else 1
    import signal
    import threading

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    def one_pass(config: Any, clock: Any, **kwargs: Any) -> Any:
        return run_pass(config, clock, evidence=args.evidence, say=say, **kwargs)

    scheduler = Scheduler(config, clock, one_pass, say=say)
    say(f"markwatch schedule: {config.schedule_cron!r} (UTC); next run {next_slot(config, clock):%Y-%m-%d %H:%M} UTC; "
        "Ctrl-C stops")
    scheduler.serve(stop)
    say("markwatch schedule: stopped")
    return 0


def status_text(config: Any, limit: int = 10) -> str:
    """What ``markwatch schedule status`` prints: the running pass, the last runs, campaigns now."""
    from index.campaigns import active_campaigns
    from jobs.clock import SystemClock
    from jobs.lock import current_holder
    from index.runs import RunLog

    runs = RunLog(config.data_dir).last(limit)
    holder = current_holder(config.data_dir)
    lines = []
    if holder is not None:
        lines.append(f"running now: run {holder.run_id} (process {holder.pid}, since {holder.started_at})")
    if not runs:
        lines.append(f"no runs yet in {config.data_dir} (markwatch schedule --once runs one)")
    else:
        lines.append(f"{'run':>5} {'slot (UTC)':<17} {'trigger':<9} {'status':<8} {'pages':>6} {'listings':>8} "
                     f"{'new leads':>9} {'errors':>6} {'time':>7}  campaigns")
        for run in runs:
            lines.append(f"{run.id:>5} {run.slot[:16].replace('T', ' '):<17} {run.trigger:<9} {run.status:<8} "
                         f"{run.pages:>6} {run.listings:>8} {run.new_leads:>9} {run.errors:>6} {run.duration:>6.1f}s  "
                         f"{', '.join(run.campaigns) or '-'}")
            for name, row in sorted(run.platforms.items()):
                extra = f"  {row.get('problem')}" if row.get("problem") else ""
                lines.append(f"{'':>5}   {name:<15} {row.get('status', ''):<8} {row.get('pages', 0):>6} "
                             f"{row.get('listings', 0):>8} {row.get('new_leads', 0):>9} {row.get('errors', 0):>6} "
                             f"re-checked {row.get('rechecked', 0)}, still online {row.get('still_online', 0)}{extra}")
            if run.note:
                lines.append(f"{'':>5}   note: {run.note}")
    today = SystemClock().now().date()
    campaigns = active_campaigns(today, config)
    lines.append("campaigns now: " + (", ".join(f"{c.name} ({c.start}–{c.end})" for c in campaigns) or "none"))
    return "\n".join(lines)

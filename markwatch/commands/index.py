"""``markwatch index``: add leads (CONTRACTS §3, JSON Lines) to the lead store (§9).

Why batches: each batch of ``--batch-size`` leads is one store transaction, so a run killed at
any moment leaves every finished batch stored and nothing of the unfinished one; running the same
file again adds nothing twice (a lead is keyed by url + right_id) and finishes the job.

Before storing, each lead gets the province its listing ships from (the matcher's gazetteer,
:mod:`matchers.enrich`), and the store gets the register's rights, so the right kind and the
province can be searched and counted. Bad lines (not JSON, not a lead) are reported with their
line number and skipped; they never stop the run.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, Iterator

MAX_REPORTED = 20  # bad lines printed one by one; the rest are counted
PROGRESS_SECONDS = 5.0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "index", help="add leads (JSON Lines) to the lead store",
        description="Add leads (CONTRACTS §3, one JSON object per line, each with its listing) to the "
                    "lead store: the embedded SQLite store in --data-dir, or the search node named by "
                    "config store_url. Indexing a file again keeps one copy of each lead; a lead whose "
                    "listing changed is updated and the earlier listing kept in its history. Bad lines "
                    "are reported with their line number and skipped. Prints the counts (read, new, "
                    "updated, unchanged, skipped).",
        epilog="例: markwatch index --leads leads.jsonl --data-dir ./markwatch-data  (添加线索到线索库)")
    parser.add_argument("--leads", required=True, metavar="LEADS.jsonl", help="leads to add, JSON Lines")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="where the embedded store lives (default: config data_dir, ./markwatch-data)")
    parser.add_argument("--register", default=None, metavar="R",
                        help="register of rights the leads refer to (default: config 'register', else the "
                             "bundled demo register); gives each lead its right kind")
    parser.add_argument("--batch-size", type=int, default=2000, metavar="N",
                        help="leads per store transaction (default 2000)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from index import open_store
    from index.store import StoreError
    from markwatch.cli import UsageError
    from markwatch.config import load_config
    from matchers.register import RegisterError, load_register

    started = time.perf_counter()
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    config = load_config(data_dir=args.data_dir)
    try:
        register = load_register(args.register or config.register or None)
    except RegisterError as exc:
        raise UsageError(str(exc)) from exc
    with open(args.leads, "rb") as lines:  # a missing file: FileNotFoundError, exit 2
        try:
            store = open_store(config)
        except StoreError as exc:
            raise UsageError(str(exc)) from exc
        try:
            store.put_rights(right.model_dump(mode="json") for right in register.rights)
            totals, reported = _index(store, lines, args.batch_size)
            store.flush()
        finally:
            store.close()
    seconds = time.perf_counter() - started
    if totals.skipped > reported:
        print(f"markwatch index: … and {totals.skipped - reported} more bad lines", file=sys.stderr)
    print(f"markwatch index: read {totals.read}, new {totals.new}, updated {totals.updated}, "
          f"unchanged {totals.unchanged}, skipped {totals.skipped} in {seconds:.2f} s "
          f"({totals.read / seconds if seconds else 0:,.0f} leads/s)")
    return 0


def _index(store: Any, lines: Any, batch_size: int) -> tuple[Any, int]:
    """Add every lead of ``lines`` in batches; returns the summed counts and how many bad lines
    were printed."""
    from index.store import IndexCounts
    from matchers.enrich import enrich_lead

    totals = IndexCounts()
    reported = 0
    last_progress = started = time.perf_counter()
    batch: list[Any] = []
    numbers: list[int] = []

    def flush_batch() -> None:
        nonlocal totals, reported
        counts = store.add_leads(batch)
        for position, reason in counts.problems:
            reported += _report(numbers[position], reason, reported)
        totals += IndexCounts(counts.read, counts.new, counts.updated, counts.unchanged, counts.skipped)
        batch.clear()
        numbers.clear()

    for lineno, obj, reason in _parsed(lines):
        if reason is not None:
            reported += _report(lineno, reason, reported)
            totals += IndexCounts(read=1, skipped=1)
            continue
        batch.append(enrich_lead(obj))
        numbers.append(lineno)
        if len(batch) >= batch_size:
            flush_batch()
            now = time.perf_counter()
            if now - last_progress >= PROGRESS_SECONDS:
                last_progress = now
                print(f"markwatch index: {totals.read:,} leads read ({totals.read / (now - started):,.0f}/s)",
                      file=sys.stderr, flush=True)
    if batch:
        flush_batch()
    return totals, reported


def _report(lineno: int, reason: str, reported: int) -> int:
    if reported >= MAX_REPORTED:
        return 0
    print(f"markwatch index: line {lineno}: {reason}; skipped", file=sys.stderr)
    return 1


def _parsed(lines: Any) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, object, None) for each JSON line, (line number, None, reason) when unreadable;
    blank lines are not rows."""
    import json

    import orjson

    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            yield lineno, orjson.loads(raw), None
            continue
        except orjson.JSONDecodeError:
            pass
        # the standard library names the fault and reads what orjson refuses (a lone surrogate
        # escape, which the store then reports as not valid Unicode)
        try:
            yield lineno, json.loads(raw.decode("utf-8")), None
        except UnicodeDecodeError:
            yield lineno, None, "not UTF-8 text"
        except (json.JSONDecodeError, RecursionError):
            yield lineno, None, "not valid JSON"

"""``markwatch index``: add leads (CONTRACTS §3, JSON Lines) to the lead store (§9).

Why batches: each batch of ``--batch-size`` leads is one store transaction, so a run killed at
any moment leaves every finished batch stored and nothing of the unfinished one; running the same
file again adds nothing twice (a lead is keyed by url + right_id) and finishes the job. The
embedded store takes big transactions (:data:`BULK_TRANSACTION` leads: a commit costs about the
same for 2,000 leads as for 20,000, and in a store of a million leads about the same for 20,000
as for 100,000, :mod:`index.sqlite_write`), written a chunk of :data:`CHUNK` leads at a time as
the worker process hands them over, so the writer never waits long for the first chunk. A run
killed inside a transaction does that transaction's leads again on the next run (≈10 s of work).

Why the workers read the leads file themselves (:func:`_prepare_span`): the writer is the critical
path, and building a chunk of lines in Python and pickling it through the task pipe was its work;
now it only finds where a chunk ends and hands over (descriptor, offset, length). With the writer's
other savings of the same pass (issue 7, 2026-12-02, base and new alternated in one session): 1M
leads, quiet machine, writer 82.0 -> 70.3 CPU-s, worker 62.9 -> 54.5; 100k (3 runs each) writer
median 6.84 -> 5.72 CPU-s.

Why the command estimates the file's leads (:func:`_expected_leads`): the store decides from it
whether this is a bulk load, which the embedded store writes without its lead indexes and builds
them at the end (:func:`index.sqlite_store.defers_indexes`).

Before storing, each lead gets the province its listing ships from (the matcher's gazetteer,
:mod:`matchers.enrich`), and the store gets the register's rights, so the right kind and the
province can be searched and counted. Bad lines (not JSON, not a lead) are reported with their
line number and skipped; they never stop the run.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
import time
from typing import Any, Iterator

MAX_REPORTED = 20  # bad lines printed one by one; the rest are counted
PROGRESS_SECONDS = 5.0
BULK_TRANSACTION = 100_000
"""Default leads per transaction of a store with a bulk writer (the embedded SQLite store)."""
NODE_BATCH = 2_000
"""Default leads per batch of a store without one (a search node: one bulk request each)."""
CHUNK = 2_000
"""Leads a worker prepares at a time (at most the batch size)."""


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
    parser.add_argument("--batch-size", type=int, default=None, metavar="N",
                        help=f"leads per store transaction (default {BULK_TRANSACTION} for the embedded "
                             f"store, {NODE_BATCH} for a search node); a run killed half-way keeps every "
                             "finished transaction, and running it again finishes the job")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="processes that read and check leads while this one writes (default 1; 0 = "
                             "do everything in this process); used when the store can take prepared leads")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from index import open_store
    from index.store import StoreError
    from markwatch.cli import UsageError
    from markwatch.config import load_config
    from matchers.register import RegisterError, load_register

    started = time.perf_counter()
    if args.batch_size is not None and args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    config = load_config(data_dir=args.data_dir)
    try:
        register = load_register(args.register or config.register or None)
    except RegisterError as exc:
        raise UsageError(str(exc)) from exc
    if args.workers < 0:
        raise UsageError("--workers must be 0 or more")
    from markwatch.config import cache_directory
    from matchers.gazetteer import load_gazetteer

    load_gazetteer(cache_directory(config))  # from the cache (built once, ≈1 CPU-s), before any worker forks
    # What is loaded so far lives for the whole run: the collector need not walk it again in every
    # full collection that the leads' tuples set off (the writer's critical path; see bench/index.py).
    gc.freeze()
    with open(args.leads, "rb") as lines, _Preparers(args.workers) as preparers:  # missing file: exit 2
        try:
            store = open_store(config)
        except StoreError as exc:
            raise UsageError(str(exc)) from exc
        try:
            store.put_rights(right.model_dump(mode="json") for right in register.rights)
            if hasattr(store, "lead_preparer") and hasattr(store, "bulk_writer"):
                totals, reported = _index_bulk(store, lines, args.batch_size or BULK_TRANSACTION, preparers.pool)
            else:
                totals, reported = _index(store, lines, args.batch_size or NODE_BATCH)
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


class _Preparers:
    """Worker processes for :func:`_index_bulk`, forked before the store is opened (a forked child
    must not inherit an open SQLite connection) and after the gazetteer is loaded (each worker then
    has it without loading it again)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: Any = None

    def __enter__(self) -> "_Preparers":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self.workers and "fork" in multiprocessing.get_all_start_methods():
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_die_with_parent, initargs=(os.getpid(),))
            for ready in [self.pool.submit(int, 0) for _ in range(self.workers)]:
                ready.result()  # every worker started now, before the store is opened
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _die_with_parent(parent: int) -> None:
    """In a worker: end when the indexing process ends, even by SIGKILL. Why: a forked worker holds
    its own copy of the task pipe, so it never sees end-of-file when its parent is killed and would
    wait forever (the crash test left such orphans). Linux's PR_SET_PDEATHSIG has the kernel send it
    SIGKILL; elsewhere the worker only checks that its parent is the one that started it."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _prepare_chunk(preparer: Any, chunk: list[tuple[int, bytes]]) -> tuple[list[Any], list[int], list[tuple[int, str]]]:
    """In a worker: parse, enrich and prepare one batch of lines. Returns the prepared items, their
    line numbers, and the lines that were not JSON with why."""
    from matchers.enrich import enrich_lead

    items: list[Any] = []
    numbers: list[int] = []
    unreadable: list[tuple[int, str]] = []
    for lineno, obj, reason in _parsed_numbered(chunk):
        if reason is not None:
            unreadable.append((lineno, reason))
        else:
            items.append(preparer(enrich_lead(obj)))
            numbers.append(lineno)
    return items, numbers, unreadable


def _prepare_span(preparer: Any, span: tuple[int, int, int, int]) -> tuple[list[Any], list[int], list[tuple[int, str]]]:
    """In a worker: :func:`_prepare_chunk` of the lines in ``span`` = (file descriptor, offset,
    length, number of its first line) of the leads file, read here with ``pread`` from the
    descriptor inherited at fork. Why not the lines themselves: pickling them and writing them
    through the task pipe was the writer's CPU (≈670 MB at 1M leads), and it is on the critical
    path; the worker has time to spare."""
    fd, offset, length, first = span
    parts: list[bytes] = []
    while length > 0:
        part = os.pread(fd, length, offset)
        if not part:
            break
        parts.append(part)
        offset += len(part)
        length -= len(part)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    # split at \n only, as iterating the file does (splitlines would also split at \r)
    return _prepare_chunk(preparer, list(enumerate(data.split(b"\n"), first)))


def _index_bulk(store: Any, lines: Any, transaction: int, pool: Any) -> tuple[Any, int]:
    """Like :func:`_index`, through the store's bulk writer: chunks of lines are parsed, enriched
    and prepared (by worker processes while this one writes, when ``pool`` is given), then written
    in file order, ``transaction`` leads per transaction."""
    from collections import deque

    from index.store import IndexCounts

    totals = IndexCounts()
    reported = 0
    last_progress = started = time.perf_counter()
    chunk_size = min(CHUNK, transaction)

    def write(result: tuple[list[Any], list[int], list[tuple[int, str]]]) -> None:
        nonlocal totals, reported, last_progress
        items, numbers, unreadable = result
        problems = [(lineno, why) for lineno, why in unreadable]
        counts = writer.add(items)
        problems += [(numbers[position], why) for position, why in counts.problems]
        for lineno, why in sorted(problems):
            reported += _report(lineno, why, reported)
        totals += IndexCounts(counts.read + len(unreadable), counts.new, counts.updated, counts.unchanged,
                              counts.skipped + len(unreadable))
        now = time.perf_counter()
        if now - last_progress >= PROGRESS_SECONDS:
            last_progress = now
            print(f"markwatch index: {totals.read:,} leads read ({totals.read / (now - started):,.0f}/s)",
                  file=sys.stderr, flush=True)

    def chunks() -> Iterator[list[tuple[int, bytes]]]:
        chunk: list[tuple[int, bytes]] = []
        for numbered in enumerate(lines, 1):
            chunk.append(numbered)
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def spans() -> Iterator[tuple[int, int, int, int]]:
        """(descriptor, offset, length, first line number) of each chunk: the lines are read
        here only to find where chunks end (in C), the workers read them (:func:`_prepare_span`)."""
        fd, offset, first = lines.fileno(), lines.tell(), 1
        while True:
            block = list(itertools.islice(lines, chunk_size))
            if not block:
                return
            length = sum(map(len, block))
            yield fd, offset, length, first
            offset += length
            first += len(block)

    with store.bulk_writer(transaction, expected_leads=_expected_leads(lines)) as writer:
        if pool is None:
            for chunk in chunks():
                write(_prepare_chunk(store.lead_preparer, chunk))
            return totals, reported
        pending: deque[Any] = deque()
        ahead = 2 * max(1, getattr(pool, "_max_workers", 1))
        if _seekable(lines):
            tasks = (pool.submit(_prepare_span, store.lead_preparer, span) for span in spans())
        else:  # a pipe: the workers cannot read it, they are sent the lines
            tasks = (pool.submit(_prepare_chunk, store.lead_preparer, chunk) for chunk in chunks())
        for task in tasks:
            pending.append(task)
            if len(pending) >= ahead:
                write(pending.popleft().result())
        while pending:
            write(pending.popleft().result())
    return totals, reported


def _expected_leads(lines: Any) -> int | None:
    """About how many leads are left in ``lines`` (its bytes from here over the mean line of its
    first MiB), so the store can tell a bulk load from a top-up (the SQLite store defers its lead
    indexes for a load bigger than itself); None when it cannot tell (a pipe)."""
    if not _seekable(lines):
        return None
    fd, offset = lines.fileno(), lines.tell()
    left = os.fstat(fd).st_size - offset
    sample = os.pread(fd, min(left, 1 << 20), offset)
    if not sample:
        return 0
    return round(left * max(1, sample.count(b"\n")) / len(sample))


def _seekable(lines: Any) -> bool:
    """Whether the workers can read ``lines`` (a regular file) at an offset themselves."""
    import stat

    try:
        return stat.S_ISREG(os.fstat(lines.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def _report(lineno: int, reason: str, reported: int) -> int:
    if reported >= MAX_REPORTED:
        return 0
    print(f"markwatch index: line {lineno}: {reason}; skipped", file=sys.stderr)
    return 1


def _parsed(lines: Any) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, object, None) for each JSON line, (line number, None, reason) when unreadable;
    blank lines are not rows."""
    return _parsed_numbered(enumerate(lines, 1))


def _parsed_numbered(numbered: Any) -> Iterator[tuple[int, Any, str | None]]:
    import json

    import orjson

    for lineno, raw in numbered:
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

"""Match a whole JSON Lines file: chunks of raw lines fanned out to worker processes.

Why processes over chunks: the matcher is CPU-bound Python, so "all cores" means processes. The
matcher is built once in the parent and inherited by forked workers (no per-worker compile), raw
bytes go in and serialised leads come back, and chunks are collected in order so the output is the
same whatever the number of workers (determinism, tests/test_match_cli.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from matchers.listing_io import dump_lead, parse_line
from matchers.matcher import Matcher

CHUNK = 2000
_WORKER_MATCHER: Matcher | None = None


@dataclass
class MatchStats:
    """What a run did; :meth:`summary` is the line printed to stderr."""

    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    first_line: dict[str, int] = field(default_factory=dict)
    leads: int = 0
    listings_flagged: int = 0
    seconds: float = 0.0
    workers: int = 1

    def add(self, part: "ChunkResult") -> None:
        self.read += part.read
        self.leads += part.leads
        self.listings_flagged += part.flagged
        for reason, n in part.skipped.items():
            self.skipped[reason] += n
        for reason, line in part.first_line.items():
            self.first_line.setdefault(reason, line)

    def summary(self, output: str) -> str:
        rate = self.read / self.seconds if self.seconds > 0 else 0.0
        skipped = sum(self.skipped.values())
        detail = "; ".join(f"{n} {reason} (first at line {self.first_line[reason]})"
                           for reason, n in self.skipped.most_common())
        return (f"read {self.read} listings, skipped {skipped}" + (f" [{detail}]" if detail else "")
                + f", {self.leads} leads on {self.listings_flagged} listings written to {output}"
                + f"; {rate:,.0f} listings/s ({self.seconds:.2f} s, {self.workers} worker"
                + ("s" if self.workers != 1 else "") + ")")


@dataclass
class ChunkResult:
    data: bytes
    read: int = 0
    leads: int = 0
    flagged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    first_line: dict[str, int] = field(default_factory=dict)


def match_chunk(matcher: Matcher, first_lineno: int, lines: list[bytes]) -> ChunkResult:
    """Parse, check and match one chunk of raw lines."""
    result = ChunkResult(b"")
    listings: list[dict[str, Any]] = []
    for offset, raw in enumerate(lines):
        if not raw.strip():
            continue
        result.read += 1
        obj, reason = parse_line(raw)
        if reason is not None:
            result.skipped[reason] += 1
            result.first_line.setdefault(reason, first_lineno + offset)
        else:
            listings.append(obj)  # type: ignore[arg-type]
    out: list[bytes] = []
    for leads in matcher.match_many(listings):
        if leads:
            result.flagged += 1
            result.leads += len(leads)
            out.extend(dump_lead(lead) for lead in leads)
    result.data = b"\n".join(out) + b"\n" if out else b""
    return result



def _init_spawned(register: Any, model: Any, threshold: float) -> None:
    """Worker set-up when forking is unsafe: rebuild the matcher from the parent's register and model."""
    global _WORKER_MATCHER
    _WORKER_MATCHER = Matcher(register, model, threshold)
    warm(_WORKER_MATCHER)
    gc.freeze()  # as in match_file


def _worker(args: tuple[int, list[bytes]]) -> ChunkResult:
    assert _WORKER_MATCHER is not None
    return match_chunk(_WORKER_MATCHER, *args)


def _chunks(path: Path, size: int) -> Iterator[tuple[int, list[bytes]]]:
    with path.open("rb") as fh:
        lineno, batch = 1, []
        for raw in fh:
            batch.append(raw)
            if len(batch) >= size:
                yield lineno, batch
                lineno, batch = lineno + len(batch), []
        if batch:
            yield lineno, batch


def warm(matcher: Matcher) -> None:
    """Load every lazy table in the parent so forked workers share them instead of rebuilding.

    The model is plain numpy (no thread pool), so nothing here can leave a dead pool to a fork.
    """
    matcher.match({"url": "warm-up", "title": "阳澄湖大闸蟹 耐克 小米粥 naike", "ship_from": "江苏 苏州 Suzhou"})


def match_file(matcher: Matcher, input_path: str | Path, output_path: str | Path,
               workers: int | None = None, chunk: int = CHUNK) -> MatchStats:
    """Match every listing of ``input_path`` and write leads to ``output_path`` (JSON Lines)."""
    source = Path(input_path)
    if not source.is_file():
        raise FileNotFoundError(f"listings file {source} does not exist")
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    stats = MatchStats(workers=workers)
    start = time.perf_counter()
    warm(matcher)
    # The register's tables (tens of thousands of objects) live as long as the run: moved out of
    # the collector's reach, every full collection stops walking them (≈6 % of matching time) and
    # forked workers do not dirty the pages they share with the parent.
    gc.freeze()
    try:
        _match_into(matcher, source, output_path, workers, chunk, stats)
    finally:
        gc.unfreeze()
    stats.seconds = time.perf_counter() - start
    return stats


def _match_into(matcher: Matcher, source: Path, output_path: str | Path, workers: int, chunk: int,
                stats: MatchStats) -> None:
    global _WORKER_MATCHER
    Path(output_path).parent.mkdir(parents=True, exist_ok=True)
    with open(output_path, "wb") as out:
        if workers == 1:
            for lineno, lines in _chunks(source, chunk):
                part = match_chunk(matcher, lineno, lines)
                out.write(part.data)
                stats.add(part)
        else:
            _WORKER_MATCHER = matcher
            try:
                if threading.active_count() == 1:  # fork shares the compiled register for free
                    ctx, init, initargs = multiprocessing.get_context("fork"), None, ()
                else:  # forking a process with threads (a Twisted reactor, Playwright) can deadlock
                    ctx, init = multiprocessing.get_context("spawn"), _init_spawned
                    initargs = (matcher.register, matcher.model, matcher.threshold)
                with ctx.Pool(workers, initializer=init, initargs=initargs) as pool:
                    for part in pool.imap(_worker, _chunks(source, chunk), chunksize=1):
                        out.write(part.data)
                        stats.add(part)
            finally:
                _WORKER_MATCHER = None

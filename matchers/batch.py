"""Match a whole JSON Lines file: chunks of the file fanned out to worker processes.

Why processes over chunks: the matcher is CPU-bound Python, so "all cores" means processes. The
matcher is built once in the parent and inherited by forked workers (no per-worker compile), byte
ranges of the file go in (each worker reads its own) and serialised leads come back, and chunks are
collected in order so the output is the same whatever the number of workers (determinism,
tests/test_match_cli.py).
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

from matchers.listing_io import parse_line
from matchers.matcher import Matcher, lead_lines

CHUNK = 512 * 1024  # bytes of listings per task: ≈800 listings, small enough to even out the end of a run
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

    lines: int = 0  # lines of the file before the next chunk

    def add(self, part: "ChunkResult") -> None:
        """Count a chunk in; chunks come in file order, numbered from their own first line."""
        self.read += part.read
        self.leads += part.leads
        self.listings_flagged += part.flagged
        for reason, n in part.skipped.items():
            self.skipped[reason] += n
        for reason, line in part.first_line.items():
            self.first_line.setdefault(reason, self.lines + line)
        self.lines += part.lines

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
    lines: int = 0  # lines of the file in the chunk, blank ones included


def match_chunk(matcher: Matcher, lines: list[bytes]) -> ChunkResult:
    """Parse, check and match one chunk of raw lines (bad lines numbered from 1 within the chunk)."""
    result = ChunkResult(b"", lines=len(lines))
    listings: list[dict[str, Any]] = []
    for offset, raw in enumerate(lines):
        if not raw.strip():
            continue
        result.read += 1
        obj, reason = parse_line(raw)
        if reason is not None:
            result.skipped[reason] += 1
            result.first_line.setdefault(reason, 1 + offset)
        else:
            listings.append(obj)  # type: ignore[arg-type]
    out: list[bytes] = []
    for listing, pairs in zip(listings, matcher.scored(listings)):
        if pairs:
            result.flagged += 1
            result.leads += len(pairs)
            out.extend(lead_lines(listing, pairs))
    result.data = b"\n".join(out) + b"\n" if out else b""
    return result



def _init_spawned(register: Any, model: Any, threshold: float, cache_dir: Path | None) -> None:
    """Worker set-up when forking is unsafe: rebuild the matcher from the parent's register (its
    file when it came from one and a cache holds it: loaded from there without parsing) and model,
    its tables loaded from the parent's cache directory.

    This is the entry point of a worker process that lives only as long as the pool, so it may
    decide for its whole process: the tables live as long as the worker, and frozen out of the
    collector's reach every full collection stops walking them."""
    global _WORKER_MATCHER
    _WORKER_MATCHER = Matcher(register, model, threshold, cache_dir)
    warm(_WORKER_MATCHER)
    gc.freeze()
    gc.set_threshold(50_000, 1_000, 1_000)  # as markwatch/commands/match.py (forked workers inherit it)


def _worker(span: tuple[str, int, int]) -> ChunkResult:
    assert _WORKER_MATCHER is not None
    return match_chunk(_WORKER_MATCHER, read_span(*span))


def read_span(path: str, start: int, end: int) -> list[bytes]:
    """The lines of ``path`` between two byte offsets that are line starts (see :func:`spans`)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the newline ending the span's last line
    return lines


def spans(path: Path, size: int, workers: int = 1) -> Iterator[tuple[str, int, int]]:
    """(path, start, end) byte ranges of about ``size`` bytes, each starting at a line start.

    Why byte ranges: workers read their own part of the file, so the parent does not read, pickle
    and pipe every line to them (≈0.3 CPU-seconds per 100k listings on a 2-core machine, taken from
    the workers). Line numbers are counted back in the parent, in order (:func:`match_file`).

    ``workers`` > 1: the last ranges get smaller (guided scheduling): once fewer than two ranges a
    worker are left, each is the rest shared out two per worker, down to an eighth of ``size``.
    Why: whole ranges to the end left the other workers idle while one matched the last range,
    half a range's time on average (≈0.1 s of a 30k-listing run on two cores).
    """
    total = path.stat().st_size
    smallest = max(1, size // 8)
    with path.open("rb") as fh:
        start = 0
        while start < total:
            step = size if workers <= 1 else max(smallest, min(size, (total - start) // (2 * workers)))
            fh.seek(min(start + step, total))
            if fh.tell() < total:
                fh.readline()  # on to the start of the next line
            end = fh.tell()
            yield str(path), start, end
            start = end


def warm(matcher: Matcher, everything: bool = True) -> None:
    """Load every lazy table in the parent so forked workers share them instead of rebuilding.

    ``everything`` False (a run in one process): nothing to share, so nothing is loaded ahead —
    the run unpacks only what its listings touch of a compiled register loaded from the cache
    (matchers/packed.py): a run of one listing against 100k rights reads a few of its automata.
    The model is plain numpy (no thread pool), so nothing here can leave a dead pool to a fork.
    """
    if everything:
        matcher.match({"url": "warm-up", "title": "阳澄湖大闸蟹 耐克 小米粥 naike", "ship_from": "江苏 苏州 Suzhou"})
        from matchers.normalise import warm as warm_normalise
        from matchers.packed import unpack_all

        unpack_all(matcher.compiled)
        warm_normalise()  # the character tables as arrays, for chunks of listings
        from matchers.ordinary import warm as warm_ordinary

        warm_ordinary()  # jieba's words, for bent spellings: built here once, not once in every worker
        from matchers.lexicon import brand_table
        from matchers.variants import drawn_as, shape_alike

        brand_table()  # famous brands ("X家", namesakes), shape-alikes and rare characters' common forms:
        shape_alike()  # each worker's first chunk built its own (≈0.13 s a worker); from the cache they
        drawn_as()  # load in a few ms, before the fork, so the workers share them
        from matchers.shape_holes import loose_common_pairs
        from matchers.signals_words import english_words

        loose_common_pairs()  # the same for the one-hole check's loose pairs and the everyday English words,
        english_words()  # which a worker met first on some chunk (≈15 ms each from the cache)


def forks(input_path: str | Path, workers: int | None = None, chunk: int = CHUNK) -> bool:
    """Will :func:`match_file` fork workers for this input? Not for one worker, nor for an input of
    one chunk: starting a pool (and unpacking every table for it) would cost more than the chunk."""
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    try:
        return workers > 1 and Path(input_path).stat().st_size > chunk
    except OSError:
        return False


def match_file(matcher: Matcher, input_path: str | Path, output_path: str | Path,
               workers: int | None = None, chunk: int = CHUNK) -> MatchStats:
    """Match every listing of ``input_path`` and write leads to ``output_path`` (JSON Lines)."""
    source = Path(input_path)
    if not source.is_file():
        raise FileNotFoundError(f"listings file {source} does not exist")
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    stats = MatchStats(workers=workers)
    start = time.perf_counter()
    # Not frozen out of the collector here (a library must leave process-wide state alone): a
    # short-lived command freezes after loading, which also spares forked workers from dirtying
    # the pages they share with the parent (markwatch/commands/match.py).
    forking = forks(source, workers, chunk)
    warm(matcher, everything=forking)
    _match_into(matcher, source, output_path, workers if forking else 1, chunk, stats)
    stats.seconds = time.perf_counter() - start
    return stats


def _match_into(matcher: Matcher, source: Path, output_path: str | Path, workers: int, chunk: int,
                stats: MatchStats) -> None:
    global _WORKER_MATCHER
    Path(output_path).parent.mkdir(parents=True, exist_ok=True)
    with open(output_path, "wb") as out:
        if workers == 1:
            for span in spans(source, chunk):
                part = match_chunk(matcher, read_span(*span))
                out.write(part.data)
                stats.add(part)
        else:
            _WORKER_MATCHER = matcher
            try:
                if threading.active_count() == 1:  # fork shares the compiled register for free
                    ctx, init, initargs = multiprocessing.get_context("fork"), None, ()
                else:  # forking a process with threads (a Twisted reactor, Playwright) can deadlock
                    ctx, init = multiprocessing.get_context("spawn"), _init_spawned
                    rights = (matcher.register_path if matcher.register_path and matcher.cache_dir
                              else matcher.register)  # the file: 100k rights need not be pickled
                    initargs = (rights, matcher.model, matcher.threshold, matcher.cache_dir)
                with ctx.Pool(workers, initializer=init, initargs=initargs) as pool:
                    for part in pool.imap(_worker, spans(source, chunk, workers), chunksize=1):
                        out.write(part.data)
                        stats.add(part)
            finally:
                _WORKER_MATCHER = None

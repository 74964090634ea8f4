"""A local, append-only spool of writes for a search node that is not reachable.

Why: a crawl or an ``index`` run must not lose leads because the node went away for a minute
(restart, upgrade, crash). While the node is unreachable, :class:`~index.search_node.SearchNodeStore`
writes each batch here instead, and replays the spool, oldest first, as soon as the node answers
again (on the next write, on ``flush()``, or by :meth:`SearchNodeStore.replay_spool`).

Nothing lost: a batch is one file, written to a temporary name, fsync'd, then renamed into place
(and the directory fsync'd), so a batch is either wholly in the spool or not at all — a crash while
spooling never leaves half a batch. Nothing doubled: a segment is deleted only after its batch was
written to the node, and the writes are idempotent (a lead's id is :func:`~index.store.lead_id`),
so a replay that is cut short and run again writes the same documents again, not new ones.

Layout: ``DIR/<seq>.jsonl`` — one JSON object a line: ``{"op": …, …}``, ``seq`` zero-padded so names
sort in write order.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson

log = logging.getLogger(__name__)

_SEGMENT = re.compile(r"^(\d{20})\.jsonl$")


class Spool:
    """The spool directory ``path`` (created on the first append)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Spool({str(self.path)!r})"

    def segments(self) -> list[Path]:
        """Spooled segments, oldest first."""
        try:
            names = sorted(e.name for e in os.scandir(self.path) if _SEGMENT.match(e.name))
        except FileNotFoundError:
            return []
        return [self.path / name for name in names]

    def __len__(self) -> int:
        return len(self.segments())

    def __bool__(self) -> bool:
        return bool(self.segments())

    def pending(self) -> int:
        """How many records (e.g. leads) wait in the spool."""
        return sum(1 for segment in self.segments() for _ in _lines(segment))

    def append(self, records: list[dict[str, Any]]) -> Path:
        """Spool ``records`` as one segment; durable when this returns."""
        with self._lock:
            self.path.mkdir(parents=True, exist_ok=True)
            existing = self.segments()
            seq = int(_SEGMENT.match(existing[-1].name).group(1)) + 1 if existing else 1  # type: ignore[union-attr]
            final = self.path / f"{seq:020d}.jsonl"
            tmp = self.path / f".{seq:020d}.jsonl.tmp"
            with open(tmp, "wb") as f:
                for record in records:
                    f.write(orjson.dumps(record))
                    f.write(b"\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
            _fsync_dir(self.path)
        return final

    def replay(self, write: Callable[[list[dict[str, Any]]], Any]) -> int:
        """Hand each segment's records to ``write``, oldest first, deleting a segment only after
        ``write`` returned. An exception from ``write`` stops the replay and leaves that segment
        (and the later ones) in place. Returns how many segments were replayed."""
        done = 0
        with self._lock:
            for segment in self.segments():
                records = list(_lines(segment))
                if records:
                    write(records)
                segment.unlink()
                _fsync_dir(self.path)
                done += 1
                log.info("replayed spool segment %s (%d records)", segment.name, len(records))
        return done


def _lines(segment: Path) -> Iterator[dict[str, Any]]:
    with open(segment, "rb") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError:
                # Cannot happen with segments written by append (whole files, renamed into place);
                # a hand-edited or damaged file is reported, its other lines still replayed.
                log.error("spool %s line %d is not JSON: skipped", segment, number)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

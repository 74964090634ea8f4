"""The evidence log: content-addressed WARC files plus an append-only Merkle log of captures.

Why this shape (Certificate Transparency, RFC 9162): a screenshot is only evidence if nobody can
quietly change it later, not even us. Each capture becomes one WARC file named by its own SHA-256
and one line in ``log.jsonl`` that records that hash (and the body's and the screenshot's); the
lines are the leaves of a Merkle tree, and every so often the installation signs a *checkpoint*
(tree size, root hash, time) into ``checkpoints.jsonl``. Changing, removing or reordering any
capture after a checkpoint changes the root; a later checkpoint over a rewritten history is not
*consistent* with the earlier one; and a checkpoint nobody signed with the installation's key does
not verify. :mod:`index.evidence.verify` checks all of that.

Layout under ``DATA_DIR/evidence/``::

    signing-key.pem       the installation's Ed25519 private key (0600)
    installation.json     its public key and key id, recorded when the key was made
    log.jsonl             one canonical JSON entry per line; leaf = the line's bytes
    checkpoints.jsonl     one signed checkpoint per line
    warc/<sha256>.warc.gz one WARC file per capture
    .lock                 flock'ed for each append: writers from several processes take turns

Crash safety: the WARC file is written and fsync'ed before its entry; the entry line is fsync'ed
before the append returns. A crash can leave a torn last line (moved aside to ``torn/`` when the
log is next opened for writing) or logged-but-unsigned entries, which the next open signs.
Entries after the last checkpoint are reported by ``verify`` as a warning, not a failure: they are
chained to the signed ones (``prev``) and get signed by the next append batch, ``close()`` or open.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import orjson

from index.evidence.capture import Capture, utc_iso
from index.evidence.errors import EvidenceError
from index.evidence.keys import SigningKey, b64, load_or_create_key
from index.evidence.merkle import MerkleTree, leaf_hash
from index.evidence.warc import build_warc

LOG_FILE = "log.jsonl"
CHECKPOINT_FILE = "checkpoints.jsonl"
WARC_DIR = "warc"
LOCK_FILE = ".lock"
DEFAULT_CHECKPOINT_EVERY = 100
NOTE_ORIGIN = "markwatch evidence log"


def software_name() -> str:
    try:
        from markwatch import __version__
    except Exception:  # pragma: no cover - the ground is always there in practice
        __version__ = "0"
    return f"markwatch {__version__}"


def canonical_json(value: Any) -> bytes:
    """The one byte form of an entry or checkpoint: sorted keys, no spaces, UTF-8."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def checkpoint_note(key_id: str, tree_size: int, root_hex: str, at: str) -> bytes:
    """The text a checkpoint's signature covers, in the C2SP checkpoint shape: origin line, tree
    size, base64 root hash, then the time as an extension line."""
    return (f"{NOTE_ORIGIN} {key_id}\n{tree_size}\n{b64(bytes.fromhex(root_hex))}\n{at}\n").encode("utf-8")


def make_checkpoint(key: SigningKey, seq: int, tree_size: int, root: bytes, at: str) -> dict[str, Any]:
    note = checkpoint_note(key.key_id, tree_size, root.hex(), at)
    return {"checkpoint": seq, "tree_size": tree_size, "root": root.hex(), "time": at,
            "key_id": key.key_id, "public_key": key.public.b64, "signature": b64(key.sign(note))}


@dataclass(frozen=True)
class EvidenceRef:
    """What the store keeps on a lead (``LeadStore.add_evidence(url, ref.to_json())``)."""

    entry: int
    captured_at: str
    sha256: dict[str, str | None]
    """``{"screenshot": hex | None, "html": hex}`` (CONTRACTS §7 evidence)."""
    warc: str
    """``<sha256>.warc.gz``: the file under ``evidence/warc/``."""
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"entry": self.entry, "captured_at": self.captured_at, "sha256": dict(self.sha256),
                "warc": self.warc, "listing_url": self.url}


def ref_of(entry: dict[str, Any]) -> EvidenceRef:
    return EvidenceRef(entry["index"], entry["captured_at"], dict(entry["sha256"]), entry["warc"],
                       entry.get("url", ""))


class EvidenceLog:
    """Append captures, look them up, sign checkpoints. One object per process, used from one
    thread at a time; several processes may append to one data dir (each append holds the lock
    file for its few milliseconds). In memory: each entry's line and leaf hash, the tree's
    complete subtrees, and URL / lead id → entry indexes (entries are parsed when asked for)."""

    def __init__(self, data_dir: str | os.PathLike[str], checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
                 lock_timeout: float = 30.0) -> None:
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be at least 1")
        self.dir = Path(data_dir) / "evidence"
        self.warc_dir = self.dir / WARC_DIR
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        self.checkpoint_every = checkpoint_every
        self.lock_timeout = lock_timeout
        self.software = software_name()
        self._lock_fd: int | None = os.open(self.dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        self._leaves: list[bytes] = []
        self._lines: list[bytes] = []
        self.tree = MerkleTree()
        self._log_end = 0
        self._checkpoints: list[dict[str, Any]] = []
        self._cp_end = 0
        self._by_url: dict[str, list[int]] = {}
        self._by_lead: dict[str, list[int]] = {}
        with self._locked():
            self.key = load_or_create_key(self.dir, utc_iso())
            self._set_aside_torn_tail()
            self._refresh()
            self._check_last_checkpoint()
            if self.size > self.signed_size:
                self._write_checkpoint()

    # -- locking and reading -------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self._lock_fd is None:
            raise EvidenceError("the evidence log was closed; open a new EvidenceLog")
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise EvidenceError(
                        f"another process has held {self.dir / LOCK_FILE} for {self.lock_timeout:.0f} s; "
                        "is a stuck markwatch writing evidence? Stop it and try again") from None
                time.sleep(0.005)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _set_aside_torn_tail(self) -> None:
        path = self.dir / LOG_FILE
        if not path.exists():
            return
        data = path.read_bytes()
        if not data or data.endswith(b"\n"):
            return
        cut = data.rfind(b"\n") + 1
        torn_dir = self.dir / "torn"
        torn_dir.mkdir(exist_ok=True)
        (torn_dir / f"log-tail-{utc_iso().replace(':', '')}.bin").write_bytes(data[cut:])
        with path.open("r+b") as fh:
            fh.truncate(cut)
            fh.flush()
            os.fsync(fh.fileno())

    def _refresh(self) -> None:
        """Read lines other processes appended since we last looked (complete lines only)."""
        path = self.dir / LOG_FILE
        size = path.stat().st_size if path.exists() else 0
        if size < self._log_end:
            raise EvidenceError(f"{path} shrank from {self._log_end} to {size} bytes while open; "
                                "run 'markwatch evidence verify' to see what was removed")
        if size > self._log_end:
            with path.open("rb") as fh:
                fh.seek(self._log_end)
                chunk = fh.read(size - self._log_end)
            usable = chunk[: chunk.rfind(b"\n") + 1]
            line_no = len(self._lines)
            for line in usable.splitlines():
                try:
                    entry = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise EvidenceError(f"{path} line {line_no + 1} is not valid JSON ({exc}); run "
                                        "'markwatch evidence verify'") from exc
                self._add_loaded(entry, line)
                line_no += 1
            self._log_end += len(usable)
        cpath = self.dir / CHECKPOINT_FILE
        csize = cpath.stat().st_size if cpath.exists() else 0
        if csize > self._cp_end:
            with cpath.open("rb") as fh:
                fh.seek(self._cp_end)
                chunk = fh.read(csize - self._cp_end)
            usable = chunk[: chunk.rfind(b"\n") + 1]
            for line in usable.splitlines():
                try:
                    self._checkpoints.append(orjson.loads(line))
                except orjson.JSONDecodeError as exc:
                    raise EvidenceError(f"{cpath}: a checkpoint is not valid JSON ({exc}); run "
                                        "'markwatch evidence verify'") from exc
            self._cp_end += len(usable)

    def _add_loaded(self, entry: dict[str, Any], line: bytes) -> None:
        index = len(self._lines)
        leaf = leaf_hash(line)
        self._leaves.append(leaf)
        self._lines.append(bytes(line))
        self.tree.append(leaf)
        for url in {entry.get("url"), entry.get("final_url")}:
            if url:
                self._by_url.setdefault(url, []).append(index)
        for lead in entry.get("lead_ids") or ():
            self._by_lead.setdefault(lead, []).append(index)

    def _check_last_checkpoint(self) -> None:
        last = self.latest_checkpoint
        if last is None:
            return
        size = int(last.get("tree_size", -1))
        if size > self.size or self.tree.root(size).hex() != last.get("root"):
            raise EvidenceError(f"{self.dir / LOG_FILE} no longer matches checkpoint {last.get('checkpoint')} "
                                f"({size} entries); refusing to sign over it. Run 'markwatch evidence verify'")

    # -- writing -------------------------------------------------------------------------------
    def append(self, capture: Capture) -> EvidenceRef:
        """Archive one capture: its WARC file, its log entry, and a checkpoint every
        ``checkpoint_every`` entries. Returns what the store keeps on the lead."""
        built = build_warc(capture, self.software)
        name = f"{built.sha256}.warc.gz"
        self._write_content_addressed(name, built.data)
        with self._locked():
            self._refresh()
            index = self.size
            entry = {
                "index": index, "captured_at": capture.captured_at, "logged_at": utc_iso(),
                "url": capture.url, "final_url": capture.final_url, "redirects": list(capture.redirects),
                "status": int(capture.status), "title": capture.title,
                "warc": name, "warc_sha256": built.sha256, "warc_bytes": len(built.data),
                "sha256": {"html": built.body_sha256, "screenshot": built.screenshot_sha256},
                "records": built.record_ids, "lead_ids": list(capture.lead_ids),
                "listing_hash": capture.listing_hash,
                "prev": self._leaves[-1].hex() if self._leaves else "",
            }
            line = canonical_json(entry)
            with (self.dir / LOG_FILE).open("ab") as fh:
                fh.write(line + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
            self._log_end += len(line) + 1
            self._add_loaded(entry, line)
            if self.size - self.signed_size >= self.checkpoint_every:
                self._write_checkpoint()
        return ref_of(entry)

    def _write_content_addressed(self, name: str, data: bytes) -> None:
        target = self.warc_dir / name
        if target.exists() and target.stat().st_size == len(data):
            return
        tmp = self.warc_dir / f".{name}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        dir_fd = os.open(self.warc_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _write_checkpoint(self) -> dict[str, Any]:
        seq = len(self._checkpoints) + 1
        checkpoint = make_checkpoint(self.key, seq, self.size, self.tree.root(), utc_iso())
        line = canonical_json(checkpoint)
        with (self.dir / CHECKPOINT_FILE).open("ab") as fh:
            fh.write(line + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._cp_end += len(line) + 1
        self._checkpoints.append(checkpoint)
        return checkpoint

    def checkpoint(self) -> dict[str, Any]:
        """The latest checkpoint, signing a new one first when entries are not yet covered."""
        with self._locked():
            self._refresh()
            if self.size > self.signed_size or not self._checkpoints:
                return self._write_checkpoint()
            return self._checkpoints[-1]

    def close(self) -> None:
        """Sign what is not yet signed and let go of the lock file."""
        if self._lock_fd is None:
            return
        with self._locked():
            self._refresh()
            if self.size > self.signed_size:
                self._write_checkpoint()
        os.close(self._lock_fd)
        self._lock_fd = None

    def __enter__(self) -> "EvidenceLog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self._lines)

    @property
    def signed_size(self) -> int:
        return int(self._checkpoints[-1]["tree_size"]) if self._checkpoints else 0

    @property
    def latest_checkpoint(self) -> dict[str, Any] | None:
        return self._checkpoints[-1] if self._checkpoints else None

    @property
    def checkpoints(self) -> list[dict[str, Any]]:
        return list(self._checkpoints)

    def refresh(self) -> None:
        """See entries other processes appended since (reads without the lock: whole lines only)."""
        self._refresh()

    def entry(self, index: int) -> dict[str, Any]:
        if not 0 <= index < self.size:
            raise EvidenceError(f"the evidence log has {self.size} entries; there is no entry {index}")
        return orjson.loads(self._lines[index])

    def entry_line(self, index: int) -> bytes:
        """The entry's bytes as logged (what its leaf hash is computed from)."""
        return self._lines[index]

    def leaf(self, index: int) -> bytes:
        return self._leaves[index]

    def entries_for_url(self, url: str) -> list[dict[str, Any]]:
        """Captures of ``url`` (as listing URL or final URL), oldest first."""
        return [orjson.loads(self._lines[i]) for i in self._by_url.get(url, ())]

    def entries_for_lead(self, lead_id: str) -> list[dict[str, Any]]:
        return [orjson.loads(self._lines[i]) for i in self._by_lead.get(lead_id, ())]

    def warc_path(self, name: str) -> Path:
        return self.warc_dir / name

"""``markwatch evidence verify``: check every artefact, every entry and every checkpoint, and name
exactly what is wrong where.

Why it reads the files itself (and not through :class:`EvidenceLog`): it must keep going on a
damaged log and report each problem, where the writer would stop at the first. Checks, in order:

1. the key: ``signing-key.pem`` is the key ``installation.json`` recorded;
2. the entries: each line is JSON, indexes run 0, 1, 2… (gaps, swaps and repeats are named), each
   ``prev`` is the leaf hash of the line before (an entry changed after logging is named);
3. the artefacts: each entry's WARC file exists, hashes to its name, every record's block and
   payload digest holds, and the body's and screenshot's SHA-256 are the ones the entry recorded;
4. the checkpoints: each is signed by the installation key, covers no more entries than the log
   has, its root is the Merkle root of that many entries, and it is consistent with the one before
   (an RFC 9162 consistency proof computed from the log and checked with the RFC's algorithm).

Entries after the last checkpoint are a warning (they are not yet signed), not a failure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import orjson

from index.evidence.keys import (INSTALLATION_FILE, KEY_FILE, PublicKey, load_signing_key,
                                 read_installation_key, unb64)
from index.evidence.log import CHECKPOINT_FILE, LOG_FILE, WARC_DIR, checkpoint_note
from index.evidence.merkle import MerkleTree, leaf_hash, verify_consistency
from index.evidence.warc import read_warc


def short(hex_text: str, n: int = 12) -> str:
    return hex_text[:n] + "…" if len(hex_text) > n else hex_text


@dataclass
class Report:
    """What a verification found. ``problems`` make it fail; ``warnings`` do not."""

    source: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entries: int = 0
    artefacts: int = 0
    records: int = 0
    checkpoints: int = 0
    signed_size: int = 0
    root: str = ""
    key_id: str = ""
    leads: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        what = f"{self.entries} entries, {self.artefacts} WARC files ({self.records} records), "
        what += f"{self.checkpoints} checkpoint{'s' if self.checkpoints != 1 else ''}"
        if self.leads:
            what = f"{self.leads} lead{'s' if self.leads != 1 else ''}, " + what
        if self.checkpoints:
            what += f" (latest covers {self.signed_size} entries, root {short(self.root, 16)})"
        key = f", key {self.key_id}" if self.key_id else ""
        state = "intact" if self.ok else f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        return f"evidence {state}: {self.source}: {what}{key}"

    def lines(self) -> list[str]:
        return [*self.problems, *(f"warning: {w}" for w in self.warnings)]


# -- pieces shared with the bundle verifier --------------------------------------------------------

def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def check_sequence(indexes: list[int | None], report: Report) -> None:
    """Name gaps, repeats and disorder in the entries' ``index`` fields (``None`` = an unreadable
    line, reported elsewhere). Entries should be 0, 1, 2… in file order."""
    lines_of: dict[int, list[int]] = {}
    for line, idx in enumerate(indexes, start=1):
        if isinstance(idx, int) and not isinstance(idx, bool) and idx >= 0:
            lines_of.setdefault(idx, []).append(line)
        elif idx is not None:
            report.problems.append(f"log: line {line} has no valid entry index ({idx!r})")
    if not lines_of:
        return
    present = set(lines_of)
    for first, last in _ranges(sorted(set(range(max(present) + 1)) - present)):
        gone = f"entry {first}" if first == last else f"entries {first}–{last}"
        where = f"found {first - 1} then {last + 1}" if first else f"the first entry found is {last + 1}"
        report.problems.append(f"log: {gone} missing ({where})")
    for idx, lines in sorted(lines_of.items()):
        if len(lines) > 1:
            report.problems.append(f"log: entry {idx} appears {len(lines)} times (lines {', '.join(map(str, lines))})")

    order = [(lines[0], idx) for idx, lines in lines_of.items()]
    order.sort()
    seq = [idx for _, idx in order]
    target = sorted(seq)
    wrong = [k for k in range(len(seq)) if seq[k] != target[k]]
    if not wrong:
        return
    i, j = wrong[0], wrong[-1]
    if len(wrong) == 2 and j > i + 1 and seq[i] == target[j] and seq[j] == target[i]:
        a, b = sorted((seq[i], seq[j]))
        report.problems.append(f"log: entries {a} and {b} swapped (lines {lines_of[b][0]} and {lines_of[a][0]})")
        return
    k = 0
    while k < len(seq) - 1:
        if seq[k] == target[k + 1] and seq[k + 1] == target[k] and seq[k] != seq[k + 1]:
            report.problems.append(f"log: entries {seq[k + 1]} and {seq[k]} out of order")
            k += 2
            continue
        if seq[k] > seq[k + 1]:
            report.problems.append(f"log: entry {seq[k]} (line {order[k][0]}) comes before entry {seq[k + 1]} "
                                   f"(line {order[k + 1][0]})")
        k += 1


def check_artefacts(entry: Mapping[str, Any], data: bytes | None, warc_label: str, report: Report) -> None:
    """Check one entry's WARC file (``data`` None = missing) against the entry."""
    label = f"entry {entry.get('index')}"
    name = str(entry.get("warc", ""))
    if data is None:
        report.problems.append(f"{label}: {warc_label} is missing")
        return
    report.artefacts += 1
    digest = hashlib.sha256(data).hexdigest()
    if name != f"{digest}.warc.gz" or entry.get("warc_sha256") != digest:
        report.problems.append(f"{label}: {warc_label} sha256 mismatch (file hashes to {short(digest)}, "
                               f"the entry recorded {short(str(entry.get('warc_sha256')))}: the file was changed)")
    reading = read_warc(data)
    report.records += len(reading.records)
    for problem in reading.problems:
        report.problems.append(f"{label}: {warc_label} {problem}")
    hashes = entry.get("sha256") or {}
    response = reading.first("response")
    if response is None:
        report.problems.append(f"{label}: {warc_label} has no response record")
    else:
        if response.payload_sha256 != hashes.get("html"):
            report.problems.append(f"{label}: html sha256 mismatch ({warc_label} record {response.number})")
        if response.target_uri != entry.get("final_url"):
            report.problems.append(f"{label}: {warc_label} record {response.number} is for "
                                   f"{response.target_uri}, the entry for {entry.get('final_url')}")
    shot = reading.screenshot()
    if hashes.get("screenshot"):
        if shot is None:
            report.problems.append(f"{label}: {warc_label} has no screenshot record")
        elif shot.payload_sha256 != hashes["screenshot"]:
            report.problems.append(f"{label}: screenshot sha256 mismatch ({warc_label} record {shot.number})")
    elif shot is not None:
        report.problems.append(f"{label}: {warc_label} record {shot.number} is a screenshot the entry does not record")


def check_checkpoint_signature(cp: Mapping[str, Any], key: PublicKey | None, label: str, report: Report) -> bool:
    try:
        note = checkpoint_note(str(cp["key_id"]), int(cp["tree_size"]), str(cp["root"]), str(cp["time"]))
        signature = unb64(str(cp["signature"]))
    except (KeyError, ValueError, TypeError) as exc:
        report.problems.append(f"{label}: malformed ({type(exc).__name__}: {exc})")
        return False
    if key is None:
        report.problems.append(f"{label}: no installation key to check its signature against")
        return False
    if cp.get("key_id") != key.key_id:
        report.problems.append(f"{label}: signed by key {short(str(cp.get('key_id')), 16)}, not the "
                               f"installation key {short(key.key_id, 16)}")
        return False
    if not key.verify(note, signature):
        report.problems.append(f"{label}: signature does not verify with installation key {short(key.key_id, 16)}")
        return False
    return True


def parse_lines(data: bytes, what: str, report: Report) -> list[tuple[bytes, dict[str, Any] | None]]:
    """Split JSON Lines; a line that is not a JSON object is reported and kept as ``None``."""
    out: list[tuple[bytes, dict[str, Any] | None]] = []
    if data and not data.endswith(b"\n"):
        report.problems.append(f"{what}: the last line is incomplete (a crash while appending?)")
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            report.problems.append(f"{what}: line {number} is not valid JSON ({exc})")
            out.append((line, None))
            continue
        if not isinstance(value, dict):
            report.problems.append(f"{what}: line {number} is not a JSON object")
            out.append((line, None))
            continue
        out.append((line, value))
    return out


def check_chain(lines: list[tuple[bytes, dict[str, Any] | None]], report: Report) -> None:
    """Each entry's ``prev`` is the leaf hash of the line before it; where the sequence of indexes
    is intact, a broken link names the entry that changed."""
    for pos in range(1, len(lines)):
        prev_line, prev = lines[pos - 1]
        _, entry = lines[pos]
        if entry is None or prev is None or entry.get("index") != prev.get("index", -2) + 1:
            continue
        if entry.get("prev") != leaf_hash(prev_line).hex():
            report.problems.append(f"entry {prev.get('index')}: changed after it was logged (entry "
                                   f"{entry.get('index')} recorded a different hash for it)")
    if lines and lines[0][1] is not None and lines[0][1].get("index") == 0 and lines[0][1].get("prev"):
        report.problems.append("entry 0: has a previous-entry hash, but it is the first entry")


def check_checkpoints(checkpoints: list[dict[str, Any] | None], tree: MerkleTree, key: PublicKey | None,
                      report: Report) -> None:
    """Signature, size, root and consistency of each checkpoint with the one before."""
    previous: dict[str, Any] | None = None
    for pos, cp in enumerate(checkpoints, start=1):
        if cp is None:
            continue
        label = f"checkpoint {cp.get('checkpoint', pos)}"
        if cp.get("checkpoint") != pos:
            report.problems.append(f"checkpoint file line {pos}: holds checkpoint {cp.get('checkpoint')} "
                                   f"(expected {pos}: one was removed or reordered)")
        check_checkpoint_signature(cp, key, label, report)
        try:
            size = int(cp["tree_size"])
            root = bytes.fromhex(str(cp["root"]))
        except (KeyError, ValueError, TypeError):
            continue
        if size > tree.size:
            report.problems.append(f"log truncated: {label} covers {size} entries, log has {tree.size}")
        elif tree.root(size) != root:
            report.problems.append(f"{label}: root hash is not the Merkle root of the log's first {size} "
                                   "entries (one of them was changed, removed or reordered)")
        if previous is not None:
            try:
                old_size, old_root = int(previous["tree_size"]), bytes.fromhex(str(previous["root"]))
            except (KeyError, ValueError, TypeError):
                old_size, old_root = -1, b""
            prev_label = f"checkpoint {previous.get('checkpoint')}"
            if old_size > size:
                report.problems.append(f"{label}: covers {size} entries, fewer than {prev_label} ({old_size})")
            elif old_size >= 0 and size <= tree.size:
                proof = tree.consistency_proof(old_size, size)
                if not verify_consistency(old_size, size, old_root, root, proof):
                    report.problems.append(f"{label}: not consistent with {prev_label}")
        previous = cp
    last = next((cp for cp in reversed(checkpoints) if cp is not None), None)
    if last is not None:
        report.signed_size = int(last.get("tree_size", 0))
        report.root = str(last.get("root", ""))
    report.checkpoints = sum(1 for cp in checkpoints if cp is not None)


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def verify_log(data_dir: str | Path) -> Report:
    """Verify the evidence log of ``data_dir`` (see the module docstring for what is checked)."""
    evidence = Path(data_dir) / "evidence"
    report = Report(source=str(evidence))
    if not evidence.is_dir():
        report.problems.append(f"{evidence}: no evidence log here (nothing was captured into this data dir)")
        return report

    installation: PublicKey | None = None
    try:
        installation = read_installation_key(evidence)
    except (ValueError, KeyError, orjson.JSONDecodeError) as exc:
        report.problems.append(f"{INSTALLATION_FILE}: unreadable ({exc})")
    try:
        signing = load_signing_key(evidence)
    except Exception as exc:
        signing = None
        report.problems.append(f"{KEY_FILE}: unreadable ({exc})")
    if installation is not None:
        report.key_id = installation.key_id
        if signing is not None and signing.public.raw != installation.raw:
            report.problems.append(f"{KEY_FILE}: holds key {short(signing.key_id, 16)}, not the installation key "
                                   f"{short(installation.key_id, 16)} recorded in {INSTALLATION_FILE} "
                                   "(another installation's key was copied in)")
    elif (evidence / LOG_FILE).exists():
        report.problems.append(f"{INSTALLATION_FILE}: missing, so no checkpoint can be checked")

    lines = parse_lines(_read(evidence / LOG_FILE), "log", report)
    report.entries = len(lines)
    check_sequence([e.get("index") if e is not None else None for _, e in lines], report)
    check_chain(lines, report)
    tree = MerkleTree(leaf_hash(line) for line, _ in lines)

    referenced: set[str] = set()
    for _, entry in lines:
        if entry is None:
            continue
        name = str(entry.get("warc", ""))
        referenced.add(name)
        path = evidence / WARC_DIR / name
        data = path.read_bytes() if name and path.is_file() else None
        check_artefacts(entry, data, f"{WARC_DIR}/{short(name.removesuffix('.warc.gz'))}.warc.gz", report)
    warc_dir = evidence / WARC_DIR
    if warc_dir.is_dir():
        for path in sorted(warc_dir.glob("*.warc.gz")):
            if path.name not in referenced:
                report.warnings.append(f"{WARC_DIR}/{path.name}: not referenced by any entry "
                                       "(left by an append that did not finish?)")

    cps = [cp for _, cp in parse_lines(_read(evidence / CHECKPOINT_FILE), "checkpoints", report)]
    check_checkpoints(cps, tree, installation, report)
    if report.entries > report.signed_size:
        unsigned = report.entries - report.signed_size
        report.warnings.append(f"{unsigned} entr{'y' if unsigned == 1 else 'ies'} after the last checkpoint "
                               "are not yet signed (the next append batch, close or open signs them)")
    return report

"""The evidence log: appends archive each capture and sign checkpoints; verify names every kind of
tampering (a flipped byte, a changed screenshot, a deleted, reordered or changed entry, a truncated
log, another installation's key, a forged or inconsistent checkpoint); crashes (SIGKILL) and
concurrent writers leave a log that verifies."""

from __future__ import annotations

import fcntl
import gzip
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from evidence_helpers import (PNG_MAGIC, capture, flip_byte, gzip_members, regzip, run_appender_code,
                              subprocess_env)
from index.evidence.errors import EvidenceError, EvidenceKeyError
from index.evidence.keys import SigningKey
from index.evidence.log import EvidenceLog, canonical_json, make_checkpoint
from index.evidence.merkle import MerkleTree, leaf_hash
from index.evidence.verify import Report, check_sequence, verify_log
from index.store import lead_id


def build(data_dir: Path, n: int = 12, every: int = 5) -> list:
    log = EvidenceLog(data_dir, checkpoint_every=every)
    refs = [log.append(capture(i)) for i in range(n)]
    log.close()
    return refs


def lines(data_dir: Path) -> list[bytes]:
    return (data_dir / "evidence" / "log.jsonl").read_bytes().splitlines(keepends=True)


def write_lines(data_dir: Path, rows: list[bytes]) -> None:
    (data_dir / "evidence" / "log.jsonl").write_bytes(b"".join(rows))


def problems(data_dir: Path) -> list[str]:
    report = verify_log(data_dir)
    assert not report.ok, "verify passed a tampered log"
    return report.problems


def test_appended_captures_verify_and_are_found_again(tmp_path: Path) -> None:
    refs = build(tmp_path, n=12, every=5)
    report = verify_log(tmp_path)
    assert report.ok, report.problems
    assert report.warnings == []
    assert (report.entries, report.artefacts, report.checkpoints, report.signed_size) == (12, 12, 3, 12)
    assert report.summary().startswith("evidence intact: ")
    assert "12 entries" in report.summary()

    log = EvidenceLog(tmp_path)
    assert log.size == 12
    ref = refs[3].to_json()
    assert set(ref) >= {"entry", "captured_at", "sha256", "warc"}
    assert set(ref["sha256"]) == {"screenshot", "html"}
    assert log.entry(3)["sha256"] == ref["sha256"]
    by_url = log.entries_for_url(capture(3).url)
    assert [e["index"] for e in by_url] == [3]
    assert [e["index"] for e in log.entries_for_url(capture(3).final_url)] == [3]
    assert [e["index"] for e in log.entries_for_lead(lead_id(capture(5).url, "tm-nike"))] == [5]
    assert log.entry(3)["redirects"] == [capture(3).url]
    with pytest.raises(EvidenceError, match="no entry 12"):
        log.entry(12)
    log.close()


def test_key_is_private_and_recorded(tmp_path: Path) -> None:
    build(tmp_path, n=1)
    key_file = tmp_path / "evidence" / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    installation = orjson.loads((tmp_path / "evidence" / "installation.json").read_bytes())
    key = SigningKey.from_pem(key_file.read_bytes())
    assert installation["key_id"] == key.key_id
    checkpoint = orjson.loads((tmp_path / "evidence" / "checkpoints.jsonl").read_bytes().splitlines()[0])
    assert checkpoint["key_id"] == key.key_id


def test_warc_files_are_content_addressed_with_sha256_digests_on_every_record(tmp_path: Path) -> None:
    refs = build(tmp_path, n=4)
    for ref in refs:
        path = tmp_path / "evidence" / "warc" / ref.warc
        data = path.read_bytes()
        assert ref.warc == __import__("hashlib").sha256(data).hexdigest() + ".warc.gz"
        types = []
        for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
            record.content_stream().read()
            types.append(record.rec_type)
            assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")
            assert record.rec_headers.get_header("WARC-Block-Digest").startswith("sha256:")
            if record.rec_type == "resource":
                assert record.rec_headers.get_header("WARC-Target-URI").startswith("urn:screenshot:")
                assert record.rec_headers.get_header("Content-Type") == "image/png"
        assert types == ["warcinfo", "response", "request", "resource", "metadata"]


def test_a_flipped_byte_in_a_warc_file_is_named(tmp_path: Path) -> None:
    refs = build(tmp_path)
    flip_byte(tmp_path / "evidence" / "warc" / refs[7].warc, 200)
    found = problems(tmp_path)
    assert any(p.startswith("entry 7: warc/") and "sha256 mismatch" in p for p in found), found
    assert all(p.startswith("entry 7:") for p in found), found


def test_a_changed_screenshot_inside_the_warc_is_named_by_record(tmp_path: Path) -> None:
    refs = build(tmp_path)
    path = tmp_path / "evidence" / "warc" / refs[4].warc
    members = gzip_members(path.read_bytes())
    shot = next(i for i, m in enumerate(members) if b"urn:screenshot:" in m)
    at = members[shot].index(PNG_MAGIC) + 20
    changed = bytearray(members[shot])
    changed[at] ^= 0xFF
    members[shot] = bytes(changed)
    path.write_bytes(regzip(members))  # a careful forger: valid gzip, same record layout
    found = problems(tmp_path)
    assert f"entry 4: screenshot sha256 mismatch (warc/{refs[4].warc[:12]}….warc.gz record 4)" in found, found
    assert any("record 4 (resource urn:screenshot:" in p and "payload digest mismatch" in p for p in found)
    assert any("warc.gz sha256 mismatch" in p for p in found)


def test_a_deleted_entry_is_named(tmp_path: Path) -> None:
    build(tmp_path)
    rows = lines(tmp_path)
    write_lines(tmp_path, rows[:5] + rows[6:])
    found = problems(tmp_path)
    assert "log: entry 5 missing (found 4 then 6)" in found, found
    assert any(p.startswith("checkpoint 2: root hash is not the Merkle root") for p in found)


def test_two_reordered_entries_are_named(tmp_path: Path) -> None:
    build(tmp_path)
    rows = lines(tmp_path)
    write_lines(tmp_path, rows[:8] + [rows[9], rows[8]] + rows[10:])
    found = problems(tmp_path)
    assert "log: entries 8 and 9 out of order" in found, found
    assert not any("missing" in p for p in found)


def test_entries_swapped_far_apart_or_repeated_are_named(tmp_path: Path) -> None:
    build(tmp_path)
    rows = lines(tmp_path)
    write_lines(tmp_path, rows[:3] + [rows[7]] + rows[4:7] + [rows[3]] + rows[8:])
    assert "log: entries 3 and 7 swapped (lines 4 and 8)" in problems(tmp_path)
    write_lines(tmp_path, rows[:6] + [rows[5]] + rows[6:])
    assert "log: entry 5 appears 2 times (lines 6, 7)" in problems(tmp_path)
    write_lines(tmp_path, rows[2:])
    assert "log: entries 0–1 missing (the first entry found is 2)" in problems(tmp_path)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_any_damage_to_the_sequence_is_reported_and_none_otherwise(n: int, data: st.DataObject) -> None:
    seq = data.draw(st.one_of(st.permutations(list(range(n))),
                              st.lists(st.integers(0, n), min_size=1, max_size=n + 2)), label="seq")
    report = Report("x")
    check_sequence(list(seq), report)
    assert (report.problems == []) == (list(seq) == list(range(len(seq))))


def test_a_truncated_log_is_named(tmp_path: Path) -> None:
    build(tmp_path, n=12, every=5)
    write_lines(tmp_path, lines(tmp_path)[:9])
    found = problems(tmp_path)
    assert "log truncated: checkpoint 2 covers 10 entries, log has 9" in found, found
    assert "log truncated: checkpoint 3 covers 12 entries, log has 9" in found


def test_an_entry_changed_in_place_is_named(tmp_path: Path) -> None:
    build(tmp_path)
    rows = lines(tmp_path)
    entry = orjson.loads(rows[3])
    entry["lead_ids"] = ["someone-else"]
    rows[3] = canonical_json(entry) + b"\n"
    write_lines(tmp_path, rows)
    found = problems(tmp_path)
    assert "entry 3: changed after it was logged (entry 4 recorded a different hash for it)" in found, found
    assert any(p.startswith("checkpoint 1: root hash") for p in found)


def test_malformed_and_torn_lines_are_named_and_a_writer_sets_the_torn_tail_aside(tmp_path: Path) -> None:
    build(tmp_path, n=6, every=3)
    with (tmp_path / "evidence" / "log.jsonl").open("ab") as fh:
        fh.write(b'{"index": 6, "url": "http://sh')  # a crash mid-append
    assert "log: the last line is incomplete (a crash while appending?)" in problems(tmp_path)
    EvidenceLog(tmp_path).close()
    report = verify_log(tmp_path)
    assert report.ok, report.problems
    assert [p.name for p in (tmp_path / "evidence" / "torn").iterdir()]

    rows = lines(tmp_path)
    rows[2] = b"{not json\n"
    write_lines(tmp_path, rows)
    assert "log: line 3 is not valid JSON" in " ".join(problems(tmp_path))


def test_another_installations_key_copied_in_is_named_and_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    build(a, n=4)
    build(b, n=1)
    shutil.copy(b / "evidence" / "signing-key.pem", a / "evidence" / "signing-key.pem")
    found = problems(a)
    assert len(found) == 1 and found[0].startswith("signing-key.pem: holds key "), found
    assert "another installation's key" in found[0]
    with pytest.raises(EvidenceKeyError, match="another installation's key"):
        EvidenceLog(a)


def test_a_checkpoint_signed_with_another_key_is_named(tmp_path: Path) -> None:
    build(tmp_path, n=6, every=3)
    log_lines = [line.rstrip(b"\n") for line in lines(tmp_path)]
    tree = MerkleTree([leaf_hash(line) for line in log_lines])
    other = SigningKey.generate()
    cps = tmp_path / "evidence" / "checkpoints.jsonl"
    installation = orjson.loads((tmp_path / "evidence" / "installation.json").read_bytes())["key_id"]

    honest_elsewhere = make_checkpoint(other, 3, 6, tree.root(), "2026-12-01T00:00:00Z")
    with cps.open("ab") as fh:
        fh.write(canonical_json(honest_elsewhere) + b"\n")
    found = problems(tmp_path)
    assert f"checkpoint 3: signed by key {other.key_id[:16]}…, not the installation key {installation[:16]}…" in found

    pretending = dict(honest_elsewhere, key_id=installation)  # claims to be ours, signed by the other key
    rows = cps.read_bytes().splitlines(keepends=True)
    cps.write_bytes(b"".join(rows[:-1]) + canonical_json(pretending) + b"\n")
    found = problems(tmp_path)
    assert f"checkpoint 3: signature does not verify with installation key {installation[:16]}…" in found, found


def test_a_forged_checkpoint_is_named(tmp_path: Path) -> None:
    build(tmp_path, n=10, every=5)
    cps = tmp_path / "evidence" / "checkpoints.jsonl"
    rows = cps.read_bytes().splitlines(keepends=True)
    forged = orjson.loads(rows[1])
    forged["tree_size"] = 9
    rows[1] = canonical_json(forged) + b"\n"
    cps.write_bytes(b"".join(rows))
    found = problems(tmp_path)
    assert any(p.startswith("checkpoint 2: signature does not verify with installation key") for p in found), found


def test_a_rewritten_history_signed_with_the_real_key_is_not_consistent(tmp_path: Path) -> None:
    """Even someone holding the key cannot rewrite what an earlier checkpoint covered unnoticed."""
    build(tmp_path, n=10, every=5)
    rows = [line.rstrip(b"\n") for line in lines(tmp_path)]
    entry = orjson.loads(rows[7])
    entry["listing_hash"] = "0" * 64
    rows[7] = canonical_json(entry)
    for i in range(8, len(rows)):  # re-link the chain after it, as a careful forger would
        nxt = orjson.loads(rows[i])
        nxt["prev"] = leaf_hash(rows[i - 1]).hex()
        rows[i] = canonical_json(nxt)
    write_lines(tmp_path, [r + b"\n" for r in rows])
    key = SigningKey.from_pem((tmp_path / "evidence" / "signing-key.pem").read_bytes())
    tree = MerkleTree([leaf_hash(r) for r in rows])
    with (tmp_path / "evidence" / "checkpoints.jsonl").open("ab") as fh:
        fh.write(canonical_json(make_checkpoint(key, 3, 10, tree.root(), "2026-12-01T23:00:00Z")) + b"\n")
    found = problems(tmp_path)
    assert "checkpoint 3: not consistent with checkpoint 2" in found, found
    assert any(p.startswith("checkpoint 2: root hash is not the Merkle root") for p in found)
    assert not any(p.startswith("entry 7: changed") for p in found)


def test_unsigned_entries_are_a_warning_and_the_next_writer_signs_them(tmp_path: Path) -> None:
    log = EvidenceLog(tmp_path, checkpoint_every=4)
    for i in range(6):
        log.append(capture(i))
    os.close(log._lock_fd)  # a process that died without close(): 2 entries logged, not signed
    log._lock_fd = None
    report = verify_log(tmp_path)
    assert report.ok, report.problems
    assert report.warnings == ["2 entries after the last checkpoint are not yet signed "
                               "(the next append batch, close or open signs them)"]
    EvidenceLog(tmp_path).close()
    report = verify_log(tmp_path)
    assert report.ok and report.warnings == [] and report.signed_size == 6


def test_export_time_checkpoint_covers_everything(tmp_path: Path) -> None:
    log = EvidenceLog(tmp_path, checkpoint_every=100)
    for i in range(3):
        log.append(capture(i))
    assert log.latest_checkpoint is None
    cp = log.checkpoint()
    assert (cp["checkpoint"], cp["tree_size"]) == (1, 3)
    assert log.checkpoint() == cp  # nothing new: no new checkpoint
    log.close()
    assert len((tmp_path / "evidence" / "checkpoints.jsonl").read_bytes().splitlines()) == 1


def test_a_second_writer_waits_for_the_lock_then_gives_up_clearly(tmp_path: Path) -> None:
    log = EvidenceLog(tmp_path, lock_timeout=0.3)
    fd = os.open(tmp_path / "evidence" / ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        with pytest.raises(EvidenceError, match=r"another process has held .*\.lock"):
            log.append(capture(1))
        assert time.monotonic() - started >= 0.3
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    log.append(capture(1))
    log.close()
    assert verify_log(tmp_path).ok


def test_two_processes_appending_at_once_make_one_valid_log(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", run_appender_code(tmp_path, 15, start, 4)],
                              env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for start in (0, 100)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    report = verify_log(tmp_path)
    assert report.ok, report.problems
    assert report.entries == 30 and report.signed_size == 30
    urls = {orjson.loads(line)["url"] for line in lines(tmp_path)}
    assert len(urls) == 30


def test_sigkill_while_appending_loses_nothing_that_was_logged(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", run_appender_code(tmp_path, 0, 0, 7, forever=True)],
                            env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        seen = 0
        deadline = time.monotonic() + 60
        while seen < 25 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen = int(line) + 1
        assert seen >= 25, proc.stderr.read().decode()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    report = verify_log(tmp_path)
    assert all(p == "log: the last line is incomplete (a crash while appending?)" for p in report.problems), report.problems
    assert report.entries >= seen
    EvidenceLog(tmp_path).close()  # the next writer sets a torn tail aside and signs the rest
    after = verify_log(tmp_path)
    assert after.ok, after.problems
    assert after.signed_size == after.entries >= seen
    assert not any("not yet signed" in w for w in after.warnings)


def test_an_unreferenced_warc_file_is_a_warning(tmp_path: Path) -> None:
    build(tmp_path, n=2)
    (tmp_path / "evidence" / "warc" / ("0" * 64 + ".warc.gz")).write_bytes(gzip.compress(b"x"))
    report = verify_log(tmp_path)
    assert report.ok
    assert any("not referenced by any entry" in w for w in report.warnings)


def test_a_missing_warc_file_is_named(tmp_path: Path) -> None:
    refs = build(tmp_path, n=3)
    (tmp_path / "evidence" / "warc" / refs[1].warc).unlink()
    assert problems(tmp_path) == [f"entry 1: warc/{refs[1].warc[:12]}….warc.gz is missing"]

"""``markwatch evidence verify|export`` (CONTRACTS §8): exit codes and output lines, leads resolved
through the real embedded store, and a bundle checked by a fresh process in another directory."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import orjson
import pytest

from evidence_helpers import capture, flip_byte, listing, subprocess_env
from index import open_store
from index.evidence.log import EvidenceLog
from index.store import lead_id
from markwatch.cli import main
from markwatch.config import load_config


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A data dir with 4 captured leads in the SQLite store and one lead without evidence."""
    data = tmp_path / "data"
    log = EvidenceLog(data, checkpoint_every=3)
    store = open_store(load_config(data_dir=data))
    try:
        leads = [{"url": listing(i)["url"], "right_id": "tm-nike", "score": 0.9,
                  "reasons": ["mark variant 耐克 in title"], "listing": listing(i)} for i in range(5)]
        counts = store.add_leads(leads)
        assert counts.new == 5
        for i in range(4):
            ref = log.append(capture(i))
            store.add_evidence(capture(i).url, ref.to_json())
        store.flush()
    finally:
        store.close()
        log.close()
    return data


def lead(i: int) -> str:
    return lead_id(listing(i)["url"], "tm-nike")


def test_verify_passes_with_one_summary_line(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "verify", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("evidence intact: ") and "4 entries" in out[0]


def test_verify_fails_with_one_line_per_problem(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = (data_dir / "evidence" / "log.jsonl").read_bytes().splitlines(keepends=True)
    (data_dir / "evidence" / "log.jsonl").write_bytes(b"".join(rows[:1] + rows[2:]))
    warc = data_dir / "evidence" / "warc" / orjson.loads(rows[3])["warc"]
    flip_byte(warc, 100)
    assert main(["evidence", "verify", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "log: entry 1 missing (found 0 then 2)" in out
    assert any(line.startswith("entry 3: warc/") and "sha256 mismatch" in line for line in out), out
    assert not any(line.startswith("evidence intact") for line in out)


def test_verify_of_a_missing_data_dir_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "verify", "--data-dir", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_export_then_verify_the_bundle_in_a_fresh_process_elsewhere(data_dir: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bundle.wacz"
    assert main(["evidence", "export", lead(1), lead(3), "--output", str(out), "--data-dir", str(data_dir)]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote {out}: 2 leads, 2 captures, checkpoint ")

    other = tmp_path / "other-machine"
    other.mkdir()
    shutil.copy(out, other / "bundle.wacz")
    shutil.rmtree(data_dir)
    done = subprocess.run([sys.executable, "-m", "markwatch.cli", "evidence", "verify", "--bundle", "bundle.wacz"],
                          cwd=other, env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("evidence intact: bundle.wacz: 2 leads, 2 entries")


def test_a_tampered_bundle_fails_through_the_command(data_dir: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bundle.wacz"
    assert main(["evidence", "export", lead(0), "--output", str(out), "--data-dir", str(data_dir)]) == 0
    with zipfile.ZipFile(out) as z:
        member = next(i for i in z.infolist() if i.filename.startswith("archive/"))
    data = bytearray(out.read_bytes())
    name_len, extra_len = struct.unpack("<HH", data[member.header_offset + 26: member.header_offset + 30])
    data[member.header_offset + 30 + name_len + extra_len + 40] ^= 1  # one bit inside the stored WARC
    out.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["evidence", "verify", "--bundle", str(out)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and member.filename in lines[0] and "cannot be read" in lines[0], lines


def test_export_of_an_unknown_lead_or_one_without_evidence_exits_2(data_dir: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.wacz"
    assert main(["evidence", "export", "feedface", "--output", str(out), "--data-dir", str(data_dir)]) == 2
    assert "unknown lead id feedface" in capsys.readouterr().err
    assert main(["evidence", "export", lead(0), lead(4), "--output", str(out), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert f"lead {lead(4)}" in err and "has no capture in the evidence log" in err
    assert not out.exists()


def test_help_names_both_actions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["evidence", "--help"])
    out = capsys.readouterr().out
    assert "verify" in out and "export" in out
    assert main(["evidence"]) == 2

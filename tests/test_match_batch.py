"""The batch runner: forked workers, or spawned ones when the caller has threads (a Twisted reactor,
Playwright) that make fork unsafe; the output is the same either way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# One process runs the three ways in turn (one worker; two forked; two spawned, a thread running):
# the matcher is built once for all three, and the spawned workers build their own from its register.
SCRIPT = """
import json, sys, threading
from matchers.batch import forks, match_file
from matchers.matcher import Matcher
if __name__ == "__main__":
    source, out = sys.argv[1], sys.argv[2]
    matcher, leads = Matcher.from_paths(), {}
    for workers, with_thread in ((1, False), (2, False), (2, True)):
        stop = threading.Event()
        if with_thread:
            threading.Thread(target=stop.wait, daemon=True).start()
        assert forks(source, workers, chunk=4096) == (workers > 1)
        way = f"{workers}-{int(with_thread)}"
        stats = match_file(matcher, source, f"{out}-{way}.jsonl", workers=workers, chunk=4096)
        stop.set()
        leads[way] = stats.leads
    print(json.dumps(leads))
"""


@pytest.mark.slow
def test_spawned_workers_when_threads_are_running(tmp_path: Path) -> None:
    titles = ["耐克 空军一号 高仿", "纯棉 短袖T恤", "冰墩墩 钥匙扣", "阿迪达期 卫衣", "适用于iPhone 手机壳"]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"url": f"u{i}", "title": titles[i % 5], "price": 59.0}, ensure_ascii=False)
                              + "\n" for i in range(400)), encoding="utf-8")
    script = tmp_path / "run.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(source), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    ways = ("1-0", "2-0", "2-1")
    # 3 infringing titles of 5, 400 listings
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {way: 240 for way in ways}
    outputs = {way: (tmp_path / f"out-{way}.jsonl").read_bytes() for way in ways}
    assert len(set(outputs.values())) == 1


@pytest.mark.parametrize("chunk", [1, 300, 10_000_000])
@pytest.mark.parametrize("ending", [b"\n", b""])
def test_every_line_counted_once_and_bad_lines_named_by_number(tmp_path: Path, chunk: int, ending: bytes) -> None:
    """Workers read byte ranges of the file: whatever the range size, every listing is read once,
    in order, and a bad line is reported with its own number in the file."""
    from matchers.batch import match_file
    from matchers.matcher import Matcher

    rows = [json.dumps({"url": f"u{i}", "title": "耐克 空军一号 高仿" if i % 3 == 0 else "纯棉 短袖T恤"},
                       ensure_ascii=False).encode() for i in range(60)]
    rows[36] = b"{broken"  # line 37
    rows[40] = b""  # a blank line counts as a line but not as a listing
    rows[51] = b'{"url": "u51", "title": 5}'  # line 52
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(rows) + ending)
    out = tmp_path / "out.jsonl"
    stats = match_file(Matcher.from_paths(), source, out, workers=1, chunk=chunk)
    assert stats.read == 59
    assert stats.first_line == {"not valid JSON": 37, "title is int, not text": 52}
    urls = [json.loads(line)["url"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert urls == [f"u{i}" for i in range(0, 60, 3) if i not in (36, 51)]

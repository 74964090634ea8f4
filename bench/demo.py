"""Where ``markwatch demo --no-serve`` spends its time: wall clock per step and CPU per part.

Why a script: the demo is the README's first command and must end in under 2 minutes on a 2-core
machine, evidence included. Wall time on a shared machine says little by itself (load 10-20 here),
so the run is also accounted in CPU seconds per part of its process tree, sampled from /proc:

- ``python``: the demo's own process (Scrapy, matching, store, evidence log)
- ``marketplace``: the demo marketplace's server process
- ``drivers``: the Playwright drivers (Node.js)
- ``rendered browser``: the Chromium the rendered spider renders pages in
- ``evidence browser``: the Chromium that takes the screenshots (the evidence pool's own one,
  launched with ``--in-process-gpu`` and images on; the rendered one has ``imagesEnabled=false``)
- ``other``: anything else below the demo (helpers that are not one of the above)

    .venv/bin/python bench/demo.py [--listings N] [-- extra demo arguments]

Prints the demo's own step timings (its summary), wall seconds, and CPU seconds by part.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")
PARTS = ("python", "marketplace", "drivers", "rendered browser", "evidence browser", "other")


def _read(pid: str) -> tuple[int, float, str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, cmd


class PartsCpu:
    """CPU seconds of a process tree by part, sampled from /proc every 0.25 s until stopped (a
    process's last sample counts, so short-lived Chromium helpers are included). Parts are decided
    at the end from each process's last command line (Chromium starts as a shell script that execs
    the browser) and its ancestry (a renderer counts for the browser above it)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, tuple[int, float, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        procs = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                got = _read(name)
                if got is not None:
                    procs[int(name)] = got
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in procs.items():
            children.setdefault(ppid, []).append(pid)
        stack = [self.root] if self.root in procs else []
        while stack:
            pid = stack.pop()
            ppid, cpu, cmd = procs[pid]
            if not cmd.strip() and pid in self.seen:  # a zombie's cmdline is empty: keep what it ran
                cmd = self.seen[pid][2]
            self.seen[pid] = (ppid, cpu, cmd)
            stack.extend(children.get(pid, []))

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._sample()

    def part(self, pid: int, memo: dict[int, str]) -> str:
        if pid in memo:
            return memo[pid]
        ppid, _, cmd = self.seen[pid]
        program = cmd.split(" ", 1)[0]
        above = self.part(ppid, memo) if ppid in self.seen and pid != self.root else "other"
        if pid == self.root:
            part = "python"
        elif above in ("rendered browser", "evidence browser", "marketplace"):
            part = above  # a browser's helpers (zygotes, renderers, GPU) count for their browser
        elif "demo_marketplace" in cmd:
            part = "marketplace"
        elif "chrom" in program.rsplit("/", 1)[-1]:
            evidence = "--in-process-gpu" in cmd and "imagesEnabled=false" not in cmd  # Playwright adds a --blink-settings of its own
            part = "evidence browser" if evidence else "rendered browser"
        elif "node" in program.rsplit("/", 1)[-1]:
            part = "drivers"
        else:
            part = "other"
        memo[pid] = part
        return part

    def stop(self) -> dict[str, float]:
        self._sample()
        self._stop.set()
        self._thread.join()
        totals = dict.fromkeys(PARTS, 0.0)
        memo: dict[int, str] = {}
        for pid, (_, cpu, _) in self.seen.items():
            totals[self.part(pid, memo)] += cpu
        return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=None, help="catalogue size (default: the demo's own)")
    parser.add_argument("--label", default="demo", help="name of this run in the output")
    parser.add_argument("extra", nargs="*", help="more arguments for markwatch demo (after --)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "markwatch.cli", "demo", "--no-serve", "--data-dir", tmp,
               *(["--listings", str(args.listings)] if args.listings else []), *args.extra]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        cpu = PartsCpu(proc.pid)
        out, _ = proc.communicate(timeout=1800)
        wall = time.monotonic() - started
        parts = cpu.stop()
    steps = [line for line in out.splitlines() if re.search(r"\b(time|took|seconds|[0-9.]+ ?s\b)", line)]
    print(f"== {args.label}: exit {proc.returncode}, wall {wall:.1f} s, load {os.getloadavg()[0]:.1f}")
    for line in steps[-25:]:
        print("   |", line)
    total = sum(parts.values())
    print(f"   CPU {total:.1f} s: " + ", ".join(f"{name} {secs:.1f}" for name, secs in parts.items()))
    if proc.returncode:
        print(out[-3000:])
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())

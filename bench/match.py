"""Benchmark of the full matcher: ``markwatch match`` against registers of 1k, 10k and 100k rights.

What it measures, per register size (figures printed side by side, one run):
- compiling: the first run with an empty cache (parse, validate, compile; seconds) and the size of
  the cache it leaves, and the peak memory of compiling (VmHWM, the kernel's high-water RSS of the
  one process that parses and compiles: nothing forks before the compile); then the start of a run of one listing with that cache, for the register in
  YAML, JSON and CSV (the same rights: one compiled form, found from each file's bytes without
  parsing, markwatch/register_cache.py);
- two mixes of listings, each beside the naive baseline timed on that mix's own titles in the same
  run — rapidfuzz ``process.extractOne(title, names, scorer=fuzz.partial_ratio)`` over every right
  name and variant:
  * ``catalogue``: the demo marketplace's catalogue (seed 7), about a third infringing;
  * ``lead-heavy``: a campaign sweep — about half the listings flagged, a third naming two or more
    rights (the shares are measured with the matcher on a sample and printed), drawn without
    repeats from a larger catalogue (seed 8);
  for each: listings/s of the whole process on all cores (interpreter start, loading, matching,
  writing leads), the CPU seconds of the process tree and listings per CPU-second, peak memory of
  the tree (PSS summed over the parent and its workers: a page shared after the fork counts once,
  sampled every 50 ms; beside it the parent's own high-water RSS, VmHWM, from the kernel), and the
  ratio to the baseline; several runs, because a shared machine's timings wander: the
  median is the figure to quote.

Usage: ``.venv/bin/python bench/match.py [--listings 50000] [--sizes 1000,10000,100000] [--repeat 2]``.
Inputs are generated under bench/out/ (git-ignored) and reused: demo listings from the marketplace
catalogue, and registers of the demo rights plus generated trademarks (CJK and Latin names, random
Nice classes) in YAML, JSON and CSV.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
FORMATS = ("yaml", "json", "csv")
_CSV_FIELDS = ("id", "kind", "name", "variants", "holder", "registration_no", "nice_classes", "well_known",
               "authorized_sellers", "reference_price", "regions")


# ---------------------------------------------------------------------------------------- inputs
def labelled_catalogue(n: int, seed: int = 7) -> list[dict]:
    """The demo catalogue (seed 7 is the demo's own) as labelled rows (CONTRACTS §4b), kept on disk."""
    path = OUT / f"catalogue-{n}-seed{seed}.labelled.jsonl"
    if not (path.is_file() and sum(1 for _ in path.open("rb")) == n):
        subprocess.run([sys.executable, "-m", "demo_marketplace.catalogue", "--listings", str(n), "--seed", str(seed),
                        "--out", str(path)], check=True, capture_output=True, cwd=ROOT)
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _unlabelled(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("infringes", "case", "served_as", "network")}


def write_listings(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def lead_heavy(rows: list[dict], n: int, open_names: list[str], seed: int = 11) -> list[dict]:
    """A campaign sweep: half the listings are infringing ones of a catalogue, half the rest, each
    used once (no listing repeats: repeats would flatter every per-text cache); two of every three
    infringing ones also name a second right (a mark or GI judged whatever the goods, appended to
    the title as sweep listings stack brands), so a third of all listings carry two or more
    candidate rights."""
    rng = random.Random(seed)
    infringing = [r for r in rows if r["infringes"]]
    clean = [r for r in rows if not r["infringes"]]
    if min(len(infringing), len(clean)) < (n + 1) // 2:
        raise SystemExit(f"the catalogue has too few infringing listings for a lead-heavy mix of {n}")
    rng.shuffle(infringing)
    rng.shuffle(clean)
    out = []
    for i in range(n):
        flagged = i % 2 == 0
        row = dict((infringing if flagged else clean)[i // 2])
        if flagged and i % 3 != 1:  # i even and i % 3 in (0, 2): two thirds of the flagged half
            row["title"] = f"{row['title']} {rng.choice(open_names)}"
        out.append(_unlabelled(row))
    return out


def make_register(n: int) -> dict[str, Path]:
    """Demo rights plus generated trademarks, in each format (same rights); paths by format."""
    paths = {fmt: OUT / f"register-{n}.{fmt}" for fmt in FORMATS}
    if all(p.is_file() for p in paths.values()):
        return paths
    from matchers.ordinary import dictionary_words_among
    from matchers.register import load_register

    demo = load_register()
    rng = random.Random(20261126)
    pool = "安邦宝德达鼎飞丰福富冠广海瀚和恒红华辉佳嘉金锦晶康凯朗雷力立利联良龙隆美铭能诺鹏奇启庆瑞森盛世舒顺泰天通威欣新鑫信兴旭雅耀一亿益英盈永宇元源云泽振正之致智中卓紫"
    syll = ["ka", "lo", "vex", "ran", "ti", "zor", "mi", "qua", "sel", "dri", "no", "va", "pex", "lu", "ter", "bri",
            "mon", "xi", "bel", "cor", "dan", "fu", "gar", "hol", "jin", "kor", "lem", "nur", "op", "pra"]
    fields = set(_CSV_FIELDS)
    rights = [{k: v for k, v in r.model_dump(exclude_none=True).items() if k in fields} for r in demo.rights]
    names = {n for r in demo.rights for n in r.all_names}
    drafts = [("".join(rng.choice(pool) for _ in range(rng.choice((2, 3, 3, 4)))),
               "".join(rng.choice(syll) for _ in range(rng.choice((2, 3, 3, 4)))).upper()) for _ in range(4 * n)]
    ordinary = dictionary_words_among(cjk for cjk, _ in drafts)  # marks are not everyday words
    for cjk, latin in drafts:
        if len(rights) >= n:
            break
        i = len(rights)
        if cjk in names or latin in names or cjk in ordinary:
            continue
        names.update((cjk, latin))
        rights.append({"id": f"tm-gen-{i:06d}", "kind": "trademark", "name": cjk, "variants": [latin],
                       "nice_classes": sorted(rng.sample(range(1, 46), rng.choice((1, 2, 3)))),
                       "reference_price": rng.choice((99, 199, 499, 999))})
    import yaml

    data = {"version": 1, "rights": rights}
    paths["json"].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    paths["yaml"].write_text(yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                                       allow_unicode=True, sort_keys=False), encoding="utf-8")
    with paths["csv"].open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(_CSV_FIELDS)
        for right in rights:
            writer.writerow(["|".join(map(str, v)) if isinstance(v, list) else str(v).lower() if isinstance(v, bool)
                             else "" if v is None else str(v) for v in (right.get(f) for f in _CSV_FIELDS)])
    return paths


def make_mixes(n: int) -> dict[str, Path]:
    """The two mixes of ``n`` listings (catalogue, lead-heavy) written under bench/out/; paths by mix."""
    OUT.mkdir(parents=True, exist_ok=True)
    rows = labelled_catalogue(n)
    sweep = labelled_catalogue(int(n * 1.8), seed=8)  # enough infringing listings for half
    from matchers.compiled import class_bound
    from matchers.register import load_register

    open_names = sorted({r.name for r in load_register().rights if not class_bound(r)})
    mixes = {"catalogue": OUT / f"listings-catalogue-{n}.jsonl", "lead-heavy": OUT / f"listings-lead-heavy-{n}.jsonl"}
    write_listings([_unlabelled(r) for r in rows], mixes["catalogue"])
    write_listings(lead_heavy(sweep, n, open_names), mixes["lead-heavy"])
    return mixes


def register_names(path: Path) -> list[str]:
    rights = json.loads(path.read_text(encoding="utf-8"))["rights"]
    return sorted({name for r in rights for name in [r["name"], *r.get("variants", [])]})


def baseline(names: list[str], titles: list[str], budget: float = 8.0) -> tuple[float, float, int]:
    """Titles/s (wall) and titles per CPU-second of the naive fuzzy scan over every name (rapidfuzz
    partial_ratio, one core), timed on the first titles until ``budget`` CPU-seconds are spent."""
    from rapidfuzz import fuzz, process

    wall, start, done = time.perf_counter(), time.process_time(), 0
    for title in titles:
        process.extractOne(title, names, scorer=fuzz.partial_ratio)
        done += 1
        if done >= 10 and time.process_time() - start > budget:
            break
    return done / (time.perf_counter() - wall), done / (time.process_time() - start), done


# ---------------------------------------------------------------------------------------- runs
def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return out


def _high_water_kb(pid: int) -> int:
    """The kernel's high-water mark of the process's RSS (VmHWM) in kB, 0 once it is gone.

    Why not ``ru_maxrss`` from wait4: a child started by this (large) process inherits its RSS as
    its first high-water mark before it execs, and the kernel carries that into ru_maxrss; VmHWM
    is the exec'd program's own."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of the process tree in kB: PSS splits a page shared by n processes n ways."""
    pss = rss = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return pss, rss


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process tree
    pss_mb: float  # peak PSS summed over the process tree (sampled)
    rss_mb: float  # peak RSS summed over the process tree (sampled: pages shared after a fork count twice)
    stderr: str
    max_rss_mb: float = 0.0  # the kernel's high-water RSS of the markwatch process itself (VmHWM, not summed)

    @property
    def summary(self) -> str:
        lines = [line for line in self.stderr.strip().splitlines() if line.startswith("markwatch match:")]
        return lines[-1] if lines else self.stderr.strip()[-300:]


def matcher_code(root: Path = ROOT) -> str:
    """Whether ``markwatch match`` of the checkout at ``root`` runs the compiled hot modules
    (scripts/build_compiled.py) or pure Python, and why (matchers/native.py): ≈25 % CPU apart."""
    found = subprocess.run([sys.executable, "-c", "import matchers.native as n; print(n.status())"], cwd=root,
                           capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else "pure Python (a checkout without matchers/native.py)"


def run_match(register: Path, listings: Path, workers: int, cache: Path, root: Path = ROOT,
              out: Path | None = None) -> Run:
    """One ``markwatch match`` process of the checkout at ``root`` (``-m`` from there imports that
    checkout's code, whatever the venv installed), timed with its process tree."""
    out = out or OUT / f"leads-{workers}.jsonl"
    cmd = [sys.executable, "-m", "markwatch.cli", "match", "--register", str(register), "--input", str(listings),
           "--output", str(out), "--workers", str(workers)]
    peak = [0, 0, 0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=root,
                            env={**os.environ, "MARKWATCH_CACHE_DIR": str(cache)})
    done = threading.Event()  # set once reaped: polling the process here could reap it before wait4

    def watch() -> None:
        while not done.is_set():
            pss, rss = _memory_kb(proc.pid)
            peak[0], peak[1], peak[2] = max(peak[0], pss), max(peak[1], rss), max(peak[2], _high_water_kb(proc.pid))
            done.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    err = proc.stderr.read() if proc.stderr is not None else ""  # closed by the process as it exits:
    peak[2] = max(peak[2], _high_water_kb(proc.pid))  # its high-water mark is final by now
    _, status, usage = os.wait4(proc.pid, 0)  # CPU of the process and its workers (reaped by it)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"markwatch match failed: {err}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, peak[0] / 1024, peak[1] / 1024, err, peak[2] / 1024)


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def mix_shares(register: Path, listings: Path, cache: Path, sample: int = 2000) -> tuple[float, float]:
    """(share of listings flagged, share with two or more candidate rights), by the matcher itself."""
    from matchers.matcher import Matcher

    matcher = Matcher.from_paths(register, cache_dir=cache)
    rows = [json.loads(line) for _, line in zip(range(sample), listings.open(encoding="utf-8"))]
    flagged = sum(bool(leads) for leads in matcher.match_many(rows))
    several = sum(len(matcher.pairs(row)) >= 2 for row in rows)
    return flagged / len(rows), several / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--sizes", default="1000,10000,100000", help="register sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each mix with a warm cache")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    mixes = make_mixes(args.listings)
    titles = {mix: [json.loads(line)["title"] for _, line in zip(range(400), path.open(encoding="utf-8"))]
              for mix, path in mixes.items()}
    one = OUT / "listings-one.jsonl"
    one.write_text(mixes["catalogue"].open(encoding="utf-8").readline(), encoding="utf-8")
    load = os.getloadavg()[0]
    print(f"listings per mix: {args.listings:,}; cores: {cores}; load average at start {load:.1f}; figures are "
          f"medians of {args.repeat} runs with a warm cache unless said")
    print(f"matcher code: {matcher_code()}")
    if load > cores:
        print("  (a busy machine: wall-clock figures stretch with the load; CPU-second figures and the ratio "
              "per CPU-second, both measured in this run, are the ones to compare)")
    results: dict[tuple[int, str], tuple[float, float]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        registers = make_register(size)
        names = register_names(registers["json"])
        print(f"\n== register of {size:,} rights ({len(names):,} names and variants)")
        cache = Path(tempfile.mkdtemp(prefix="markwatch-bench-cache-"))
        try:
            cold = run_match(registers["yaml"], one, 1, cache)
            compiled = re.search(r"read, validated and compiled in ([\d.]+) s", cold.stderr)
            print(f"compile (empty cache, YAML): {compiled.group(1) if compiled else '?'} s to read, validate and "
                  f"compile; whole first run {cold.wall:.2f} s wall, {cold.cpu:.2f} s CPU, peak "
                  f"{cold.max_rss_mb:,.0f} MB (VmHWM: the kernel's high-water RSS of the compiling process); cache {_du_mb(cache):,.1f} MB")
            for fmt in FORMATS:
                if fmt != "yaml":
                    run_match(registers[fmt], one, 1, cache)  # its bytes are new: parsed once, compiled form found
                starts = [run_match(registers[fmt], one, 1, cache) for _ in range(3)]
                wall = statistics.median(r.wall for r in starts)
                cpu = statistics.median(r.cpu for r in starts)
                print(f"warm start, one listing, {fmt.upper():4}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak "
                      f"{statistics.median(r.max_rss_mb for r in starts):,.0f} MB VmHWM")
            for mix, listings in mixes.items():
                base, base_cpu, timed = baseline(names, titles[mix])
                runs = [run_match(registers["yaml"], listings, cores, cache) for _ in range(args.repeat)]
                rate = args.listings / statistics.median(r.wall for r in runs)
                cpu_rate = args.listings / statistics.median(r.cpu for r in runs)
                results[(size, mix)] = (rate / base, cpu_rate / base_cpu)
                print(f"{mix:10} naive baseline {base:,.1f} titles/s, {base_cpu:,.1f}/CPU-s ({timed} titles) | "
                      f"markwatch match, {cores} workers: {rate:,.0f} listings/s whole process = {rate / base:,.0f}x "
                      f"the baseline (slowest run {args.listings / max(r.wall for r in runs):,.0f}/s); "
                      f"{cpu_rate:,.0f} listings/CPU-s = {cpu_rate / base_cpu:,.0f}x; peak {statistics.median(r.pss_mb for r in runs):,.0f} MB "
                      f"PSS summed over the parent and workers (parent's VmHWM "
                      f"{statistics.median(r.max_rss_mb for r in runs):,.0f} MB)")
                print(f"           {runs[-1].summary}")
                if size == 10_000:
                    flagged, several = mix_shares(registers["json"], listings, cache)
                    print(f"           mix: {flagged:.0%} of listings flagged, {several:.0%} with two or more "
                          "candidate rights (2,000-listing sample)")
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    print()
    for (size, mix), (ratio, cpu_ratio) in sorted(results.items()):
        print(f"ratio to the baseline, {size:>7,} rights, {mix:10}: {ratio:,.0f}x whole process, "
              f"{cpu_ratio:,.0f}x per CPU-second")


if __name__ == "__main__":
    main()

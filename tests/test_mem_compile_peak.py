"""A compile in its own process, its peak read from the kernel (issue 11: 100k rights must compile
under 2 GB with the cache written).

Why VmHWM and not only ``resource.getrusage``'s ru_maxrss: a child started from this test process
inherits its RSS as a first high-water mark before it execs, and the kernel carries that into
ru_maxrss (a pytest process that has compiled registers would hide the child's own peak); VmHWM
is the exec'd interpreter's own.

Why the growth per right: a process's peak holds the interpreter, the libraries and the matcher's
own tables whatever the register (≈200 MB), so the figure that tells a compile's memory apart is
what each further right adds to the peak. It was ≈34 KB a right (every key in three dicts of
lists, 47 automata built from them, the scan index built while all of them were alive, every
table pickled to bytes before the write): 3.5–4 GB at 100k rights. Now ≈9 KB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, random, resource, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from markwatch.contracts import Register, Right

n, cache = int(sys.argv[2]), Path(sys.argv[3])
rng = random.Random(5)
pool = "安邦宝德达鼎飞丰福富冠广海瀚和恒红华辉佳嘉金锦晶康凯朗雷力立利联良龙隆美铭能诺鹏奇启庆瑞森盛世舒顺泰天通威欣新鑫信兴旭雅耀一亿益英盈永宇元源云泽振正之致智中卓紫"
syll = ["ka", "lo", "vex", "ran", "ti", "zor", "mi", "qua", "sel", "dri", "no", "va", "pex", "lu", "ter"]
seen, rights = set(), []
while len(rights) < n:
    cjk = "".join(rng.choice(pool) for _ in range(rng.choice((2, 3, 3, 4))))
    latin = "".join(rng.choice(syll) for _ in range(rng.choice((2, 3, 4)))).upper()
    if cjk in seen or latin in seen:
        continue
    seen.update((cjk, latin))
    rights.append(Right(id=f"tm-peak-{len(rights)}", kind="trademark", name=cjk, variants=[latin],
                        nice_classes=sorted(rng.sample(range(1, 46), rng.choice((1, 2, 3))))))
from matchers.compiled import compile_register

compile_register(Register(rights=rights), cache)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))  # kB
assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >= peak
print(json.dumps({"peak_kb": peak, "rights": [r.model_dump() for r in rights]}))
"""


def _compile_in_child(n: int, cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), str(n), str(cache)], capture_output=True,
                          text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_each_further_right_adds_little_to_the_compiles_peak(tmp_path: Path) -> None:
    small = _compile_in_child(1000, tmp_path / "small")
    large = _compile_in_child(3000, tmp_path / "large")
    per_right_kb = (large["peak_kb"] - small["peak_kb"]) / 2000
    assert per_right_kb < 20, f"{per_right_kb:.1f} KB of peak a right (≈9 expected, 34 before)"
    assert list((tmp_path / "large").glob("compiled-register-*.pickle"))  # the cache was written


def test_a_register_compiled_in_another_process_loads_and_matches_the_same(tmp_path: Path) -> None:
    from markwatch.contracts import Register, Right
    from matchers.matcher import Matcher

    from matchers.lexicon import lexicon

    child = _compile_in_child(500, tmp_path)
    rights = [Right(**r) for r in child["rights"]]
    register = Register(rights=rights)
    goods = lexicon()["goods_classes"]
    listings = [{"url": f"u{i}", "title": f"{r.name} {goods[r.nice_classes[0]][0]} 高仿", "price": 30}
                for i, r in enumerate(rights[:40]) if goods.get(r.nice_classes[0])]
    listings += [{"url": f"v{i}", "title": f"{r.variants[0].lower()} 复刻 外套"} for i, r in enumerate(rights[:20])]
    cached = Matcher(register, cache_dir=tmp_path)  # finds what the child wrote
    assert cached.compiled.__class__.__name__ == "_Unpacking"
    expected = Matcher(register, cache_dir=None).match_many(listings)
    assert sum(map(bool, expected)) >= 20
    assert cached.match_many(listings) == expected

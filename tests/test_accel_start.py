"""The start of a forked run (issue 11, speed): what the parent unpacks before forking workers.

The automata the scan index was built from (every ordinary mark's, the open marks', each Nice
class's) stay packed even in a run that forks, since candidates are found with the scan index
alone; the leads are those of the register compiled in memory, and a caller that does read one of
those automata still gets it."""

from __future__ import annotations

from markwatch.contracts import Register, Right


def _register() -> Register:
    """Rights of our own: ordinary marks of a few classes and one judged whatever the goods."""
    return Register(rights=[
        Right(id="tm-acc-a", kind="trademark", name="翎澈", variants=["LINGCHE"], nice_classes=[25]),
        Right(id="tm-acc-b", kind="trademark", name="翎朔", nice_classes=[3, 9]),
        Right(id="tm-acc-c", kind="trademark", name="QUVELTA", nice_classes=[9], well_known=True),
        Right(id="tm-acc-d", kind="trademark", name="澈岚", nice_classes=[30]),
    ])


_LISTINGS = [{"url": f"u{i}", "title": t, "price": 30} for i, t in enumerate(
    ["翎澈 男士T恤 高仿", "翎澈", "翎彻 卫衣 A货", "翎朔 面霜 1:1", "quvelta 耳机 复刻", "lingche 外套 原单",
     "澈岚 挂耳咖啡 高仿", "无关 标题 保温杯"])]


def _still_packed(compiled) -> set[str]:
    """Tables still pickled: packed, and not set on the register some other way (its rights)."""
    kept = {**compiled._packed, **compiled.__dict__.get("_spare", {})}
    return {name for name in kept if name not in compiled.__dict__}


def test_warming_for_workers_leaves_the_scanned_automata_packed(tmp_path, monkeypatch) -> None:
    from matchers import packed
    from matchers.batch import warm
    from matchers.matcher import Matcher

    monkeypatch.setattr(packed, "PACK_OVER", 0)  # every table packed, as a large register's are
    fresh = Matcher(_register(), cache_dir=None)
    Matcher(_register(), cache_dir=tmp_path)  # compiles into the cache
    cached = Matcher(_register(), cache_dir=tmp_path)
    warm(cached, everything=True)  # what a run that forks does before forking
    left = _still_packed(cached.compiled)
    assert {"bound_index", "open_index"} <= left
    assert left <= packed.SCANNED_AS_ONE  # every other table was unpacked for the workers to share
    expected = fresh.match_many(_LISTINGS)
    assert any(expected)
    assert cached.match_many(_LISTINGS) == expected
    assert _still_packed(cached.compiled) == left  # matching read none of them
    # a caller that reads one still gets the automaton compiled in memory
    assert sorted(cached.compiled.bound_index.automaton.keys()) == sorted(fresh.compiled.bound_index.automaton.keys())

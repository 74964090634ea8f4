"""The scan index built straight from the register's keys (matchers/key_postings.py), and the open,
bound and per-class automata as views of it (issue 11, memory at 100k rights).

The reference is the way it was built before: a dict of lists per automaton, an Aho–Corasick
automaton from each, and ``candidates.build_scan_index`` over those automata. Both must hold the
same entry for every key, and each view the same keys and values as the automaton it stands for."""

from __future__ import annotations

import pickle
import random

import ahocorasick

from matchers.candidates import build_scan_index
from matchers.compiled import CompiledRegister, FormIndex
from matchers.key_postings import (BOUND, BOUND_VIEW, OPEN, OPEN_VIEW, KeyPostings, ScannedAutomaton,
                                   ScannedClassIndex, scan_index_of)


def _random_postings(seed: int) -> list[tuple[str, int, int]]:
    """(key, slot, form id) in the order a compile adds them: keys repeat, a key's forms come in any
    order, some keys are in one automaton only, two classes may hold the same forms for a key."""
    rng = random.Random(seed)
    keys = ["".join(rng.choice("澜瑟翎宝abcd") for _ in range(rng.randint(2, 4))) for _ in range(150)]
    out = []
    for _ in range(900):
        key, form = rng.choice(keys), rng.randrange(400)
        roll = rng.random()
        if roll < 0.3:
            out.append((key, OPEN, form))
        else:
            if roll < 0.8:
                out.append((key, BOUND, form))
            for cls in rng.sample(range(1, 46), rng.choice((1, 1, 2, 3))):
                out.append((key, BOUND + cls, form))
    return out


def _reference(postings: list[tuple[str, int, int]]) -> CompiledRegister:
    """A register holding the automata the old compile built from these postings."""
    open_keys: dict[str, list[int]] = {}
    bound_keys: dict[str, list[int]] = {}
    class_keys: dict[int, dict[str, list[int]]] = {}
    for key, slot, form in postings:
        if slot == OPEN:
            open_keys.setdefault(key, []).append(form)
        elif slot == BOUND:
            bound_keys.setdefault(key, []).append(form)
        else:
            class_keys.setdefault(slot - BOUND, {}).setdefault(key, []).append(form)

    def index(grouped: dict[str, list[int]]) -> FormIndex | None:
        if not grouped:
            return None
        automaton = ahocorasick.Automaton()
        for key, ids in grouped.items():
            automaton.add_word(key, (len(key), tuple(ids)))
        automaton.make_automaton()
        return FormIndex(automaton)

    return CompiledRegister(rights=[], open_index=index(open_keys), bound_index=index(bound_keys),
                            class_index={c: index(k) for c, k in sorted(class_keys.items())})  # type: ignore[misc]


def _entries(scan) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """Key → (decoded entry, mask): what a listing's hit on the key reads."""
    return {key: (scan._decode(scan.data[scan.offsets[n]:scan.offsets[n + 1]].tolist()), scan.masks[n])
            for key, n in scan.automaton.items()}


def _built(postings: list[tuple[str, int, int]]):  # type: ignore[no-untyped-def]
    collected = KeyPostings()
    for key, slot, form in postings:
        collected.add(key, slot, form)
    classes = collected.classes()
    return scan_index_of(collected), classes


def test_the_scan_index_from_postings_is_the_one_built_from_the_automata(monkeypatch) -> None:
    from matchers import key_postings

    for seed in range(6):
        if seed % 2:
            monkeypatch.setattr(key_postings, "_CHUNK", 7)  # many chunks of keys, a key's runs never split
        else:
            monkeypatch.undo()
        postings = _random_postings(seed)
        scan, _ = _built(postings)
        assert _entries(scan) == _entries(build_scan_index(_reference(postings)))


def test_the_views_hold_what_each_automaton_held() -> None:
    postings = _random_postings(11)
    reference = _reference(postings)
    scan, classes = _built(postings)

    def source():  # type: ignore[no-untyped-def]
        return scan

    def items(automaton) -> dict:  # type: ignore[no-untyped-def]
        return dict(automaton.items())

    assert items(ScannedAutomaton(OPEN_VIEW, source).automaton) == items(reference.open_index.automaton)
    assert items(ScannedAutomaton(BOUND_VIEW, source).automaton) == items(reference.bound_index.automaton)
    views = ScannedClassIndex(classes, source)
    assert list(views) == list(reference.class_index)
    for cls in views:
        assert items(views[cls].automaton) == items(reference.class_index[cls].automaton)
    text = "澜瑟abca翎宝dcba澜宝" * 3  # hits as a scan of the views gives them, in order
    assert list(views[classes[0]].automaton.iter(text)) == list(reference.class_index[classes[0]].automaton.iter(text))


def test_a_view_pickles_as_what_it_is_and_reads_only_once_attached() -> None:
    postings = _random_postings(3)
    scan, classes = _built(postings)
    view = pickle.loads(pickle.dumps(ScannedAutomaton(BOUND_VIEW, lambda: scan)))
    assert len(pickle.dumps(view)) < 100 and len(pickle.dumps(ScannedClassIndex(classes, lambda: scan))) < 300
    try:
        view.automaton
    except RuntimeError:
        pass
    else:
        raise AssertionError("an unattached view built an automaton")
    from matchers.key_postings import attach

    attach(view, lambda: scan)
    assert dict(view.automaton.items()) == dict(_reference(postings).bound_index.automaton.items())

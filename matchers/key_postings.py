"""The register's automaton keys gathered as flat postings, and the scan index built from them.

Why: compiling 100k rights peaked at 3.5 GB with the cache written (issue 11, goal < 2 GB). Every
key went into three dicts of lists (the open marks', every ordinary mark's, and one dict per Nice
class: ≈5M lists for 1.2M keys), from which 47 Aho–Corasick automata were built and pickled, and
then, with all of them still alive, the scan index (matchers/candidates.py :class:`ScanIndex`) was
built again from those automata. Matching reads the scan index alone. Now a key is numbered when
first met and each (key, automaton, form) is three ints in arrays (:class:`KeyPostings`); the scan
index is built straight from them (:func:`scan_index_of`), and the per-automaton automata are views
of it (:class:`ScannedAutomaton`, :class:`ScannedClassIndex`), made only when something reads them
(tests, :meth:`CompiledRegister.indexes`): the hot path never does.

A posting's *slot* says which automaton holds the key: :data:`OPEN` (marks judged whatever the
goods), :data:`BOUND` (every ordinary mark), ``class_slot(c)`` (the ordinary marks of Nice class c).
A key's forms keep the order they were added in, per slot, as the separate automata kept them.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Iterator

import ahocorasick
import numpy as np

if TYPE_CHECKING:
    from matchers.candidates import ScanIndex

OPEN = 0  # slot of the automaton of rights judged whatever the goods
BOUND = 1  # slot of the automaton of every ordinary mark
_SLOTS = 64  # slots per key in the sort key (classes are < 60: candidates._key_mask)
_CHUNK = 1 << 16  # keys turned into Python lists at a time by scan_index_of


def class_slot(cls: int) -> int:
    """The slot of Nice class ``cls``'s automaton."""
    if not 0 < cls < 60:
        raise ValueError(f"Nice class {cls} out of range for a key mask")
    return BOUND + cls


class KeyPostings:
    """(key, slot, form id) triples in three int arrays, keys numbered in the order first met."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.keys = array("i")
        self.slots = array("b")
        self.forms = array("i")

    def add(self, key: str, slot: int, form_idx: int) -> None:
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.numbers)
        self.keys.append(number)
        self.slots.append(slot)
        self.forms.append(form_idx)

    def add_class(self, key: str, cls: int, form_idx: int) -> None:
        self.add(key, class_slot(cls), form_idx)

    def __len__(self) -> int:
        return len(self.forms)

    def has(self, slot: int) -> bool:
        return slot in self.slots

    def classes(self) -> list[int]:
        """The Nice classes whose automaton holds any key, ascending."""
        return sorted(s - BOUND for s in set(self.slots) if s > BOUND)


def scan_index_of(postings: KeyPostings) -> "ScanIndex":
    """The :class:`~matchers.candidates.ScanIndex` of ``postings``: for each key its length, open
    forms, bound forms and class lists (each distinct list of forms once, with the classes holding
    it, lists in order of their lowest class), exactly as ``candidates.build_scan_index`` made it
    from the separate automata. Empties ``postings`` as it goes (its arrays are the biggest thing
    left at that point of a compile)."""
    from matchers.candidates import BOUND_BIT, OPEN_BIT, ScanIndex

    texts = list(postings.numbers)
    postings.numbers.clear()
    n_keys = len(texts)
    data, offsets, masks = array("i"), array("q", [0]), array("Q")
    if not n_keys:
        return ScanIndex(None, data, offsets, masks)
    order_key = np.frombuffer(postings.keys, dtype=np.int32).astype(np.int64) * _SLOTS
    order_key += np.frombuffer(postings.slots, dtype=np.int8)
    order = np.argsort(order_key, kind="stable")  # by key, then slot; forms in the order added
    run_key = order_key[order]
    del order_key
    forms = np.frombuffer(postings.forms, dtype=np.int32)[order]
    del order
    postings.keys, postings.slots, postings.forms = array("i"), array("b"), array("i")
    run_starts = np.flatnonzero(np.r_[True, run_key[1:] != run_key[:-1]])  # one run per (key, slot)
    run_ends = np.append(run_starts[1:], len(run_key))
    run_slot = (run_key[run_starts] % _SLOTS).astype(np.int8)
    first_run = np.searchsorted(run_key[run_starts] // _SLOTS, np.arange(n_keys + 1))  # key k: runs [k], [k + 1])
    del run_key
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for chunk in range(0, n_keys, _CHUNK):  # as Python lists a chunk at a time: 5M ints are 180 MB a list
        last = min(chunk + _CHUNK, n_keys)
        r0, r1 = int(first_run[chunk]), int(first_run[last])
        p0 = int(run_starts[r0])
        ids_of = forms[p0:int(run_ends[r1 - 1])].tolist()
        starts, ends = (run_starts[r0:r1] - p0).tolist(), (run_ends[r0:r1] - p0).tolist()
        slots, firsts = run_slot[r0:r1].tolist(), (first_run[chunk:last + 1] - r0).tolist()
        for number in range(chunk, last):
            key = texts[number]
            texts[number] = None  # type: ignore[call-overload]  # the automaton holds its own copy
            automaton.add_word(key, number)
            open_ids: list[int] = []
            bound_ids: list[int] = []
            lists: dict[tuple[int, ...], list[int]] = {}
            mask = 0
            for run in range(firsts[number - chunk], firsts[number - chunk + 1]):
                ids = ids_of[starts[run]:ends[run]]
                slot = slots[run]
                if slot == OPEN:
                    open_ids, mask = ids, mask | OPEN_BIT
                elif slot == BOUND:
                    bound_ids, mask = ids, mask | BOUND_BIT
                else:
                    cls = slot - BOUND
                    lists.setdefault(tuple(ids), []).append(cls)  # slots ascend: owners ascending
                    mask |= 1 << cls
            flat = [len(key), len(open_ids), *open_ids, len(bound_ids), *bound_ids, len(lists)]
            for ids_tuple, owners in lists.items():
                flat += [len(owners), *owners, len(ids_tuple), *ids_tuple]
            data.extend(flat)
            offsets.append(len(data))
            masks.append(mask)
    automaton.make_automaton()
    return ScanIndex(automaton, data, offsets, masks)


OPEN_VIEW, BOUND_VIEW = 0, -1  # which automaton a :class:`ScannedAutomaton` is (else a Nice class)


class ScannedAutomaton:
    """One of the per-automaton automata (open marks, every ordinary mark, one Nice class) as the
    scan index holds it, made into its own automaton only when ``automaton`` is first read (same
    keys and values, ``(length, form ids)``, as :class:`~matchers.compiled.FormIndex` held).

    Pickles as which automaton it is, nothing more; a register loaded from the cache attaches it
    to its own scan index (:func:`attach`)."""

    __slots__ = ("which", "judged", "_scan", "_automaton")

    def __init__(self, which: int, scan: Callable[[], "ScanIndex"] | None = None) -> None:
        self.which = which
        self.judged: dict[str, tuple] = {}
        self._scan = scan
        self._automaton: Any = None

    def __reduce__(self) -> tuple[type, tuple[int]]:
        return ScannedAutomaton, (self.which,)

    @property
    def automaton(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            if self._scan is None:
                raise RuntimeError("a scanned automaton read before it was attached to its scan index")
            self._automaton = _automaton_of(self._scan(), self.which)
        return self._automaton


def _automaton_of(scan: "ScanIndex", which: int) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    if scan.automaton is not None:
        for key, number in scan.automaton.items():
            length, open_ids, lists, bound_ids, _ = scan._decode(
                scan.data[scan.offsets[number]:scan.offsets[number + 1]].tolist())
            if which == OPEN_VIEW:
                ids = open_ids
            elif which == BOUND_VIEW:
                ids = bound_ids
            else:
                ids = next((found for classes, found in lists if which in classes), ())
            if ids:
                automaton.add_word(key, (length, ids))
    automaton.make_automaton()
    return automaton


class ScannedClassIndex(Mapping):
    """Nice class → :class:`ScannedAutomaton` of its ordinary trademarks (the classes that have any);
    pickles as the class numbers."""

    def __init__(self, classes: list[int], scan: Callable[[], "ScanIndex"] | None = None) -> None:
        self._views = {cls: ScannedAutomaton(cls, scan) for cls in classes}

    def __reduce__(self) -> tuple[type, tuple[list[int]]]:
        return ScannedClassIndex, (list(self._views),)

    def attach(self, scan: Callable[[], "ScanIndex"]) -> None:
        for view in self._views.values():
            view._scan = scan

    def __getitem__(self, cls: int) -> ScannedAutomaton:
        return self._views[cls]

    def __contains__(self, cls: object) -> bool:
        return cls in self._views

    def __iter__(self) -> Iterator[int]:
        return iter(self._views)

    def __len__(self) -> int:
        return len(self._views)


def attach(value: Any, scan: Callable[[], "ScanIndex"]) -> Any:
    """``value`` attached to ``scan`` when it is a view of this module (else as it is)."""
    if isinstance(value, ScannedAutomaton) and value._scan is None:
        value._scan = scan
    elif isinstance(value, ScannedClassIndex):
        value.attach(scan)
    return value

"""The compiled register as the cache keeps it: its big tables packed, each unpacked when first used.

Why: unpickling a compiled register of 100,000 rights costs more than a second (its automata, the
near-miss index, a few hundred thousand forms), yet a run of one listing scans the automaton of
marks judged whatever the goods and those of the listing's own Nice classes, and looks up Latin
near misses only when the listing has an unknown Latin word. So every table that pickles to more
than :data:`PACK_OVER` bytes is kept as its own pickle after the cache file's head, and the
automaton of each Nice class on its own; the file is mapped, not read (markwatch.cache), and a
table is unpickled the first time the matcher reads it, then is a plain attribute (no cost per
access after that). The forms are kept as columns (:class:`FormsTable`), the rights as pickles
made into objects one by one (matchers/rights_table.py).

A run that forks workers first unpacks every table they read (:func:`unpack_all`, called by
``matchers.batch.warm``), so the workers share one copy instead of each unpacking its own; the
automata the scan index was built from are left packed (no worker reads them).
Whatever the compiled register gains as fields later is packed the same way: nothing here lists
them.
"""

from __future__ import annotations

import dataclasses
import pickle
import threading
from array import array
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Iterator

from markwatch.cache import collector_paused, load_with_blobs, store_with_blobs
from matchers.compiled import FORM_KINDS, CompiledRegister, Form

PACK_OVER = 256 * 1024  # bytes of pickle above which a table is packed
SCAN_INDEX = "scan_index"  # matchers.candidates.ScanIndex: every automaton key in one automaton
SCANNED_AS_ONE = frozenset({"open_index", "bound_index"})  # automata whose keys the scan index holds
_DUMP = pickle.HIGHEST_PROTOCOL
_UNPACKING = threading.Lock()


@dataclasses.dataclass
class PackedRegister:
    """What the cache file holds: small fields as they are, big ones as pickles (bytes when just
    packed, views of the mapped cache file when read from it)."""

    fields: dict[str, Any]
    packed: dict[str, bytes | memoryview]
    class_index: dict[int, bytes | memoryview] | None  # Nice class → its automaton, pickled


def write(path: Path, compiled: CompiledRegister, extra: Any) -> None:
    """Keep ``compiled`` (and ``extra``, loaded with it) in the cache file ``path``: the small
    fields in its head, every packed table as a blob after it (markwatch.cache.store_with_blobs)."""
    entry = pack(compiled)
    names, classes = list(entry.packed), list(entry.class_index or {})
    blobs = [entry.packed[n] for n in names] + [(entry.class_index or {})[c] for c in classes]
    store_with_blobs(path, (entry.fields, names, classes, extra), blobs)  # type: ignore[arg-type]


def read(path: Path) -> tuple[CompiledRegister, Any] | None:
    """(compiled register, extra) from the cache file ``path``, its tables still packed; None when
    there is none (or it is unreadable: the caller compiles again)."""
    found = load_with_blobs(path)
    if found is None:
        return None
    (fields, names, classes, extra), blobs = found
    entry = PackedRegister(fields, dict(zip(names, blobs)), dict(zip(classes, blobs[len(names):])))
    return unpack(entry), extra


def pack(compiled: CompiledRegister) -> PackedRegister:
    fields: dict[str, Any] = {}
    packed: dict[str, bytes] = {}
    for f in dataclasses.fields(compiled):
        value = getattr(compiled, f.name)
        if f.name == "class_index":
            continue
        if f.name == "forms" and isinstance(value, list):
            value = FormsTable.of(value)
        data = pickle.dumps(value, protocol=_DUMP)
        if len(data) > PACK_OVER:
            packed[f.name] = data
        else:
            fields[f.name] = value
    classes = {cls: pickle.dumps(index, protocol=_DUMP) for cls, index in compiled.class_index.items()}
    from matchers.candidates import scan_index

    packed[SCAN_INDEX] = pickle.dumps(scan_index(compiled), protocol=_DUMP)  # built from the automata above
    return PackedRegister(fields, packed, classes)


def unpack(entry: PackedRegister) -> CompiledRegister:
    """A compiled register that unpickles each packed table when first read."""
    compiled = _Unpacking.__new__(_Unpacking)
    compiled.__dict__.update(entry.fields)
    compiled._packed = dict(entry.packed)
    if entry.class_index is not None:
        compiled.__dict__["class_index"] = LazyClassIndex(entry.class_index)
    return compiled


def unpack_all(compiled: CompiledRegister) -> None:
    """Unpickle every packed table now (before forking: workers then share them). The automata the
    scan index was built from stay packed when it is there — those of the Nice classes, of the marks
    judged whatever the goods and of every ordinary mark (:data:`SCANNED_AS_ONE`): it holds their
    keys, and candidates are found with it alone (matchers/candidates.py). Unpickling the one of
    every ordinary mark and the open one cost ≈35 ms of the parent's serial start at 10k rights,
    and no worker read them; one that does still unpickles its own copy."""
    packed = getattr(compiled, "_packed", None)
    if packed is None:
        return
    scanned_as_one = SCAN_INDEX in packed or SCAN_INDEX in compiled.__dict__
    if scanned_as_one:  # set aside: nothing is left to unpack, and a read still finds them
        compiled.__dict__.setdefault("_spare", {}).update({n: packed.pop(n) for n in SCANNED_AS_ONE & packed.keys()})
    for name in list(packed):
        getattr(compiled, name)
    index = compiled.class_index
    if isinstance(index, LazyClassIndex) and not scanned_as_one:
        for cls in index:
            index[cls]


class _Packed:
    """A field read from its pickle on first access, then stored on the instance (which shadows
    this non-data descriptor: later reads are plain attribute reads)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        with _UNPACKING:  # threads (a Scrapy pipeline's) may read the same table first at once
            if self.name in obj.__dict__:
                return obj.__dict__[self.name]
            data = obj._packed.pop(self.name, None)
            if data is None:
                data = obj.__dict__.get("_spare", {}).pop(self.name, None)
            if data is None:
                raise AttributeError(self.name)
            with collector_paused():
                value = pickle.loads(data)  # noqa: S301 - our own cache file
            obj.__dict__[self.name] = value
            return value


class _Unpacking(CompiledRegister):
    """A :class:`CompiledRegister` loaded from a :class:`PackedRegister` (same fields, same methods)."""

    _packed: dict[str, bytes]  # tables not unpacked yet
    _spare: dict[str, bytes]  # tables :func:`unpack_all` left packed: matching reads none of them


for _name in [f.name for f in dataclasses.fields(CompiledRegister) if f.name != "class_index"] + [SCAN_INDEX]:
    _descriptor = _Packed()
    _descriptor.__set_name__(_Unpacking, _name)
    setattr(_Unpacking, _name, _descriptor)


class LazyClassIndex(Mapping):
    """Nice class → automaton of its ordinary trademarks, each unpickled when first scanned."""

    def __init__(self, packed: dict[int, bytes]) -> None:
        self._packed = packed
        self._loaded: dict[int, Any] = {}

    def __getitem__(self, cls: int) -> Any:
        index = self._loaded.get(cls)
        if index is None:
            with collector_paused():
                index = self._loaded[cls] = pickle.loads(self._packed[cls])  # noqa: S301 - our own cache file
        return index

    def __contains__(self, cls: object) -> bool:
        return cls in self._packed

    def __iter__(self) -> Iterator[int]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


class FormsTable(Sequence[Form]):
    """The register's forms as columns, each :class:`~matchers.compiled.Form` made when first read.

    Why: a few hundred thousand forms (100k rights) unpickle as tuples in ≈0.2 s; as columns (two
    string lists and arrays) they load in a fraction of that, and the matcher reads a form only
    when a listing's spelling meets its key (then remembered per spelling, candidates.py)."""

    __slots__ = ("_right", "_text", "_key", "_kind", "_flags", "_made")

    def __init__(self, right: array, text: list[str], key: list[str], kind: bytes, flags: bytes) -> None:
        self._right, self._text, self._key, self._kind, self._flags = right, text, key, kind, flags
        self._made: list[Form | None] = [None] * len(text)

    @classmethod
    def of(cls, forms: list[Form]) -> "FormsTable":
        rank = {kind: i for i, kind in enumerate(FORM_KINDS)}
        return cls(array("i", (f.right for f in forms)), [f.text for f in forms], [f.key for f in forms],
                   bytes(rank[f.kind] for f in forms),
                   bytes(f.latin | f.left_edge << 1 | f.right_edge << 2 for f in forms))

    def __len__(self) -> int:
        return len(self._text)

    def __getitem__(self, index: int) -> Form:  # type: ignore[override]
        form = self._made[index]
        if form is None:
            flags = self._flags[index]
            form = self._made[index] = Form(self._right[index], self._text[index], self._key[index],
                                            FORM_KINDS[self._kind[index]], bool(flags & 1), bool(flags & 2),
                                            bool(flags & 4))
        return form

    def __iter__(self) -> Iterator[Form]:
        return (self[i] for i in range(len(self)))

    def __getstate__(self) -> tuple[array, list[str], list[str], bytes, bytes]:
        return self._right, self._text, self._key, self._kind, self._flags

    def __setstate__(self, state: tuple[array, list[str], list[str], bytes, bytes]) -> None:
        self._right, self._text, self._key, self._kind, self._flags = state
        self._made = [None] * len(self._text)

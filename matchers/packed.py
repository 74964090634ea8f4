"""The compiled register as the cache keeps it: its big tables packed, each unpacked when first used.

Why: unpickling a compiled register of 100,000 rights costs more than a second (its automata, the
near-miss index, a few hundred thousand forms), yet a run of one listing scans the automaton of
marks judged whatever the goods and those of the listing's own Nice classes, and looks up Latin
near misses only when the listing has an unknown Latin word. So every table that pickles to more
than :data:`PACK_OVER` bytes is kept as its own pickle in the cache file, written straight into
it as it is pickled (:func:`write`); the file is mapped, not read (markwatch.cache), and a
table is unpickled the first time the matcher reads it, then is a plain attribute (no cost per
access after that). The forms are kept as columns (:class:`FormsTable`), the rights as pickles
made into objects one by one (matchers/rights_table.py).

A run that forks workers first unpacks every table they read (:func:`unpack_all`, called by
``matchers.batch.warm``), so the workers share one copy instead of each unpacking its own. The
open, bound and per-class automata are views of the scan index (matchers/key_postings.py): they
pickle as a few bytes and are attached to the loaded register's scan index when unpickled.
Whatever the compiled register gains as fields later is packed the same way: nothing here lists
them.
"""

from __future__ import annotations

import dataclasses
import pickle
import threading
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Iterator

from markwatch.cache import BlobWriter, collector_paused, load_with_blobs, store_streamed
from matchers.compiled import FORM_KINDS, CompiledRegister, Form

PACK_OVER = 256 * 1024  # bytes of pickle above which a table is packed
SCAN_INDEX = "scan_index"  # matchers.candidates.ScanIndex: every automaton key in one automaton
SCANNED_AS_ONE = frozenset({"open_index", "bound_index"})  # automata whose keys the scan index holds
_DUMP = pickle.HIGHEST_PROTOCOL
_UNPACKING = threading.Lock()


@dataclasses.dataclass
class PackedRegister:
    """What the cache file holds: small fields as they are, big ones as pickles (views of the mapped
    cache file)."""

    fields: dict[str, Any]
    packed: dict[str, bytes | memoryview]


def write(path: Path, compiled: CompiledRegister, extra: Any) -> None:
    """Keep ``compiled`` (and ``extra``, loaded with it) in the cache file ``path``: the small
    fields in its head, every table whose pickle is over :data:`PACK_OVER` bytes as a blob before
    it, each pickled straight into the file (markwatch.cache.store_streamed): a 100k-right
    register's tables are never all pickled in memory at once."""

    def write_tables(writer: BlobWriter) -> tuple[dict[str, Any], list[str], list[int], Any]:
        fields: dict[str, Any] = {}
        names: list[str] = []
        for name, value in _tables(compiled):
            if writer.dump(value, over=PACK_OVER):
                names.append(name)
            else:
                fields[name] = value
        return fields, names, [], extra  # (the empty list: where the Nice classes' automata were kept)

    store_streamed(path, write_tables)


def _tables(compiled: CompiledRegister) -> Iterator[tuple[str, Any]]:
    """Each field of ``compiled`` as the cache keeps it (the forms as columns)."""
    for f in dataclasses.fields(compiled):
        value = getattr(compiled, f.name)
        if f.name == "forms" and isinstance(value, list):
            value = FormsTable.of(value)
        yield f.name, value


def read(path: Path) -> tuple[CompiledRegister, Any] | None:
    """(compiled register, extra) from the cache file ``path``, its tables still packed; None when
    there is none (or it is unreadable: the caller compiles again)."""
    found = load_with_blobs(path)
    if found is None:
        return None
    (fields, names, _, extra), blobs = found
    return unpack(PackedRegister(fields, dict(zip(names, blobs)))), extra


def pack(compiled: CompiledRegister) -> PackedRegister:
    """``compiled`` as :func:`write` keeps it, in memory (the pickles as bytes)."""
    fields: dict[str, Any] = {}
    packed: dict[str, bytes | memoryview] = {}
    for name, value in _tables(compiled):
        data = pickle.dumps(value, protocol=_DUMP)
        if len(data) > PACK_OVER:
            packed[name] = data
        else:
            fields[name] = value
    return PackedRegister(fields, packed)


def unpack(entry: PackedRegister) -> CompiledRegister:
    """A compiled register that unpickles each packed table when first read."""
    compiled = _Unpacking.__new__(_Unpacking)
    compiled.__dict__.update(entry.fields)
    compiled._packed = dict(entry.packed)
    _attach(compiled, entry.fields.values())
    return compiled


def _attach(compiled: CompiledRegister, values: Iterable[Any]) -> None:
    """The automata among ``values`` that are views of the scan index (matchers/key_postings.py)
    attached to ``compiled``'s, read (unpacked) only if one of them is."""
    from matchers.key_postings import attach

    def scan() -> Any:
        return compiled.scan_index

    for value in values:
        attach(value, scan)


def unpack_all(compiled: CompiledRegister) -> None:
    """Unpickle every packed table now (before forking: workers then share them). The automata of
    the marks judged whatever the goods and of every ordinary mark (:data:`SCANNED_AS_ONE`) stay
    packed when the scan index is there: they are views of it (matchers/key_postings.py), and
    candidates are found with the scan index alone (matchers/candidates.py); one read later is
    still found."""
    packed = getattr(compiled, "_packed", None)
    if packed is None:
        return
    if SCAN_INDEX in packed or SCAN_INDEX in compiled.__dict__:  # set aside: a read still finds them
        compiled.__dict__.setdefault("_spare", {}).update({n: packed.pop(n) for n in SCANNED_AS_ONE & packed.keys()})
    for name in list(packed):
        getattr(compiled, name)


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
            _attach(obj, (value,))
            obj.__dict__[self.name] = value
            return value


class _Unpacking(CompiledRegister):
    """A :class:`CompiledRegister` loaded from a :class:`PackedRegister` (same fields, same methods)."""

    _packed: dict[str, bytes]  # tables not unpacked yet
    _spare: dict[str, bytes]  # tables :func:`unpack_all` left packed: matching reads none of them


for _name in [f.name for f in dataclasses.fields(CompiledRegister)]:
    _descriptor = _Packed()
    _descriptor.__set_name__(_Unpacking, _name)
    setattr(_Unpacking, _name, _descriptor)


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

"""The register's rights kept packed, each :class:`~markwatch.contracts.Right` made when first asked for.

Why: a compiled register loaded from the cache must not cost what parsing the register costs. A
pydantic ``Right`` takes ≈20 µs to make however it is made (validated from JSON, or unpickled), so
100,000 of them are two seconds of every start — yet one listing touches a handful of rights and a
whole run a few thousand. The table holds each right as its own small pickle in one bytes blob
(a bytes object loads from the cache, and is shared by forked workers, at the cost of a copy) and
unpickles a right the first time the matcher looks at it; later looks get the same object.

Why pickles and not JSON: a pickle gives back exactly the object that validation made, extra
fields of any type included (a YAML date stays a date), so a run from the cache sees the same
rights as a run that parsed the file.
"""

from __future__ import annotations

import pickle
from array import array
from itertools import accumulate
from typing import Iterable, Iterator, Sequence, overload

from markwatch.contracts import Right


class RightsTable(Sequence[Right]):
    """A read-only sequence of rights, unpacked on demand (index as a list)."""

    __slots__ = ("_blob", "_ends", "_made")

    def __init__(self, blob: bytes, ends: array) -> None:
        self._blob = blob  # the rights' pickles, one after the other
        self._ends = ends  # 'q': where each right's pickle ends in the blob
        self._made: list[Right | None] = [None] * len(ends)

    @classmethod
    def of(cls, rights: Iterable[Right]) -> "RightsTable":
        parts = [pickle.dumps(right, protocol=pickle.HIGHEST_PROTOCOL) for right in rights]
        return cls(b"".join(parts), array("q", accumulate(map(len, parts))))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> Right: ...

    @overload
    def __getitem__(self, index: slice) -> list[Right]: ...

    def __getitem__(self, index: int | slice) -> Right | list[Right]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        right = self._made[index]
        if right is None:
            if index < 0:
                index += len(self._ends)
            start = self._ends[index - 1] if index else 0
            right = pickle.loads(self._blob[start:self._ends[index]])  # noqa: S301 - our own cache
            self._made[index] = right
        return right  # type: ignore[return-value]

    def __iter__(self) -> Iterator[Right]:
        return (self[i] for i in range(len(self)))

    def __getstate__(self) -> tuple[bytes, array]:
        return self._blob, self._ends  # the rights made so far are made again where it is loaded

    def __setstate__(self, state: tuple[bytes, array]) -> None:
        self._blob, self._ends = state
        self._made = [None] * len(self._ends)

    def made(self) -> int:
        """How many rights have been unpacked so far (what a run from the cache actually paid)."""
        return sum(right is not None for right in self._made)


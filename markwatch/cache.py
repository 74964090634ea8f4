"""A disk cache for tables that take seconds to build and are the same on every run.

Why: ``markwatch match`` must start in well under a second, yet its character tables come from
OpenCC and pypinyin (≈0.5 s to build, ≈0.2 s just to import pypinyin) and a register of 10,000 rights
compiles into automata in about a second. Each table is built once, pickled under the cache
directory and loaded on later runs.

Why the directory is an argument: the entry point loads the configuration once and passes
``markwatch.config.cache_directory(config)`` down (``Matcher(..., cache_dir=...)``), so a caller's
overrides reach the cache and a library user who passes nothing gets no disk cache at all (tables
are built in memory: slower, never different).

Why keyed by content: the key hashes everything the table is built from — the files (our source
and word lists, the register) by content, and the libraries' data files by size and modification
time — so editing a word list, upgrading pypinyin or changing the code builds a fresh table instead
of reusing a stale one. A cache file that cannot be read is rebuilt; one that cannot be written is
only a warning: the cache makes runs faster, never different.

The files are pickles, so the cache directory must be as private as the user's home (the default,
``~/.cache/markwatch``, is).
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import logging
import os
import pickle
import tempfile
import time
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")
FORMAT = b"markwatch-cache-1"  # bump when the pickled shapes change without a source change
KEEP = 8  # files kept per table name (registers and versions come and go; the oldest are removed)


def file_fingerprint(path: str | os.PathLike[str]) -> bytes:
    """Content hash of one of our own files (source, word list, register)."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


def library_fingerprint(module: str) -> bytes:
    """Size and modification time of a library's top-level module file, found without importing it
    (an upgrade rewrites the file). ``module`` must be top-level: finding a submodule imports its
    package, which is what this avoids."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return f"{module}:missing".encode()
    stat = os.stat(spec.origin)
    return f"{module}:{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}".encode()


def cached(name: str, key: Iterable[bytes], build: Callable[[], T], directory: Path | None) -> T:
    """``build()``'s result, from ``directory`` when a run with the same ``key`` built it there
    before; ``directory`` None (caching off, or no configuration given) always builds."""
    if directory is None:
        return build()
    path = cache_path(name, key, directory)
    value = load(path)
    if value is not None:
        return value
    started = time.perf_counter()
    value = build()
    store(path, value)
    logger.info("built %s in %.1f s; later runs load it from %s", name.replace("-", " "),
                time.perf_counter() - started, directory)
    return value


def key_digest(key: Iterable[bytes]) -> str:
    """The hex digest that names a cache file: every part hashed on its own, so parts are not just
    joined (``[b"ab", b"c"]`` and ``[b"a", b"bc"]`` differ)."""
    digest = hashlib.sha256(FORMAT)
    for part in key:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def cache_path(name: str, key: Iterable[bytes], directory: Path) -> Path:
    """Where the table ``name`` built from ``key`` lives in ``directory``."""
    return directory / f"{name}-{key_digest(key)[:24]}.pickle"


def load(path: Path) -> Any:
    """The value stored at ``path``, or None when there is none or it cannot be read (a warning:
    the caller rebuilds it). A loaded file is marked recently used, so pruning keeps it."""
    try:
        with open(path, "rb") as fh, _collector_paused():
            value = pickle.load(fh)  # noqa: S301 - our own files in the user's private cache directory
        os.utime(path)  # recently used: kept when older files are pruned
        return value
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged cache file only costs a rebuild
        logger.warning("cache file %s is unreadable (%s); rebuilding it", path, exc)
        return None


def store(path: Path, value: object) -> None:
    """Write ``value`` at ``path`` atomically and prune the older files of its table name; a
    failure is only a warning (the cache makes runs faster, never different)."""
    _write(path, value)
    _prune(path.parent, path.name.rsplit("-", 1)[0])


def _prune(directory: Path, name: str) -> None:
    """Keep the :data:`KEEP` most recently used files of ``name``."""
    try:
        files = sorted(directory.glob(f"{name}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # another run pruned at the same time


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Unpickling creates objects by the hundred thousand, and each burst set off a collection that
    walked all of them again: loading a compiled register took twice as long with the collector on.
    The collector is paused while loading and left as it was found. Nothing more: moving the loaded
    tables out of the collector's reach for good (``gc.freeze``) is a decision about the whole
    process, right for a short command and wrong for the web service or the routine, so only a
    command's entry point makes it (``markwatch match`` does)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def store_with_blobs(path: Path, value: object, blobs: list[bytes]) -> None:
    """Like :func:`store`, with ``blobs`` after the pickle: :func:`load_with_blobs` maps them
    instead of reading them, so a blob costs nothing until it is used (and its pages, in the
    system's page cache, are shared by every process and run that maps the file)."""

    def write(writer: BlobWriter) -> object:
        for blob in blobs:
            writer.add(blob)
        return value

    store_streamed(path, write)


class BlobWriter:
    """The cache file being written by :func:`store_streamed`: each blob goes to the file as it
    comes, so a caller with many big tables never holds more than one of them pickled."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.sizes: list[int] = []

    def add(self, data: bytes | memoryview) -> None:
        """``data`` as the next blob."""
        self.sizes.append(self._fh.write(data))

    def dump(self, value: object, over: int = 0) -> bool:
        """``value`` pickled straight into the file as the next blob — unless its pickle is at most
        ``over`` bytes: then it is taken back out and False says so (the caller keeps it in the
        head). Why into the file: a 100k-right register's tables pickle to hundreds of MB, and
        pickling to bytes first held each of them whole beside the objects it was made from."""
        start = self._fh.tell()
        pickle.dump(value, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        size = self._fh.tell() - start
        if size <= over:
            self._fh.seek(start)
            self._fh.truncate()
            return False
        self.sizes.append(size)
        return True


def store_streamed(path: Path, write: Callable[[BlobWriter], object]) -> None:
    """Like :func:`store_with_blobs`, the blobs written by ``write`` one by one; what ``write``
    returns is the value :func:`load_with_blobs` gives back beside them.

    The file: 8 bytes giving where the head starts, the blobs, then the head (the value and the
    blobs' sizes, pickled) — the head goes last because it is known only once every blob is in."""

    def fill(fh: BinaryIO) -> None:
        fh.write(bytes(8))
        writer = BlobWriter(fh)
        value = write(writer)
        head_at = fh.tell()
        pickle.dump((value, writer.sizes), fh, protocol=pickle.HIGHEST_PROTOCOL)
        fh.seek(0)
        fh.write(head_at.to_bytes(8, "little"))

    _write(path, None, fill)
    _prune(path.parent, path.name.rsplit("-", 1)[0])


def load_with_blobs(path: Path) -> tuple[Any, list[memoryview]] | None:
    """(value, blobs) stored by :func:`store_with_blobs` or :func:`store_streamed`, the blobs as views
    of the mapped file (valid as long as they are referenced, even once the file is replaced or
    pruned); None when there is no such file or it cannot be read."""
    import mmap

    try:
        with open(path, "rb") as fh, _collector_paused():
            head_at = int.from_bytes(fh.read(8), "little")
            mapped = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
            if not 8 <= head_at < len(mapped):
                raise ValueError("no head")
            value, sizes = pickle.loads(mapped[head_at:])  # noqa: S301 - our own files (see above)
        os.utime(path)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged cache file only costs a rebuild
        logger.warning("cache file %s is unreadable (%s); rebuilding it", path, exc)
        return None
    blobs, at = [], 8
    for size in sizes:
        blobs.append(mapped[at:at + size])
        at += size
    if at != head_at:
        logger.warning("cache file %s is truncated; rebuilding it", path)
        return None
    return value, blobs


def collector_paused() -> AbstractContextManager[None]:
    """The collector paused while a burst of objects is unpickled (see :func:`_collector_paused`),
    for modules that unpickle parts of a cache file on their own (matchers/packed.py)."""
    return _collector_paused()


def _write(path: Path, value: object, fill: Callable[[BinaryIO], None] | None = None) -> None:
    """Write ``value`` pickled at ``path`` (or what ``fill`` writes into the file), atomically."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(fd, "w+b") as fh:
            if fill is None:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            else:
                fill(fh)
        os.replace(tmp, path)  # atomic: a concurrent run sees no file or the whole new one
        tmp = None
    except Exception as exc:  # noqa: BLE001 - the cache makes runs faster, never fails them
        logger.warning("cannot write cache file %s (%s); set cache_dir (MARKWATCH_CACHE_DIR) to a "
                       "writable directory, or to 'off'", path, exc)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)

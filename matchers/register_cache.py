"""Start from a register file without reading it again when its bytes have not changed.

Why: the compiled register was cached, but the file was parsed and validated on every run to find
the cache key — for a 10k-right YAML file ≈0.8 s of CPU (seconds on a busy machine), for 100k
rights ten times that. Now the key is looked up before parsing: the file's bytes (with its suffix,
which chooses the parser, and the code and libraries that parse and validate it) name a small
cache entry holding the digest of the register's content, and that digest names the compiled
register (matchers/compiled.py). An unchanged file is hashed, never parsed.

A changed file (one byte is enough) misses, and is parsed, validated — rejected with the same
error as before, since it goes through the same reader — and compiled once; a file changed only in
its layout (same rights) is parsed but finds its compiled form. The compiled entry carries the
rights packed (matchers/rights_table.py), so a run from the cache makes only the rights it touches.
Without a cache directory nothing is kept and every run parses.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from markwatch.cache import cache_path, file_fingerprint, library_fingerprint, load, store
from markwatch.register_file import read_register_file
from matchers.compiled import CompiledRegister, compile_register, compiled_key, register_digest
from matchers import packed

logger = logging.getLogger(__name__)
_FILE_ENTRY = "register-file"


def load_compiled(path: str | Path, cache_dir: Path | None) -> CompiledRegister:
    """The compiled register of the file at ``path``: from ``cache_dir`` when a run compiled these
    very bytes there before (no parsing), else read, validated and compiled (and remembered)."""
    from matchers import ordinary

    file = Path(path)
    if cache_dir is None or not file.is_file():
        return compile_register(read_register_file(file), cache_dir)  # the reader says what is missing
    started = time.perf_counter()
    data = file.read_bytes()
    entry = cache_path(_FILE_ENTRY, _file_key(data, file.suffix), cache_dir)
    digest = load(entry)
    if isinstance(digest, bytes):
        found = packed.read(cache_path("compiled-register", compiled_key(digest), cache_dir))
        if found is not None:
            compiled, containing = found
            ordinary.remember_containing_words(containing)
            logger.info("register %s unchanged since it was compiled: loaded from the cache in %.2f s "
                        "without parsing", file, time.perf_counter() - started)
            return compiled
    register = read_register_file(file)
    compiled = compile_register(register, cache_dir)
    store(entry, register_digest(register))
    logger.info("register %s read, validated and compiled in %.1f s", file, time.perf_counter() - started)
    return compiled


def _file_key(data: bytes, suffix: str) -> list[bytes]:
    """The file's bytes, the parser its suffix chooses, and the code and libraries that read it."""
    from markwatch import contracts, register_file

    return [data, suffix.lower().encode(), file_fingerprint(register_file.__file__),
            file_fingerprint(contracts.__file__), library_fingerprint("yaml"),
            library_fingerprint("pydantic"), library_fingerprint("pydantic_core")]

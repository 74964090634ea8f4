"""The compiled register's cache file written table by table (issue 11, memory at 100k rights).

Each big table is pickled straight into the cache file (markwatch.cache.store_streamed) instead of
all of them being pickled to bytes first and held together; a table whose pickle is small is taken
back out of the file and kept in the head. The file reads back the same, and a damaged one is
only a rebuild."""

from __future__ import annotations

import pickle
from pathlib import Path

from markwatch.cache import load_with_blobs, store_streamed, store_with_blobs


def test_streamed_blobs_round_trip_and_a_small_one_goes_back_to_the_head(tmp_path: Path) -> None:
    path = tmp_path / "table-x.pickle"
    big = {f"key{i}": list(range(i % 7)) for i in range(5000)}
    small = {"a": 1}
    kept: dict[str, bool] = {}

    def write(writer):  # type: ignore[no-untyped-def]
        writer.add(b"raw bytes")
        kept["big"] = writer.dump(big, over=1000)
        kept["small"] = writer.dump(small, over=1000)
        return {"head": "value", "small": small}

    store_streamed(path, write)
    assert kept == {"big": True, "small": False}
    value, blobs = load_with_blobs(path)  # type: ignore[misc]
    assert value == {"head": "value", "small": small}
    assert len(blobs) == 2 and bytes(blobs[0]) == b"raw bytes"
    assert pickle.loads(blobs[1]) == big
    head = pickle.dumps((value, [len(b"raw bytes"), len(blobs[1])]), protocol=pickle.HIGHEST_PROTOCOL)
    # nothing of the small pickle that was taken back is left in the file
    assert path.stat().st_size == 8 + len(b"raw bytes") + len(blobs[1]) + len(head)


def test_blobs_given_whole_still_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "table-y.pickle"
    store_with_blobs(path, ("head", 3), [b"one", b"", b"three"])
    value, blobs = load_with_blobs(path)  # type: ignore[misc]
    assert value == ("head", 3) and [bytes(b) for b in blobs] == [b"one", b"", b"three"]


def test_a_damaged_file_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "table-z.pickle"
    store_with_blobs(path, "value", [b"x" * 1000])
    data = path.read_bytes()
    path.write_bytes(data[:500])  # the head (at the end) is gone
    assert load_with_blobs(path) is None
    path.write_bytes(b"\xff" * 8 + data[8:])  # the head's offset points past the end
    assert load_with_blobs(path) is None


def test_the_compiled_register_is_written_without_pickling_tables_to_bytes(tmp_path: Path, monkeypatch) -> None:
    """packed.write streams every table into the file (no pickle.dumps of a whole table), and what it
    wrote loads as a register that matches like the one compiled in memory."""
    from markwatch.contracts import Register, Right
    from matchers import packed
    from matchers.compiled import compile_register
    from matchers.matcher import Matcher

    register = Register(rights=[
        Right(id="tm-mem-a", kind="trademark", name="澜瑟", variants=["LANSEVO"], nice_classes=[25]),
        Right(id="tm-mem-b", kind="trademark", name="QUORTEL", nice_classes=[9], well_known=True),
        Right(id="sm-mem-c", kind="special_mark", name="翎宝宝"),
    ])
    monkeypatch.setattr(packed, "PACK_OVER", 0)  # every table a blob

    def no_dumps(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a table was pickled to bytes in memory")

    import types

    monkeypatch.setattr(packed, "pickle", types.SimpleNamespace(dumps=no_dumps, loads=pickle.loads))
    compile_register(register, tmp_path)  # compiles and writes the cache file
    monkeypatch.undo()
    monkeypatch.setattr(packed, "PACK_OVER", 0)
    (path,) = tmp_path.glob("compiled-register-*.pickle")
    loaded, _ = packed.read(path)  # type: ignore[misc]
    assert {"forms", "scan_index", "rights"} <= set(loaded._packed)  # type: ignore[attr-defined]
    listings = [{"url": "u1", "title": "澜瑟 T恤 高仿", "price": 20}, {"url": "u2", "title": "quortel 耳机 复刻"},
                {"url": "u3", "title": "翎宝宝 钥匙扣"}, {"url": "u4", "title": "纯棉 短袖"}]
    cached = Matcher(register, cache_dir=tmp_path)
    fresh = Matcher(register, cache_dir=None)
    expected = fresh.match_many(listings)
    assert sum(map(bool, expected)) >= 2
    assert cached.match_many(listings) == expected

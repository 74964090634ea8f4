"""RFC 9162 Merkle hashing and proofs: the published Certificate Transparency vectors, and a
brute-force reference (the RFC's recursive definitions, written as literally as possible) over
random tree sizes, so the fast tree and the verifiers can never drift from the standard."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.evidence.merkle import (EMPTY_ROOT, MerkleTree, leaf_hash, node_hash, split_point,
                                   verify_consistency, verify_inclusion)

# The 8-entry test vector of the CT / transparency-dev test suites (RFC 6962 section 2.1 data).
CT_ENTRIES = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                         "606162636465666768696a6b6c6d6e6f"]]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
CT_CONSISTENCY = [
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


@pytest.fixture(scope="module")
def ct_tree() -> MerkleTree:
    return MerkleTree([leaf_hash(e) for e in CT_ENTRIES])


# -- the reference: RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 as recursive definitions over entries ----

def ref_mth(entries: list[bytes]) -> bytes:
    n = len(entries)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(entries[:k]) + ref_mth(entries[k:])).digest()


def ref_path(m: int, entries: list[bytes]) -> list[bytes]:
    n = len(entries)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return ref_path(m, entries[:k]) + [ref_mth(entries[k:])]
    return ref_path(m - k, entries[k:]) + [ref_mth(entries[:k])]


def ref_subproof(m: int, entries: list[bytes], b: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if b else [ref_mth(entries)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return ref_subproof(m, entries[:k], b) + [ref_mth(entries[k:])]
    return ref_subproof(m - k, entries[k:], False) + [ref_mth(entries[:k])]


def ref_proof(m: int, entries: list[bytes]) -> list[bytes]:
    return ref_subproof(m, entries, True)


# -- vectors --------------------------------------------------------------------------------------

def test_roots_match_the_published_vectors(ct_tree: MerkleTree) -> None:
    assert ct_tree.root(0) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert [ct_tree.root(n).hex() for n in range(1, 9)] == CT_ROOTS


def test_leaf_and_node_hashes_use_the_rfc_prefixes() -> None:
    assert leaf_hash(b"").hex() == CT_ROOTS[0]
    a, b = leaf_hash(b""), leaf_hash(b"\x00")
    assert node_hash(a, b).hex() == CT_ROOTS[1]
    assert node_hash(a, b) != node_hash(b, a)


def test_split_is_the_largest_power_of_two_below_n() -> None:
    assert [split_point(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]
    with pytest.raises(ValueError):
        split_point(1)


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_proofs_match_the_vectors(ct_tree: MerkleTree, index: int, size: int, path: list[str]) -> None:
    assert [h.hex() for h in ct_tree.inclusion_proof(index, size)] == path
    assert verify_inclusion(leaf_hash(CT_ENTRIES[index]), index, size, [bytes.fromhex(h) for h in path],
                            bytes.fromhex(CT_ROOTS[size - 1]))


@pytest.mark.parametrize(("old", "new", "proof"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_vectors(ct_tree: MerkleTree, old: int, new: int, proof: list[str]) -> None:
    assert [h.hex() for h in ct_tree.consistency_proof(old, new)] == proof
    assert verify_consistency(old, new, bytes.fromhex(CT_ROOTS[old - 1]), bytes.fromhex(CT_ROOTS[new - 1]),
                              [bytes.fromhex(h) for h in proof])


def test_degenerate_consistency_cases(ct_tree: MerkleTree) -> None:
    r4, r5 = ct_tree.root(4), ct_tree.root(5)
    assert verify_consistency(4, 4, r4, r4, [])
    assert not verify_consistency(4, 4, r4, r5, [])
    assert not verify_consistency(4, 4, r4, r4, [r4])
    assert verify_consistency(0, 8, EMPTY_ROOT, ct_tree.root(8), [])
    assert not verify_consistency(0, 8, EMPTY_ROOT, ct_tree.root(8), [r4])
    assert not verify_consistency(6, 8, ct_tree.root(6), ct_tree.root(8), [])
    assert not verify_consistency(8, 6, ct_tree.root(8), ct_tree.root(6), ct_tree.consistency_proof(6, 8))


def test_out_of_range_requests_are_refused(ct_tree: MerkleTree) -> None:
    for call in (lambda: ct_tree.inclusion_proof(8, 8), lambda: ct_tree.inclusion_proof(-1, 8),
                 lambda: ct_tree.inclusion_proof(0, 9), lambda: ct_tree.consistency_proof(5, 3),
                 lambda: ct_tree.consistency_proof(0, 9), lambda: ct_tree.root(9)):
        with pytest.raises(ValueError):
            call()
    assert not verify_inclusion(ct_tree.levels[0][5], 8, 8, ct_tree.inclusion_proof(5, 8), ct_tree.root(8))
    with pytest.raises(ValueError):
        MerkleTree([b"short"])


# -- differential: the fast tree against the reference, on random sizes -------------------------

entries_strategy = st.lists(st.binary(max_size=12), min_size=1, max_size=70)


@settings(max_examples=150, deadline=None)
@given(entries=entries_strategy, data=st.data())
def test_tree_agrees_with_the_reference(entries: list[bytes], data: st.DataObject) -> None:
    tree = MerkleTree([leaf_hash(e) for e in entries])
    n = len(entries)
    size = data.draw(st.integers(1, n), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(0, size), label="old")
    assert tree.root(size) == ref_mth(entries[:size])
    assert tree.inclusion_proof(index, size) == ref_path(index, entries[:size])
    expected = [] if old in (0, size) else ref_proof(old, entries[:size])
    assert tree.consistency_proof(old, size) == expected


@settings(max_examples=150, deadline=None)
@given(entries=entries_strategy, data=st.data())
def test_every_true_proof_verifies_and_a_mangled_one_does_not(entries: list[bytes], data: st.DataObject) -> None:
    n = len(entries)
    size = data.draw(st.integers(1, n), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(1, size), label="old")
    sub = entries[:size]
    root, leaf = ref_mth(sub), leaf_hash(sub[index])
    path = ref_path(index, sub)
    assert verify_inclusion(leaf, index, size, path, root)
    assert not verify_inclusion(leaf_hash(sub[index] + b"x"), index, size, path, root)
    if path:
        flipped = [bytearray(p) for p in path]
        pos = data.draw(st.integers(0, len(path) - 1), label="pos")
        flipped[pos][data.draw(st.integers(0, 31), label="byte")] ^= 1
        assert not verify_inclusion(leaf, index, size, [bytes(p) for p in flipped], root)
        assert not verify_inclusion(leaf, index, size, path[:-1], root)
        assert not verify_inclusion(leaf, index, size, path + [root], root)

    old_root = ref_mth(entries[:old])
    proof = [] if old == size else ref_proof(old, sub)
    assert verify_consistency(old, size, old_root, root, proof)
    if old < size:
        assert not verify_consistency(old, size, ref_mth(entries[:old - 1] + [entries[old - 1] + b"x"]), root, proof)
        assert not verify_consistency(old, size, old_root, root, proof[:-1])
        bad = [bytearray(p) for p in proof]
        bad[0][0] ^= 0x80
        assert not verify_consistency(old, size, old_root, root, [bytes(p) for p in bad])

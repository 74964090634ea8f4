"""Seller networks (index/networks.py): clusters from shared values, near-duplicate photos, and the
networks planted in the demo catalogue found again from what its listings show."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from demo_marketplace.images import ImageCopy, draw, encode, image_bytes
from index.networks import NearIndex, cluster_id, cluster_of, find_clusters, hamming
from index.sellers import listing_links
from pipelines.images import ImageHashError, phash_of


def test_sellers_sharing_values_form_one_cluster_with_the_evidence_of_each_link() -> None:
    rows = [("bazaar", "a", "phone", "13912345678"), ("openmall", "b", "phone", "13912345678"),
            ("openmall", "b", "wechat", "tq58231x"), ("storefront", "c", "wechat", "tq58231x"),
            ("bazaar", "d", "qq", "123456"), ("bazaar", "e", "qq", "654321"), ("bazaar", "d", "email", "x@y.cn")]
    clusters = find_clusters(rows)
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster.sellers == [("bazaar", "a"), ("openmall", "b"), ("storefront", "c")]
    assert {(link.kind, link.value, link.sellers) for link in cluster.links} == {
        ("phone", "13912345678", (("bazaar", "a"), ("openmall", "b"))),
        ("wechat", "tq58231x", (("openmall", "b"), ("storefront", "c")))}
    assert [link.kind for link in cluster.links_of(("storefront", "c"))] == ["wechat"]
    assert cluster_of(clusters, ("bazaar", "d")) is None
    assert cluster.id == cluster_id([("storefront", "c"), ("bazaar", "a")])


def test_a_cluster_id_survives_a_new_member_that_sorts_after_the_smallest() -> None:
    before = find_clusters([("p", "m", "phone", "1"), ("p", "n", "phone", "1")])[0]
    after = find_clusters([("p", "m", "phone", "1"), ("p", "n", "phone", "1"), ("p", "z", "phone", "1")])[0]
    assert before.id == after.id and len(after.sellers) == 3


def test_near_photo_hashes_link_and_distant_ones_do_not() -> None:
    base = 0x0123456789ABCDEF
    near = base ^ 0b1011  # 3 bits
    far = base ^ 0b11111  # 5 bits
    rows = [("p", "a", "image", f"{base:016x}"), ("p", "b", "image", f"{near:016x}"),
            ("p", "c", "image", f"{far:016x}"), ("p", "d", "image", "not-a-hash")]
    clusters = find_clusters(rows, max_image_distance=4)
    members = {tuple(c.sellers) for c in clusters}
    # a–b (3 bits) and b–c (near ^ far = 0b10100, 2 bits) link; a–c alone would not (5 bits)
    assert members == {(("p", "a"), ("p", "b"), ("p", "c"))}
    assert find_clusters([rows[0], rows[2]], max_image_distance=4) == []
    assert find_clusters(rows[:2], max_image_distance=0) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=1, max_size=60), st.integers(0, 2**64 - 1),
       st.integers(0, 12), st.randoms(use_true_random=False))
def test_banding_finds_exactly_what_a_full_scan_finds(values, probe, distance, rnd) -> None:
    # Near values too, so small distances are exercised, not only random 64-bit ones.
    values = values + [v ^ (1 << rnd.randrange(64)) ^ (1 << rnd.randrange(64)) for v in values]
    index = NearIndex(distance)
    for v in values:
        index.add(v)
    assert index.values == set(values)
    for query in (probe, values[0]):
        expected = {(v, hamming(v, query)) for v in set(values) if hamming(v, query) <= distance}
        found = list(index.near(query))
        assert set(found) == expected and len(found) == len(expected)


def test_a_resized_reencoded_copy_of_a_photo_hashes_near_it_and_other_photos_far() -> None:
    original = phash_of(encode(draw("100007-1"), "PNG"))
    copy, media_type = image_bytes("100123-1.jpg", ImageCopy(source="100007-1", size=200, quality=60))
    assert media_type == "image/jpeg" and Image.open(io.BytesIO(copy)).size == (200, 200)
    distance = hamming(int(original, 16), int(phash_of(copy), 16))
    assert distance <= 4
    others = [int(phash_of(encode(draw(f"{100100 + k}-1"), "PNG")), 16) for k in range(150)]
    nearest = min(hamming(int(original, 16), other) for other in others)
    assert nearest > 8, nearest
    rows = [("bazaar", "x", "image", original), ("openmall", "y", "image", phash_of(copy))]
    rows += [("storefront", f"z{k}", "image", f"{h:016x}") for k, h in enumerate(others)]
    assert [c.sellers for c in find_clusters(rows)] == [[("bazaar", "x"), ("openmall", "y")]]


def test_a_file_that_is_not_an_image_is_refused_with_a_reason() -> None:
    for body in (b"<html>not an image</html>", b"\x89PNG\r\n\x1a\n broken", b""):
        try:
            phash_of(body)
        except ImageHashError as exc:
            assert "image" in str(exc)
        else:  # pragma: no cover - the assertion that fails
            raise AssertionError(f"{body!r} was hashed")


def _catalogue_rows(catalogue) -> list[tuple[str, str, str, str]]:
    """Link rows of the catalogue's infringing listings, as the store would hold them after a crawl."""
    from demo_marketplace.model import PLACEHOLDER_URLS

    rows = []
    for entry in catalogue.entries:
        if not entry.infringes:
            continue
        listing = entry.listing(PLACEHOLDER_URLS[entry.platform])
        name = entry.image_paths[0].rsplit("/", 1)[1]
        body, _ = image_bytes(name, catalogue.images.copies.get(name))
        for kind, value in listing_links(listing, phash_of(body)):
            rows.append((entry.platform, entry.seller_id, kind, value))
    return rows


def test_the_planted_networks_of_the_demo_catalogue_are_found_and_nothing_else_joins(catalogue) -> None:
    assert len(catalogue.networks) >= 4
    planted_kinds = {kind for network in catalogue.networks for kind, _, _ in network.links}
    assert planted_kinds == {"phone", "wechat", "qq", "email", "address", "image"}
    clusters = find_clusters(_catalogue_rows(catalogue))
    truth = {sid: n.id for n in catalogue.networks for sid in n.members}
    found: dict[str, set[str]] = {}
    for cluster in clusters:
        seller_ids = {sid for _, sid in cluster.sellers}
        if len(seller_ids) == 1:  # one seller on two platforms, linked by its own contacts: fine
            continue
        networks = {truth.get(sid, "") for sid in seller_ids}
        assert len(networks) == 1 and "" not in networks, (cluster.sellers, [l.to_json() for l in cluster.links])
        found[networks.pop()] = seller_ids
    assert found == {n.id: set(n.members) for n in catalogue.networks}


def test_the_catalogue_plants_the_same_networks_for_the_same_seed() -> None:
    from demo_marketplace.catalogue import generate_catalogue

    first, second = generate_catalogue(400, 3), generate_catalogue(400, 3)
    assert [(n.id, n.members, n.links) for n in first.networks] == [(n.id, n.members, n.links) for n in second.networks]
    assert [e.description for e in first.entries] == [e.description for e in second.entries]
    assert first.images.copies == second.images.copies

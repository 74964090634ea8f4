"""Seller networks: sellers linked by a shared phone, WeChat, QQ, e-mail, shop address or product
photo, grouped into clusters (connected components).

Why: repeat and group infringers are the office's priority (docs/sellers.md). One operator behind
several shops reuses what is costly to change — the phone a buyer calls, the WeChat a sale moves
to, the warehouse address, the photo shoot — so sellers sharing any of them are one network, and a
chain (A shares a phone with B, B a photo with C) is one network too: connected components of the
graph whose nodes are sellers (platform, seller_id) and whose edges are shared values (networkx).

Photos are compared by perceptual hash (pHash, 64 bits): a resized or re-encoded copy of a photo
differs in a few bits, another photo in about half. Near-duplicates (Hamming distance ≤
``max_image_distance``) are found by banding (multi-index hashing, :class:`NearIndex`): a hash is
compared only with hashes that agree with it on a whole band of bits, never with all of them.

Each cluster keeps the evidence of its links: which value links which sellers (:class:`Link`), so an
analyst sees *why* sellers are grouped, not only that they are. A cluster's id is derived from its
smallest member, so it stays the same while that member stays in it (bookmarks of /networks/{id}
survive new members joining).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import networkx as nx

SellerKey = tuple[str, str]
"""(platform, seller_id)."""


@dataclass(frozen=True)
class Link:
    """One shared value and the sellers sharing it. For ``image`` links, ``value`` is one hash and
    ``near`` the other hashes within the distance that joined it (empty for an exact match)."""

    kind: str
    value: str
    sellers: tuple[SellerKey, ...]
    near: tuple[str, ...] = ()

    def to_json(self) -> dict:
        row = {"kind": self.kind, "value": self.value,
               "sellers": [{"platform": p, "seller_id": s} for p, s in self.sellers]}
        if self.near:
            row["near"] = list(self.near)
        return row


@dataclass
class Cluster:
    """A network: two or more sellers and the links that join them."""

    id: str
    sellers: list[SellerKey]
    links: list[Link] = field(default_factory=list)

    def links_of(self, seller: SellerKey) -> list[Link]:
        return [link for link in self.links if seller in link.sellers]

    def to_json(self) -> dict:
        return {"id": self.id, "sellers": [{"platform": p, "seller_id": s} for p, s in self.sellers],
                "links": [link.to_json() for link in self.links]}


def cluster_id(sellers: Iterable[SellerKey]) -> str:
    """The id of the cluster with these members: from the smallest (platform, seller_id)."""
    platform, seller_id = min(sellers)
    return "n" + hashlib.sha256(f"{platform}\n{seller_id}".encode("utf-8", "surrogatepass")).hexdigest()[:12]


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class NearIndex:
    """Multi-index hashing for 64-bit hashes under Hamming distance: the bits are cut into
    ``distance + 1`` bands, and two hashes within ``distance`` bits agree on at least one whole band
    (pigeonhole), so :meth:`near` only compares a hash with those sharing a band with it, never with
    all. (A BK-tree prunes badly here: random 64-bit hashes are all about 32 bits apart, so its
    triangle-inequality window covers most of the tree: a first version with one had not finished
    60,000 hashes after 5 minutes; this takes seconds, bench/networks.py.)"""

    def __init__(self, distance: int) -> None:
        if not 0 <= distance < 64:
            raise ValueError(f"distance must be 0..63 bits, got {distance}")
        self.distance = distance
        bands = distance + 1
        edges = [round(64 * k / bands) for k in range(bands + 1)]
        self.bands = [(edges[k], edges[k + 1] - edges[k]) for k in range(bands)]
        self.tables: list[dict[int, list[int]]] = [defaultdict(list) for _ in self.bands]
        self.values: set[int] = set()

    def add(self, value: int) -> None:
        if value in self.values:
            return
        self.values.add(value)
        for table, (shift, width) in zip(self.tables, self.bands):
            table[(value >> shift) & ((1 << width) - 1)].append(value)

    def near(self, value: int) -> Iterator[tuple[int, int]]:
        """(stored hash, its distance) for every stored hash within the distance of ``value``."""
        seen: set[int] = set()
        for table, (shift, width) in zip(self.tables, self.bands):
            for other in table.get((value >> shift) & ((1 << width) - 1), ()):
                if other not in seen:
                    seen.add(other)
                    d = hamming(value, other)
                    if d <= self.distance:
                        yield other, d


def _parse_hash(value: str) -> int | None:
    try:
        return int(value, 16) if len(value) == 16 else None
    except ValueError:
        return None


def find_clusters(rows: Iterable[tuple[str, str, str, str]], max_image_distance: int = 4) -> list[Cluster]:
    """Clusters of sellers from link rows (platform, seller_id, kind, value): sellers sharing an exact
    value of any kind, or image hashes within ``max_image_distance`` bits, are linked; every connected
    component of two or more sellers is a cluster. Biggest clusters first, then by id."""
    holders: dict[tuple[str, str], set[SellerKey]] = defaultdict(set)
    for platform, seller_id, kind, value in rows:
        if platform is None or seller_id is None or not value:
            continue
        holders[(kind, value)].add((platform, seller_id))

    graph = nx.Graph()
    links: list[Link] = []

    def join(link: Link) -> None:
        links.append(link)
        first, *rest = link.sellers
        graph.add_node(first)
        for other in rest:
            graph.add_edge(first, other)

    for (kind, value), sellers in sorted(holders.items()):
        if len(sellers) >= 2:
            join(Link(kind, value, tuple(sorted(sellers))))

    # Near-duplicate photos: each distinct hash meets the hashes within the distance once.
    if 0 < max_image_distance < 64:
        images = {v: _parse_hash(v) for (k, v) in holders if k == "image"}
        index = NearIndex(max_image_distance)
        by_int: dict[int, str] = {}
        for text, number in sorted(images.items()):
            if number is not None:
                index.add(number)
                by_int[number] = text
        for text, number in sorted(images.items()):
            if number is None:
                continue
            near = sorted(by_int[other] for other, d in index.near(number)
                          if 0 < d and by_int[other] > text)  # each unordered pair once
            if not near:
                continue
            sellers = set(holders[("image", text)])
            for other in near:
                sellers |= holders[("image", other)]
            if len(sellers) >= 2:
                join(Link("image", text, tuple(sorted(sellers)), tuple(near)))

    clusters: list[Cluster] = []
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        members = sorted(component)
        member_set = set(members)
        clusters.append(Cluster(cluster_id(members), members,
                                [link for link in links if link.sellers[0] in member_set]))
    clusters.sort(key=lambda c: (-len(c.sellers), c.id))
    return clusters


def cluster_of(clusters: Iterable[Cluster], seller: SellerKey) -> Cluster | None:
    """The cluster ``seller`` belongs to, if any."""
    for cluster in clusters:
        if seller in cluster.sellers:
            return cluster
    return None

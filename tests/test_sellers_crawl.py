"""Seller networks from a real crawl: ``markwatch crawl`` of the demo marketplace (bazaar and
openmall) with matching, the image-hash pipeline and the store on, then the networks read back from
the store (``seller_links``) are the ones the ground truth gives for the same listings, and they are
the planted networks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo_marketplace.images import image_bytes
from index.networks import find_clusters
from index.sellers import listing_links
from pipelines.images import phash_of

SPIDER_OF = {"bazaar": "html", "openmall": "api"}


@pytest.fixture(scope="module")
def crawled_store(session_crawls):
    """The store the session's crawls of bazaar and openmall filled (tests/marketplace_crawls.py)."""
    from index import open_store
    from markwatch.config import load_config

    stats = {platform: session_crawls[platform].stats for platform in SPIDER_OF}
    store = open_store(load_config(data_dir=str(session_crawls["data_dir"]), environ={}))
    try:
        yield store, stats
    finally:
        store.close()


def _labels(marketplace) -> dict[str, dict]:
    rows = [json.loads(line) for line in Path(marketplace.labels_path).read_text(encoding="utf-8").splitlines()]
    return {row["url"]: row for row in rows}


def test_every_listing_with_leads_got_its_photo_hashed(crawled_store, catalogue) -> None:
    store, stats = crawled_store
    from index.store import SearchQuery

    leads = store.search(SearchQuery(limit=0)).leads
    assert leads
    by_url = {lead.url: lead.listing for lead in leads}
    for url, listing in by_url.items():
        name = listing["image_urls"][0].rsplit("/", 1)[1]
        body, _ = image_bytes(name, catalogue.images.copies.get(name))
        assert listing.get("image_phash") == phash_of(body), url
    assert sum(s.get("markwatch/image_hash/hashed", 0) for s in stats.values()) >= len(by_url)


def test_networks_from_the_crawl_are_the_ground_truth_networks(crawled_store, marketplace, catalogue) -> None:
    store, _ = crawled_store
    from index.store import SearchQuery

    found = find_clusters(store.seller_links())
    # The same computation over the ground truth of the listings that got leads.
    labels = _labels(marketplace)
    expected_rows = []
    for lead in store.search(SearchQuery(limit=0)).leads:
        truth = labels[lead.url]
        if truth["served_as"] == "truncated":  # the page showed half the description: so does the truth
            truth = {**truth, "description": lead.listing.get("description", "")}
        name = truth["image_urls"][0].rsplit("/", 1)[1]
        body, _ = image_bytes(name, catalogue.images.copies.get(name))
        expected_rows += [(truth["platform"], truth["seller_id"], kind, value)
                          for kind, value in listing_links(truth, phash_of(body))]
    expected = find_clusters(expected_rows)
    assert [(c.id, c.sellers) for c in found] == [(c.id, c.sellers) for c in expected]

    planted = {sid: n.id for n in catalogue.networks for sid in n.members}
    whole = 0
    for cluster in found:
        seller_ids = {sid for _, sid in cluster.sellers}
        if len(seller_ids) < 2:
            continue  # one seller on both platforms, linked by its own contacts
        networks = {planted.get(sid, "") for sid in seller_ids}
        assert len(networks) == 1 and "" not in networks, [link.to_json() for link in cluster.links]
        network = next(n for n in catalogue.networks if n.id in networks)
        whole += seller_ids == set(network.members)
    assert whole >= 2  # networks whose every member sells infringing goods on these two platforms
    kinds = {link.kind for cluster in found for link in cluster.links}
    assert {"phone", "wechat", "address", "image"} <= kinds

"""``/sellers`` (repeat infringers first), ``/sellers/{platform}/{seller_id}`` (one seller across its
leads, its tier and why, its network) and ``/networks``, ``/networks/{cluster_id}`` (a seller
network: its sellers, the values linking them, its leads), each with its JSON twin.

Why these pages: repeat and group infringers are the office's priority (docs/sellers.md). A seller's
tier of credit-based supervision comes from its confirmed infringements within the recency window
(:func:`index.sellers.assess`, thresholds in the configuration); networks are the connected
components of sellers sharing a phone, WeChat, QQ, e-mail, shop address or photo
(:func:`index.networks.find_clusters` over the link rows the store keeps). Everything shown comes
from the store through the LeadStore protocol, so either backend serves these pages.

Networks are computed per request from every link row; that is a pass over distinct (seller, value)
pairs, not over leads, and costs milliseconds at the demo's size.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import Response

from index.networks import Cluster, cluster_of, find_clusters
from index.sellers import TIERS, TierAssessment, TierThresholds, assess
from index.store import LeadStore, SellerSummary, utc_now
from markwatch.config import Config
from web.accounts import User
from web.deps import get_config, get_store, require_user
from web.templating import page

router = APIRouter()

SELLERS_PAGE = 100
"""Sellers listed on /sellers (the most confirmed first; the store orders them)."""
LEADS_PER_SELLER = 500
"""Leads shown on a seller page (newest first); the counts above them cover every lead."""


def _thresholds(config: Config) -> TierThresholds:
    return TierThresholds.from_config(config)


def _clusters(store: LeadStore, config: Config) -> list[Cluster]:
    return find_clusters(store.seller_links(), max_image_distance=getattr(config, "network_image_distance", 4))


def _summary_json(summary: SellerSummary) -> dict[str, Any]:
    return {"platform": summary.platform, "seller_id": summary.seller_id, "name": summary.name,
            "leads": summary.leads, "confirmed": summary.confirmed, "takedowns": summary.takedowns,
            "first_seen": summary.first_seen, "last_seen": summary.last_seen,
            "last_confirmed": summary.last_confirmed}


def _seller_url(platform: str, seller_id: str) -> str:
    from urllib.parse import quote

    return f"/sellers/{quote(platform, safe='')}/{quote(seller_id, safe='')}"


@router.get("/sellers", include_in_schema=False)
@router.get("/sellers.json", summary="Sellers, repeat infringers first, with their supervision tier")
def sellers_page(request: Request, user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                 config: Config = Depends(get_config)) -> Response:
    summaries = store.sellers(limit=SELLERS_PAGE)
    keys = [(s.platform, s.seller_id) for s in summaries]
    confirmations = store.seller_confirmations(keys)
    now = utc_now()
    thresholds = _thresholds(config)
    clusters = _clusters(store, config)
    rows = []
    for summary in summaries:
        key = (summary.platform, summary.seller_id)
        assessment = assess(confirmations.get(key, []), now, thresholds)
        cluster = cluster_of(clusters, key)
        rows.append({"summary": summary, "tier": assessment, "cluster": cluster, "url": _seller_url(*key)})
    rows.sort(key=lambda r: (-TIERS.index(r["tier"].tier), -r["tier"].recent, -(r["cluster"] is not None),
                             -r["summary"].confirmed, -r["summary"].leads, r["summary"].platform,
                             r["summary"].seller_id))
    data = {"sellers": [{**_summary_json(r["summary"]), "tier": r["tier"].to_json(), "url": r["url"],
                         "network": r["cluster"].id if r["cluster"] else None} for r in rows],
            "networks": len(clusters), "thresholds": _thresholds_json(thresholds)}
    return page(request, "sellers.html", {"section": "sellers", "rows": rows, "clusters": clusters,
                                          "thresholds": thresholds}, data)


def _thresholds_json(t: TierThresholds) -> dict[str, int]:
    return {"watch": t.watch, "warning": t.warning, "key_supervision": t.key_supervision,
            "recency_days": t.recency_days}


# The .json route is registered first (the decorator nearest the function), so it wins for "….json".
@router.get("/sellers/{platform}/{seller_id}", include_in_schema=False)
@router.get("/sellers/{platform}/{seller_id}.json", summary="One seller across its leads: tier, network, leads")
def seller_page(platform: str, seller_id: str, request: Request, user: User = Depends(require_user),
                store: LeadStore = Depends(get_store), config: Config = Depends(get_config)) -> Response:
    summary = store.seller(platform, seller_id)
    if summary is None:
        raise HTTPException(status_code=404, detail=f"no seller {seller_id!r} on {platform!r} in the store")
    key = (platform, seller_id)
    leads = store.seller_leads(platform, seller_id, limit=LEADS_PER_SELLER)
    thresholds = _thresholds(config)
    assessment = assess(store.seller_confirmations([key]).get(key, []), utc_now(), thresholds)
    cluster = cluster_of(_clusters(store, config), key)
    statuses = Counter(lead.status for lead in leads)
    crawls = sorted({lead.last_seen[:10] for lead in leads} | {lead.first_seen[:10] for lead in leads})
    own_links = cluster.links_of(key) if cluster else []
    data = {"seller": _summary_json(summary), "tier": assessment.to_json(),
            "thresholds": _thresholds_json(thresholds), "statuses": dict(statuses),
            "notices": sum(statuses[s] for s in ("notified", "removed", "rejected", "counter_notice", "still_online")),
            "takedowns": statuses["removed"],
            "network": _cluster_json(cluster) if cluster else None,
            "leads": [lead.to_json() for lead in leads], "days_seen": crawls}
    context = {"section": "sellers", "summary": summary, "tier": assessment, "thresholds": thresholds,
               "cluster": cluster, "own_links": own_links, "leads": leads, "statuses": statuses,
               "data": data, "seller_url": _seller_url, "key": key}
    return page(request, "seller.html", context, data)


def _cluster_json(cluster: Cluster) -> dict[str, Any]:
    return {**cluster.to_json(), "url": f"/networks/{cluster.id}"}


@router.get("/networks", include_in_schema=False)
@router.get("/networks.json", summary="Seller networks: sellers linked by shared contacts, address or photo")
def networks_page(request: Request, user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                  config: Config = Depends(get_config)) -> Response:
    clusters = _clusters(store, config)
    rows = []
    for cluster in clusters:
        summaries = [s for s in (store.seller(p, sid) for p, sid in cluster.sellers) if s is not None]
        rows.append({"cluster": cluster, "leads": sum(s.leads for s in summaries),
                     "confirmed": sum(s.confirmed for s in summaries),
                     "distinct": len({seller_id for _, seller_id in cluster.sellers}),
                     "kinds": sorted({link.kind for link in cluster.links})})
    # Groups first: a "network" of one seller id on two platforms (its own contacts on both) comes last.
    rows.sort(key=lambda r: (r["distinct"] < 2, -r["confirmed"], -r["distinct"], -len(r["cluster"].sellers),
                             r["cluster"].id))
    data = {"networks": [{**_cluster_json(r["cluster"]), "leads": r["leads"], "confirmed": r["confirmed"],
                          "distinct_seller_ids": r["distinct"]} for r in rows]}
    return page(request, "networks.html", {"section": "sellers", "rows": rows, "seller_url": _seller_url}, data)


@router.get("/networks/{cluster_id}", include_in_schema=False)
@router.get("/networks/{cluster_id}.json", summary="One seller network: its sellers, links and leads")
def network_page(cluster_id: str, request: Request, user: User = Depends(require_user),
                 store: LeadStore = Depends(get_store), config: Config = Depends(get_config)) -> Response:
    clusters = _clusters(store, config)
    cluster = next((c for c in clusters if c.id == cluster_id), None)
    if cluster is None:
        raise HTTPException(status_code=404, detail=f"no seller network {cluster_id!r}; /networks lists them")
    thresholds = _thresholds(config)
    now = utc_now()
    confirmations = store.seller_confirmations(cluster.sellers)
    members = []
    for key in cluster.sellers:
        summary = store.seller(*key)
        members.append({"key": key, "summary": summary, "url": _seller_url(*key),
                        "tier": assess(confirmations.get(key, []), now, thresholds),
                        "links": cluster.links_of(key)})
    group: TierAssessment = assess([t for times in confirmations.values() for t in times], now, thresholds)
    totals = {"sellers": len(cluster.sellers),
              "leads": sum(m["summary"].leads for m in members if m["summary"]),
              "confirmed": sum(m["summary"].confirmed for m in members if m["summary"]),
              "takedowns": sum(m["summary"].takedowns for m in members if m["summary"])}
    data = {"network": _cluster_json(cluster), "totals": totals, "group_tier": group.to_json(),
            "sellers": [{**(_summary_json(m["summary"]) if m["summary"] else
                            {"platform": m["key"][0], "seller_id": m["key"][1]}),
                         "tier": m["tier"].to_json(), "url": m["url"]} for m in members]}
    context = {"section": "sellers", "cluster": cluster, "members": members, "totals": totals, "group": group,
               "thresholds": thresholds, "seller_url": _seller_url}
    return page(request, "network.html", context, data)

"""Tips in the routine: each pass crawls the listings reported through ``/tip`` and
``POST /api/v1/tips`` (queued as status ``new`` by web/routes/tips.py), matches them, and records on
the tip what came of it, so the analyst finds the tip's leads in triage beside its source.

Why inside the pass and not a crawl of its own: a tip on a platform the routine already crawls is one
more known listing to fetch, like a re-check, so it rides in that platform's browse crawl (a
:class:`~jobs.selection.Recheck` of status ``tip`` at tier 0, before every other re-check, outside the
page budget) and keeps to the platform's window and rate. A tip on any other site gets the generic
``schemaorg`` spider, one crawl per site, fetching the reported pages only (its page budget is the
number of tips). A tip on a platform outside its window waits for the next pass inside it.

What is recorded (``store.linkage.set_tip_status``): ``matched`` with the lead ids found (the
``/tips`` page links them), ``unmatched`` when the page was read but the matcher found nothing,
``failed`` when the page could not be fetched or held no listing (gone, not a product page). A tip
whose crawl process failed stays ``new`` and is tried again by the next pass. Leads are read from the
crawl's ``MATCH_LEADS_OUTPUT`` file; a listing already stored with unchanged content is not matched
again, so its stored leads are looked up instead.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from index.store import SearchQuery, lead_id
from jobs.plan import CrawlPlan
from jobs.platforms import Target
from jobs.selection import Recheck

logger = logging.getLogger("markwatch.jobs")
QUEUED = "new"
"""The status a tip is queued with (index/linkage_sqlite.py TIP_STATUSES)."""
MAX_TIPS_PER_PASS = 200
TIP_SPIDER = "schemaorg"


@dataclass
class TipRoute:
    """Where one tip goes in this pass: the plan (crawl) that fetches it."""

    tip: Mapping[str, Any]
    label: str
    platform: str

    @property
    def url(self) -> str:
        return str(self.tip["url"])


@dataclass
class SitePlan(CrawlPlan):
    """A ``schemaorg`` crawl of reported pages on a site the routine does not know."""

    start_urls: list[str] = field(default_factory=list)

    def command(self, work_dir: Path) -> list[str]:
        cmd = super().command(work_dir)
        for url in self.start_urls:
            cmd += ["--start-url", url]
        return cmd

    def describe(self) -> str:
        return f"{self.label}: {self.spider} {len(self.start_urls)} reported page(s) on {self.base_url}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_listing_url(a: str, b: str) -> bool:
    """Two spellings of one listing's address (fragment, trailing slash, host case aside)."""
    def canon(url: str) -> str:
        parts = urlsplit(url.strip())
        path = parts.path.rstrip("/") or "/"
        return f"{parts.scheme}://{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")
    return canon(a) == canon(b)


def platform_of(url: str, targets: Iterable[Target]) -> Target | None:
    """The configured platform whose address the URL is on (longest base URL first)."""
    origin = _origin(url)
    path = urlsplit(url).path
    for target in sorted(targets, key=lambda t: -len(t.base_url)):
        base = urlsplit(target.base_url)
        if _origin(target.base_url) == origin and path.startswith(base.path.rstrip("/")):
            return target
    return None


def site_name(url: str) -> str:
    """The listings' ``platform`` value for a site the routine does not know: its host (and port)."""
    parts = urlsplit(url)
    name = (parts.hostname or "site") + (f"-{parts.port}" if parts.port else "")
    return re.sub(r"[^a-z0-9.-]", "-", name.lower())


def listing_id_of(store: Any, url: str) -> str:
    """The listing id the API spiders need to fetch a reported page: the stored listing's, else the
    last segment of its path (the demo platforms' and most shops' item pages end with it)."""
    try:
        versions = store.listing_history(url)
    except Exception:  # noqa: BLE001 - a store that cannot answer only loses the better guess
        versions = []
    if versions and versions[-1].listing.get("listing_id"):
        return str(versions[-1].listing["listing_id"])
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[-1] if segments else ""


def route_tips(tips: Sequence[Mapping[str, Any]], plans: list[CrawlPlan], outside: Sequence[Target],
               work_dir: Path, store: Any) -> tuple[list[CrawlPlan], list[TipRoute]]:
    """Put the queued tips into this pass's crawls: known platforms' browse plans get them as tier-0
    re-checks, other sites a :class:`SitePlan` each. Returns (plans to add, routes). Every plan that
    fetches a tip writes its leads to ``LABEL.leads.jsonl`` in ``work_dir``."""
    browse = {p.platform: p for p in plans if p.kind == "browse"}
    targets = [Target(p.platform, p.spider, p.base_url) for p in browse.values()] + list(outside)
    added: dict[str, SitePlan] = {}
    routes: list[TipRoute] = []
    for tip in tips:
        url = str(tip.get("url") or "")
        target = platform_of(url, targets)
        if target is not None and target.name not in browse:
            continue  # its platform is outside its window now: the tip waits for the next pass inside it
        if target is not None:
            plan: CrawlPlan = browse[target.name]
            reason = f"tip {tip['id']} from {tip.get('source') or 'unknown'}"
            plan.rechecks.insert(sum(1 for r in plan.rechecks if r.status == "tip"),
                                 Recheck(url, target.name, listing_id_of(store, url), 0, 0.0, 0.0, "tip", reason))
        else:
            site = site_name(url)
            plan = added.get(site) or added.setdefault(site, SitePlan(site, "tips", TIP_SPIDER, _origin(url)))
            if url not in plan.start_urls:
                plan.start_urls.append(url)
            plan.max_pages = len(plan.start_urls)  # the reported pages, not the rest of the site
        plan.settings["MATCH_LEADS_OUTPUT"] = str(work_dir / f"{plan.label}.leads.jsonl")
        routes.append(TipRoute(tip, plan.label, plan.platform))
    return list(added.values()), routes


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict):
                    rows.append(row)
    except OSError:
        pass
    return rows


def _stored_leads(store: Any, url: str, platform: str, right_id: str | None) -> list[str]:
    """Leads the store already holds for a listing the matcher skipped (content unchanged)."""
    if right_id:
        lead = store.get(lead_id(url, right_id))
        if lead is not None:
            return [lead.id]
    if not store.listing_history(url):
        return []
    page = store.search(SearchQuery(platform=[platform], limit=0))
    return [lead.id for lead in page.leads if same_listing_url(lead.url, url)]


def record_tips(store: Any, routes: Sequence[TipRoute], work_dir: Path, results: Mapping[str, tuple[int, float]],
                at: str) -> dict[str, str]:
    """After the crawls: each routed tip's outcome on the tip (tip id → status)."""
    outputs: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    done: dict[str, str] = {}
    for route in routes:
        code = results.get(route.label, (1, 0.0))[0]
        if code != 0:
            continue  # the crawl itself failed: the tip stays queued for the next pass
        if route.label not in outputs:
            outputs[route.label] = (_read_jsonl(work_dir / f"{route.label}.jsonl"),
                                    _read_jsonl(work_dir / f"{route.label}.leads.jsonl"))
        listings, leads = outputs[route.label]
        seen = [row for row in listings if same_listing_url(str(row.get("url", "")), route.url)]
        if not seen:
            status, ids = "failed", []
        else:
            urls = {str(row["url"]) for row in seen}
            ids = list(dict.fromkeys(lead_id(str(row["url"]), str(row["right_id"])) for row in leads
                                     if str(row.get("url")) in urls and row.get("right_id")))
            if not ids:
                for url in urls:
                    ids += _stored_leads(store, url, route.platform, route.tip.get("right_id"))
            status = "matched" if ids else "unmatched"
        store.linkage.set_tip_status(str(route.tip["id"]), status, at, ids)
        done[str(route.tip["id"])] = status
    return done


def queued_tips(store: Any, limit: int = MAX_TIPS_PER_PASS) -> list[dict[str, Any]]:
    """The tips waiting for the routine, oldest first."""
    linkage = getattr(store, "linkage", None)
    if linkage is None:
        return []
    return list(reversed(linkage.tips(QUEUED, limit=limit)))


def take_tips(config: Any, plans: list[CrawlPlan], outside: Sequence[Target], work_dir: Path) -> list[TipRoute]:
    """Route the queued tips into ``plans`` (extended in place with the sites' crawls)."""
    from index import open_store

    store = open_store(config)
    try:
        extra, routes = route_tips(queued_tips(store), plans, outside, work_dir, store)
    finally:
        store.close()
    plans.extend(extra)
    return routes


def finish_tips(config: Any, routes: Sequence[TipRoute], work_dir: Path, results: Mapping[str, tuple[int, float]],
                at: str) -> dict[str, str]:
    """Record the outcome of every routed tip (opens the store only when there were tips)."""
    if not routes:
        return {}
    from index import open_store

    store = open_store(config)
    try:
        return record_tips(store, routes, work_dir, results, at)
    finally:
        store.close()

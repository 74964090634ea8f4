"""``markwatch demo``'s linkage loop: confirm → notice → signed push → the platforms answer →
a re-crawl verifies the removals (issue 9, "The demo platforms answer").

Why a loop of real parts: it is the smoke test of the platform linkage as a user sees it. The
workbench runs (web service with its linkage loop, feeds/service.py, exactly what ``markwatch
serve`` runs), the demo platforms are registered in the store like ``markwatch platform add`` does
and their desks (demo_marketplace/platform_desk.py) get the key and webhook secret. Then:

1. the demo analyst (``demo-analyst``) reviews a sample of the run's new leads against the
   marketplace's ground truth, through the store's lifecycle step: confirmed when the listing
   really infringes that right, dismissed otherwise;
2. the linkage loop makes the notices once the confirmations settled (a short
   ``notice_settle_seconds`` for the demo) and pushes them, signed, to the platforms' webhooks;
3. each desk verifies the push, decides, takes removed listings down (a few come back online) and
   posts its answer through ``POST /api/v1/notices/{id}/disposition``: the leads step notified →
   removed / rejected / counter_notice;
4. the removed listings are re-crawled with the routine's takedown check (jobs/routine.py: one
   ``markwatch crawl --recheck`` process per platform): still gone → the removal is verified; online
   again → the lead becomes ``still_online``.

Timing for the demo comes from config overrides (:data:`DEMO_LINKAGE`): the settle time, the
linkage loop's interval and the retry schedule are seconds here, not a minute and hours.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

DEMO_LINKAGE: dict[str, Any] = {
    "notice_settle_seconds": 1.0,
    "linkage_interval_seconds": 0.5,
    "webhook_retry_schedule": (0.0, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0),
}
"""Config overrides of the demo: notices a second after the last confirmation, pushes retried in seconds."""
ANSWER_DELAY = 0.5
"""Seconds a desk takes before it answers a notice (it answers the push at once, acts afterwards)."""
COMEBACK_DELAY = 1.0
"""Seconds after a removal before a listing that comes back is online again."""
ANALYST = "demo-analyst"
REVIEW_SHARE = 0.5
REVIEW_MAX = 60
"""The analyst reviews about half of the run's new leads, at most this many (keeps the re-crawl short)."""
ANSWER_TIMEOUT = 120.0
"""Seconds to wait for every notice's answer before the summary says what is missing."""
ANSWERED = ("removed", "rejected", "counter_notice", "still_online")
SPIDERS: dict[str, str] = {"bazaar": "html", "storefront": "rendered", "openmall": "api"}


def demo_linkage_config(config: Any) -> Any:
    """``config`` with the demo's linkage timing (:data:`DEMO_LINKAGE`)."""
    return dataclasses.replace(config, **DEMO_LINKAGE)


def _share(key: str) -> float:
    """A fixed number in [0, 1) for ``key`` (the analyst's sample is the same on every run)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2 ** 64


# -- the workbench on a thread ------------------------------------------------------------------------

@dataclass
class Workbench:
    """The web service (with its linkage loop) on a loopback port, in a thread of this process."""

    app: Any
    server: Any
    thread: threading.Thread
    sock: Any
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store(self) -> Any:
        return self.app.state.store

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def start_workbench(config: Any, port: int = 0, deliver: bool = True) -> Workbench:
    """Serve the workbench over ``config``'s store on ``port`` (a free one when taken or 0), with the
    linkage loop (notices and pushes, feeds/service.py) as ``markwatch serve`` runs it."""
    import uvicorn

    from markwatch.commands.demo import listen_socket
    from web.app import create_app

    app = create_app(config)
    if deliver:
        from feeds.service import LinkageService

        app.state.background.append(LinkageService(app.state.store, config))
    sock = listen_socket("127.0.0.1", port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="workbench", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        raise RuntimeError("the workbench did not start within 60 s (see the log file)")
    return Workbench(app, server, thread, sock, sock.getsockname()[1])


# -- the steps ----------------------------------------------------------------------------------------

def desk_url(market_url: str, platform: str) -> str:
    return f"{market_url}/__platform/{platform}"


def register_platforms(store: Any, market_urls: dict[str, str], api_url: str,
                       answer_delay: float = ANSWER_DELAY, comeback_delay: float = COMEBACK_DELAY) -> dict[str, str]:
    """Each demo platform in the store with its desk's webhook (``platform add``; on a data dir that
    has it already: a new key and secret, the webhook set again), and the desk told its key, secret
    and where to answer. Returns platform → webhook URL."""
    import httpx

    hooks: dict[str, str] = {}
    for platform, base in market_urls.items():
        hook = desk_url(base, platform) + "/webhook"
        if store.linkage.endpoint("platform", platform) is None:
            credentials = store.linkage.add_platform(platform, webhook_url=hook)
            key, secret = credentials.api_key, credentials.webhook_secret
        else:
            store.linkage.set_webhook("platform", platform, hook)
            key, secret = store.linkage.rotate_key("platform", platform), store.linkage.rotate_secret("platform", platform)
        answer = httpx.post(desk_url(base, platform) + "/register", timeout=30, trust_env=False,
                            json={"api_key": key, "webhook_secret": secret, "api_url": api_url,
                                  "answer_delay": answer_delay, "comeback_delay": comeback_delay})
        answer.raise_for_status()
        hooks[platform] = hook
    return hooks


def read_truth(labels_file: Path) -> dict[str, set[str]]:
    """url → the rights its listing infringes (the marketplace's labels)."""
    truth: dict[str, set[str]] = {}
    with open(labels_file, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                truth[row["url"]] = set(row.get("infringes") or [])
    return truth


def review_sample(store: Any, truth: dict[str, set[str]], urls: Iterable[str] | None = None,
                  share: float = REVIEW_SHARE, limit: int = REVIEW_MAX) -> tuple[list[str], list[str]]:
    """The demo analyst's review: a fixed sample of the new leads (of ``urls`` when given), each
    confirmed or dismissed by the ground truth through the store's lifecycle step. Returns
    (confirmed ids, dismissed ids)."""
    from index.store import SearchQuery

    wanted = set(urls) if urls is not None else None
    leads = [lead for lead in store.search(SearchQuery(status=["new"], limit=0)).leads
             if wanted is None or lead.url in wanted]
    leads.sort(key=lambda lead: _share(f"review:{lead.id}"))
    sample = [lead for lead in leads if _share(f"review:{lead.id}") < share][:limit]
    good = [lead.id for lead in sample if lead.right_id in truth.get(lead.url, set())]
    bad = [lead.id for lead in sample if lead.right_id not in truth.get(lead.url, set())]
    if good:
        store.transition(good, "confirmed", actor=ANALYST, note="demo: the listing infringes (ground truth)")
    if bad:
        store.transition(bad, "dismissed", actor=ANALYST, note="demo: the listing does not infringe (ground truth)")
    return good, bad


def desk_states(market_urls: dict[str, str], client: Any = None) -> dict[str, dict[str, Any]]:
    """What each platform's desk received and did (``GET /__platform/NAME/state``)."""
    import httpx

    with httpx.Client(timeout=30, trust_env=False) if client is None else contextlib.nullcontext(client) as http:
        return {p: http.get(desk_url(base, p) + "/state").json() for p, base in market_urls.items()}


def wait_for_answers(store: Any, lead_ids: list[str], market_urls: dict[str, str], timeout: float = ANSWER_TIMEOUT,
                     clock: Callable[[], float] = time.monotonic) -> list[str]:
    """Wait until every lead in ``lead_ids`` has its platform's answer and no desk has work left
    (comebacks included). Returns what is still missing when ``timeout`` ran out (empty: all done)."""
    import httpx

    deadline = clock() + timeout
    waiting: list[str] = list(lead_ids)
    with httpx.Client(timeout=30, trust_env=False) as http:
        while True:
            busy = {p: s["pending"] for p, s in desk_states(market_urls, http).items() if s["pending"]}
            if not busy:  # the store is read only when no desk is at work (fewer reads beside their writes)
                waiting = [i for i in waiting if (lead := store.get(i)) is not None and lead.status not in ANSWERED]
                if not waiting:
                    return []
            if clock() > deadline:
                break
            time.sleep(0.25)
    problems = []
    waiting = [i for i in waiting if (lead := store.get(i)) is not None and lead.status not in ANSWERED]
    if waiting:
        statuses = Counter(store.get(i).status for i in waiting)
        problems.append(f"{len(waiting)} confirmed leads got no answer in {timeout:.0f}s ("
                        + ", ".join(f"{k} {v}" for k, v in statuses.items())
                        + "): see 'markwatch feed dead' and the log file")
    if busy:
        problems.append("platform desks still busy: " + ", ".join(f"{p} {n}" for p, n in busy.items()))
    return problems


@dataclass
class Recheck:
    """What the re-crawl of the removed listings found."""

    listed: int = 0
    gone: int = 0
    still_online: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def recheck_removed(config: Any, store: Any, lead_ids: list[str], market_urls: dict[str, str],
                    work_dir: Path) -> Recheck:
    """Re-crawl the listings of ``lead_ids`` that are ``removed``, with the routine's takedown check
    (jobs/routine.py): one ``markwatch crawl --recheck`` per platform (its home page and the listings,
    no evidence); a listing online again steps its leads removed → still_online."""
    from index.store import utc_now
    from jobs.plan import CrawlPlan
    from jobs.routine import collect, run_crawls, verify_takedowns
    from jobs.selection import Recheck as Row

    started = time.monotonic()
    rows: dict[str, dict[str, Row]] = {}
    for lead_id in lead_ids:
        lead = store.get(lead_id)
        if lead is None or lead.status != "removed":
            continue
        platform = str(lead.listing.get("platform", ""))
        if platform in market_urls and platform in SPIDERS:
            rows.setdefault(platform, {})[lead.url] = Row(
                url=lead.url, platform=platform, listing_id=str(lead.listing.get("listing_id", "")), tier=1,
                interval_days=1.0, age_days=0.0, status="removed", reason="demo: verify the platform's removal")
    result = Recheck(listed=sum(len(r) for r in rows.values()))
    if not rows:
        return result
    plans = [CrawlPlan(platform, "recheck", SPIDERS[platform], market_urls[platform], max_pages=1,
                       rechecks=list(found.values()))
             for platform, found in rows.items()]
    # the demo's own platforms on loopback: no AutoThrottle (as the demo's crawl), no photos hashed again
    run_config = dataclasses.replace(config, evidence_enabled=False, autothrottle=False, image_hash_enabled=False)
    results = run_crawls(plans, run_config, work_dir, evidence=False, simulated_now="", parallel=3)
    stats = collect(plans, results, work_dir)
    result.failed = [f"{name}: {row.problem}" for name, row in stats.items() if row.status == "failed"]
    for plan in plans:
        try:
            counted = json.loads((work_dir / f"{plan.label}.stats.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            counted = {}
        result.gone += int(counted.get("markwatch/recheck/gone", 0))
    verify_takedowns(run_config, plans, work_dir, stats, utc_now())
    suspects = {row.url for found in rows.values() for row in found.values()}
    result.still_online = sorted(url for url in suspects
                                 if any(lead.status == "still_online" for lead in _leads_of(store, url, lead_ids)))
    result.seconds = time.monotonic() - started
    return result


def _leads_of(store: Any, url: str, lead_ids: list[str]) -> list[Any]:
    return [lead for i in lead_ids if (lead := store.get(i)) is not None and lead.url == url]


# -- the whole loop -----------------------------------------------------------------------------------

@dataclass
class LoopResult:
    confirmed: list[str] = field(default_factory=list)
    dismissed: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    delivered: int = 0
    answers: Counter = field(default_factory=Counter)
    per_platform: Counter = field(default_factory=Counter)
    recheck: Recheck = field(default_factory=Recheck)
    counter_pending: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def removals_verified(self) -> int:
        """Removed listings the re-crawl found gone (404 / 商品已下架)."""
        return self.recheck.listed - len(self.recheck.still_online) if not self.recheck.failed else self.recheck.gone

    def lines(self) -> list[str]:
        per_platform = "".join(f", {p} {n}" for p, n in sorted(self.per_platform.items()))
        lines = [f"linkage: the demo analyst confirmed {len(self.confirmed)} leads by the ground truth "
                 f"({len(self.dismissed)} dismissed) → {len(self.notices)} notices sent "
                 f"({self.delivered} pushed, signed, to the platforms' webhooks{per_platform})"]
        lines.append(f"  platforms answered: {self.answers['removed']} removed, {self.answers['rejected']} rejected, "
                     f"{self.answers['counter_notice']} counter-notices (dispositions posted to /api/v1/notices/…)")
        still = len(self.recheck.still_online)
        lines.append(f"  re-crawl of {self.recheck.listed} removed listings: {self.removals_verified} removals verified "
                     f"(404 / 商品已下架), {still} still online → still_online"
                     + (" (re-send the notice from its page)" if still else "")
                     + f"; {self.recheck.seconds:.1f}s")
        if self.counter_pending:
            first = self.counter_pending[0]
            lines.append(f"  counter-notices pending: {len(self.counter_pending)}; Art. 43: the measures are lifted "
                         f"unless the holder complains or sues within 15 days — first deadline "
                         f"{str(first['deadline'])[:16].replace('T', ' ')} UTC ({first['notice_id']}, "
                         f"{first['platform']}, {first['right_id']})")
        else:
            lines.append("  counter-notices pending: 0")
        lines.extend("  problem: " + problem for problem in self.problems + self.recheck.failed)
        return lines


def run_loop(config: Any, workbench: Workbench, market_urls: dict[str, str], labels_file: Path,
             crawled: Iterable[str] | None, work_dir: Path, say: Callable[[str], None] = lambda _: None) -> LoopResult:
    """The whole loop over the workbench's store (see the module docstring); ``config`` carries the
    demo's timing (:func:`demo_linkage_config`)."""
    from index.linkage import COUNTER_NOTICE_DAYS
    from index.store import utc_now

    started = time.monotonic()
    store = workbench.store
    result = LoopResult()
    register_platforms(store, market_urls, workbench.url)
    say(f"linkage: the platforms' desks answer on their webhooks; the workbench's API at {workbench.url}")
    result.confirmed, result.dismissed = review_sample(store, read_truth(labels_file), crawled)
    say(f"  the demo analyst confirmed {len(result.confirmed)} leads, dismissed {len(result.dismissed)}; "
        f"notices after {config.notice_settle_seconds:g}s, the platforms answer…")
    result.problems = wait_for_answers(store, result.confirmed, market_urls)
    notices = sorted({n for lead_id in result.confirmed for n in store.linkage.notices_of_lead(lead_id)})
    result.notices = notices
    for notice_id in notices:
        notice = store.linkage.notice(notice_id) or {}
        result.per_platform[str(notice.get("platform", ""))] += 1
        if notice.get("status") in ("removed", "rejected", "counter_notice"):
            result.answers[notice["status"]] += 1
        if notice.get("status") != "sent":
            result.delivered += 1
    say(f"  {len(notices)} notices answered: " + ", ".join(f"{k} {v}" for k, v in result.answers.items())
        + "; re-crawling the removed listings…")
    result.recheck = recheck_removed(config, store, result.confirmed, market_urls, work_dir)
    mine = set(notices)
    result.counter_pending = [row for row in store.linkage.counter_notices_due(utc_now(), COUNTER_NOTICE_DAYS + 1)
                              if row["notice_id"] in mine]
    result.seconds = time.monotonic() - started
    return result

"""The one configuration of markwatch: a TOML file plus ``MARKWATCH_*`` environment variables.

Why one place: Scrapy settings, the matcher, the store and the CLI all read their knobs from
:func:`load_config`, so nothing else in the code base touches ``os.environ`` for configuration,
and a bad value fails here, once, with a message that names the key (tests/test_config.py scans
the code base to keep it so).

Loaded once, by the entry point (a command's ``run``; for ``scrapy crawl``, the add-on in
``crawler/addon.py``), and passed down as a :class:`Config`. Scrapy settings are derived from it
(``crawler/addon.py``) and spelled without the ``MARKWATCH_`` prefix, which is the environment's
alone: ``MARKWATCH_MATCH_ENABLED=1`` is configuration, ``-s MATCH_ENABLED=1`` a Scrapy override.

Precedence (lowest first): defaults below < ``markwatch.toml`` (or the file named by
``MARKWATCH_CONFIG``) < ``MARKWATCH_<KEY>`` environment variables < explicit overrides.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "MARKWATCH_"


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Config:
    """Typed, validated configuration. Field docs say what each key controls."""

    data_dir: Path = Path("markwatch-data")
    """Where the embedded store, evidence and crawl state live."""
    browser: str = ""
    """Path to a Chromium/Chrome binary; empty = /usr/bin/chromium, then Playwright's own."""
    user_agent: str = "markwatch/0.1 (+https://github.com/markwatch/markwatch; IP-protection monitoring)"
    """User-Agent sent by every spider: names the project so site owners know who crawls."""
    concurrent_per_domain: int = 8
    """Scrapy CONCURRENT_REQUESTS_PER_DOMAIN."""
    autothrottle: bool = True
    """Scrapy AutoThrottle on/off."""
    download_delay: float = 0.0
    """Minimum delay between requests to one domain (seconds)."""
    match_threshold: float = 0.5
    """Leads with a lower score are not written."""
    match_enabled: bool = False
    """Flag listings while crawling (the crawl's match pipeline; Scrapy setting MATCH_ENABLED).
    ``markwatch match`` on a file matches regardless."""
    register: str = ""
    """Register of protected rights; empty = the bundled demo register."""
    model: str = ""
    """The matcher's scoring model file; empty = ``data_dir/model.npz`` when it exists (what
    ``markwatch train --from-store`` writes: the model retrained on the analysts' decisions), else the
    model shipped with the package (see :func:`model_path`)."""
    demo_listings: int = 2000
    """Size of the demo marketplace catalogue."""
    demo_seed: int = 7
    """Seed of the demo marketplace catalogue (same seed, same catalogue)."""
    demo_linkage: bool = True
    """Whether ``markwatch demo`` runs the platform linkage loop after the crawl (the demo analyst's
    confirmations, notices, the demo platforms' answers, the takedown re-crawl). ``false`` leaves every
    lead ``new`` for the analyst: the workbench's own tests use it, and it saves the loop's time."""
    demo_port: int = 8701
    """First port of ``markwatch demo``'s marketplace: bazaar on it, storefront on +1, openmall on +2,
    so the listing URLs (and so the store's dedupe) stay the same from run to run; a taken port
    falls back to a free one (the demo says so); 0 = free ports every run."""
    log_level: str = "INFO"
    cache_dir: str = ""
    """Where tables derived from the register and the word lists are kept between runs (they take
    seconds to build); empty = $XDG_CACHE_HOME/markwatch or ~/.cache/markwatch; "off" = never."""
    store_url: str = ""
    """The lead store (CONTRACTS §9): empty = the embedded SQLite store in data_dir;
    http(s)://HOST:PORT = an OpenSearch / Elasticsearch node (env MARKWATCH_STORE_URL)."""
    evidence_checkpoint_every: int = 100
    """The evidence log signs a checkpoint every this many captures (and when it is closed); entries
    after the last checkpoint are logged but not yet signed (index/evidence/log.py)."""
    store_enabled: bool = False
    """Write crawled listings and their leads to the lead store while crawling (the crawl's store
    pipeline; Scrapy setting STORE_ENABLED). ``markwatch demo`` always stores."""
    store_batch_size: int = 200
    """The store pipeline writes every this many leads (one transaction per batch)."""
    store_batch_seconds: float = 2.0
    """…or when its oldest unwritten listing has waited this long (seconds)."""
    crawl_redis: str = ""
    """The request queue of every crawl (CONTRACTS §12): empty = local to the process (an SQLite file in
    ``--resume DIR``, else in memory); ``redis://HOST:PORT/DB`` = shared in Redis, so several
    ``markwatch crawl`` workers started alike crawl together (also ``markwatch crawl --redis URL``)."""
    crawl_lease_seconds: float = 60.0
    """A request a crawl worker took stays leased to it this long without a heartbeat (each worker extends
    its leases every second): when a worker dies, the others do its requests again once that has run out."""
    evidence_enabled: bool = False
    """Capture evidence (response + full-page screenshot) of every new or changed lead while
    crawling (the evidence pipeline; Scrapy setting EVIDENCE_ENABLED). ``markwatch demo`` always does."""
    evidence_browser_tabs: int = 4
    """Tabs of the one evidence browser taking screenshots at once."""
    evidence_timeout: float = 30.0
    """Seconds one screenshot may take (page load included) before the capture is spooled."""
    image_hash_enabled: bool = True
    """While storing (store_enabled), fetch the first photo of each listing with leads and keep its
    perceptual hash with the leads, to link sellers showing the same photo (pipelines/images.py)."""
    conditional_requests: bool = True
    """While storing (store_enabled), keep each page that carries an ETag or Last-Modified (Scrapy's HTTP
    cache in ``data_dir/httpcache``) and ask for it again with If-None-Match / If-Modified-Since: a 304
    counts as unchanged (no re-match, no new evidence; its last_seen moves). crawler/conditional.py."""
    httpcache_max_age_days: float = 30.0
    """Kept pages (``data_dir/httpcache``) not seen for this many days (neither fetched nor answered 304)
    are deleted when a crawl starts: listings taken down or no longer re-checked. 0 = keep them all."""
    health_pause_seconds: float = 60.0
    """A platform answering with captcha or login walls (or mostly 403/429) is paused this long, then
    probed again; each further pause is twice as long (crawler/health.py)."""
    health_max_pauses: int = 3
    """After this many pauses with the wall still up, the crawl of that platform stops (finish reason
    platform_blocked) instead of hammering it."""
    tier_watch_confirmed: int = 1
    """Confirmed infringements (within tier_recency_days) that put a seller on watch (docs/sellers.md)."""
    tier_warning_confirmed: int = 3
    """…that earn a seller a warning."""
    tier_key_confirmed: int = 5
    """…that put a seller under key supervision."""
    tier_recency_days: int = 180
    """Only confirmations this many days old or newer count towards a seller's tier."""
    network_image_distance: int = 4
    """Two product photos whose perceptual hashes differ in at most this many bits (of 64) are the same
    photo: their sellers are linked (index/networks.py); 0 = exact hashes only."""
    schedule_cron: str = "0 2 * * *"
    """When the routine (``markwatch schedule``) runs: a cron expression in UTC (croniter syntax; default
    nightly at 02:00). Runs missed while the machine was down are made up once, not once per miss."""
    schedule_platforms: dict = dataclasses.field(default_factory=dict)
    """What the routine crawls: one ``[schedule_platforms.NAME]`` table per platform with ``spider``
    (html | rendered | api), ``base_url``, optional ``window`` ("22:00-06:00", UTC: crawled only then),
    ``rate`` (requests/s at most), ``max_pages`` (per run) and ``enabled`` (docs: jobs/platforms.py)."""
    schedule_max_recheck: int = 500
    """Known listings one run re-checks per platform at most, those most at risk first (jobs/selection.py)."""
    campaigns: dict = dataclasses.field(default_factory=dict)
    """Campaigns: ``[campaigns.NAME]`` tables (``start``, ``end``, ``rights``, ``keywords``, ``cron``,
    ``label_zh``, ``label_en``) beside the shipped ones (festivals, GI seasons, the expo: index/campaigns.py);
    a table named like a shipped one changes it, ``enabled = false`` turns it off."""
    simulated_now: str = ""
    """A fixed "now" (UTC ISO 8601) the crawl's store pipeline records listings and leads as seen at:
    ``markwatch demo --days`` runs its month on a simulated clock; empty = the real clock."""
    notice_settle_seconds: float = 60.0
    """Platform linkage (CONTRACTS §7): a notice is made when the newest confirmation of its platform +
    right is this old, so a burst of confirmations becomes one notice."""
    webhook_retry_schedule: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
    """Seconds before each push attempt (Standard Webhooks' example schedule, with jitter); comma-separated
    in the environment. After the last one the push is a dead letter."""
    webhook_timeout: float = 10.0
    """Seconds one webhook POST may take."""
    webhook_lease_seconds: float = 60.0
    """A push being sent is leased this long (more than webhook_timeout): if the server dies mid-send,
    the push is sent again, with the same webhook-id, once the lease has run out."""
    linkage_interval_seconds: float = 2.0
    """How often ``markwatch serve`` makes the notices that are due and pushes the deliveries that are due."""
    secret_overlap_seconds: float = 86400.0
    """After ``platform rotate-secret`` the old secret keeps signing beside the new one this long."""
    counter_notice_warn_days: float = 3.0
    """The workbench warns this many days before a counter-notice's 15-day deadline (Art. 43) ends."""
    feed_page_limit: int = 100
    """Most notices one ``GET /api/v1/feed`` page returns (and its default ``limit``)."""
    office_name: str = "markwatch 知识产权保护办公室"
    """The sender named in notices and clues (the office that files them)."""
    office_contact: str = ""
    """Contact line of the sender in notices (address, phone, e-mail)."""


MODEL_FILE = "model.npz"
"""The retrained model inside ``data_dir`` (``markwatch train --from-store``)."""


def model_path(config: Config) -> Path | None:
    """The scoring model ``config`` asks for: ``model`` when set, else ``data_dir/model.npz`` when that
    file exists, else ``None`` (the bundled model)."""
    if config.model.strip():
        return Path(config.model).expanduser()
    retrained = Path(config.data_dir) / MODEL_FILE
    return retrained if retrained.is_file() else None


def cache_directory(config: Config, environ: Mapping[str, str] | None = None) -> Path | None:
    """The cache directory ``config`` asks for, or ``None`` when caching is off."""
    if config.cache_dir.strip().lower() == "off":
        return None
    if config.cache_dir.strip():
        return Path(config.cache_dir).expanduser()
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "markwatch"


def find_browser(configured: str = "") -> str | None:
    """Resolve the Chromium binary: configured path, Debian's, then ``None`` for Playwright's own."""
    if configured:
        if not (Path(configured).is_file() and os.access(configured, os.X_OK)):
            raise ConfigError(
                f"browser: {configured!r} is not an executable file; "
                "set MARKWATCH_BROWSER to a Chromium binary or leave it empty"
            )
        return configured
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    return found  # None: let Playwright use the browser it downloaded itself


# Flags every headless Chromium of markwatch starts with: no GPU, no /dev/shm (small in containers), and
# no background connections (this network refuses them, many at a time, at every start).
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


def chromium_args(*extra: str) -> list[str]:
    """Launch arguments for headless Chromium: :data:`CHROMIUM_FLAGS`, ``--no-sandbox`` when running
    as root (Chromium refuses to start sandboxed as root), then ``extra``."""
    args = list(CHROMIUM_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return [*args, *extra]


def _coerce(name: str, raw: Any, target: Any) -> Any:
    typ = target if isinstance(target, type) else type(target)
    try:
        if typ is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        if typ is Path or isinstance(target, Path):
            return Path(str(raw))
        if typ is dict:  # a TOML table; in the environment an inline table: { expo = { start = "2026-11-05" } }
            return dict(tomllib.loads(f"v = {raw}")["v"]) if isinstance(raw, str) else dict(raw)
        if typ is tuple:  # a list of seconds: TOML array or "0,5,300" in the environment
            items = [x for x in str(raw).split(",") if x.strip()] if isinstance(raw, str) else list(raw)
            return tuple(float(x) for x in items)
        return typ(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{name}: cannot read {raw!r} as {typ.__name__} "
            f"(set it in markwatch.toml or {ENV_PREFIX}{name.upper()})"
        ) from exc


def load_config(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Config:
    """Build the configuration from defaults, the TOML file, the environment and ``overrides``."""
    env = os.environ if environ is None else environ
    defaults = Config()
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Config)}

    config_path = path or env.get(ENV_PREFIX + "CONFIG") or "markwatch.toml"
    config_file = Path(config_path)
    if config_file.is_file():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_file}: not valid TOML: {exc}") from exc
        for key, raw in data.items():
            if key not in known:
                raise ConfigError(f"{config_file}: unknown key {key!r}; known keys: {', '.join(sorted(known))}")
            values[key] = raw
    elif path is not None:
        raise ConfigError(f"config file {config_file} does not exist")

    for name in known:
        env_key = ENV_PREFIX + name.upper()
        if env_key in env:
            values[name] = env[env_key]
    values.update({k: v for k, v in overrides.items() if v is not None})

    coerced = {k: _coerce(k, v, getattr(defaults, k)) for k, v in values.items()}
    config = dataclasses.replace(defaults, **coerced)
    if not 0.0 <= config.match_threshold <= 1.0:
        raise ConfigError(f"match_threshold: {config.match_threshold} is outside [0, 1]")
    if config.evidence_checkpoint_every < 1:
        raise ConfigError("evidence_checkpoint_every: must be at least 1")
    if config.store_batch_size < 1 or config.store_batch_seconds <= 0:
        raise ConfigError("store_batch_size must be at least 1 and store_batch_seconds more than 0")
    if config.evidence_browser_tabs < 1 or config.evidence_timeout <= 0:
        raise ConfigError("evidence_browser_tabs must be at least 1 and evidence_timeout more than 0")
    if not 0 <= config.demo_port <= 65533:
        raise ConfigError("demo_port: must be 0 (free ports) or a port from 1 to 65533 (three ports from it are used)")
    if config.httpcache_max_age_days < 0:
        raise ConfigError("httpcache_max_age_days: must be 0 (never prune the HTTP cache) or more days")
    if config.schedule_max_recheck < 0:
        raise ConfigError("schedule_max_recheck: must be 0 (no re-checks) or more")
    if config.demo_listings < 1:
        raise ConfigError("demo_listings: must be at least 1")
    if not 1 <= config.tier_watch_confirmed <= config.tier_warning_confirmed <= config.tier_key_confirmed:
        raise ConfigError("tier_watch_confirmed <= tier_warning_confirmed <= tier_key_confirmed must hold, "
                          "from 1 up (e.g. 1, 3, 5)")
    if config.tier_recency_days < 1:
        raise ConfigError("tier_recency_days: must be at least 1")
    if not 0 <= config.network_image_distance <= 16:
        raise ConfigError("network_image_distance: must be 0..16 bits (4 finds resized copies)")
    if not config.webhook_retry_schedule or any(s < 0 for s in config.webhook_retry_schedule):
        raise ConfigError("webhook_retry_schedule: give one or more seconds, none negative (e.g. 0,5,300)")
    if config.notice_settle_seconds < 0 or config.webhook_timeout <= 0 or config.secret_overlap_seconds < 0:
        raise ConfigError("notice_settle_seconds and secret_overlap_seconds must be 0 or more, webhook_timeout "
                          "more than 0")
    if config.webhook_lease_seconds <= config.webhook_timeout or config.linkage_interval_seconds <= 0:
        raise ConfigError("webhook_lease_seconds must be more than webhook_timeout (a lease covers one POST) and "
                          "linkage_interval_seconds more than 0")
    if config.feed_page_limit < 1 or config.counter_notice_warn_days < 0:
        raise ConfigError("feed_page_limit must be at least 1 and counter_notice_warn_days 0 or more")
    return config


def child_environment(config: Config, environ: Mapping[str, str] | None = None, **extra: Any) -> dict[str, str]:
    """The environment of a markwatch process started by another one (the routine starts its crawls
    as ``markwatch crawl`` processes) so that it loads the same configuration: the current environment
    with ``MARKWATCH_<KEY>`` for every field of ``config`` (and of ``extra``) that differs from the
    default. Tables (``dict`` fields) are left to the file the child reads too."""
    env = dict(os.environ if environ is None else environ)
    defaults = Config()
    values = {f.name: getattr(config, f.name) for f in fields(Config)}
    values.update(extra)
    for name, value in values.items():
        if isinstance(value, dict) or (name not in extra and value == getattr(defaults, name)):
            continue
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, tuple):
            text = ",".join(str(v) for v in value)
        else:
            text = str(value)
        env[ENV_PREFIX + name.upper()] = text
    return env

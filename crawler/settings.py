"""Scrapy settings of markwatch: polite and robust by default.

Why only static defaults here: ``scrapy crawl`` (via scrapy.cfg), ``markwatch crawl`` and
``markwatch demo`` all load this module, and importing it must read nothing (a bad
``MARKWATCH_BROWSER`` must not break a crawl that needs no browser). Every knob an operator may
change is a field of :class:`markwatch.config.Config` (markwatch.toml / ``MARKWATCH_*``), loaded
once by the entry point and turned into Scrapy settings by the add-on in ``crawler/addon.py``
(:func:`crawler.addon.settings_from_config`). Those derived settings are not defined here: they
would override the configuration.

Naming scheme. The ``MARKWATCH_`` prefix belongs to the environment (the configuration) alone; a
Scrapy setting is named for the component that reads it, the way Scrapy names its own
(``CLOSESPIDER_*``, ``AUTOTHROTTLE_*``):

- Scrapy's own names where a configuration key sets a Scrapy knob (``user_agent`` → ``USER_AGENT``,
  ``concurrent_per_domain`` → ``CONCURRENT_REQUESTS_PER_DOMAIN``, ``log_level`` → ``LOG_LEVEL``, …);
- ``MATCH_*`` for the match pipeline (``MATCH_ENABLED`` ← ``match_enabled``, ``MATCH_REGISTER`` ←
  ``register``, ``MATCH_THRESHOLD`` ← ``match_threshold``, ``MATCH_CACHE_DIR`` ← ``cache_dir``,
  ``MATCH_MODEL`` ← ``model`` (or ``data_dir/model.npz`` when retrained); per run only:
  ``MATCH_LEADS_OUTPUT``);
- ``RENDERED_*`` for the rendered spider (``RENDERED_BROWSER`` ← ``browser``, checked only when
  that spider starts its browser; ``RENDERED_CONCURRENCY``, ``RENDERED_PAGE_TIMEOUT``);
- likewise ``EVIDENCE_*`` for the evidence pipeline and ``STORE_*`` for the store pipeline: a new
  knob is a Config field (documented there), one line in ``settings_from_config``, and read by its
  component in ``from_crawler`` (raising ``NotConfigured`` to switch itself off);
- ``CONFIG`` holds the :class:`~markwatch.config.Config` itself (set by the entry point, or loaded
  by the add-on under ``scrapy crawl``); components read their own settings, not this.

A per-run override is ``markwatch crawl -s NAME=VALUE`` (or ``scrapy crawl -s``), which beats the
configuration.
"""

from __future__ import annotations

from markwatch.config import chromium_args

BOT_NAME = "markwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# The configuration, as Scrapy settings (crawler/addon.py): USER_AGENT, the politeness knobs,
# LOG_LEVEL, MATCH_*, RENDERED_BROWSER.
ADDONS = {"crawler.addon.ConfigAddon": 0}

# What we may fetch.
ROBOTSTXT_OBEY = True

# Politeness: a per-domain cap, an optional floor delay and AutoThrottle on top of it (the cap,
# the delay and AutoThrottle's switch come from the configuration).
CONCURRENT_REQUESTS = 32
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_MAX_DELAY = 30.0

# Robustness: retries with exponential back-off, and 429/503 retried after Retry-After seconds
# (Scrapy's RetryMiddleware retries at once and ignores Retry-After; ours extends it).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"  # a page that stays broken is reported as a bad page, not a crash
RETRY_BACKOFF_BASE = 0.25
"""Seconds before the first retry of an error; doubles on each further retry."""
RETRY_BACKOFF_MAX = 10.0
RETRY_AFTER_MAX_DELAY = 60.0
"""A Retry-After longer than this is capped (a hostile or broken server must not stall us)."""
RETRY_AFTER_MAX_TIMES = 30
"""How often one request may be answered 429 before we give up on it."""
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # platform health (crawler/health.py): between the cache and the retries, it sees every answer
    "crawler.health.PlatformHealthMiddleware": 580,
    # conditional requests (crawler/conditional.py): Scrapy's HTTP cache, revalidating every page
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawler.conditional.ConditionalRequestMiddleware": 900,
}
# The response each listing came from is noted for the evidence (on only when EVIDENCE_ENABLED).
SPIDER_MIDDLEWARES: dict[str, int] = {"pipelines.responses.ResponseCaptureMiddleware": 900,
                                      # which queue entry each listing came from (crawler/queue/origins.py)
                                      "crawler.queue.origins.ListingOriginMiddleware": 950}
HTTPERROR_ALLOW_ALL = False

# Conditional requests (crawler/conditional.py; on with the store: HTTPCACHE_ENABLED and HTTPCACHE_DIR
# come from the configuration): pages with an ETag or Last-Modified are kept, compressed, and always
# revalidated; a 304 hands the spider the kept page, which the dedupe pipeline finds unchanged.
HTTPCACHE_POLICY = "crawler.conditional.RevalidatePolicy"
HTTPCACHE_GZIP = True
HTTPCACHE_EXPIRATION_SECS = 0

# Platform health (crawler/health.py; PLATFORM_HEALTH_PAUSE and _MAX_PAUSES come from the configuration).
PLATFORM_HEALTH_ENABLED = True
PLATFORM_HEALTH_WINDOW = 20
"""Answers the error and 403/429 shares are taken over."""
PLATFORM_HEALTH_WALL_STREAK = 3
"""Captcha or login walls in a row that pause the platform."""
PLATFORM_HEALTH_SLOW_DELAY = 1.0
"""Seconds between requests at the first slow-down step (doubled at each further step)."""
PLATFORM_HEALTH_WALL_RETRIES = 3
"""How often a request answered with a wall is asked again (after the pause) before it is a bad page."""

# Items: validate → dedupe (URL; content hash through the store) → match → evidence → image hash → store → feed.
# Match, evidence and store switch themselves off (NotConfigured) unless MATCH_ENABLED,
# EVIDENCE_ENABLED, STORE_ENABLED (config match_enabled, evidence_enabled, store_enabled); the image
# hash (pipelines/images.py) runs with the store unless IMAGE_HASH_ENABLED is off.
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.match.MatchPipeline": 300,
    "pipelines.evidence.EvidencePipeline": 400,
    "pipelines.images.ImageHashPipeline": 450,
    "pipelines.store.StorePipeline": 500,
}
FEED_EXPORT_ENCODING = "utf-8"

# The request queue (crawler/queue/): at least once, leased, local (SQLite in JOBDIR, else in memory)
# or shared in Redis (QUEUE_REDIS_URL and QUEUE_LEASE_SECONDS come from the configuration). Feeds are
# written through item by item, so a listing of an acknowledged request is never in a killed process.
SCHEDULER = "crawler.queue.scheduler.LeasedScheduler"
QUEUE_POLL_INTERVAL = 1.0
"""Seconds between a worker's heartbeats: leases extended, finished requests acknowledged, new work looked for."""
QUEUE_FINISHED_TTL = 600.0
"""A crawl finished on Redis is remembered this long (a late worker ends at once), then forgotten."""
QUEUE_KEY = ""
"""The shared crawl's name in Redis; empty = derived from the spider and its arguments."""
FEED_STORAGES = {"": "crawler.queue.feed.UnbufferedFileFeedStorage", "file": "crawler.queue.feed.UnbufferedFileFeedStorage"}

# Progress: one line per spider every PROGRESS_INTERVAL seconds (pages, items, bad pages).
EXTENSIONS = {
    "crawler.extensions.ProgressLog": 500,
    # AutoThrottle, taking a 304 for a full answer (crawler/conditional.py)
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.conditional.NotModifiedAutoThrottle": 0,
}
PROGRESS_INTERVAL = 15.0
LOGSTATS_INTERVAL = 60.0
# No listening ports from a crawler process.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Rendering (used by the ``rendered`` spider only, which installs the scrapy-playwright handler and
# adds the browser binary: RENDERED_BROWSER, else Debian's Chromium, else Playwright's own); one
# browser, a few pages at a time.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    # Not needed to read a page: images are never requested (scrapy-playwright routes every
    # request through Python, aborted ones too) and no separate GPU process is started.
    "args": chromium_args("--blink-settings=imagesEnabled=false", "--in-process-gpu"),
}
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
RENDERED_CONCURRENCY = 4
"""Pages rendered at once by the ``rendered`` spider (one browser, one context)."""
RENDERED_DATA_FROM = "auto"
"""``auto``: detail pages of a platform whose file has ``data_from`` are read from the JSON their
script fetches (crawler/rendering.py); ``dom``: every detail page is rendered and read from the DOM."""
RENDERED_PAGE_TIMEOUT = 30.0
"""Seconds a detail page may take to show its ready (or error) element; then it is retried."""

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

"""Scrapy settings of markwatch: polite and robust by default.

Why here and only here: ``scrapy crawl`` (via scrapy.cfg), ``markwatch crawl`` and
``markwatch demo`` all load this module, and every knob an operator may change comes from
:func:`markwatch.config.load_config` (markwatch.toml / ``MARKWATCH_*``), read once below.
"""

from __future__ import annotations

from markwatch.config import chromium_args, find_browser, load_config

_CONFIG = load_config()

BOT_NAME = "markwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are and what we may fetch.
USER_AGENT = _CONFIG.user_agent
ROBOTSTXT_OBEY = True

# Politeness: a per-domain cap, an optional floor delay and AutoThrottle on top of it.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = _CONFIG.concurrent_per_domain
DOWNLOAD_DELAY = _CONFIG.download_delay
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = _CONFIG.autothrottle
AUTOTHROTTLE_START_DELAY = max(_CONFIG.download_delay, 0.25)
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = float(_CONFIG.concurrent_per_domain)

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
}
SPIDER_MIDDLEWARES: dict[str, int] = {}
HTTPERROR_ALLOW_ALL = False

# Items: validate → dedupe → match → feed. The match pipeline switches itself off (NotConfigured)
# unless the Scrapy setting MARKWATCH_MATCH_ENABLED is true (see pipelines/match.py).
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.match.MatchPipeline": 300,
}
FEED_EXPORT_ENCODING = "utf-8"

# Progress: one line per spider every PROGRESS_INTERVAL seconds (pages, items, bad pages).
EXTENSIONS = {"crawler.extensions.ProgressLog": 500}
PROGRESS_INTERVAL = 15.0
LOGSTATS_INTERVAL = 60.0
LOG_LEVEL = _CONFIG.log_level
# No listening ports from a crawler process.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Rendering (used by the ``rendered`` spider only, which installs the scrapy-playwright handler):
# Debian's Chromium when present, Playwright's own otherwise; one browser, a few pages at a time.
_BROWSER = find_browser(_CONFIG.browser)
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    # Not needed to read a page: images are never requested (scrapy-playwright routes every
    # request through Python, aborted ones too) and no separate GPU process is started.
    "args": chromium_args("--blink-settings=imagesEnabled=false", "--in-process-gpu"),
    **({"executable_path": _BROWSER} if _BROWSER else {}),
}
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
RENDERED_CONCURRENCY = 4
"""Pages rendered at once by the ``rendered`` spider (one browser, one context)."""

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

"""The Scrapy add-on that turns markwatch's one configuration into Scrapy settings.

Why an add-on: every crawl, whether started by ``markwatch crawl`` / ``markwatch demo`` (through
:func:`crawler.runner.crawl_all`) or by ``scrapy crawl NAME`` from scrapy.cfg, creates a Scrapy
crawler process, and Scrapy calls :meth:`ConfigAddon.update_pre_crawler_settings` once when it does,
before any spider class adjusts its settings. So the configuration is read in one place, at the
start of the process, and never at import time: importing ``crawler.settings`` reads nothing, and a
knob one spider needs (the browser) is checked only by that spider.

Where the configuration comes from: the entry point loads it (:func:`markwatch.config.load_config`)
and hands the :class:`~markwatch.config.Config` over in the ``CONFIG`` setting; when that is missing
(``scrapy crawl``, where Scrapy is the entry point) the add-on loads it itself.

Precedence: derived settings are set with Scrapy's ``addon`` priority, so ``crawler/settings.py``
must not define them (tests/test_config.py checks), while a spider's own settings and ``-s NAME=VALUE``
still override them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

from markwatch.config import Config, cache_directory, load_config, model_path

CONFIG_SETTING = "CONFIG"
"""Scrapy setting holding the :class:`~markwatch.config.Config` the entry point loaded."""


def settings_from_config(config: Config) -> dict[str, Any]:
    """The Scrapy settings derived from ``config`` (the naming scheme is in crawler/settings.py)."""
    cache = cache_directory(config)
    return {
        # Scrapy's own knobs
        "USER_AGENT": config.user_agent,
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrent_per_domain,
        "DOWNLOAD_DELAY": config.download_delay,
        "AUTOTHROTTLE_ENABLED": config.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(config.download_delay, 0.25),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(config.concurrent_per_domain),
        "LOG_LEVEL": config.log_level,
        # the request queue (crawler/queue/): local, or shared in Redis by every worker of a crawl
        "QUEUE_REDIS_URL": config.crawl_redis,
        "QUEUE_LEASE_SECONDS": config.crawl_lease_seconds,
        # the match pipeline (pipelines/match.py)
        "MATCH_ENABLED": config.match_enabled,
        "MATCH_REGISTER": config.register,
        "MATCH_THRESHOLD": config.match_threshold,
        "MATCH_CACHE_DIR": str(cache) if cache is not None else "",
        "MATCH_MODEL": str(model_path(config) or ""),
        # the rendered spider (crawler/spiders/rendered.py); checked only when that spider runs
        "RENDERED_BROWSER": config.browser,
        # the store and evidence pipelines (pipelines/store.py, pipelines/evidence.py)
        "STORE_ENABLED": config.store_enabled,
        "STORE_DATA_DIR": str(config.data_dir),
        "STORE_URL": config.store_url,
        "STORE_BATCH_SIZE": config.store_batch_size,
        "STORE_BATCH_SECONDS": config.store_batch_seconds,
        "EVIDENCE_ENABLED": config.evidence_enabled,
        "EVIDENCE_DATA_DIR": str(config.data_dir),
        "EVIDENCE_BROWSER": config.browser,
        "EVIDENCE_BROWSER_TABS": config.evidence_browser_tabs,
        "EVIDENCE_TIMEOUT": config.evidence_timeout,
        "EVIDENCE_CHECKPOINT_EVERY": config.evidence_checkpoint_every,
        # the image-hash pipeline (pipelines/images.py), on only with the store
        "IMAGE_HASH_ENABLED": config.image_hash_enabled,
        # conditional requests through Scrapy's HTTP cache (crawler/conditional.py), on only with the store
        "HTTPCACHE_ENABLED": config.conditional_requests and config.store_enabled,
        "HTTPCACHE_DIR": str(Path(config.data_dir).resolve() / "httpcache"),
        "HTTPCACHE_PRUNE_DAYS": config.httpcache_max_age_days,
        # platform health (crawler/health.py)
        "PLATFORM_HEALTH_PAUSE": config.health_pause_seconds,
        "PLATFORM_HEALTH_MAX_PAUSES": config.health_max_pauses,
    }


class ConfigAddon:
    """Scrapy add-on (``ADDONS`` in crawler/settings.py): derives the settings from the configuration."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        config = settings.get(CONFIG_SETTING)
        if not isinstance(config, Config):  # scrapy crawl: Scrapy is the entry point, load it here
            config = load_config()
            settings.set(CONFIG_SETTING, config, priority="addon")
        for name, value in settings_from_config(config).items():
            settings.set(name, value, priority="addon")

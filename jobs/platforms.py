"""What the routine crawls: the ``[schedule_platforms.NAME]`` tables of the config, read and checked.

Each platform has a spider (html | rendered | api), its address, and may have a window (crawled only
between two UTC times, e.g. at night when the platform asked us to), a rate (requests per second at
most: Scrapy's DOWNLOAD_DELAY = 1 / rate, one request at a time) and a page budget per run.

```toml
[schedule_platforms.bazaar]
spider = "html"
base_url = "https://bazaar.example"
window = "22:00-06:00"
rate = 2.0
max_pages = 5000
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Mapping

from markwatch.config import Config, ConfigError

SPIDERS = ("html", "rendered", "api")
KNOWN_KEYS = {"spider", "base_url", "window", "rate", "max_pages", "enabled", "discover"}


@dataclass(frozen=True)
class Target:
    name: str
    spider: str
    base_url: str
    window: tuple[time, time] | None = None
    rate: float = 0.0
    """Requests per second at most; 0 = the crawler's own politeness (AutoThrottle, per-site cap)."""
    max_pages: int | None = None
    discover: bool = False
    """Also search the platform for every right of the register each run (keyword discovery)."""

    def in_window(self, when: datetime) -> bool:
        """True when ``when`` (UTC) is inside the window (a window may run past midnight)."""
        if self.window is None:
            return True
        start, end = self.window
        now = when.time().replace(tzinfo=None)
        return start <= now < end if start <= end else (now >= start or now < end)

    def window_text(self) -> str:
        return "always" if self.window is None else f"{self.window[0]:%H:%M}-{self.window[1]:%H:%M} UTC"

    def scrapy_settings(self) -> dict[str, str]:
        """Settings that keep the crawl within the platform's rate."""
        if self.rate <= 0:
            return {}
        return {"DOWNLOAD_DELAY": f"{1.0 / self.rate:.3f}", "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
                "AUTOTHROTTLE_ENABLED": "False", "RANDOMIZE_DOWNLOAD_DELAY": "False"}


def _window(name: str, text: Any) -> tuple[time, time] | None:
    if text in (None, ""):
        return None
    try:
        first, last = str(text).split("-")
        return time.fromisoformat(first.strip()), time.fromisoformat(last.strip())
    except ValueError:
        raise ConfigError(f"schedule_platforms.{name}.window: {text!r} is not a window; write \"22:00-06:00\" (UTC)") from None


def read_targets(config: Config) -> list[Target]:
    """The enabled platforms of ``config``, in name order; :class:`ConfigError` for a bad table."""
    tables: Mapping[str, Any] = config.schedule_platforms or {}
    targets = []
    for name, table in sorted(tables.items()):
        if not isinstance(table, Mapping):
            raise ConfigError(f"schedule_platforms.{name}: must be a table with spider and base_url")
        unknown = set(table) - KNOWN_KEYS
        if unknown:
            raise ConfigError(f"schedule_platforms.{name}: unknown key(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(sorted(KNOWN_KEYS))}")
        if table.get("enabled", True) is False:
            continue
        spider = str(table.get("spider", ""))
        if spider not in SPIDERS:
            raise ConfigError(f"schedule_platforms.{name}.spider: {spider!r}; use one of {', '.join(SPIDERS)}")
        base_url = str(table.get("base_url", "")).strip()
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"schedule_platforms.{name}.base_url: give the platform's address, e.g. https://shop.example")
        try:
            rate = float(table.get("rate", 0) or 0)
            max_pages = int(table["max_pages"]) if table.get("max_pages") else None
        except (TypeError, ValueError):
            raise ConfigError(f"schedule_platforms.{name}: rate must be a number (requests/s), max_pages a whole number") from None
        if rate < 0 or (max_pages is not None and max_pages < 1):
            raise ConfigError(f"schedule_platforms.{name}: rate must be 0 or more, max_pages at least 1")
        targets.append(Target(name, spider, base_url, _window(name, table.get("window")), rate, max_pages,
                              bool(table.get("discover", False))))
    return targets

"""A platform's health after a crawl, read from the crawl's stats: what the routine records per run.

Why in the ground: the crawler counts (crawler/health.py, Scrapy stats ``markwatch/health/*``), but
the routine (jobs/) runs crawls as processes and reads their stats JSON (``markwatch crawl
--stats-json``); both need the same reading of those counts, and jobs/ may not import the crawler.
Plain Python, no Scrapy.

States, worst last: ``ok``; ``degraded`` (many errors or 403/429 answers: the crawler slowed down);
``walled`` (captcha or login walls: the crawler paused the platform, and it let the crawl go on
afterwards); ``blocked`` (the wall stayed up through every pause: the crawl of that platform stopped,
finish reason ``platform_blocked``).
"""

from __future__ import annotations

from typing import Any, Mapping

PREFIX = "markwatch/health/"
STATES = ("ok", "degraded", "walled", "blocked")
BLOCKED_REASON = "platform_blocked"


def _count(stats: Mapping[str, Any], name: str) -> int:
    try:
        return int(stats.get(PREFIX + name, 0) or 0)
    except (TypeError, ValueError):
        return 0


def health_summary(stats: Mapping[str, Any], platform: str = "") -> dict[str, Any]:
    """The health record of one crawl (one platform) from its final stats.

    Keys: ``platform``, ``state`` (:data:`STATES`), ``responses``, ``errors`` (5xx and failed
    downloads), ``error_rate``, ``throttled`` ({"403": n, "429": n}), ``walls`` ({"captcha": n,
    "login": n}), ``pauses``, ``slowest_delay`` (seconds between requests at the slowest), and
    ``note``: one line for a person (empty when ``ok``)."""
    responses = _count(stats, "responses")
    errors = _count(stats, "errors")
    throttled = {"403": _count(stats, "status_403"), "429": _count(stats, "status_429")}
    walls = {"captcha": _count(stats, "wall_captcha"), "login": _count(stats, "wall_login")}
    pauses = _count(stats, "pauses")
    try:
        delay = float(stats.get(PREFIX + "delay", 0.0) or 0.0)
    except (TypeError, ValueError):
        delay = 0.0
    platform = platform or str(stats.get(PREFIX + "platform", "") or "")
    blocked = stats.get("finish_reason") == BLOCKED_REASON or bool(stats.get(PREFIX + "blocked"))
    if blocked:
        state = "blocked"
    elif pauses or sum(walls.values()):
        state = "walled"
    elif delay > 0 or (responses and (errors + sum(throttled.values())) / responses >= 0.2):
        state = "degraded"
    else:
        state = "ok"
    rate = round(errors / responses, 3) if responses else 0.0
    return {"platform": platform, "state": state, "responses": responses, "errors": errors, "error_rate": rate,
            "throttled": throttled, "walls": walls, "pauses": pauses, "slowest_delay": round(delay, 3),
            "note": _note(platform or "the platform", state, errors, responses, throttled, walls, pauses, delay)}


def _note(platform: str, state: str, errors: int, responses: int, throttled: dict[str, int],
          walls: dict[str, int], pauses: int, delay: float) -> str:
    if state == "ok":
        return ""
    parts = []
    wall_words = [f"{n} {kind} walls" for kind, n in walls.items() if n]
    if wall_words:
        parts.append(" and ".join(wall_words))
    pushback = [f"{n}× {code}" for code, n in throttled.items() if n]
    if pushback:
        parts.append(", ".join(pushback))
    if errors:
        parts.append(f"{errors} errors in {responses} answers")
    what = "; ".join(parts) or "pushed back"
    if state == "blocked":
        return (f"{platform} stayed behind its wall ({what}) through {pauses} pauses: its crawl was stopped; "
                "try later, at a lower rate (download_delay) or from another address")
    if state == "walled":
        return f"{platform} put up walls ({what}): paused {pauses}× and went on more slowly"
    if delay > 0:
        return f"{platform} pushed back ({what}): slowed to one request every {delay:.1f} s"
    return f"{platform} answered badly ({what})"

"""Campaigns: named date windows in which the routine looks harder — extra rights or keywords, and
runs more often.

Shipped defaults (each year, dates from index/seasons.py, which the dashboard and the period
reports use too, so a campaign and the "peak season" charts agree): Spring Festival, May Day,
Mid-Autumn (mooncakes, crabs, liquor), National Day, the harvest of 阳澄湖大闸蟹 (autumn) and of
南汇水蜜桃 (summer), and the China International Import Expo (进博会, 5–10 November) in three
phases: ``before`` (a sweep for the expo's special marks and the exhibitors' brands), ``during``
(every day, twice), ``after`` (a follow-up: every listing found since the sweep began is looked at
again, to see what was taken down).

The configuration adds campaigns or changes shipped ones by name (``[campaigns.NAME]`` tables,
config ``campaigns``): ``start``/``end`` (dates, inclusive; a shipped campaign without them keeps its
yearly dates), ``rights`` (right ids), ``keywords`` (searched on every platform), ``cron`` (extra
run times while it runs), ``recheck_days`` (how often listings of its rights are re-checked),
``label_zh``/``label_en``, ``enabled = false``. An expo-like campaign gets phases with ``phases =
true`` plus ``before_days``/``after_days``.

What a campaign does to a run is in :func:`jobs.selection.select` and :func:`jobs.plan.build_plans`;
:func:`campaign_report` compares a finished campaign with the normal weeks before it.

Why in ``index`` beside seasons.py and not in ``jobs``: the routine runs campaigns, but the
workbench shows them and the period report compares them, and ``web`` may not import ``jobs``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from index.seasons import festival_windows
from markwatch.config import Config, ConfigError

TWICE_A_DAY = "0 2,14 * * *"


@dataclass(frozen=True)
class Campaign:
    name: str
    """Unique per window: ``mid_autumn-2026``, ``ciie-2026-before``."""
    key: str
    """The definition it comes from (``mid_autumn``, ``ciie``)."""
    label_zh: str
    label_en: str
    start: date
    end: date
    """Inclusive last day."""
    rights: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    cron: str = ""
    """Extra run times while it runs ("" = the base schedule only)."""
    recheck_days: float = 1.0
    """Listings of its rights are re-checked when their last check is this old."""
    phase: str = ""
    """``before`` | ``during`` | ``after`` for a campaign with phases, else ""."""
    follow_up_since: date | None = None
    """``after`` phase: listings first seen since this day (on its rights) are all re-checked."""

    def active(self, day: date) -> bool:
        return self.start <= day <= self.end

    def to_json(self) -> dict[str, Any]:
        row = dataclasses.asdict(self)
        row.update(start=self.start.isoformat(), end=self.end.isoformat(),
                   follow_up_since=self.follow_up_since.isoformat() if self.follow_up_since else None,
                   rights=list(self.rights), keywords=list(self.keywords))
        return row


# -- shipped definitions -------------------------------------------------------------------------------
FESTIVAL_GOODS: dict[str, dict[str, Any]] = {
    "spring_festival": {"rights": ["gi-maotai-liquor", "tm-wuliangye", "gi-jinhua-ham", "gi-xinhui-chenpi"],
                        "keywords": ["年货", "新年礼盒", "春节礼盒"], "cron": TWICE_A_DAY},
    "may_day": {"rights": ["tm-nike", "tm-adidas", "tm-li-ning", "tm-anta"], "keywords": ["五一特惠"], "cron": ""},
    "mid_autumn": {"rights": ["gi-yangchenghu-crab", "gi-maotai-liquor", "tm-wuliangye"],
                   "keywords": ["月饼", "月饼礼盒", "中秋礼盒", "蟹卡"], "cron": TWICE_A_DAY},
    "national_day": {"rights": ["gi-maotai-liquor", "tm-wuliangye", "tm-apple", "tm-huawei"],
                     "keywords": ["国庆礼盒"], "cron": ""},
}
HARVESTS: dict[str, dict[str, Any]] = {
    "yangchenghu_crab": {"label_zh": "阳澄湖大闸蟹上市季", "label_en": "阳澄湖大闸蟹 (Yangcheng Lake crab) season",
                         "months": (9, 12), "rights": ["gi-yangchenghu-crab", "gi-chongming-crab"],
                         "keywords": ["大闸蟹", "阳澄湖", "蟹卡", "蟹券"], "cron": ""},
    "nanhui_peach": {"label_zh": "南汇水蜜桃上市季", "label_en": "南汇水蜜桃 (Nanhui peach) season",
                     "months": (6, 8), "rights": ["gi-nanhui-peach", "gi-jinshan-peach"],
                     "keywords": ["水蜜桃", "南汇"], "cron": ""},
}
EXPOS: dict[str, dict[str, Any]] = {
    "ciie": {"label_zh": "进博会", "label_en": "China International Import Expo (CIIE)",
             "month_day": ((11, 5), (11, 10)), "before_days": 30, "after_days": 30,
             "rights": ["sm-ciie", "sm-jinbao"],
             "exhibitor_rights": ["tm-dyson", "tm-estee-lauder", "tm-lancome", "tm-omron", "tm-samsung"],
             "keywords": ["进博会", "进宝", "CIIE"]},
}
PHASE_LABELS = {"before": ("前期排查", "before: sweep"), "during": ("会期", "during: daily"),
                "after": ("后续跟进", "after: follow-up")}


def _festivals(year: int) -> list[Campaign]:
    found = []
    for window in festival_windows(year):
        goods = FESTIVAL_GOODS.get(window.key)
        if goods is None:
            continue
        found.append(Campaign(f"{window.key}-{year}", window.key, window.label_zh, window.label_en, window.start,
                              window.end, tuple(goods["rights"]), tuple(goods["keywords"]), goods["cron"]))
    return found


def _month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def _harvest(key: str, spec: Mapping[str, Any], year: int) -> Campaign:
    first, last = spec["months"]
    return Campaign(f"{key}-{year}", key, spec["label_zh"], spec["label_en"], date(year, first, 1),
                    _month_end(year + (last < first), last), tuple(spec["rights"]), tuple(spec["keywords"]),
                    spec.get("cron", ""), float(spec.get("recheck_days", 2.0)))


def _phases(key: str, spec: Mapping[str, Any], start: date, end: date, year: int) -> list[Campaign]:
    """The three phases of an expo-like campaign running ``start``–``end``."""
    before = timedelta(days=int(spec.get("before_days", 30)))
    after = timedelta(days=int(spec.get("after_days", 30)))
    rights = tuple(spec.get("rights", ())) + tuple(spec.get("exhibitor_rights", ()))
    keywords = tuple(spec.get("keywords", ()))
    zh, en = spec.get("label_zh", key), spec.get("label_en", key)
    tag = f"{key}-{year}"
    return [
        Campaign(f"{tag}-before", key, f"{zh}·{PHASE_LABELS['before'][0]}", f"{en} · {PHASE_LABELS['before'][1]}",
                 start - before, start - timedelta(days=1), rights, keywords, spec.get("cron", ""),
                 float(spec.get("recheck_days", 2.0)), "before"),
        Campaign(f"{tag}-during", key, f"{zh}·{PHASE_LABELS['during'][0]}", f"{en} · {PHASE_LABELS['during'][1]}",
                 start, end, rights, keywords, spec.get("during_cron", TWICE_A_DAY), 1.0, "during"),
        Campaign(f"{tag}-after", key, f"{zh}·{PHASE_LABELS['after'][0]}", f"{en} · {PHASE_LABELS['after'][1]}",
                 end + timedelta(days=1), end + after, rights, (), "", 2.0, "after", follow_up_since=start - before),
    ]


def _as_date(value: Any, name: str, key: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"campaigns.{name}.{key}: {value!r} is not a date; write YYYY-MM-DD") from None


def _strings(value: Any, name: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"campaigns.{name}.{key}: give a list of strings, e.g. {key} = [\"…\"]")
    return tuple(value)


KNOWN_KEYS = {"start", "end", "rights", "keywords", "cron", "recheck_days", "label_zh", "label_en", "enabled",
              "phases", "before_days", "after_days", "during_cron", "exhibitor_rights"}


def campaigns_for_year(year: int, config: Config | None = None) -> list[Campaign]:
    """Every campaign window of ``year`` (shipped ones changed by the config, then the config's own)."""
    tables: Mapping[str, Any] = (config.campaigns if config is not None else {}) or {}
    for name, table in tables.items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"campaigns.{name}: must be a table ([campaigns.{name}] with start, end, …)")
        unknown = set(table) - KNOWN_KEYS
        if unknown:
            raise ConfigError(f"campaigns.{name}: unknown key(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(sorted(KNOWN_KEYS))}")
        if table.get("cron"):
            from croniter import croniter

            if not croniter.is_valid(str(table["cron"])):
                raise ConfigError(f"campaigns.{name}.cron: {table['cron']!r} is not a cron expression; write five "
                                  "fields 'minute hour day month weekday', e.g. '0 2,14 * * *'")
    found: list[Campaign] = []
    defaults = _festivals(year)
    defaults += [_harvest(key, spec, year) for key, spec in HARVESTS.items()]
    for key, spec in EXPOS.items():
        (m1, d1), (m2, d2) = spec["month_day"]
        defaults += _phases(key, spec, date(year, m1, d1), date(year, m2, d2), year)
    for campaign in defaults:
        table = tables.get(campaign.key)
        if table is None:
            found.append(campaign)
            continue
        if table.get("enabled", True) is False or "start" in table:
            continue  # turned off, or made a one-off with its own dates (below)
        changes: dict[str, Any] = {}
        for key in ("rights", "keywords"):
            if key in table and not (key == "keywords" and campaign.phase == "after"):
                changes[key] = _strings(table[key], campaign.key, key)
        if "cron" in table and campaign.phase != "during":
            changes["cron"] = str(table["cron"])
        if "recheck_days" in table:
            changes["recheck_days"] = float(table["recheck_days"])
        for key in ("label_zh", "label_en"):
            if key in table and not campaign.phase:
                changes[key] = str(table[key])
        found.append(dataclasses.replace(campaign, **changes))
    for name, table in tables.items():
        if table.get("enabled", True) is False or "start" not in table:
            continue
        start = _as_date(table["start"], name, "start")
        end = _as_date(table.get("end", table["start"]), name, "end")
        if end < start:
            raise ConfigError(f"campaigns.{name}: end {end} is before start {start}")
        if start.year != year:
            continue
        spec = {**EXPOS.get(name, {}), **table}
        if table.get("phases") or (name in EXPOS and table.get("phases", True)):
            found += _phases(name, spec, start, end, year)
            continue
        found.append(Campaign(f"{name}-{year}" if not name.endswith(str(year)) else name, name,
                              str(table.get("label_zh", name)), str(table.get("label_en", name)), start, end,
                              _strings(table.get("rights"), name, "rights"),
                              _strings(table.get("keywords"), name, "keywords"), str(table.get("cron", "")),
                              float(table.get("recheck_days", 1.0))))
    return sorted(found, key=lambda c: (c.start, c.name))


def active_campaigns(day: date, config: Config | None = None) -> list[Campaign]:
    """Campaigns running on ``day`` (windows of the year before reach into January)."""
    return [c for year in (day.year - 1, day.year) for c in campaigns_for_year(year, config) if c.active(day)]


def campaigns_between(since: date, until: date, config: Config | None = None) -> list[Campaign]:
    """Campaigns overlapping [since, until), by start."""
    found = {c.name: c for year in range(since.year - 1, until.year + 1) for c in campaigns_for_year(year, config)
             if c.start < until and c.end >= since}
    return sorted(found.values(), key=lambda c: (c.start, c.name))


# -- after the campaign: against normal weeks -----------------------------------------------------------
def _shares_rights(a: Campaign, b: Campaign) -> bool:
    return a.key == b.key or not a.rights or not b.rights or bool(set(a.rights) & set(b.rights))


def campaign_report(store: Any, campaign: Campaign, normal_weeks: int = 4, config: Config | None = None,
                    today: date | None = None) -> dict[str, Any]:
    """How the campaign's window compares with normal weeks, counted by the store: leads first seen per
    day on the campaign's rights (all rights when it has none), how many were confirmed and removed.
    The period report can call this per campaign (:func:`reports_between`).

    Normal days: the ``normal_weeks`` weeks before the campaign and after it (up to ``today``), less the
    days of any campaign on the same rights (its own other phases included: an expo is compared with
    the weeks outside all of it). ``ratio`` is leads per day in the campaign over leads per day on the
    normal days (None when there are no normal days or they found nothing)."""
    from index.store import SearchQuery

    last_day = today or campaign.end
    end = min(campaign.end, last_day)
    until = end + timedelta(days=1)
    rights = list(campaign.rights)
    campaign_days = max(0, (until - campaign.start).days)
    since_text, until_text = campaign.start.isoformat(), until.isoformat()
    inside = store.count(SearchQuery(right=rights, since=since_text, until=until_text))
    confirmed = store.count(SearchQuery(right=rights, since=since_text, until=until_text,
                                        status=["confirmed", "notified", "removed", "still_online", "rejected",
                                                "counter_notice"]))
    removed = store.count(SearchQuery(right=rights, since=since_text, until=until_text, status=["removed"]))
    span = timedelta(weeks=normal_weeks)
    normal_since = campaign.start - span
    normal_until = min(campaign.end + span, last_day) + timedelta(days=1)
    busy = {c.start + timedelta(days=i) for c in campaigns_between(normal_since, normal_until, config)
            if _shares_rights(campaign, c) for i in range((c.end - c.start).days + 1)}
    candidates = [normal_since + timedelta(days=i) for i in range((normal_until - normal_since).days)]
    normal_days = [d for d in candidates if not campaign.start <= d <= campaign.end and d not in busy]
    per_day = {row.day: row.count for row in store.histogram(
        SearchQuery(right=rights, since=normal_since.isoformat(), until=normal_until.isoformat()))}
    normal_total = sum(per_day.get(d.isoformat(), 0) for d in normal_days)
    campaign_rate = inside / campaign_days if campaign_days else 0.0
    normal_rate = normal_total / len(normal_days) if normal_days else 0.0
    return {
        "campaign": campaign.name, "label_zh": campaign.label_zh, "label_en": campaign.label_en,
        "start": campaign.start.isoformat(), "end": end.isoformat(), "days": campaign_days,
        "rights": rights, "leads": inside, "confirmed": confirmed, "removed": removed,
        "leads_per_day": round(campaign_rate, 2), "normal_days": len(normal_days),
        "normal_leads_per_day": round(normal_rate, 2),
        "ratio": round(campaign_rate / normal_rate, 2) if normal_rate else None,
    }


def reports_between(store: Any, since: date, until: date, config: Config | None = None) -> list[dict[str, Any]]:
    """:func:`campaign_report` of every campaign that started in [since, until) (for the period report)."""
    return [campaign_report(store, c, config=config, today=until - timedelta(days=1))
            for c in campaigns_between(since, until, config) if since <= c.start < until]


__all__ = ["Campaign", "active_campaigns", "campaigns_between", "campaigns_for_year", "campaign_report",
           "reports_between"]

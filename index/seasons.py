"""Peak periods the office watches (DOMAIN.md: New Year's Day, Spring Festival, May Day,
Mid-Autumn, National Day, and each GI product's launch season) and the key-goods category of a
right, as small tables the dashboard, the period reports and (later) the campaigns in ``jobs/``
share.

Why tables and not a lunar-calendar library: the office needs seven years of two lunar dates,
which fit in a few lines, can be checked against the State Council's holiday notices, and need no
dependency. Windows include the shopping run-up before a festival, when counterfeit gift goods
(moon cakes, liquor, crabs) are sold: Spring Festival from 14 days before New Year's Day of the
lunar calendar to 7 days after, Mid-Autumn from 14 days before to the day after, the fixed
holidays as the statutory holidays (May Day 1–5 May, National Day 1–7 October, New Year's Day
1–3 January). Dates are UTC calendar days (the store's times are UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

SPRING_FESTIVAL = {2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
                   2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
                   2030: date(2030, 2, 3)}
"""The first day of the lunar year (春节), by Gregorian year."""
MID_AUTUMN = {2024: date(2024, 9, 17), 2025: date(2025, 10, 6), 2026: date(2026, 9, 25),
              2027: date(2027, 9, 15), 2028: date(2028, 10, 3), 2029: date(2029, 9, 22),
              2030: date(2030, 9, 12)}
"""The 15th day of the 8th lunar month (中秋节), by Gregorian year."""

GI_HARVEST_MONTHS: dict[str, tuple[int, int]] = {
    "阳澄湖大闸蟹": (9, 12),
    "西湖龙井": (3, 5),
    "五常大米": (9, 11),
    "赣南脐橙": (11, 1),
    "烟台苹果": (9, 11),
    "库尔勒香梨": (8, 10),
}
"""Launch (harvest) season of a GI product, first and last month inclusive (a season may run over
the new year: (11, 1) is November to January). Keyed by the GI's protected name."""

SEASON_LABELS: dict[str, tuple[str, str]] = {
    "new_year": ("元旦", "New Year's Day"),
    "spring_festival": ("春节", "Spring Festival"),
    "may_day": ("五一劳动节", "May Day"),
    "mid_autumn": ("中秋节", "Mid-Autumn Festival"),
    "national_day": ("国庆节", "National Day"),
}


@dataclass(frozen=True)
class SeasonWindow:
    key: str
    """``spring_festival`` …, or ``gi_harvest`` for a GI's launch season."""
    year: int
    start: date
    end: date
    """Inclusive last day."""
    label_zh: str
    label_en: str
    right_id: str = ""
    """For ``gi_harvest``: the GI whose leads are counted (only its leads)."""

    def overlap(self, since: date, until: date) -> tuple[date, date] | None:
        """The part of the window in [since, until) as [first, last + 1 day), or None."""
        first, end = max(self.start, since), min(self.end + timedelta(days=1), until)
        return (first, end) if first < end else None


def festival_windows(year: int) -> list[SeasonWindow]:
    """The peak holiday windows of ``year`` (lunar festivals only for years in the tables)."""
    windows = [SeasonWindow("new_year", year, date(year, 1, 1), date(year, 1, 3), *SEASON_LABELS["new_year"])]
    if year in SPRING_FESTIVAL:
        day = SPRING_FESTIVAL[year]
        windows.append(SeasonWindow("spring_festival", year, day - timedelta(days=14), day + timedelta(days=7),
                                    *SEASON_LABELS["spring_festival"]))
    windows.append(SeasonWindow("may_day", year, date(year, 5, 1), date(year, 5, 5), *SEASON_LABELS["may_day"]))
    if year in MID_AUTUMN:
        day = MID_AUTUMN[year]
        windows.append(SeasonWindow("mid_autumn", year, day - timedelta(days=14), day + timedelta(days=1),
                                    *SEASON_LABELS["mid_autumn"]))
    windows.append(SeasonWindow("national_day", year, date(year, 10, 1), date(year, 10, 7),
                                *SEASON_LABELS["national_day"]))
    return windows


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))


def gi_windows(year: int, rights: Iterable[Mapping[str, Any]]) -> list[SeasonWindow]:
    """The launch season of each GI in ``rights`` whose name is in :data:`GI_HARVEST_MONTHS`, or
    that carries its own ``harvest_months: [first, last]``, starting in ``year``."""
    windows = []
    for right in rights:
        if right.get("kind") != "gi":
            continue
        months = right.get("harvest_months") or GI_HARVEST_MONTHS.get(str(right.get("name", "")))
        if not months:
            continue
        first, last = int(months[0]), int(months[1])
        end_year = year + (last < first)
        name = str(right.get("name", right.get("id", "")))
        windows.append(SeasonWindow("gi_harvest", year, date(year, first, 1), _month_end(end_year, last),
                                    f"{name}上市季", f"{name} season", right_id=str(right.get("id", ""))))
    return windows


def windows_between(since: date, until: date, rights: Iterable[Mapping[str, Any]] = ()) -> list[SeasonWindow]:
    """Every window that overlaps [since, until), by start date."""
    rights = list(rights)
    found = []
    for year in range(since.year - 1, until.year + 1):
        for window in festival_windows(year) + gi_windows(year, rights):
            if window.overlap(since, until):
                found.append(window)
    return sorted(found, key=lambda w: (w.start, w.key, w.right_id))


# -- key goods -------------------------------------------------------------------------------------------
KEY_GOODS_BY_CLASS: dict[int, str] = {5: "drugs", 10: "medical_devices", 29: "food", 30: "food", 32: "food",
                                      33: "food", 31: "seeds_agri", 28: "children", 3: "cosmetics"}
"""Nice class → key-goods category (DOMAIN.md "Key goods"). Class 31 (live animals, fresh produce,
seeds) is "seeds and farm products"; class 28 (toys, games) stands for children's products."""
KEY_GOODS_LABELS: dict[str, tuple[str, str]] = {
    "food": ("食品", "Food and drink"),
    "drugs": ("药品", "Drugs"),
    "seeds_agri": ("种子与农产品", "Seeds and farm products"),
    "medical_devices": ("医疗器械", "Medical devices"),
    "children": ("儿童用品", "Children's products"),
    "cosmetics": ("化妆品", "Cosmetics"),
    "other": ("其他商品", "Other goods"),
}


def key_goods(right: Mapping[str, Any] | None) -> str:
    """The key-goods category of a right: from its first listed Nice class (its main goods), or
    ``other``. A right may name its category itself (``key_goods: food``)."""
    if not right:
        return "other"
    own = right.get("key_goods")
    if isinstance(own, str) and own in KEY_GOODS_LABELS:
        return own
    classes = right.get("nice_classes") or []
    return KEY_GOODS_BY_CLASS.get(int(classes[0]), "other") if classes else "other"

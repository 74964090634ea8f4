"""``/runs`` (and ``/runs.json``): the routine's runs and the campaigns — what ``markwatch schedule``
did each night (pages, listings, new leads, errors per platform, how long), which campaigns run now
or soon, and how the recent ones compare with normal weeks.

Why a page: the routine runs at night with nobody watching; the morning's first question is "did
last night's run go through, and what did it find". The runs table is ``DATA_DIR/jobs.sqlite``
(index/runs.py, written by jobs/); campaigns and their reports come from index/campaigns.py, the
same functions ``markwatch schedule status`` and the period report use.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from index.campaigns import active_campaigns, campaign_report, campaigns_between
from index.runs import RunLog
from index.store import LeadStore
from markwatch.config import Config
from web.accounts import User
from web.deps import get_config, get_store, require_user
from web.templating import page

router = APIRouter()
RUNS_SHOWN = 30
UPCOMING_DAYS = 60
RECENT_DAYS = 60


def next_run_time(expression: str, now: datetime) -> str:
    """The next slot of the schedule (UTC, ``YYYY-MM-DD HH:MM``), "" for an unreadable expression."""
    from croniter import croniter

    if not croniter.is_valid(expression):
        return ""
    return croniter(expression, now).get_next(datetime).strftime("%Y-%m-%d %H:%M")


@router.get("/runs", include_in_schema=False)
@router.get("/runs.json", summary="Routine runs (markwatch schedule) with their figures, and the campaigns")
def runs_page(request: Request, user: User = Depends(require_user), store: LeadStore = Depends(get_store),
              config: Config = Depends(get_config)) -> Response:
    now = datetime.now(timezone.utc)
    today = now.date()
    runs = RunLog(config.data_dir).last(RUNS_SHOWN)
    running = {c.name for c in active_campaigns(today, config)}
    window = campaigns_between(today - timedelta(days=RECENT_DAYS), today + timedelta(days=UPCOMING_DAYS), config)
    campaigns: list[dict[str, Any]] = []
    for campaign in window:
        row = campaign.to_json()
        row["state"] = "running" if campaign.name in running else ("upcoming" if campaign.start > today else "ended")
        row["report"] = campaign_report(store, campaign, config=config, today=today) if row["state"] != "upcoming" else None
        campaigns.append(row)
    data = {"schedule_cron": config.schedule_cron, "next_run": next_run_time(config.schedule_cron, now),
            "runs": [run.to_json() for run in runs], "campaigns": campaigns}
    return page(request, "runs.html", {"runs": runs, "campaigns": campaigns, "schedule_cron": config.schedule_cron,
                                       "next_run": data["next_run"]}, data)

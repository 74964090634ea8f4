"""``/dashboard`` (and ``/dashboard.json``): the office's charts over a period — leads per day by
right kind and by platform, confirmation rate, notices sent and listings removed, the median time
from notice to removal, takedown rate per platform, repeat sellers, peak seasons and key goods.

Why the charts are drawn here, on the server: :mod:`web.charts` makes inline SVG (no script, no
inline style: the CSP allows neither), so the page works without JavaScript and prints. The numbers
come from :func:`web.report_data.build_dashboard` (store aggregations only), the same module the
period reports use, and the JSON twin hands them back unchanged. Filters live in the URL
(``since``, ``until`` inclusive, ``platform`` repeatable), so a dashboard view is a permalink.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from index.seasons import KEY_GOODS_LABELS
from index.store import LeadStore
from markwatch.config import Config
from web.accounts import User
from web.charts import Series, bar_chart, hbar_chart, line_chart
from web.deps import get_config, get_store, require_user
from web.i18n import translate
from web.report_data import KINDS, Period, build_dashboard, parse_period, top_networks
from web.templating import page, wants_json

router = APIRouter()

DEFAULT_DAYS = 90
MAX_DAYS = 731


def dashboard_period(since: str, until: str, today: date | None = None) -> Period:
    """The period of the URL's ``since``/``until`` (inclusive days); by default the last 90 days."""
    today = today or datetime.now(timezone.utc).date()
    last = until or today.isoformat()
    try:
        first = since or (date.fromisoformat(last) - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        period = parse_period(first, last)
    except ValueError as exc:
        raise HTTPException(400, detail=f"since/until: {exc}") from None
    if (period.until - period.since).days > MAX_DAYS:
        raise HTTPException(400, detail=f"since/until: at most {MAX_DAYS} days at once")
    return period


def charts(data: dict[str, Any], _: Callable[[str], str], lang: str) -> dict[str, Markup]:
    """Every chart of the dashboard as SVG, labels in the page's language."""
    days = [d[5:] for d in data["days"]]  # MM-DD under the axis
    kind_names = {"trademark": _("trademark"), "gi": _("geographical indication"), "special_mark": _("special mark")}
    kinds = [Series(kind_names.get(k, k), v) for k, v in data["leads_by_kind"].items() if k in KINDS or any(v)]
    platforms = [Series(p, v) for p, v in sorted(data["leads_by_platform"].items())]
    steps = data["steps"]
    rates = [None if r is None else round(r * 100, 1) for r in data["confirmation_rate_by_day"]]
    takedown = data["takedown_rates"]
    goods = data["key_goods"]
    zh = lang == "zh"
    return {
        "leads_by_kind": bar_chart(_("Leads per day by right kind"), days, kinds),
        "leads_by_platform": bar_chart(_("Leads per day by platform"), days, platforms),
        "confirmation_rate": line_chart(_("Confirmation rate per day, in per cent"), days,
                                        [Series(_("confirmed / decided"), rates)], top=100),
        "notices": bar_chart(_("Notices sent and listings removed per day"), days,
                             [Series(_("notices sent"), steps["notified"]), Series(_("removed"), steps["removed"])],
                             stacked=False),
        "takedown_rates": hbar_chart(_("Takedown rate per platform, in per cent"), [t["platform"] for t in takedown],
                                     [round((t["rate"] or 0) * 100, 1) for t in takedown], unit="%"),
        "top_sellers": hbar_chart(_("Repeat sellers: confirmed leads"),
                                  [f'{s["name"]} ({s["platform"]})' for s in data["top_sellers"]],
                                  [s["confirmed"] for s in data["top_sellers"]]),
        "top_networks": hbar_chart(_("Seller networks: confirmed leads"),
                                   [_("%(count)s sellers") % {"count": n["sellers"]} + f' · {"、".join(n["names"][:2])}'
                                    for n in data["top_networks"]],
                                   [n["confirmed"] for n in data["top_networks"]]),
        "seasons": hbar_chart(_("Leads found in peak seasons"),
                              [(s["label_zh"] if zh else s["label_en"]) + f' {s["year"]}' for s in data["seasons"]],
                              [s["leads"] for s in data["seasons"]]),
        "key_goods": hbar_chart(_("Leads by key goods"),
                                [KEY_GOODS_LABELS[c][0 if zh else 1] for c in goods], list(goods.values())),
    }


@router.get("/dashboard", include_in_schema=False)
@router.get("/dashboard.json", summary="Dashboard figures over a period (leads, outcomes, rates, seasons, key goods)")
def dashboard_page(request: Request, since: str = "", until: str = "", platform: list[str] | None = Query(None),
                   user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                   config: Config = Depends(get_config)) -> Response:
    period = dashboard_period(since, until)
    chosen = tuple(p for p in (platform or []) if p)
    data = build_dashboard(store, period, chosen)
    data["top_networks"] = top_networks(store, getattr(config, "network_image_distance", 4))
    data["linkage"] = store.linkage.linkage_stats(*period.bounds())  # per platform (web/templates/_linkage_stats.html)
    context: dict[str, Any] = {"data": data, "period": period, "platform": chosen, "key_goods_labels": KEY_GOODS_LABELS}
    if not wants_json(request):
        from web.i18n import request_language

        lang = request_language(request)
        context["charts"] = charts(data, lambda m: translate(request, m), lang)
        context["platforms"] = sorted(set(data["leads_by_platform"]) | set(chosen))
    return page(request, "dashboard.html", context, data)

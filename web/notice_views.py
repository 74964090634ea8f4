"""What the workbench's notice pages show, computed from ``store.linkage`` and the lead store: a
notice with its counter-notice clock, its listings' leads as they stand now, its pushes; the
printable notice (HTML and PDF) in Chinese.

Why the printable notice is a page of its own (``notice_print.html``): it is the document a
platform's complaint desk files — E-Commerce Law Art. 42, the Supreme People's Court's 2020 guidance
and GB/T 39550-2020 ask for the right holder's identity, the right and its basis, each listing
precisely located, preliminary evidence, the reasons, the measure requested and a statement that
the notice is true — so its parts are numbered sections a reader can check off. The PDF is that
same HTML printed by Chromium with :func:`web.report_files.report_pdf`, the period reports' print
path (one PDF path in the web service). For the PDF the stylesheet is put in the page (the
print has no server to fetch it from); served to a browser, the page links it (the CSP forbids
inline styles).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from markupsafe import Markup

from index.store import LeadStore, lead_id

NOTICE_CSS = Path(__file__).resolve().parent / "static" / "notices.css"
KIND_ZH = {"trademark": "注册商标", "gi": "地理标志", "special_mark": "特殊标志"}
MEASURE_ZH = {"remove": "删除、屏蔽、断开链接（下架涉嫌侵权商品）", "block": "屏蔽", "end_transaction": "终止交易和服务"}


def parse_utc(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def deadline_state(notice: Mapping[str, Any], now: datetime, warn_days: float) -> dict[str, Any] | None:
    """The counter-notice clock of a notice (Art. 43: 15 days), or None when it has none running:
    ``deadline``, ``days_left`` (may be negative), ``warn`` (at most ``warn_days`` left), ``overdue``."""
    if notice.get("status") != "counter_notice":
        return None
    deadline = parse_utc(notice.get("counter_notice_deadline"))
    if deadline is None:
        return None
    days_left = (deadline - now).total_seconds() / 86400
    return {"deadline": notice.get("counter_notice_deadline"), "days_left": round(days_left, 1),
            "warn": days_left <= warn_days, "overdue": days_left < 0}


def listing_rows(store: LeadStore, notice: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The notice's listings, each with its lead's id and status now (None when the lead is gone)."""
    right_id = (notice.get("right") or {}).get("id", "")
    rows = []
    for listing in notice.get("listings") or []:
        url = listing.get("url", "")
        lead = store.get(lead_id(url, right_id)) if url else None
        rows.append({"listing": listing, "lead_id": lead.id if lead else None, "status": lead.status if lead else None})
    return rows


def lead_notices(store: LeadStore, lead: str) -> list[dict[str, Any]]:
    """The notices (not clues) a lead was in, oldest first, as short rows for the lead page."""
    rows = []
    for notice_id in store.linkage.notices_of_lead(lead):
        notice = store.linkage.notice(notice_id)
        if notice is None or notice.get("kind", "notice") != "notice":
            continue
        rows.append({"id": notice_id, "platform": notice.get("platform"), "created_at": notice.get("created_at"),
                     "status": notice.get("status"), "counter_notice_deadline": notice.get("counter_notice_deadline")})
    return rows



TIPS_SCANNED = 2000
"""Tips are few (people report listings by hand): the lead page looks through the latest ones."""


def lead_tips(store: LeadStore, lead: str) -> list[dict[str, Any]]:
    """The tips whose crawl found this lead (jobs/tips.py), so the analyst sees who reported it."""
    return [{"id": t["id"], "source": t["source"], "at": t["at"], "note": t["note"]}
            for t in store.linkage.tips("matched", limit=TIPS_SCANNED) if lead in (t.get("lead_ids") or [])]


def printable_context(notice: Mapping[str, Any], config: Any) -> dict[str, Any]:
    right = dict(notice.get("right") or {})
    return {"n": notice, "right": right, "kind_zh": KIND_ZH.get(right.get("kind", ""), right.get("kind", "")),
            "measure_zh": MEASURE_ZH.get(notice.get("requested_measure", ""), notice.get("requested_measure", "")),
            "sender": getattr(config, "office_name", "") or "", "sender_contact": getattr(config, "office_contact", "") or ""}


def notice_html(notice: Mapping[str, Any], config: Any, environments: Mapping[str, Any],
                lang: str = "zh", inline_css: bool = True) -> str:
    """The printable notice as one HTML document (stylesheet inline for the PDF, linked for a browser)."""
    from web.i18n import HTML_LANG

    template = environments[lang].get_template("notice_print.html")
    css = Markup(NOTICE_CSS.read_text(encoding="utf-8")) if inline_css else None
    return template.render(**printable_context(notice, config), lang=lang, html_lang=HTML_LANG[lang], inline_css=css)


def notice_pdf(notice: Mapping[str, Any], config: Any, environments: Mapping[str, Any], lang: str = "zh") -> bytes:
    """The printable notice as A4 PDF, printed by headless Chromium (the reports' print path)."""
    from web.report_files import report_pdf

    return report_pdf(notice_html(notice, config, environments, lang, inline_css=True), getattr(config, "browser", ""))

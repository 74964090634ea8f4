"""A lead's reasons in the page's language.

A lead carries ``reason_codes`` (CONTRACTS §3: a stable code with its parameters, per reason) beside
its English ``reasons`` sentences. The renderers live in the ground (:mod:`markwatch.reasons`), so
the web service, which may not import ``matchers``, renders them in Chinese or English; a reason
without a code, or with a code this version does not know, is shown as stored.
"""

from __future__ import annotations

from markwatch.reasons import render
from index.store import StoredLead

_RENDER_ERRORS = (ValueError, KeyError, TypeError, IndexError, ZeroDivisionError)


def reason_lines(lead: StoredLead, lang: str) -> list[str]:
    """One sentence per reason, in ``lang`` where its code can be rendered, else as stored."""
    codes = lead.reason_codes or []
    lines: list[str] = []
    for position in range(max(len(lead.reasons), len(codes))):
        stored = lead.reasons[position] if position < len(lead.reasons) else ""
        code = codes[position] if position < len(codes) else None
        if isinstance(code, dict):
            try:
                lines.append(render(code, lang))
                continue
            except _RENDER_ERRORS:
                pass
        lines.append(stored or (str(code.get("code", "")) if isinstance(code, dict) else ""))
    return lines

"""A lead's reasons in the page's language.

A lead carries ``reason_codes`` (CONTRACTS §3: a stable code with its parameters, per reason) beside
its English ``reasons`` sentences. The renderers of the codes belong in the ground
(``markwatch.reasons``) so that the web service, which may not import ``matchers``, can use them;
until they are there, or for a code this version does not know, the stored sentence is shown.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from index.store import StoredLead


def _renderer() -> Callable[[dict[str, Any], str], str] | None:
    try:
        module = importlib.import_module("markwatch.reasons")
    except ImportError:
        return None
    return getattr(module, "render", None)


_RENDER = _renderer()


def reason_lines(lead: StoredLead, lang: str) -> list[str]:
    """One sentence per reason, in ``lang`` where the code can be rendered, else as stored."""
    lines: list[str] = []
    codes = lead.reason_codes or []
    for position, sentence in enumerate(lead.reasons):
        code = codes[position] if position < len(codes) else None
        if _RENDER is not None and isinstance(code, dict):
            try:
                lines.append(_RENDER(code, lang))
                continue
            except (ValueError, KeyError, TypeError, IndexError):
                pass
        lines.append(sentence)
    if not lead.reasons and _RENDER is not None:  # codes without sentences
        for code in codes:
            try:
                lines.append(_RENDER(code, lang))
            except (ValueError, KeyError, TypeError, IndexError):
                lines.append(str(code.get("code", "")))
    return lines

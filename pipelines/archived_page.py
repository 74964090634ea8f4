"""When a listing's screenshot can be taken of the response already fetched, and the HTML to show.

Why: navigating a tab to a listing costs Chromium about as much as the screenshot itself again
(a new document, the network, the navigation's bookkeeping): measured on the demo's bazaar pages,
a capture by navigation took ≈145 ms of browser CPU, one by writing the archived HTML into a tab
(``page.set_content``) ≈85 ms, the PNG pixel for pixel the same. It is also the better evidence:
the screenshot then shows the very bytes archived in the WARC's response record, not a second
fetch that may differ from the first.

Only where the two cannot differ: a static page. The archived HTML is shown when the response is
a 200 ``text/html`` document with nothing that runs or navigates (no ``<script>`` but JSON data,
no ``on…=`` handler attributes, no ``<meta http-equiv=refresh>``, no frames or plugins) and no
``<base>`` of its own; a ``<base href>`` of its final URL is put first, so its images, styles and
links resolve as they did at that URL. Anything else — a JavaScript platform (its screenshot
waits for the page's own "ready" element), an API listing whose response is JSON while the
screenshot shows the human page, a page with scripts — is loaded at its URL as before. Scraped
text is hostile: the checks are on the raw markup, where escaped text cannot look like a tag.
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterable

JSON_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})
"""``<script>`` types a browser never runs (data islands, like schema.org's JSON-LD)."""

_SCRIPT = re.compile(rb"<script\b([^>]*)>", re.IGNORECASE)
_SCRIPT_TYPE = re.compile(rb"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_ACTIVE = re.compile(
    rb"<(?:iframe|frame|frameset|object|embed|applet|portal|base)\b"  # other documents, plugins, a base of its own
    rb"|<meta\b[^>]*http-equiv\s*=\s*[\"']?\s*refresh"  # a timed navigation
    rb"|<[a-z][^>]*?\son[a-z]+\s*=",  # an event handler attribute (onload=, onerror=…)
    re.IGNORECASE,
)
_DOCTYPE = re.compile(r"^(\ufeff?\s*(?:<!--.*?-->\s*)*<!doctype[^>]*>)", re.IGNORECASE | re.DOTALL)


def _header(headers: Iterable[Any], name: str) -> str:
    for pair in headers:
        key, value = pair[0], pair[1]
        if str(key).lower() == name:
            return str(value)
    return ""


def is_static(body: bytes) -> bool:
    """True when nothing in ``body``'s markup runs or navigates (see the module docstring)."""
    if _ACTIVE.search(body):
        return False
    for match in _SCRIPT.finditer(body):
        typed = _SCRIPT_TYPE.search(match.group(1))
        kind = next((g for g in typed.groups() if g is not None), b"") if typed else b""
        if kind.strip().lower().decode("latin-1") not in JSON_SCRIPT_TYPES:
            return False
    return True


def with_base(text: str, base_url: str) -> str:
    """``text`` with ``<base href=base_url>`` as its first element (after a doctype, so the page
    keeps its rendering mode; the parser puts it in the head it opens for it)."""
    tag = f'<base href="{html.escape(base_url, quote=True)}">'
    found = _DOCTYPE.match(text)
    if found is None:
        return tag + text
    return text[:found.end()] + tag + text[found.end():]


def archived_html(facts: dict[str, Any] | None, ready_selector: str | None) -> str | None:
    """The HTML to write into a tab for the screenshot of this capture's response, or None when
    the page must be loaded at its URL. ``facts``: the capture request's response facts
    (:func:`pipelines.evidence.facts_dict`, the body as bytes)."""
    if facts is None or ready_selector:
        return None
    body = facts.get("body")
    if not isinstance(body, (bytes, bytearray)) or not body or int(facts.get("status") or 0) != 200:
        return None
    content_type = _header(facts.get("response_headers") or (), "content-type")
    if content_type.split(";", 1)[0].strip().lower() != "text/html":
        return None
    body = bytes(body)
    if not is_static(body):
        return None
    from w3lib.encoding import html_to_unicode

    try:
        _, text = html_to_unicode(content_type, body)  # Scrapy's reading of the same bytes
    except (LookupError, ValueError):
        return None
    return with_base(text, str(facts.get("final_url") or ""))

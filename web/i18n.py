"""The interface's two languages: Simplified Chinese (the users' language, the default) and English.

Why gettext catalogues (Babel + ``jinja2.ext.i18n``): every text of the interface is an English
``msgid`` in a template (``{{ _("Leads") }}``) or in Python (``translate(request, "…")``), and its
translation lives in ``web/locale/<lang>/LC_MESSAGES/*.po`` — ``messages.po`` for the core pages and
one file per area (``triage.po``, ``sellers.po``, …, merged when loaded), files a translator can
edit, not strings scattered in templates. ``python -m web.catalogues`` finds messages without a
translation and adds them to an area's files. The ``.po`` files are compiled in memory
when the app is built (Babel's ``read_po`` + ``write_mo``), so there is no build step and no stale
``.mo`` to forget; tests/test_web_i18n.py checks that every message of every template has its
Chinese translation.

Which language a request gets: ``?lang=zh|en`` on the URL, else the ``lang`` cookie (set by the
switch in the page, ``/lang/zh`` / ``/lang/en``), else the first of ``Accept-Language`` we speak,
else Chinese.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from pathlib import Path
from typing import Mapping

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import Request

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES: dict[str, str] = {"zh": "zh_Hans", "en": "en"}
"""Short code (URL, cookie, ``<html lang>``) → catalogue directory."""
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "lang"


def catalogue_files(lang: str, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every ``.po`` of ``lang``: ``messages.po`` (the core) and one per area (``triage.po``, …)."""
    return sorted((locale_dir / LANGUAGES[lang] / "LC_MESSAGES").glob("*.po"))


def read_catalogue(lang: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """The ``.po`` files of ``lang`` merged into one catalogue (a message translated in two files:
    the first file, in name order, wins)."""
    merged = Catalog(locale=LANGUAGES[lang], domain="messages", fuzzy=False)
    for po in catalogue_files(lang, locale_dir):
        with po.open("rb") as handle:
            part = read_po(handle, locale=LANGUAGES[lang])
        for message in part:
            if message.id and (message.id not in merged or not merged[message.id].string):
                merged.add(message.id, message.string, flags=message.flags)
    return merged


def load_catalogue(lang: str, locale_dir: Path = LOCALE_DIR) -> gettext_module.GNUTranslations:
    """The catalogue of ``lang`` compiled in memory (fuzzy entries left out, as msgfmt does)."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(lang, locale_dir), use_fuzzy=False)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def load_catalogues(locale_dir: Path = LOCALE_DIR) -> dict[str, gettext_module.GNUTranslations]:
    return {lang: load_catalogue(lang, locale_dir) for lang in LANGUAGES}


def _from_accept_language(header: str) -> str | None:
    """The first language of ``Accept-Language`` (by q-value, then order) that we speak."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, position, primary))
    return min(choices)[2] if choices else None


def choose_language(query: Mapping[str, str], cookies: Mapping[str, str], accept_language: str) -> str:
    for candidate in (query.get("lang"), cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    return _from_accept_language(accept_language or "") or DEFAULT_LANGUAGE


def request_language(request: Request) -> str:
    """The language of this request (worked out once, kept on ``request.state``)."""
    lang = getattr(request.state, "lang", None)
    if lang is None:
        lang = choose_language(request.query_params, request.cookies, request.headers.get("accept-language", ""))
        request.state.lang = lang
    return lang


def translate(request: Request, message: str) -> str:
    """``message`` translated into the request's language (for text made in Python, e.g. errors)."""
    catalogues = request.app.state.catalogues
    return catalogues[request_language(request)].gettext(message)

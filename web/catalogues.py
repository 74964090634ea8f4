"""Keeping the gettext catalogues complete: ``python -m web.catalogues [check | add AREA]``.

``check`` (the default) lists every message of the web service's templates (``_()``/``gettext``)
and Python (``translate(request, "…")``) that has no Chinese translation in any ``.po`` file, and
exits 1 when there is one. ``add AREA`` appends those messages to ``web/locale/<lang>/LC_MESSAGES/
AREA.po`` for both languages (English: empty = the msgid itself; Chinese: to be filled in), so each
area keeps its own file and no two people edit the same one. Extraction is Babel's, with Jinja2's
extractor, as ``pybabel extract -F web/babel.cfg -k translate:2`` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from web.i18n import LANGUAGES, LOCALE_DIR, read_catalogue

WEB_DIR = Path(__file__).resolve().parent
METHOD_MAP = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "translate": (2,)}


def extracted_messages() -> dict[str, list[str]]:
    """msgid → files using it."""
    found: dict[str, list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(WEB_DIR), METHOD_MAP, OPTIONS, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(filename)
    return found


def untranslated(lang: str = "zh") -> dict[str, list[str]]:
    catalogue = read_catalogue(lang)
    return {m: files for m, files in extracted_messages().items()
            if m not in catalogue or not catalogue[m].string}


def add_to_area(area: str, messages: list[str]) -> None:
    for lang, folder in LANGUAGES.items():
        path = LOCALE_DIR / folder / "LC_MESSAGES" / f"{area}.po"
        if path.exists():
            with path.open("rb") as handle:
                catalogue = read_po(handle, locale=folder)
        else:
            catalogue = Catalog(locale=folder, domain="messages", fuzzy=False,
                                header_comment=f"# markwatch workbench: messages of the {area} area.")
        for message in messages:
            if message not in catalogue:
                catalogue.add(message, "")
        with path.open("wb") as handle:
            write_po(handle, catalogue, sort_output=True, width=120)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    missing = untranslated("zh")
    if command == "check":
        for message, files in sorted(missing.items()):
            print(f"{', '.join(sorted(set(files)))}: {message!r}")
        print(f"{len(missing)} message(s) without a Chinese translation", file=sys.stderr)
        return 1 if missing else 0
    if command == "add" and len(argv) == 2 and argv[1].isidentifier():
        add_to_area(argv[1], sorted(missing))
        print(f"added {len(missing)} message(s) to {argv[1]}.po; fill in the Chinese msgstr in "
              f"{LOCALE_DIR / LANGUAGES['zh'] / 'LC_MESSAGES' / (argv[1] + '.po')}", file=sys.stderr)
        return 0
    print("usage: python -m web.catalogues [check | add AREA]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Platform descriptions: one YAML file per platform in this directory, read into typed models.

Why YAML: a new server-rendered, JavaScript or JSON-API platform is added by writing a file
(start paths, link selectors, field selectors or JSON paths), not code. A malformed file fails at
spider start with a message naming the file and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PLATFORM_DIR = Path(__file__).parent


class PlatformConfigError(ValueError):
    """A platform file is missing or malformed; the message names the file and what to fix."""


class FieldRule(BaseModel):
    """How to read one listing field from a page: a CSS or XPath query, then optional cleaning."""

    model_config = ConfigDict(extra="forbid")

    css: str | None = None
    xpath: str | None = None
    url_re: str | None = Field(default=None, description="regex on the page URL; group 1 is the value")
    re: str | None = Field(default=None, description="regex applied to the selected text; group 1 is the value")
    strip_prefixes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_source(self) -> "FieldRule":
        if sum(x is not None for x in (self.css, self.xpath, self.url_re)) != 1:
            raise ValueError("give exactly one of css, xpath or url_re")
        return self


class LinkRule(BaseModel):
    """Links to follow from a page, and what kind of page they lead to."""

    model_config = ConfigDict(extra="forbid")

    css: str | None = None
    xpath: str | None = None
    to: Literal["list", "detail"]

    @model_validator(mode="after")
    def _one_source(self) -> "LinkRule":
        if (self.css is None) == (self.xpath is None):
            raise ValueError("give exactly one of css or xpath")
        return self


class SearchRule(BaseModel):
    """How to search the platform for a keyword (keyword discovery, crawler/discovery.py).

    ``url`` is a path or URL on the platform with ``{keyword}`` where the URL-encoded keyword goes,
    e.g. ``/search?q={keyword}``. What it answers is read like the platform's own browsable pages:
    a list page (html: the ``list`` link rules, "next" links included), a grid (rendered: the
    ``render`` steps) or a search answer (api: ``results_key``, cursor and all)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="search URL template with {keyword}, e.g. /search?q={keyword}")

    @model_validator(mode="after")
    def _has_keyword(self) -> "SearchRule":
        if "{keyword}" not in self.url:
            raise ValueError("search.url must contain {keyword}, e.g. /search?q={keyword}")
        try:
            self.url.format(keyword="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"search.url may hold no placeholder but {{keyword}} ({exc})") from None
        return self


class HtmlPlatform(BaseModel):
    """A server-rendered platform: start pages → list pages (paginated) → detail pages."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["html"] = "html"
    start_paths: list[str] = Field(default_factory=lambda: ["/"])
    default_currency: str = ""
    links: dict[Literal["start", "list"], list[LinkRule]]
    fields: dict[str, FieldRule]
    required: list[str] = Field(default_factory=lambda: ["title"])
    check_truncated: bool = True
    search: SearchRule | None = None
    """Keyword search (``markwatch crawl … --discover``); None = the platform cannot be searched."""


class RenderSteps(BaseModel):
    """What to do in the browser: load the whole grid, and when a detail page is done."""

    model_config = ConfigDict(extra="forbid")

    load_more: str = Field(description="CSS of the button that loads the next batch")
    list_complete: str = Field(description="CSS that matches once the grid holds everything")
    card: str = Field(description="CSS of one loaded card (to see the grid grow)")
    detail_links: str = Field(description="CSS ending in ::attr(href) for detail links in the grid")
    detail_ready: str
    detail_error: str
    error_attribute: str = "data-error"


class JsonSource(BaseModel):
    """Where a rendered detail page's script gets its listing from: read that JSON instead of the DOM.

    Why: a JavaScript product page is an empty shell that fetches one JSON document and writes it
    into the page. Rendering it costs Chromium a navigation, a script run and a layout per listing
    (≈130 ms of CPU); the JSON is the same data, fetched from inside a tab already open on the site
    (the page's own origin and cookies) for a fraction of that. The first detail page is rendered
    in full all the same, and the JSON path is taken only once that page was seen fetching
    ``url`` itself; otherwise the crawl stays on the DOM (crawler/rendering.py)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="path of the JSON the detail page fetches, with {id}, e.g. /api/product/{id}")
    id_from_url: str = Field(description="regex on the detail page's URL; group 1 is {id}")
    fields: dict[str, str] = Field(description="listing field → dotted path in the JSON (as for kind api)")

    @model_validator(mode="after")
    def _placeholders(self) -> "JsonSource":
        if "{id}" not in self.url:
            raise ValueError("data_from.url must contain {id}, e.g. /api/product/{id}")
        try:
            if re.compile(self.id_from_url).groups < 1:
                raise ValueError("data_from.id_from_url needs a group: the listing id, e.g. /p/([^/?#]+)")
        except re.error as exc:
            raise ValueError(f"data_from.id_from_url is not a regular expression ({exc})") from None
        return self


class RenderedPlatform(BaseModel):
    """A JavaScript storefront: the HTML is empty until a browser runs the page's script."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["rendered"] = "rendered"
    start_paths: list[str] = Field(default_factory=lambda: ["/"])
    default_currency: str = ""
    render: RenderSteps
    fields: dict[str, FieldRule]
    data_from: JsonSource | None = None
    """Read detail pages from the JSON their script fetches (see :class:`JsonSource`); None = the DOM."""
    required: list[str] = Field(default_factory=lambda: ["title"])
    search: SearchRule | None = None
    """Keyword search (``markwatch crawl … --discover``); None = the platform cannot be searched."""


class ApiPlatform(BaseModel):
    """A JSON API: cursor-paginated search, then one detail call per listing."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["api"] = "api"
    search_path: str
    search_params: dict[str, str] = Field(default_factory=dict)
    results_key: str = "items"
    result_id_key: str = "id"
    cursor_param: str = "cursor"
    next_cursor_key: str = "next_cursor"
    detail_path: str = Field(description="path with {id}, e.g. /api/v1/items/{id}")
    default_currency: str = ""
    fields: dict[str, str] = Field(description="listing field → dotted path in the detail JSON")
    required: list[str] = Field(default_factory=lambda: ["title"])
    search: SearchRule | None = None
    """Keyword search (``markwatch crawl … --discover``); None = the platform cannot be searched."""


PlatformConfig = HtmlPlatform | RenderedPlatform | ApiPlatform
_MODELS: dict[str, type[BaseModel]] = {"html": HtmlPlatform, "rendered": RenderedPlatform, "api": ApiPlatform}


def known_platforms() -> list[str]:
    """Names of the platform files shipped in this directory."""
    return sorted(p.stem for p in PLATFORM_DIR.glob("*.yaml"))


def load_platform(name_or_path: str, kind: str | None = None) -> PlatformConfig:
    """Read a platform by name (a YAML file here) or by path; check it is of the expected kind."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = PLATFORM_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise PlatformConfigError(
            f"no platform file {path}; known platforms: {', '.join(known_platforms())} "
            "(or pass a path to a YAML file)"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PlatformConfigError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from exc
    declared = raw.get("kind", "html") if isinstance(raw, dict) else None
    if declared not in _MODELS:
        raise PlatformConfigError(f"{path}: kind must be one of {', '.join(_MODELS)}, got {declared!r}")
    if kind is not None and declared != kind:
        raise PlatformConfigError(f"{path}: platform {path.stem!r} is of kind {declared!r}, not {kind!r}; "
                                  f"crawl it with the {declared!r} spider")
    try:
        return _MODELS[declared].model_validate(raw)  # type: ignore[return-value]
    except ValidationError as exc:
        raise PlatformConfigError(f"{path}: {validation_problems(exc)}") from exc


def validation_problems(exc: ValidationError) -> str:
    """Pydantic's errors on one line: ``links.start.0.to: Input should be 'list' or 'detail'; …``."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ())) or "(the file)"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(problems) + " (fix the file; crawler/platforms/*.yaml are examples)"

"""``markwatch crawl SPIDER``: run one spider in-process and write its listings (CONTRACTS §5)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "crawl",
        help="crawl a platform or shop and write listings (JSON Lines)",
        description=(
            "Run one of markwatch's spiders and write its listings as JSON Lines. Spiders: schemaorg "
            "(any shop with schema.org Product data; give --start-url), html (server-rendered platform "
            "described in crawler/platforms/NAME.yaml), rendered (JavaScript storefront, real Chromium), "
            "api (JSON API platform)."
        ),
    )
    parser.add_argument("spider", metavar="SPIDER", help="schemaorg | html | rendered | api")
    parser.add_argument("--start-url", dest="start_urls", action="append", default=[], metavar="URL",
                        help="where to start (repeatable); for platform spiders its host is the platform's address")
    parser.add_argument("--max-pages", type=int, default=None, metavar="N", help="fetch at most N pages")
    parser.add_argument("--output", "-o", required=True, metavar="LISTINGS.jsonl", help="JSON Lines file to write")
    parser.add_argument("--platform", default=None, metavar="NAME",
                        help="platform file (crawler/platforms/NAME.yaml, or a path) for html/rendered/api; "
                             "for schemaorg the listings' platform value")
    parser.add_argument("--base-url", default=None, metavar="URL", help="the platform's address, if not given by --start-url")
    parser.add_argument("--resume", default=None, metavar="DIR",
                        help="keep crawl state in DIR; run again with the same DIR to resume (output is appended)")
    parser.add_argument("--stats-json", default=None, metavar="FILE",
                        help="also write the crawl's final Scrapy stats as JSON (for scripts and benchmarks)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (repeatable), e.g. -s CLOSESPIDER_ITEMCOUNT=10")
    parser.add_argument("--log-file", default=None, metavar="FILE",
                        help="where the full log goes: every bad page with its URL, Scrapy's own lines "
                             "(default: beside --output, LISTINGS.log); the screen shows progress and the summary")
    parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show every log line on screen too, at DEBUG")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from markwatch.cli import UsageError
    from markwatch.config import load_config

    from crawler.platforms import PlatformConfigError, load_platform
    from crawler.runner import CrawlJob, CrawlSetupError, crawl_all, known_spiders, project_settings

    if args.max_pages is not None and args.max_pages < 1:
        raise UsageError("--max-pages must be at least 1")
    config = load_config()
    overrides: dict[str, str] = {}
    for item in args.settings:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"-s {item!r}: write NAME=VALUE, e.g. -s CLOSESPIDER_ITEMCOUNT=10")
        overrides[name.strip()] = value
    if getattr(args, "verbose", False):
        overrides.setdefault("LOG_LEVEL", "DEBUG")
    else:
        overrides.setdefault("STATS_DUMP", "False")  # the summary below says what matters
    settings = project_settings()
    spiders = known_spiders(settings)
    if args.spider not in spiders:
        raise UsageError(f"unknown spider {args.spider!r}; known spiders: {', '.join(spiders)}")
    from scrapy.spiderloader import SpiderLoader

    spidercls = SpiderLoader.from_settings(settings).load(args.spider)
    kind = getattr(spidercls, "platform_kind", None)
    if kind is not None:
        try:
            load_platform(args.platform or spidercls.default_platform, kind=kind)
        except PlatformConfigError as exc:
            raise UsageError(str(exc)) from exc
        if not (args.start_urls or args.base_url):
            raise UsageError(f"spider {args.spider!r} needs the platform's address: --start-url URL or --base-url URL")
    elif not args.start_urls:
        raise UsageError(f"spider {args.spider!r} needs at least one --start-url URL")

    output = Path(args.output).resolve()
    from markwatch.console import log_to_file

    log_file = log_to_file(Path(args.log_file).resolve() if args.log_file else _beside(output, ".log"),
                           verbose=getattr(args, "verbose", False))
    job = CrawlJob(
        spider=args.spider,
        output=output,
        platform=args.platform,
        start_urls=args.start_urls,
        base_url=args.base_url,
        max_pages=args.max_pages,
        jobdir=Path(args.resume).resolve() if args.resume else None,
        settings=overrides,
    )
    try:
        (result,) = crawl_all([job], config, output_dir=output.parent)
    except CrawlSetupError as exc:
        raise UsageError(str(exc)) from exc
    print(result.summary(), file=sys.stderr)
    print(f"  log: {log_file}", file=sys.stderr)
    if args.stats_json:
        Path(args.stats_json).write_text(json.dumps(result.stats, default=str, indent=1, sort_keys=True), encoding="utf-8")
    if not result.ok:
        print(f"markwatch crawl: error: {result.problem}", file=sys.stderr)
        return 1
    return 0


def _beside(output: Path, suffix: str) -> Path:
    """``listings.jsonl`` → ``listings.log``; never the output itself (``x.log`` → ``x.log.log``)."""
    return output.with_name(output.name + suffix) if output.suffix == suffix else output.with_suffix(suffix)

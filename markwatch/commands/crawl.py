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
    parser.add_argument("--discover", action="store_true",
                        help="keyword discovery: search the platform (the search section of its platform file) for "
                             "every right of the register (name, variants), instead of walking its categories, so "
                             "listings no browsable page links are found too; html/rendered/api spiders")
    parser.add_argument("--keyword", dest="keywords", action="append", default=[], metavar="WORD",
                        help="search the platform for WORD (repeatable; with --discover, besides the register's words)")
    parser.add_argument("--resume", default=None, metavar="DIR",
                        help="keep crawl state in DIR; run again with the same DIR to resume (output is appended)")
    parser.add_argument("--redis", default=None, metavar="redis://HOST:PORT/DB",
                        help="share the request queue in this Redis (CONTRACTS §12): start several workers with the "
                             "same spider, arguments and --redis, each with its own --output (appended to), and "
                             "together they crawl what one would; a killed worker's requests are done by the others "
                             "(default: config crawl_redis; without it the queue is local to this process)")
    parser.add_argument("--recheck", default=None, metavar="FILE",
                        help="also fetch these known listings again (JSON Lines {\"url\", \"listing_id\", \"tier\"}, "
                             "most urgent first; what 'markwatch schedule' writes): after the crawl's own pages, "
                             "outside --max-pages; a listing answered 404/410 is counted gone, not a bad page")
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
    from crawler.spiders.base import web_address_problem

    for option, url in [*(("--start-url", u) for u in args.start_urls), ("--base-url", args.base_url or "")]:
        problem = web_address_problem(url) if url else ""
        if problem:
            raise UsageError(f"{option} {problem}")
    config = load_config()
    overrides: dict[str, str] = {}
    for item in args.settings:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"-s {item!r}: write NAME=VALUE, e.g. -s CLOSESPIDER_ITEMCOUNT=10")
        overrides[name.strip()] = value
    if getattr(args, "redis", None):
        if not args.redis.startswith(("redis://", "rediss://", "unix://")):
            raise UsageError(f"--redis {args.redis!r}: give a Redis URL, e.g. --redis redis://127.0.0.1:6379/0")
        overrides["QUEUE_REDIS_URL"] = args.redis
    if getattr(args, "recheck", None):
        recheck = Path(args.recheck)
        if not recheck.is_file():
            raise UsageError(f"--recheck {args.recheck}: no such file (JSON Lines of known listings to fetch again)")
        overrides["RECHECK_FILE"] = str(recheck.resolve())
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
    discovering = args.discover or bool(args.keywords)
    if discovering and kind is None:
        raise UsageError(f"spider {args.spider!r} cannot search by keyword; --discover and --keyword work with "
                         "the platform spiders: html, rendered, api")
    if kind is not None:
        from crawler.discovery import register_keywords, require_search

        try:
            platform = load_platform(args.platform or spidercls.default_platform, kind=kind)
            if discovering:
                require_search(platform, args.platform or f"crawler/platforms/{spidercls.default_platform}.yaml")
        except PlatformConfigError as exc:
            raise UsageError(str(exc)) from exc
        if args.discover:
            try:
                register_keywords(config.register or None)
            except (OSError, ValueError) as exc:
                raise UsageError(f"--discover searches for the register's rights, but the register cannot be read: "
                                 f"{exc} (fix it, or set register in the configuration)") from exc
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
        discover=args.discover,
        keywords=args.keywords,
    )
    try:
        (result,) = crawl_all([job], config, output_dir=output.parent)
    except CrawlSetupError as exc:
        raise UsageError(str(exc)) from exc
    print(result.summary(with_problem=False), file=sys.stderr)  # the problem is the last line, below
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

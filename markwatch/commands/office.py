"""``markwatch office add NAME --regions 江苏省,浙江省 [--webhook-url URL]``: a partner office for
cross-regional clue notification (issue 9; DOMAIN.md).

A confirmed lead whose seller or ship-from lies in one of the office's provinces is passed to it as
a clue (feeds/clues.py): the same NOTICE shape, its own feed (``GET /api/v1/clues``), key and
signed pushes. Regions are normalised to the official province names the store uses for ship-from
provinces (江苏 → 江苏省, 广西 → 广西壮族自治区, Shanghai → 上海市) by the matcher's gazetteer; a
name that is not a province is refused with what it names instead.
"""

from __future__ import annotations

import argparse
import re

from markwatch.commands._parties import add_key_actions, data_dir_option, opened_linkage, print_json, run_key_action


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "office", help="register partner offices that receive clues from their provinces",
        description="Partner offices (other provinces' IP offices) receive the confirmed leads whose seller or "
                    "ship-from lies in their jurisdiction, as clues with their own feed and key.",
        epilog="例: markwatch office add 江苏省知识产权局 --regions 江苏省,浙江省  (登记协作单位及其辖区)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="register an office; prints its API key and webhook secret once",
                             description='Register NAME with its provinces and print one JSON line {"office": NAME, '
                                         '"regions": […], "api_key": …, "webhook_secret": "whsec_…"} (shown once).')
    add.add_argument("name", metavar="NAME", help="the office's name")
    add.add_argument("--regions", required=True, metavar="P1,P2",
                     help="provinces of its jurisdiction, comma-separated (江苏省,浙江省; short forms like 江苏 work)")
    add.add_argument("--webhook-url", default=None, metavar="URL", help="where clue pushes go (http/https)")
    data_dir_option(add)
    add.set_defaults(func=run_add)
    listing = actions.add_parser("list", help="list offices: name, provinces, webhook URL, enabled",
                                 description="One tab-separated line per office: name, provinces, webhook URL "
                                             "(- = none), enabled or disabled with the reason.")
    data_dir_option(listing)
    listing.set_defaults(func=run_list)
    add_key_actions(actions, "office", run_key_action)


def normalise_regions(text: str, cache_dir=None) -> list[str]:
    """Official province names for a comma-separated list (江苏,浙江省 → [江苏省, 浙江省]); raises
    ValueError naming each entry that is not a province."""
    from matchers.gazetteer import load_gazetteer

    gazetteer = load_gazetteer(cache_dir)
    found, problems = [], []
    for raw in (part.strip() for part in re.split(r"[,，、;；]", text)):
        if not raw:
            continue
        place = gazetteer.resolve(raw)
        if place is None:
            problems.append(f"{raw!r} names no Chinese province")
        elif place.level != "province":
            problems.append(f"{raw!r} is {place.full_name} (a {place.level}); give its province {place.province}")
        elif place.province not in found:
            found.append(place.province)
    if problems:
        raise ValueError("; ".join(problems))
    if not found:
        raise ValueError("give at least one province, e.g. --regions 江苏省,浙江省")
    return found


def run_add(args: argparse.Namespace) -> int:
    from index.linkage import LinkageError
    from markwatch.cli import UsageError
    from markwatch.config import cache_directory

    with opened_linkage(args.data_dir) as (linkage, config):
        try:
            regions = normalise_regions(args.regions, cache_directory(config))
        except ValueError as exc:
            raise UsageError(f"--regions: {exc}") from exc
        try:
            credentials = linkage.add_office(args.name, regions, webhook_url=args.webhook_url)
        except LinkageError as exc:
            raise UsageError(str(exc)) from exc
    print_json({"office": credentials.name, "regions": regions, "api_key": credentials.api_key,
                "webhook_secret": credentials.webhook_secret})
    return 0


def run_list(args: argparse.Namespace) -> int:
    from markwatch.commands._parties import list_rows

    with opened_linkage(args.data_dir) as (linkage, _config):
        for row in list_rows(linkage, "office"):
            print(row)
    return 0

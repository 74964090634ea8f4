"""``markwatch platform add NAME [--webhook-url URL]``: register a platform of the feed (CONTRACTS §11).

NAME is the listings' ``platform`` value: the platform's notices are the ones about its listings.
``add`` prints exactly one JSON line ``{"platform": NAME, "api_key": "…", "webhook_secret":
"whsec_…"}``: the key (its bearer token for ``/api/v1/feed``) is shown this once and kept only as
its hash; the secret signs the pushes to URL (Standard Webhooks). ``list``, ``rotate-key``,
``revoke-key``, ``rotate-secret`` and ``set-webhook`` manage it afterwards.
"""

from __future__ import annotations

import argparse

from markwatch.commands._parties import add_key_actions, data_dir_option, opened_linkage, print_json, run_key_action


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "platform", help="register platforms of the notice feed; their keys and webhook secrets",
        description="Platforms pull their notices from /api/v1/feed with an API key and receive signed pushes "
                    "at their webhook URL (CONTRACTS §7). NAME is the listings' platform value.",
        epilog="例: markwatch platform add bazaar --webhook-url https://ipp.example/hooks/markwatch  "
               "(登记平台，打印一次性 API 密钥和 webhook 签名密钥)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="register a platform; prints its API key and webhook secret once",
                             description='Register NAME and print one JSON line {"platform": NAME, "api_key": …, '
                                         '"webhook_secret": "whsec_…"}. Keep both: they are not shown again '
                                         "(rotate-key / rotate-secret make new ones).")
    add.add_argument("name", metavar="NAME", help="the listings' platform value, e.g. bazaar")
    add.add_argument("--webhook-url", default=None, metavar="URL",
                     help="where pushes go (http/https); without it the platform only pulls the feed")
    data_dir_option(add)
    add.set_defaults(func=run_add)
    listing = actions.add_parser("list", help="list platforms: name, webhook URL, enabled",
                                 description="One tab-separated line per platform: name, webhook URL (- = none), "
                                             "enabled or disabled with the reason (a 410 answer disables).")
    data_dir_option(listing)
    listing.set_defaults(func=run_list)
    add_key_actions(actions, "platform", run_key_action)


def run_add(args: argparse.Namespace) -> int:
    from index.linkage import LinkageError
    from markwatch.cli import UsageError

    with opened_linkage(args.data_dir) as (linkage, _config):
        try:
            credentials = linkage.add_platform(args.name, webhook_url=args.webhook_url)
        except LinkageError as exc:
            raise UsageError(str(exc)) from exc
    print_json({"platform": credentials.name, "api_key": credentials.api_key,
                "webhook_secret": credentials.webhook_secret})
    return 0


def run_list(args: argparse.Namespace) -> int:
    from markwatch.commands._parties import list_rows

    with opened_linkage(args.data_dir) as (linkage, _config):
        for row in list_rows(linkage, "platform"):
            print(row)
    return 0

"""What ``markwatch platform`` and ``markwatch office`` share: the key/secret actions on a party of
the platform linkage (index/linkage.py), and opening the store's linkage.

Why shared: a platform and a partner office are both parties with one API key and one webhook
secret; only how they are added differs (an office has regions). A module starting with ``_`` is
not a command (markwatch/cli.py skips it).
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from markwatch.commands._store import data_dir_option, opened_store


def add_key_actions(actions: Any, kind: str, run: Any) -> None:
    """``rotate-key``, ``revoke-key``, ``rotate-secret`` and ``set-webhook`` for ``kind``."""
    rotate = actions.add_parser("rotate-key", help="a new API key (printed once); the old one stops working",
                                description=f"Print a new API key for the {kind} as one JSON line; the old key is "
                                            "refused from now on. Only the key's hash is kept.")
    revoke = actions.add_parser("revoke-key", help="refuse every key of the party until rotate-key",
                                description=f"Revoke the {kind}'s API key: its requests get 401 until "
                                            f"'markwatch {kind} rotate-key NAME' makes a new one.")
    secret = actions.add_parser("rotate-secret", help="a new webhook secret; the old one keeps signing a while",
                                description="Print a new whsec_ webhook secret as one JSON line. Pushes carry a "
                                            "signature with the old secret too for secret_overlap_seconds "
                                            "(config, default one day), so the receiver can switch without losing "
                                            "a message.")
    webhook = actions.add_parser("set-webhook", help="change or clear the webhook URL (re-enables a disabled one)",
                                 description="Set the URL pushes go to; '-' clears it (pull feed only). An endpoint "
                                             "disabled after a 410 answer is enabled again.")
    for parser in (rotate, revoke, secret, webhook):
        parser.add_argument("name", metavar="NAME", help=f"the {kind}'s name")
    webhook.add_argument("url", metavar="URL", help="http(s) URL, or - to clear")
    for action, parser in (("rotate-key", rotate), ("revoke-key", revoke), ("rotate-secret", secret),
                           ("set-webhook", webhook)):
        data_dir_option(parser)
        parser.set_defaults(func=run, action_name=action, party_kind=kind)


@contextmanager
def opened_linkage(data_dir: str | None) -> Iterator[tuple[Any, Any]]:
    """(linkage, config) of the store the configuration names; closed afterwards."""
    with opened_store(data_dir) as (store, config):
        yield store.linkage, config


def print_json(row: dict[str, Any]) -> None:
    print(json.dumps(row, ensure_ascii=False))


def run_key_action(args: argparse.Namespace) -> int:
    from index.linkage import LinkageError
    from index.store import utc_now
    from markwatch.cli import UsageError

    kind, name = args.party_kind, args.name
    with opened_linkage(args.data_dir) as (linkage, config):
        try:
            if args.action_name == "rotate-key":
                print_json({kind: name, "api_key": linkage.rotate_key(kind, name)})
            elif args.action_name == "revoke-key":
                linkage.revoke_key(kind, name)
                print(f"markwatch {kind}: revoked the key of {name}", file=sys.stderr)
            elif args.action_name == "rotate-secret":
                now = utc_now()
                secret = linkage.rotate_secret(kind, name, now=now, overlap_seconds=config.secret_overlap_seconds)
                print_json({kind: name, "webhook_secret": secret,
                            "old_secret_signs_until": _later(now, config.secret_overlap_seconds)})
            elif args.action_name == "set-webhook":
                linkage.set_webhook(kind, name, None if args.url == "-" else args.url)
                print(f"markwatch {kind}: {name} now pushes to {args.url if args.url != '-' else '(no webhook)'}",
                      file=sys.stderr)
        except LinkageError as exc:
            raise UsageError(str(exc).strip("'\"")) from exc
    return 0


def _later(now: str, seconds: float) -> str:
    from index.linkage_sqlite import shifted

    return shifted(now, seconds)


def list_rows(linkage: Any, kind: str) -> list[str]:
    rows = []
    for endpoint in linkage.endpoints():
        if endpoint.kind != kind:
            continue
        state = "enabled" if endpoint.enabled else f"disabled: {endpoint.disabled_reason}"
        cells = [endpoint.name, endpoint.webhook_url or "-", state]
        if kind == "office":
            cells.insert(1, ",".join(endpoint.regions))
        rows.append("\t".join(cells))
    return rows

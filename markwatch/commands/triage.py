"""``markwatch triage confirm|dismiss LEAD_ID...``: an analyst's decision on leads (CONTRACTS §10).

All or nothing: when one id is unknown or its lead may not take the step (a dismissed lead cannot
be dismissed again; a notified one cannot be confirmed), the command says which and why, exits 2,
and changes no lead. Each step is kept with its time, actor (``--by``) and note.
"""

from __future__ import annotations

import argparse
import sys

from markwatch.commands._store import opened_store

ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "triage", help="confirm or dismiss leads",
        description="Confirm leads (they go into a notice to their platform) or dismiss them. Steps follow "
                    "the lead lifecycle: new → confirmed | dismissed; a dismissed, rejected or "
                    "counter-noticed lead may be confirmed again. Every step is kept with its time, "
                    "actor and note. One unknown id or disallowed step: nothing changes, exit 2.",
        epilog="例: markwatch triage confirm 3f2a… --note '高仿，价格仅为正品一成' --by 张三  (确认线索)")
    parser.add_argument("action", choices=sorted(ACTIONS), help="confirm or dismiss")
    parser.add_argument("lead_ids", nargs="+", metavar="LEAD_ID", help="ids as 'markwatch search' shows them")
    parser.add_argument("--note", default="", metavar="TEXT", help="why (kept in the lead's history)")
    parser.add_argument("--by", default=None, metavar="NAME", help="who decides (default: the login name)")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="where the embedded store lives (default: config data_dir, ./markwatch-data)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import getpass

    from index.store import TransitionError
    from markwatch.cli import UsageError

    actor = args.by
    if not actor:
        try:
            actor = getpass.getuser()
        except (KeyError, OSError):
            actor = "cli"
    with opened_store(args.data_dir) as (store, _config):
        try:
            steps = store.transition(args.lead_ids, ACTIONS[args.action], actor=actor, note=args.note)
        except (TransitionError, LookupError) as exc:
            raise UsageError(f"{exc}; no lead was changed") from exc
    for step in steps:
        print(f"{step.lead_id}: {step.from_status} → {step.to_status} ({step.actor}, {step.at})")
    print(f"markwatch triage: {len(steps)} lead(s) {ACTIONS[args.action]}", file=sys.stderr)
    return 0

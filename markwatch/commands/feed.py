"""``markwatch feed dead | replay | deliver``: the webhook outbox from the command line (CONTRACTS §7).

A push that failed on every step of ``webhook_retry_schedule`` is a dead letter: ``feed dead``
lists them (with the last answer), ``feed replay`` puts them back in the outbox with their SAME
``webhook-id`` (so a receiver that did get one after all drops the copy), and a running
``markwatch serve`` sends them within ``linkage_interval_seconds`` — or ``feed deliver`` sends
everything that is due now, once, without a server (e.g. from cron). The workbench's replay button
calls the same store method (``store.linkage.replay``).
"""

from __future__ import annotations

import argparse

from markwatch.commands._store import data_dir_option, opened_store


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "feed", help="the webhook outbox: list dead letters, replay them, deliver what is due",
        description="Pushes to platforms and partner offices (signed Standard Webhooks). A push that failed on "
                    "every step of webhook_retry_schedule is a dead letter; replay sends it again with the same "
                    "webhook-id (markwatch serve delivers it, or 'feed deliver' does so at once).",
        epilog="例: markwatch feed dead; markwatch feed replay --all; markwatch feed deliver  (重发失败的推送)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    dead = actions.add_parser("dead", help="list dead letters (pushes that failed on every attempt)",
                              description="List the dead letters, newest first: delivery id (= webhook-id), "
                                          "party, notice, attempts, the last answer.")
    dead.add_argument("--limit", type=int, default=100, help="most rows to list (default 100)")
    data_dir_option(dead)
    dead.set_defaults(func=run_dead)

    replay = actions.add_parser("replay", help="put dead letters back in the outbox (same webhook-id)",
                                description="Back to pending, due now, attempt count 0, the SAME webhook-id: "
                                            "either every dead letter (--all) or the delivery ids given.")
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every dead letter")
    which.add_argument("ids", nargs="*", default=[], metavar="DELIVERY_ID",
                       help="delivery ids (msg_…) from 'markwatch feed dead'")
    data_dir_option(replay)
    replay.set_defaults(func=run_replay)

    deliver = actions.add_parser("deliver", help="make due notices and push every due delivery once, then exit",
                                 description="One round of what markwatch serve does every "
                                             "linkage_interval_seconds: make the notices that are due, then push "
                                             "every outbox row that is due (retries wait for their turn).")
    deliver.add_argument("--no-notices", action="store_true", help="push only; make no new notices")
    data_dir_option(deliver)
    deliver.set_defaults(func=run_deliver)


def run_dead(args: argparse.Namespace) -> int:
    import sys

    with opened_store(args.data_dir) as (store, _config):
        rows = store.linkage.dead_letters(limit=max(1, args.limit))
    if not rows:
        print("markwatch feed: no dead letters", file=sys.stderr)
        return 0
    print("delivery_id\tparty\tnotice\tattempts\tlast_status\tlast_error\turl")
    for d in rows:
        error = " ".join((d.last_error or "").split())[:120]
        print(f"{d.id}\t{d.kind}:{d.name}\t{d.notice_id}\t{d.attempt}\t{d.last_status or '-'}\t{error}\t{d.url}")
    print(f"markwatch feed: {len(rows)} dead letter(s); 'markwatch feed replay --all' sends them again",
          file=sys.stderr)
    return 0


def run_replay(args: argparse.Namespace) -> int:
    import sys

    from index.store import utc_now
    from markwatch.cli import UsageError

    if not args.all and not args.ids:
        raise UsageError("give delivery ids (msg_…, from 'markwatch feed dead') or --all")
    with opened_store(args.data_dir) as (store, _config):
        if args.ids:
            unknown = [i for i in args.ids if store.linkage.delivery(i) is None]
            if unknown:
                raise UsageError(f"no such delivery: {', '.join(unknown)} (see 'markwatch feed dead')")
        count = store.linkage.replay(None if args.all else list(args.ids), now=utc_now())
    print(f"markwatch feed: {count} push(es) back in the outbox with their webhook-id; markwatch serve sends "
          "them (or run 'markwatch feed deliver')", file=sys.stderr)
    return 0


def run_deliver(args: argparse.Namespace) -> int:
    import sys

    from feeds.service import LinkageService

    with opened_store(args.data_dir) as (store, config):
        service = LinkageService(store, config)
        made = [] if args.no_notices else service.make_due_notices()
        tally = service.worker.deliver_due()
    print(f"markwatch feed: {len(made)} new notice(s); {tally.attempts} push attempt(s): {tally.delivered} "
          f"delivered, {tally.retry} to retry, {tally.dead} dead, {tally.disabled} endpoint(s) disabled (410)",
          file=sys.stderr)
    return 0

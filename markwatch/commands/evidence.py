"""``markwatch evidence verify|export``: check the evidence log or a bundle, and export bundles
(CONTRACTS §8).

Output follows §8: ``verify`` exits 0 with a one-line summary when every artefact and the whole
chain are intact, and 1 with one line per problem otherwise (warnings, e.g. entries not yet
signed, are printed after the summary and do not fail). ``export`` writes a WACZ bundle that
``verify --bundle`` checks on any machine; an unknown lead id or a lead without evidence is a
usage error (exit 2) naming the id.
"""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evidence", help="verify the evidence log or a bundle; export leads' evidence as WACZ",
        description="Evidence of leads: captures (HTTP response + full-page screenshot) kept as WARC files "
                    "in a tamper-evident Merkle log with signed checkpoints. 'verify' checks the log of a "
                    "data dir or an exported bundle; 'export' writes a WACZ bundle for chosen leads that "
                    "verifies offline on another machine. 证据：验证证据日志或证据包，导出 WACZ 证据包。",
        epilog="See docs/evidence.md for the formats and how a recipient checks a bundle by hand.")
    actions = parser.add_subparsers(dest="evidence_command", metavar="ACTION")

    verify = actions.add_parser(
        "verify", help="check every artefact, entry and checkpoint (or a bundle)",
        description="Check every WARC file (hash = name, every record's block and payload digest, the "
                    "entry's body and screenshot hashes), every log entry (order, links) and every "
                    "checkpoint (signature with the installation key, root, consistency with the one "
                    "before). Exit 0 and one summary line when all is intact; exit 1 and one line per "
                    "problem otherwise. With --bundle, check an exported WACZ bundle instead, offline.")
    verify.add_argument("--data-dir", help="data directory (default: config, ./markwatch-data)")
    verify.add_argument("--bundle", metavar="FILE", help="an exported bundle (.wacz/.zip) to check instead of the log")
    verify.set_defaults(func=run_verify)

    export = actions.add_parser(
        "export", help="write a WACZ bundle of leads' evidence that verifies offline",
        description="Write a WACZ 1.2 bundle with the WARC captures and screenshots of the given leads, "
                    "their log entries, inclusion proofs and a signed checkpoint, and the installation's "
                    "public key, so 'markwatch evidence verify --bundle FILE' checks it on any machine and "
                    "standard WACZ tools (ReplayWeb.page) open it.")
    export.add_argument("lead_ids", nargs="+", metavar="LEAD_ID", help="ids of stored leads (markwatch search --format json)")
    export.add_argument("--output", "-o", required=True, metavar="FILE.wacz", help="where to write the bundle")
    export.add_argument("--data-dir", help="data directory (default: config, ./markwatch-data)")
    export.set_defaults(func=run_export)
    parser.set_defaults(func=lambda args: _no_action(parser))


def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _print_report(report) -> int:
    if report.ok:
        print(report.summary())
        for warning in report.warnings:
            print(f"warning: {warning}")
        return 0
    for line in report.problems:
        print(line)
    for warning in report.warnings:
        print(f"warning: {warning}")
    print(report.summary(), file=sys.stderr)
    return 1


def run_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from markwatch.cli import UsageError
    from markwatch.config import load_config

    if args.bundle:
        from index.evidence.wacz import verify_bundle

        if not Path(args.bundle).is_file():
            raise UsageError(f"bundle {args.bundle} does not exist")
        return _print_report(verify_bundle(args.bundle))
    from index.evidence.verify import verify_log

    data_dir = load_config(data_dir=args.data_dir).data_dir
    if not Path(data_dir).is_dir():
        raise UsageError(f"data dir {data_dir} does not exist (pass --data-dir)")
    return _print_report(verify_log(data_dir))


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from index import open_store
    from index.evidence.errors import EvidenceError, NoEvidence
    from index.evidence.log import EvidenceLog
    from index.evidence.wacz import export_bundle
    from markwatch.cli import UsageError
    from markwatch.config import load_config

    config = load_config(data_dir=args.data_dir)
    if not (Path(config.data_dir) / "evidence").is_dir():
        raise UsageError(f"{config.data_dir} has no evidence log (nothing was captured there; pass --data-dir)")
    store = open_store(config)
    try:
        leads, unknown = [], []
        for ident in dict.fromkeys(args.lead_ids):
            stored = store.get(ident)
            if stored is None:
                unknown.append(ident)
                continue
            row = stored.to_json()
            row["evidence"] = list(stored.evidence)
            leads.append(row)
    finally:
        store.close()
    if unknown:
        raise UsageError("unknown lead id" + ("s " if len(unknown) > 1 else " ") + ", ".join(unknown)
                         + " (markwatch search --format json lists ids)")
    try:
        log = EvidenceLog(config.data_dir, checkpoint_every=config.evidence_checkpoint_every)
    except EvidenceError as exc:
        raise UsageError(str(exc)) from exc
    try:
        result = export_bundle(log, leads, args.output)
    except NoEvidence as exc:
        raise UsageError(f"{exc}; nothing written") from exc
    except EvidenceError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        log.close()
    print(f"wrote {result.path}: {result.leads} lead{'s' if result.leads != 1 else ''}, {result.entries} "
          f"capture{'s' if result.entries != 1 else ''}, checkpoint {result.checkpoint} "
          f"({result.tree_size} entries), key {result.key_id}")
    return 0

"""``markwatch evaluate``: precision, recall and F1 of the matcher on labelled listings (CONTRACTS §4b)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="score the matcher on labelled listings",
        description="Print precision, recall and F1 over listing–right pairs: overall, per right kind, "
                    "per case, then the misses and false alarms.")
    parser.add_argument("--register", help="register of rights (default: config, else the bundled demo register)")
    parser.add_argument("--labels", required=True, nargs="+", help="labelled listings, JSON Lines (§4b)")
    parser.add_argument("--threshold", type=float, default=None, help="lead threshold (default: config, 0.5)")
    parser.add_argument("--model", help="trained model file (default: config key model, else data_dir/model.npz when train --from-store wrote one, else the bundled model)")
    parser.add_argument("--show", type=int, default=50, help="how many misses/false alarms to list")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from markwatch.cli import UsageError
    from markwatch.config import cache_directory, load_config, model_path
    from matchers.evaluation import evaluate, report
    from matchers.listing_io import ListingReader
    from matchers.matcher import Matcher
    from matchers.model import ModelError
    from matchers.register import RegisterError

    config = load_config(match_threshold=args.threshold)
    try:
        matcher = Matcher.from_paths(args.register or config.register or None, args.model or model_path(config),
                                     config.match_threshold, cache_dir=cache_directory(config))
    except (RegisterError, ModelError) as exc:
        raise UsageError(str(exc)) from exc
    rows = []
    for name in args.labels:
        path = Path(name)
        if not path.is_file():
            raise FileNotFoundError(f"labelled file {path} does not exist")
        with path.open("rb") as fh:
            reader = ListingReader(fh, labelled=True)
            rows.extend(reader)
        if reader.skipped:
            print(f"markwatch evaluate: {path}: {reader.summary()}", file=sys.stderr)
    if not rows:
        raise UsageError("no usable labelled listing in " + ", ".join(args.labels))
    print(report(evaluate(matcher, rows), limit=args.show))
    return 0

"""``markwatch train``: fit and calibrate the scoring model from labelled listings and decisions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train", help="retrain the matcher's scoring model",
        description="Fit the calibrated model on labelled listings (§4b) and/or analysts' lead decisions "
                    "(a lead with decision: confirmed|dismissed).")
    parser.add_argument("--labels", required=True, nargs="+", help="labelled listings / decisions, JSON Lines")
    parser.add_argument("--register", help="register of rights (default: config, else the bundled demo register)")
    parser.add_argument("--output", help="model file to write (default: the bundled model, "
                        "matchers/data/model.npz)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the learner")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from markwatch.cli import UsageError
    from markwatch.config import cache_directory, load_config
    from matchers.matcher import Matcher
    from matchers.model import BUNDLED_MODEL, ModelError, fit
    from matchers.register import RegisterError, load_register
    from matchers.training import build_training_set

    config = load_config()
    try:
        matcher = Matcher(load_register(args.register or config.register or None),
                          cache_dir=cache_directory(config))
    except RegisterError as exc:
        raise UsageError(str(exc)) from exc
    records, bad = [], 0
    for name in args.labels:
        path = Path(name)
        if not path.is_file():
            raise FileNotFoundError(f"labelled file {path} does not exist")
        with path.open("rb") as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                try:
                    records.append(json.loads(raw))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    bad += 1
    ts = build_training_set(matcher, records)
    if bad:
        ts.skipped["not valid JSON"] = ts.skipped.get("not valid JSON", 0) + bad
    try:
        model = fit(ts.rows, ts.labels, seed=args.seed, weights=ts.weights,
                    info={"labels": [Path(n).name for n in args.labels], "listings": ts.listings,
                          "decisions": ts.decisions})
    except ModelError as exc:
        raise UsageError(str(exc)) from exc
    output = Path(args.output) if args.output else BUNDLED_MODEL
    model.save(output)
    skipped = ", ".join(f"{n} {r}" for r, n in ts.skipped.items()) or "none"
    print(f"markwatch train: {ts.listings} labelled listings + {ts.decisions} decisions -> "
          f"{len(ts.labels)} candidate pairs ({sum(ts.labels)} infringing); "
          f"{ts.candidate_misses} of {ts.gold_pairs} labelled infringements never became candidates; "
          f"skipped: {skipped}; model written to {output}", file=sys.stderr)
    return 0

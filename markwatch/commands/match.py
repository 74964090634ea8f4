"""``markwatch match``: flag listing–right pairs in a listings file (CONTRACTS §4)."""

from __future__ import annotations

import argparse
import gc
import sys
import time


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "match", help="flag listings that infringe the register's rights",
        description="Read listings (JSON Lines) and write one lead per suspected listing–right pair.")
    parser.add_argument("--register", help="register of rights (YAML/JSON/CSV); default: config 'register', "
                        "else the bundled demo register")
    parser.add_argument("--input", required=True, help="listings, JSON Lines (CONTRACTS §2)")
    parser.add_argument("--output", required=True, help="where to write leads, JSON Lines (CONTRACTS §3)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="write leads with score >= this (default: config match_threshold, 0.5)")
    parser.add_argument("--model", help="trained model file (default: config key model, else data_dir/model.npz when train --from-store wrote one, else the bundled model)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.set_defaults(func=run, skip_teardown=True)


def run(args: argparse.Namespace) -> int:
    from markwatch.cli import UsageError
    from markwatch.config import cache_directory, load_config, model_path
    from matchers.batch import forks, match_file, warm
    from matchers.matcher import Matcher
    from matchers.model import ModelError
    from matchers.register import RegisterError

    started = time.perf_counter()
    config = load_config(match_threshold=args.threshold)
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    # Loading creates the register's and the word lists' tables, hundreds of thousands of objects
    # that live as long as this short process: no collection walks them while they load, and
    # afterwards they are frozen out of the collector's reach, so no full collection walks them
    # again (≈6 % of matching time) and forked workers do not dirty the pages they share with this
    # process. A decision for the whole process, so it is made here and not in the library.
    gc.disable()
    try:
        matcher = Matcher.from_paths(args.register or config.register or None, args.model or model_path(config),
                                     config.match_threshold, cache_dir=cache_directory(config))
        warm(matcher, everything=forks(args.input, args.workers))  # all tables only for forked workers
    except (RegisterError, ModelError) as exc:
        raise UsageError(str(exc)) from exc
    finally:
        gc.freeze()
        gc.enable()
        # Matching makes short-lived objects by the million and few reference cycles; with the
        # default thresholds the collector ran every 700 allocations and a full collection walked
        # the caches the run grows: ≈10 % (lead-heavy) to ≈18 % (catalogue) of matching CPU at 10k
        # rights (bench/match.py mixes, in-process, same chunks). Collections still happen, rarely.
        gc.set_threshold(50_000, 1_000, 1_000)
    stats = match_file(matcher, args.input, args.output, workers=args.workers)
    total = time.perf_counter() - started
    print(f"markwatch match: {stats.summary(args.output)}; whole run {total:.2f} s "
          f"({stats.read / total if total else 0:,.0f} listings/s incl. loading)", file=sys.stderr)
    return 0

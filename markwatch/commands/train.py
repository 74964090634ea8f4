"""``markwatch train``: fit and calibrate the scoring model from labelled listings and decisions.

``--from-store`` closes the loop of the workbench: every lead an analyst confirmed is a positive
label for its (listing, right) pair and every dismissed one a negative, added to the shipped
labels (the hand-written seed cases and the generated training catalogues, the recipe of the
shipped model, docs/matching.md). A fixed hash keeps a fifth of the decisions out of training;
the command prints the evaluation of the current model and of the retrained one on those held-out
decisions and on the hand-written evaluation set, so the analysts see whether their feedback made
the matcher better, and by how much, before anything relies on it. The model is written to
``data_dir/model.npz`` (or the config's ``model``), never over the shipped one unless ``--output``
says so; match, evaluate and the crawl use it from then on (``markwatch.config.model_path``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

POSITIVE_STATUSES = ("confirmed", "notified", "removed", "still_online")
"""Statuses of leads an analyst confirmed (a notice may have followed): positive labels."""
NEGATIVE_STATUSES = ("dismissed",)
"""Dismissed leads: negative labels. ``rejected`` and ``counter_notice`` (the platform or the seller
disputed a confirmed lead) are left out: the analyst's decision is in dispute."""
CATALOGUE_SEEDS = (101, 202)
"""Seeds of the generated training catalogues of the shipped model (docs/matching.md)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train", help="retrain the matcher's scoring model",
        description="Fit the calibrated model on labelled listings (§4b) and/or analysts' lead decisions "
                    "(a lead with decision: confirmed|dismissed). With --from-store: on the analysts' "
                    "decisions in the lead store plus the shipped labels, printing the evaluation before "
                    "and after (held-out decisions and the hand-written evaluation set).")
    parser.add_argument("--labels", nargs="+", default=[],
                        help="labelled listings / decisions, JSON Lines (required without --from-store)")
    parser.add_argument("--from-store", action="store_true",
                        help="train on the store's confirmed (positive) and dismissed (negative) leads plus "
                             "the shipped labels; writes data_dir/model.npz unless --output or config model")
    parser.add_argument("--data-dir", help="with --from-store: the data directory of the store (default: config)")
    parser.add_argument("--catalogue", type=int, default=20000, metavar="N",
                        help="with --from-store: listings of each generated training catalogue (seeds "
                             f"{', '.join(map(str, CATALOGUE_SEEDS))}, as for the shipped model; default 20000; "
                             "0 = the hand-written seed labels only, much faster)")
    parser.add_argument("--decision-weight", type=float, default=10.0,
                        help="with --from-store: weight of each analyst decision (default 10, like a "
                             "hand-written seed case)")
    parser.add_argument("--register", help="register of rights (default: config, else the bundled demo register)")
    parser.add_argument("--other-register", nargs="+", action="append", default=[], metavar="REGISTER_THEN_LABELS",
                        help="a second register and labelled listings judged against it (repeatable): trains on "
                             "rights of more than one register, so that the model learns evidence, not the demo's "
                             "rights (e.g. --other-register matchers/data/eval_general/register.yaml "
                             "matchers/data/eval_general/train.jsonl)")
    parser.add_argument("--output", help="model file to write (default: the bundled model, matchers/data/model.npz; "
                        "with --from-store: config model, else data_dir/model.npz)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the learner")
    parser.set_defaults(func=run)


def _read_jsonl(names: list[str]) -> tuple[list[dict[str, Any]], int]:
    import json

    records, bad = [], 0
    for name in names:
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
    return records, bad


def run(args: argparse.Namespace) -> int:
    if args.from_store:
        return run_from_store(args)

    from markwatch.cli import UsageError
    from markwatch.config import cache_directory, load_config
    from matchers.matcher import Matcher
    from matchers.model import BUNDLED_MODEL, ModelError, fit
    from matchers.register import RegisterError, load_register
    from matchers.training import build_training_set

    if not args.labels:
        raise UsageError("--labels is required (labelled listings or decisions), or use --from-store "
                         "to train on the analysts' decisions in the lead store")
    config = load_config()
    try:
        matcher = Matcher(load_register(args.register or config.register or None),
                          cache_dir=cache_directory(config))
    except RegisterError as exc:
        raise UsageError(str(exc)) from exc
    records, bad = _read_jsonl(args.labels)
    ts = build_training_set(matcher, records)
    for other in args.other_register:
        if len(other) < 2:
            raise UsageError("--other-register takes a register file and then one or more labelled files")
        try:
            other_matcher = Matcher(load_register(other[0]), cache_dir=cache_directory(config))
        except RegisterError as exc:
            raise UsageError(str(exc)) from exc
        other_records, other_bad = _read_jsonl(other[1:])
        more = build_training_set(other_matcher, other_records)
        ts.rows += more.rows
        ts.labels += more.labels
        ts.weights += more.weights
        ts.listings += more.listings
        ts.gold_pairs += more.gold_pairs
        ts.candidate_misses += more.candidate_misses
        for reason, n in more.skipped.items():
            ts.skipped[reason] = ts.skipped.get(reason, 0) + n
        bad += other_bad
    if bad:
        ts.skipped["not valid JSON"] = ts.skipped.get("not valid JSON", 0) + bad
    try:
        model = fit(ts.rows, ts.labels, seed=args.seed, weights=ts.weights,
                    info={"labels": [Path(n).name for n in args.labels]
                          + [f"{Path(n).name} on {Path(o[0]).name}" for o in args.other_register for n in o[1:]],
                          "listings": ts.listings,
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


def store_decisions(store: Any, weight: float) -> list[dict[str, Any]]:
    """Every confirmed or dismissed lead of ``store`` as a decision row (a §3 lead plus ``decision``
    and ``weight``), walked with keyset pages."""
    from index.store import SearchQuery

    rows: list[dict[str, Any]] = []
    for statuses, decision in ((POSITIVE_STATUSES, "confirmed"), (NEGATIVE_STATUSES, "dismissed")):
        cursor = None
        while True:
            page = store.search(SearchQuery(status=statuses, sort="date", limit=500, after=cursor))
            rows.extend({"id": lead.id, "url": lead.url, "right_id": lead.right_id, "listing": lead.listing,
                         "decision": decision, "weight": weight} for lead in page.leads)
            cursor = page.next_cursor
            if not cursor or not page.leads:
                break
    return rows


def shipped_labels(catalogue: int) -> list[dict[str, Any]]:
    """The labels of the shipped model: the hand-written seed cases, plus ``catalogue`` listings of
    each generated training catalogue (0 = none)."""
    from matchers.listing_io import ListingReader
    from matchers.model import BUNDLED_MODEL

    with (BUNDLED_MODEL.parent / "seed_labels.jsonl").open("rb") as fh:
        rows: list[dict[str, Any]] = list(ListingReader(fh, labelled=True))
    if catalogue > 0:
        from demo_marketplace.catalogue import generate_catalogue
        from demo_marketplace.model import PLACEHOLDER_URLS

        for seed in CATALOGUE_SEEDS:
            print(f"markwatch train: generating training catalogue seed {seed} ({catalogue:,} listings)",
                  file=sys.stderr)
            rows.extend(generate_catalogue(catalogue, seed=seed).labelled_rows(PLACEHOLDER_URLS))
    return rows


def run_from_store(args: argparse.Namespace) -> int:
    import time

    from index import open_store
    from markwatch.cli import UsageError
    from markwatch.config import MODEL_FILE, cache_directory, load_config, model_path
    from matchers.evaluation import evaluate
    from matchers.listing_io import ListingReader
    from matchers.matcher import Matcher
    from matchers.model import BUNDLED_MODEL, ModelError, fit, load_model
    from matchers.register import RegisterError, load_register
    from matchers.training import build_training_set, score_decisions, split_decisions

    if args.catalogue < 0:
        raise UsageError("--catalogue must be 0 or more listings")
    config = load_config(data_dir=args.data_dir)
    current = model_path(config)
    try:
        before = Matcher(load_register(args.register or config.register or None), load_model(current),
                         config.match_threshold, cache_dir=cache_directory(config))
    except (RegisterError, ModelError) as exc:
        raise UsageError(str(exc)) from exc
    store = open_store(config)
    try:
        decisions = store_decisions(store, args.decision_weight)
    finally:
        store.close()
    if not decisions:
        raise UsageError(f"the store in {config.data_dir} holds no confirmed or dismissed lead; triage leads "
                         "first (the workbench, or markwatch triage confirm|dismiss ID…)")
    train_decisions, held_out = split_decisions(decisions)
    confirmed = sum(d["decision"] == "confirmed" for d in decisions)
    print(f"analysts' decisions in {config.data_dir}: {len(decisions)} ({confirmed} confirmed, "
          f"{len(decisions) - confirmed} dismissed); {len(train_decisions)} for training, "
          f"{len(held_out)} held out (fixed hash)")

    extra, bad = _read_jsonl(args.labels)
    shipped = shipped_labels(args.catalogue)
    started = time.monotonic()
    ts = build_training_set(before, shipped + extra + train_decisions)
    if bad:
        ts.skipped["not valid JSON"] = ts.skipped.get("not valid JSON", 0) + bad
    print(f"training on {ts.listings} labelled listings + {ts.decisions} decisions -> {len(ts.labels)} "
          f"candidate pairs ({sum(ts.labels)} infringing)", flush=True)
    try:
        model = fit(ts.rows, ts.labels, seed=args.seed, weights=ts.weights,
                    info={"labels": ["seed_labels.jsonl", *(f"catalogue seed {s} ({args.catalogue})"
                                                             for s in CATALOGUE_SEEDS if args.catalogue),
                                     *(Path(n).name for n in args.labels)],
                          "listings": ts.listings, "decisions": ts.decisions, "from_store": str(config.data_dir),
                          "held_out_decisions": len(held_out)})
    except ModelError as exc:
        raise UsageError(str(exc)) from exc
    fitted = time.monotonic() - started
    # The same register, found by its content in the cache, with the new model (not copy.copy: with the
    # matcher's modules compiled by mypyc a Matcher is a native class, which copy cannot rebuild).
    after = Matcher(before.register, model, before.threshold, cache_dir=cache_directory(config))

    print()
    print(f"before = the current model ({current or 'shipped with markwatch'}), after = retrained")
    if held_out:
        print(f"held-out analysts' decisions ({len(held_out)}), threshold {before.threshold:g}:")
        for label, matcher in (("  before", before), ("  after", after)):
            print("\n".join(score_decisions(matcher, held_out).lines(label)))
    else:
        print("held-out analysts' decisions: none yet (a fifth of the decisions is held out; triage more leads)")
    eval_file = BUNDLED_MODEL.parent / "eval" / "eval.jsonl"
    with eval_file.open("rb") as fh:
        eval_rows = list(ListingReader(fh, labelled=True))
    print(f"hand-written evaluation set ({len(eval_rows)} listings, {eval_file.name}):")
    for label, matcher in (("  before", before), ("  after", after)):
        print(evaluate(matcher, eval_rows).overall.line(label))

    output = Path(args.output) if args.output else (
        Path(config.model).expanduser() if config.model.strip() else Path(config.data_dir) / MODEL_FILE)
    model.save(output)
    skipped = ", ".join(f"{n} {r}" for r, n in ts.skipped.items()) or "none"
    print()
    used = model_path(config)
    how = ("markwatch match, evaluate and the crawl with this configuration use it from now on"
           if used is not None and used.resolve() == output.resolve() else f"use it with --model {output}")
    print(f"model written to {output} (fitted in {fitted:.0f} s; skipped: {skipped}); {how}")
    return 0

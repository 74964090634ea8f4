"""Helpers of the tests that put the matcher on a register of its own (test_generalise.py on
``matchers/data/eval_general``, test_generalise_own.py on ``matchers/data/eval_own``,
test_generalise_more.py and test_generalise_fifth.py on a few rights written in the test).

Why one module: each of those files asks the same three questions of a matcher — which rights does
a listing pair with, and with what score; which of them pass the threshold; how does the set's
held-out part score; and they build a matcher on a register file the same way — and two copies of
the answer drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path

from matchers.evaluation import Evaluation, evaluate
from matchers.matcher import Matcher, Pair
from matchers.register import load_register


def matcher_on(register_yaml: str, directory: Path) -> Matcher:
    """A matcher on a register written out as ``register_yaml`` (CONTRACTS §1) in ``directory``:
    a test's own few rights, loaded and checked as any register file is."""
    path = directory / "register.yaml"
    path.write_text(register_yaml, encoding="utf-8")
    return Matcher(load_register(path))


def pairs(matcher: Matcher, **listing) -> dict[str, Pair]:
    """The scored pairs of one listing (its fields as keywords; a URL and crawl time are filled in),
    by right id."""
    listing.setdefault("url", "https://shop.example/1")
    listing.setdefault("crawled_at", "2026-11-20T02:00:00Z")
    found = matcher.pairs(listing)
    matcher.score_pairs([found])
    return {p.right_id: p for p in found}


def flagged(matcher: Matcher, **listing) -> set[str]:
    """The rights a listing is flagged for: those whose pair scores at least the matcher's threshold."""
    return {r for r, p in pairs(matcher, **listing).items() if p.score >= matcher.threshold}


def held_out_result(matcher: Matcher, directory: Path) -> Evaluation:
    """The matcher evaluated on ``directory/heldout.jsonl`` (labelled listings, one a line)."""
    rows = [json.loads(line) for line in (directory / "heldout.jsonl").read_text(encoding="utf-8").splitlines()]
    return evaluate(matcher, rows)

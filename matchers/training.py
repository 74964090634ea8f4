"""Training pairs from labelled listings (§4b) and analysts' lead decisions.

Why pairs from the matcher itself: the model scores the candidates the matcher generates, so it is
trained on exactly those (features computed by the same code); a labelled infringement that never
becomes a candidate is reported as a candidate-stage miss rather than silently ignored.

Decision rows (from the lead store once it exists): a lead (§3) plus ``decision`` (or ``status``)
``confirmed``/``confirm`` or ``dismissed``/``dismiss``; only that pair is labelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matchers.listing_io import check_listing
from matchers.matcher import Matcher

_DECISIONS = {"confirm": 1, "confirmed": 1, "dismiss": 0, "dismissed": 0}


@dataclass
class TrainingSet:
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    listings: int = 0
    decisions: int = 0
    gold_pairs: int = 0
    candidate_misses: int = 0  # gold pairs the candidate stage did not find
    skipped: dict[str, int] = field(default_factory=dict)


def _weight(record: dict[str, Any]) -> float:
    """Optional ``weight`` field (hand-written cases count more than generated ones), default 1."""
    w = record.get("weight", 1.0)
    return float(w) if isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0 else 1.0


def _skip(ts: TrainingSet, reason: str) -> None:
    ts.skipped[reason] = ts.skipped.get(reason, 0) + 1


def build_training_set(matcher: Matcher, records: list[dict[str, Any]]) -> TrainingSet:
    """Features and 0/1 labels for every candidate pair of labelled listings and decisions."""
    ts = TrainingSet()
    for record in records:
        decision = record.get("decision", record.get("status"))
        if isinstance(record, dict) and "right_id" in record and isinstance(record.get("listing"), dict) \
                and isinstance(decision, str):
            label = _DECISIONS.get(decision.lower())
            if label is None:
                _skip(ts, f"decision {decision!r} is not confirm/dismiss")
                continue
            reason = check_listing(record["listing"])
            if reason:
                _skip(ts, f"decision listing: {reason}")
                continue
            pairs = [p for p in matcher.pairs(record["listing"]) if p.right_id == record["right_id"]]
            if not pairs:
                _skip(ts, "decision pair is no longer a candidate")
                continue
            ts.decisions += 1
            ts.rows.append(pairs[0].features)
            ts.labels.append(label)
            ts.weights.append(_weight(record))
            continue
        reason = check_listing(record, labelled=True)
        if reason:
            _skip(ts, reason)
            continue
        ts.listings += 1
        gold = set(record.get("infringes") or [])
        ts.gold_pairs += len(gold)
        pairs = matcher.pairs(record)
        found = {p.right_id for p in pairs}
        ts.candidate_misses += len(gold - found)
        for pair in pairs:
            ts.rows.append(pair.features)
            ts.labels.append(int(pair.right_id in gold))
            ts.weights.append(_weight(record))
    return ts


# -- analysts' decisions from the lead store (``markwatch train --from-store``) -------------------

HELD_OUT_SHARE = 0.2
"""Share of the analysts' decisions kept out of training to judge the model before and after."""


def held_out(url: str, right_id: str, share: float = HELD_OUT_SHARE) -> bool:
    """Whether the decision on (url, right) is in the evaluation split: a fixed hash, so the same
    decision is on the same side in every run (the split does not move when decisions are added)."""
    import hashlib

    digest = hashlib.sha256(f"{url}\n{right_id}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def split_decisions(records: list[dict[str, Any]], share: float = HELD_OUT_SHARE
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(training, evaluation) decisions, split by :func:`held_out`."""
    train, evaluation = [], []
    for record in records:
        side = evaluation if held_out(str(record.get("url") or record["listing"].get("url")),
                                      str(record["right_id"]), share) else train
        side.append(record)
    return train, evaluation


@dataclass
class DecisionScores:
    """How a model agrees with held-out analysts' decisions (one listing–right pair each)."""

    tally: Any  # matchers.evaluation.Tally over the pairs
    pairs: int = 0
    dismissed_flagged: int = 0
    dismissed: int = 0
    confirmed_flagged: int = 0
    confirmed: int = 0
    no_candidate: int = 0
    """Decisions whose pair the matcher no longer generates (not scored)."""

    def lines(self, label: str) -> list[str]:
        return [self.tally.line(label),
                f"{'':<28} confirmed leads flagged {self.confirmed_flagged}/{self.confirmed}, "
                f"dismissed leads flagged {self.dismissed_flagged}/{self.dismissed}"]


def score_decisions(matcher: Matcher, records: list[dict[str, Any]]) -> DecisionScores:
    """Score each decision's pair with ``matcher`` (its model and threshold) against the decision."""
    from matchers.evaluation import Tally

    result = DecisionScores(Tally())
    judged = []
    for record in records:
        label = _DECISIONS.get(str(record.get("decision", record.get("status", ""))).lower())
        if label is None or not isinstance(record.get("listing"), dict):
            continue
        pairs = [p for p in matcher.pairs(record["listing"]) if p.right_id == record["right_id"]]
        if not pairs:
            result.no_candidate += 1
            continue
        judged.append((label, pairs[0]))
    matcher.score_pairs([[pair] for _, pair in judged])  # one model call
    for label, pair in judged:
        flagged = pair.score >= matcher.threshold
        result.pairs += 1
        if label:
            result.confirmed += 1
            result.confirmed_flagged += flagged
        else:
            result.dismissed += 1
            result.dismissed_flagged += flagged
        result.tally.tp += flagged and label == 1
        result.tally.fp += flagged and label == 0
        result.tally.fn += (not flagged) and label == 1
    return result

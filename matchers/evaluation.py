"""Scores over listing–right pairs (CONTRACTS §4b): overall, per right kind, per case, and the confusions.

Why pairs: a listing can infringe two rights and an analyst acts on each pair, so precision and
recall are counted on (listing, right) pairs; a listing is identified by its position in the file
(two rows with one URL are still two judgements).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from matchers.matcher import Matcher


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, label: str) -> str:
        return (f"{label:<28} precision {self.precision:6.3f}  recall {self.recall:6.3f}  F1 {self.f1:6.3f}"
                f"   (tp {self.tp}, fp {self.fp}, fn {self.fn})")


@dataclass
class Confusion:
    kind: str  # miss | false alarm
    listing: dict[str, Any]
    right_id: str
    score: float | None  # None: the right was not even a candidate
    reasons: list[str]


@dataclass
class Evaluation:
    overall: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_case: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    confusions: list[Confusion] = field(default_factory=list)
    unknown_rights: set[str] = field(default_factory=set)
    listings: int = 0


def evaluate(matcher: Matcher, labelled: list[dict[str, Any]], batch: int = 2000) -> Evaluation:
    """Judge every labelled listing and compare with its ``infringes``."""
    result = Evaluation()
    kinds = {r.id: r.kind for r in matcher.register.rights}
    for offset in range(0, len(labelled), batch):
        rows = labelled[offset:offset + batch]
        groups = [matcher.pairs(row) for row in rows]
        matcher.score_pairs(groups)
        for row, pairs in zip(rows, groups):
            result.listings += 1
            gold = set(row.get("infringes") or [])
            result.unknown_rights |= gold - kinds.keys()
            case = row.get("case") or "(no case)"
            by_right = {p.right_id: p for p in pairs}
            flagged = {p.right_id for p in pairs if p.score >= matcher.threshold}
            for right_id in gold | flagged:
                kind = kinds.get(right_id, "unknown")
                hit, wanted = right_id in flagged, right_id in gold
                for tally in (result.overall, result.by_kind[kind], result.by_case[case]):
                    tally.tp += hit and wanted
                    tally.fp += hit and not wanted
                    tally.fn += wanted and not hit
                if hit != wanted:
                    pair = by_right.get(right_id)
                    result.confusions.append(Confusion(
                        "miss" if wanted else "false alarm", row, right_id,
                        pair.score if pair else None, pair.reasons if pair else []))
            if not gold and not flagged:
                result.by_case[case]  # a clean case still gets its (empty) line
    return result


def report(result: Evaluation, limit: int = 50) -> str:
    """The text ``markwatch evaluate`` prints."""
    lines = [f"{result.listings} labelled listings, threshold scores over listing–right pairs", "",
             result.overall.line("overall"), "", "per right kind:"]
    lines += [tally.line("  " + kind) for kind, tally in sorted(result.by_kind.items())]
    lines += ["", "per case:"]
    lines += [tally.line("  " + case) for case, tally in sorted(result.by_case.items())]
    if result.unknown_rights:
        lines += ["", "labels name rights missing from the register (counted as misses): "
                  + ", ".join(sorted(result.unknown_rights))]
    for kind in ("miss", "false alarm"):
        items = [c for c in result.confusions if c.kind == kind]
        lines += ["", f"{kind}es ({len(items)}):" if kind == "miss" else f"{kind}s ({len(items)}):"]
        for c in items[:limit]:
            score = "no candidate" if c.score is None else f"score {c.score:.2f}"
            case = c.listing.get("case") or ""
            lines.append(f"  [{case}] {c.right_id} ({score}): {str(c.listing.get('title'))[:80]!r}")
            if c.reasons:
                lines.append("      " + " | ".join(c.reasons))
        if len(items) > limit:
            lines.append(f"  … and {len(items) - limit} more")
    return "\n".join(lines)

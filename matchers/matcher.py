"""The matcher: a compiled register plus a scoring model, turning listings into leads (CONTRACTS §3).

Why one class: the ``markwatch match`` command, the Scrapy pipeline, ``markwatch evaluate`` and the
lead store all call the same :meth:`Matcher.match` / :meth:`Matcher.match_many`, so a listing gets
the same score wherever it is judged. Work per listing is kept small: normalise and scan; only
listings with a candidate reach the signals and the model, and a batch is scored in one model call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from markwatch.contracts import Lead, Register
from matchers import wording
from matchers.candidates import FIELDS, MAX_SCAN, field_texts, find_candidates
from matchers.compiled import CompiledRegister, compile_register
from matchers.goods import classify
from matchers.model import ScoringModel, load_model
from matchers.normalise import light, norm
from matchers.register import load_register
from matchers.signals import ListingContext, signals


@dataclass(slots=True)
class Pair:
    """One candidate listing–right pair with its evidence (before or after scoring)."""

    right_idx: int
    right_id: str
    features: list[float]
    reasons: list[str]
    score: float = 0.0


class Matcher:
    """Judge listings against a register. ``threshold``: leads below it are not returned."""

    def __init__(self, register: Register, model: ScoringModel | None = None, threshold: float = 0.5):
        self.register = register
        self.compiled: CompiledRegister = compile_register(register)
        self._model = model
        self.threshold = threshold

    @classmethod
    def from_paths(cls, register: str | Path | None = None, model: str | Path | None = None,
                   threshold: float = 0.5) -> "Matcher":
        """Load register (None = bundled demo register) and model (None = bundled model)."""
        return cls(load_register(register), load_model(model), threshold)

    @property
    def model(self) -> ScoringModel:
        if self._model is None:
            self._model = load_model()
        return self._model

    # ------------------------------------------------------------------ evidence
    def pairs(self, listing: dict[str, Any]) -> list[Pair]:
        """Every candidate pair of ``listing`` with features and reasons (unscored).

        Pairs with an authorised seller are dropped here: an authorised store is never a lead.
        """
        texts = field_texts(listing)
        found = find_candidates(self.compiled, texts)
        if not found:
            return []
        category = _norm_category(str(listing.get("category") or ""))
        seller: set[str] | None = None
        ctx: ListingContext | None = None
        out: list[Pair] = []
        origin_places = None
        votes = None
        authorised, rights = self.compiled.authorised, self.compiled.rights
        for right_idx, hits in found.items():
            if authorised[right_idx]:
                if seller is None:
                    seller = {str(listing.get(k) or "").strip().lower() for k in ("seller_name", "seller_id")} - {""}
                if seller & authorised[right_idx]:
                    continue
            right = rights[right_idx]
            if right.kind == "trademark" and right.nice_classes and not right.well_known:
                # Policy condition 2 (docs/labelling.md): an ordinary mark on goods of other classes is
                # no infringement. Decided here, before the signals, because in a large register most
                # chance hits are such pairs; a bent spelling of a short mark also needs agreeing goods.
                if votes is None:
                    votes = classify(texts.get("title", ""), category)[0]
                agree = any(c in right.nice_classes for c in votes)
                weak = all(h.how not in ("exact",) and len(h.form.text) <= 2 for h in hits)
                if (votes and not agree) or (weak and not agree):
                    continue
            if ctx is None:  # built for the first surviving pair only: most chance hits never get here
                ctx = _context(listing, texts, category, len(found))
            origin = None
            if right.kind == "gi":
                from matchers.origin import judge_origin, origin_places as find_origins

                if origin_places is None:
                    origin_places = find_origins(str(listing.get("ship_from") or ""),  # light: "产地：" keeps its colon
                                                 [light(str(listing.get(f) or "")[:MAX_SCAN]) for f in ("title", "description")])
                origin = judge_origin(origin_places, right.regions)
            vec, reasons = signals(self.compiled, right_idx, hits, ctx, origin)
            out.append(Pair(right_idx, right.id, vec, reasons))
        return out

    # ------------------------------------------------------------------ scoring
    def score_pairs(self, groups: list[list[Pair]]) -> None:
        """Score every pair of every listing in one model call (sklearn overhead is per call)."""
        rows = [p.features for group in groups for p in group]
        if not rows:
            return
        scores = self.model.score(rows)
        i = 0
        for group in groups:
            for pair in group:
                pair.score = round(float(scores[i]), 4)
                i += 1

    def match_many(self, listings: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Leads (dicts shaped as CONTRACTS §3) for each listing, in order; [] when none."""
        listings = list(listings)
        groups = [self.pairs(listing) for listing in listings]
        self.score_pairs(groups)
        return [[lead_dict(listing, p) for p in group if p.score >= self.threshold]
                for listing, group in zip(listings, groups)]

    def match(self, listing: dict[str, Any]) -> list[dict[str, Any]]:
        """Leads for one listing (see :meth:`match_many`)."""
        return self.match_many([listing])[0]


@lru_cache(maxsize=4096)
def _norm_category(category: str) -> str:
    """Categories are a few dozen strings repeated over every listing: normalise each once."""
    return norm(category)


def _context(listing: dict[str, Any], texts: dict[str, str], category: str, n_rights: int) -> ListingContext:
    """What every candidate of the listing shares: raw lowered fields, counterfeit and resale wording."""
    raw = {f: str(listing.get(f) or "")[:MAX_SCAN].lower() for f in FIELDS if f in texts}
    lit = light(" | ".join(str(listing.get(f) or "")[:MAX_SCAN] for f in FIELDS))
    return ListingContext(
        listing=listing, texts=texts, raw_lower=raw, counterfeit=wording.counterfeit_words(lit),
        resale=sorted({w for _, _, w in wording.find("resale", lit, light_only=True)}),
        category=category, n_rights=n_rights)


def lead_dict(listing: dict[str, Any], pair: Pair) -> dict[str, Any]:
    """A §3 lead as a plain dict (cheap on the hot path; :func:`as_lead` validates)."""
    return {"url": listing.get("url"), "right_id": pair.right_id, "score": pair.score,
            "reasons": pair.reasons, "listing": listing}


def as_lead(lead: dict[str, Any]) -> Lead:
    return Lead.model_validate(lead)

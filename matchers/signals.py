"""Signals for one listing–right candidate: numeric features for the model and the reasons behind them.

Why features about evidence only (which form matched and where, wording, price ratio, goods-class
agreement, origin) and never about catalogue words: the model must judge listings written by people
it has never seen (docs/matching.md §Generalisation). Each feature comes with the reason an analyst
reads to check it, kept as a code with its parameters (a :data:`matchers.reasons.Reason`): sentences
are rendered, in English or Chinese, only for the pairs that become leads.
One function per group of features fills its part of the vector and appends its reasons; the groups
live in modules of one job each, and this one calls them in the order an analyst reads the reasons:
signals_context (the vector layout FEATURES and the ListingContext, re-exported here), signals_form
(which form matched, mark use, co-branding), signals_wording (counterfeit and resale wording),
signals_price, signals_goods (goods classes), signals_referential (accessories, fitting, service),
signals_words (ordinary, bent and English words, style and motif senses, names, segmentation),
signals_marks (special marks: mascot, event, cartoon), signals_works (publications, films) and
signals_origin (GI origin and dodges). The parts never import this module.
"""

from __future__ import annotations

from typing import Any

from matchers.candidates import Hit
from matchers.compiled import CompiledRegister, house_line_in
from matchers.reasons import Reason
from matchers.signals_context import FEATURES, INDEX, ListingContext
from matchers.signals_form import co_brand_signals, form_signals, is_house_nickname, mark_use_signals
from matchers.signals_goods import goods_signals
from matchers.signals_marks import mascot_word_signals
from matchers.signals_origin import gi_dodge_signals, origin_signals
from matchers.signals_price import bundle_reference, price_signals
from matchers.signals_referential import referential_signals, service_signals
from matchers.signals_wording import genuine_import_signals, wording_signals
from matchers.signals_words import (bent_word_signals, english_word_signals, name_use_signals, ordinary_word_signals,
                                    split_by_words_signals)
from matchers.signals_works import publication_signals

__all__ = ["FEATURES", "ListingContext", "signals"]  # FEATURES and ListingContext: re-exported for model.py, matcher.py


_RIGHT_KIND_FEATURE = {"trademark": "kind_trademark", "gi": "kind_gi", "special_mark": "kind_special"}


def signals(compiled: CompiledRegister, right_idx: int, hits: list[Hit], ctx: ListingContext,
            origin: Any | None) -> tuple[list[float], list[Reason]]:
    """The feature vector (order = FEATURES) and reasons for one candidate pair.

    Each group of features is one function of a signals_* module that fills its part of the vector and
    appends its reasons; the order of the calls is the order in which an analyst reads the reasons."""
    right = compiled.rights[right_idx]
    vec = [0.0] * len(FEATURES)
    reasons: list[Reason] = []
    vec[INDEX[_RIGHT_KIND_FEATURE[right.kind]]] = 1.0
    form_signals(vec, reasons, right, hits, ctx)
    if right_idx in compiled.house_lines and is_house_nickname(hits[0]):
        line = house_line_in(compiled, right_idx, ctx.texts.get("title", "").replace(hits[0].seen, ""))
        if line:
            reasons[0]["line"] = line  # the product line that told which house "X家" names
    mark_use = mark_use_signals(vec, hits, ctx)
    wording_signals(vec, reasons, ctx, right)
    reference, bundle = (bundle_reference(compiled.rights, right_idx, right, hits, ctx) if ctx.n_rights > 1
                         else (right.reference_price, None))  # one right: no bundle to look for
    price_signals(vec, reasons, ctx.listing.get("price"), reference, ctx.listing, ctx.extra)
    if bundle and reasons[-1].get("reference") == reference:
        reasons[-1]["bundle"] = bundle  # the marks whose references were summed
    genuine_import_signals(vec, reasons, ctx)
    goods_signals(vec, reasons, right, hits, ctx, mark_use)
    referential_signals(vec, reasons, right, hits, ctx)
    service_signals(vec, reasons, right, hits, ctx)
    name_use_signals(vec, reasons, hits, ctx)
    ordinary_word_signals(vec, reasons, right, hits, ctx, mark_use, compiled.english_forms)
    bent_word_signals(vec, reasons, hits, ctx, compiled, right_idx, mark_use)
    english_word_signals(vec, reasons, compiled, hits, ctx)
    split_by_words_signals(vec, reasons, hits, ctx)
    if right.kind == "special_mark" and not vec[INDEX["ordinary_word"]]:
        mascot_word_signals(vec, reasons, compiled, right_idx, hits, ctx)
    publication_signals(vec, reasons, right, ctx, hits)
    co_brand_signals(vec, reasons, right_idx, hits, ctx)
    if right.kind == "gi":
        origin_signals(vec, reasons, right, origin, ctx)
        gi_dodge_signals(vec, reasons, hits, ctx)
    vec[INDEX["other_rights"]] = float(min(ctx.n_rights - 1, 3))
    return vec, reasons

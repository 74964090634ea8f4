"""Reason codes and their sentences: the tables live in the ground, :mod:`markwatch.reasons`, so that
the web workbench and the feeds (which may not import matchers/) render reasons from the same
place; this module keeps the matcher's own imports (``from matchers.reasons import Reason``) as
they were.
"""

from __future__ import annotations

from markwatch.reasons import (CODES, LANGUAGES, MARK_USES, Params, Reason, Renderer, UnknownReasonCode,
                               english, render, render_mark_use)

__all__ = ["CODES", "LANGUAGES", "MARK_USES", "Params", "Reason", "Renderer", "UnknownReasonCode", "english",
           "render", "render_mark_use"]

"""Prices the way shops write them, and the policy's price threshold.

Why a module: the generator's case builders (trademark, GI, special marks) all price listings, and
the 40 % threshold of docs/labelling.md must be one constant, not three.
"""

from __future__ import annotations

LOW_PRICE = 0.4  # labelling.md: below 40 % of the right's reference price = counterfeit


def pretty_price(p: float) -> float:
    """A price as shops write them (1299, 399, 89, 29.9, 9.9)."""
    if p >= 1000:
        return float(int(round(p, -2)) - 1)
    if p >= 100:
        return float(int(p) // 10 * 10 + 9)
    if p >= 10:
        return round(max(round(p) - 0.1, 9.9), 1)
    return round(max(p, 0.99), 1)

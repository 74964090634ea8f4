"""The listing's price against the right's reference price, converted to CNY when the listing is in
another currency (ECB reference rate of the crawl's day, matchers/currency.py).

Why apart: the conversion is the one signal that reads the currency data; it is kept once per
listing in ListingContext.extra for the listing's other pairs.
"""

from __future__ import annotations

import math
from typing import Any

from matchers.currency import HOME, currency_code, to_home
from matchers.reasons import Reason
from matchers.signals_context import INDEX


def price_signals(vec: list[float], reasons: list[Reason], price: Any, reference: float | None,
                  listing: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> None:
    """The price against the right's reference price (CNY; another currency converted at the ECB's
    rate of the crawl's day, matchers/currency.py); told when below 60 % of it. ``extra``: the
    listing context's, where the conversion is kept for the listing's other pairs."""
    if isinstance(price, (int, float)) and not isinstance(price, bool) and price > 0:
        converted = _conversion(price, listing, extra)
        if converted is _UNQUOTED:
            return  # a currency the ECB does not quote: the price says nothing we can read
        vec[INDEX["has_price"]] = 1.0
        if reference:
            ratio = (converted.amount if converted else price) / reference
            vec[INDEX["has_reference"]] = 1.0
            vec[INDEX["log_price_ratio"]] = max(-5.0, min(2.0, math.log(ratio)))
            if ratio < 0.4:
                vec[INDEX["price_below_40"]] = 1.0
            elif ratio < 0.6:
                vec[INDEX["price_40_60"]] = 1.0
            else:
                vec[INDEX["price_at_least_60"]] = 1.0
                return
            if converted is not None:
                reasons.append({"code": "price_converted", "price": price, "currency": converted.currency,
                                "converted": round(converted.amount, 2), "rate": round(converted.rate, 4),
                                "rate_date": converted.day, "reference": reference})
                return
            reasons.append({"code": "price_ratio", "price": price, "reference": reference})


_UNQUOTED = object()  # a price in a currency the ECB does not quote


def _conversion(price: float, listing: dict[str, Any] | None, extra: dict[str, Any] | None) -> Any:
    """The listing's price converted to CNY (a :class:`matchers.currency.Conversion`), None when it is
    in CNY, :data:`_UNQUOTED` when it cannot be read; once per listing when ``extra`` keeps it."""
    if extra is not None and "price:converted" in extra:
        return extra["price:converted"]
    converted: Any = None
    currency = currency_code((listing or {}).get("currency"))
    if currency != HOME:
        converted = to_home(float(price), str(currency), (listing or {}).get("crawled_at"))
        if converted is None:
            converted = _UNQUOTED
    if extra is not None:
        extra["price:converted"] = converted
    return converted

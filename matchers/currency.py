"""Prices in another currency, converted to CNY before they are compared with a reference price.

Why: a register's reference prices are in CNY (CONTRACTS §1), and cross-border listings are priced in
USD, EUR, HKD …: $39 for a ¥3,500 bag is 7 % of the reference, not 1 %, and $450 is resale, not a
fake. The rates are the European Central Bank's daily reference rates as shipped by the
``currencyconverter`` package (dated; no network): the rate of the listing's ``crawled_at`` day, or
the last day before it that has one (weekends, holidays), or the newest rate for a later day. The
conversion, its rate and its date are said in the reason (``price_converted``).

Parsing the package's 25-year history takes ≈2 s, so the rates become two numpy arrays per currency
(days, CNY per unit) kept in the disk cache (markwatch.cache) and are loaded only when a listing
carries a foreign price.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

HOME = "CNY"
_HOME_SPELLINGS = frozenset(("", "CNY", "RMB", "CNH", "¥", "￥", "元", "人民币"))
_ALIASES = {"US$": "USD", "$": "USD", "HK$": "HKD", "€": "EUR", "£": "GBP", "JP¥": "JPY", "円": "JPY",
            "₩": "KRW", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "S$": "SGD", "SG$": "SGD",
            "NZ$": "NZD", "₹": "INR", "₽": "RUB", "฿": "THB", "RM": "MYR",
            # the currency written in Chinese (a listing's own 币种 field)
            "美元": "USD", "美金": "USD", "港币": "HKD", "港元": "HKD", "日元": "JPY", "欧元": "EUR",
            "英镑": "GBP", "韩元": "KRW", "澳元": "AUD", "加元": "CAD", "新加坡元": "SGD"}


class Conversion(NamedTuple):
    amount: float  # in CNY
    rate: float  # CNY per unit of the currency
    day: str  # ISO date of the rate used
    currency: str


_RATES: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
_CACHE_DIR: Path | None = None


def set_cache_dir(cache_dir: Path | None) -> None:
    """Where the converted rate table is kept between runs (the Matcher passes its cache_dir)."""
    global _CACHE_DIR
    _CACHE_DIR = cache_dir


def currency_code(raw: Any) -> str | None:
    """The ISO code of a listing's ``currency`` ("usd", "US$" → USD); HOME for CNY spellings or none."""
    text = str(raw or "").strip()
    if text.upper() in _HOME_SPELLINGS or text in _HOME_SPELLINGS:
        return HOME
    return _ALIASES.get(text, text.upper())


def _build_rates() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from currency_converter import CurrencyConverter

    converter = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
    cny = converter._rates[HOME]  # noqa: SLF001 - the package's own parsed table: day → EUR rate
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for code, by_day in converter._rates.items():  # noqa: SLF001
        days = sorted(d for d in by_day if by_day[d] and cny.get(d))
        if days:
            out[code] = (np.array([d.toordinal() for d in days], dtype=np.int64),
                         np.array([cny[d] / by_day[d] for d in days], dtype=np.float64))
    eur_days = sorted(d for d in cny if cny[d])
    out["EUR"] = (np.array([d.toordinal() for d in eur_days], dtype=np.int64),
                  np.array([cny[d] for d in eur_days], dtype=np.float64))
    return out


def _rates() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    global _RATES
    if _RATES is None:
        from markwatch.cache import cached, file_fingerprint, library_fingerprint

        _RATES = cached("currency-rates", [file_fingerprint(__file__), library_fingerprint("currency_converter")],
                        _build_rates, _CACHE_DIR)
    return _RATES


def _day_of(crawled_at: Any) -> int | None:
    try:
        return dt.date.fromisoformat(str(crawled_at)[:10]).toordinal()
    except ValueError:
        return None


def to_home(price: float, currency: str, crawled_at: Any = None) -> Conversion | None:
    """``price`` in CNY at the ECB rate of the crawl's day; None for a currency the ECB does not quote."""
    table = _rates().get(currency)
    if table is None:
        return None
    days, rates = table
    day = _day_of(crawled_at)
    at = len(days) - 1 if day is None else max(0, int(np.searchsorted(days, day, side="right")) - 1)
    rate = float(rates[at])
    return Conversion(price * rate, rate, dt.date.fromordinal(int(days[at])).isoformat(), currency)

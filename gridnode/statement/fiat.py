"""Fiat prices given by the user: one for the month (``97000:EUR``) or a CSV of daily
prices. No network: a statement never looks a price up."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

from gridnode.errors import UsageError

MSAT_PER_BTC = 100_000_000_000
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Prices:
    """The price of one bitcoin in ``currency``: one for every day, or per day."""

    currency: str
    flat: Decimal | None = None
    daily: dict[date, Decimal] = field(default_factory=dict)

    def on(self, day: date) -> Decimal:
        if self.flat is not None:
            return self.flat
        try:
            return self.daily[day]
        except KeyError:
            raise UsageError(
                f"--btc-prices has no price for {day.isoformat()}; add a row "
                f"'{day.isoformat()},PRICE,{self.currency}'."
            ) from None

    def value(self, amounts: list[tuple[date, int]]) -> Decimal:
        """Amounts (day, msat) in fiat, each at its day's price, rounded to the cent."""
        total = sum(
            (Decimal(msat) * self.on(day) / MSAT_PER_BTC for day, msat in amounts), Decimal(0)
        )
        return total.quantize(CENT, rounding=ROUND_HALF_EVEN)


def parse_price(text: str) -> Prices:
    """``97000:EUR`` (a price for one bitcoin, and its currency)."""
    price_text, _, currency = text.partition(":")
    try:
        price = Decimal(price_text)
    except InvalidOperation:
        price = Decimal(-1)
    if price <= 0 or not currency.isalpha() or len(currency) != 3:
        raise UsageError(
            f"--btc-price: {text!r} is not a price; write the price of one bitcoin and its "
            "currency, like 97000:EUR."
        )
    return Prices(currency.upper(), flat=price)


def read_prices(path: Path) -> Prices:
    """A CSV of daily prices: ``date,price,currency`` per row (a header row is allowed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--btc-prices: {path} cannot be read ({exc}).") from None
    daily: dict[date, Decimal] = {}
    currencies: set[str] = set()
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or (number == 1 and row[0].strip().lower() == "date"):
            continue
        try:
            day = date.fromisoformat(row[0].strip())
            price = Decimal(row[1].strip())
            currency = row[2].strip().upper()
            if price <= 0 or len(currency) != 3:
                raise ValueError(row)
        except (ValueError, IndexError, InvalidOperation):
            raise UsageError(
                f"--btc-prices: {path} line {number} is not 'date,price,currency' like "
                "'2026-11-01,97000,EUR'."
            ) from None
        daily[day] = price
        currencies.add(currency)
    if len(currencies) != 1:
        raise UsageError(
            f"--btc-prices: {path} must give prices in one currency, not {sorted(currencies)}."
        )
    return Prices(currencies.pop(), daily=daily)

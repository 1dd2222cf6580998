"""Money rules: Decimal amounts rounded to a currency's minor unit (ISO 4217), formatted as decimal strings.

Amounts are stored with two places (`lms.platform.models.Money`); a currency whose minor unit is 0 (JPY,
KRW, ...) keeps whole amounts. Currencies with three minor digits (BHD, KWD, ...) are kept to two places,
the precision of the storage. Nothing here ever goes through a float.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lms.platform.currencies import ISO_4217

ZERO = Decimal("0")
# ISO 4217 currencies without a minor unit.
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split())


def decimal_places(currency: str) -> int:
    """Digits after the decimal point of amounts in `currency` (0 or 2)."""
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-decimal_places(currency))


def rounded(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def fmt(amount: Decimal | None, currency: str) -> str:
    """The decimal string of `amount` ("99.99"; "1500" for JPY)."""
    value = rounded(amount if amount is not None else ZERO, currency)
    return f"{value:.{decimal_places(currency)}f}"


def to_minor(amount: Decimal, currency: str) -> int:
    """The amount in the currency's smallest unit, as payment gateways want it (cents; yen)."""
    return int(rounded(amount, currency).scaleb(decimal_places(currency)))


def is_currency(code: str) -> bool:
    return code in ISO_4217


def allocate(total: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """Splits `total` over lines in proportion to `weights`, each share rounded to the minor unit; the
    last line with a weight takes the remainder so the shares add up to `total` exactly."""
    whole = sum(weights, ZERO)
    if whole <= 0 or total <= 0:
        return [ZERO for _ in weights]
    shares = [rounded(total * w / whole, currency) for w in weights]
    last = max(i for i, w in enumerate(weights) if w > 0)
    shares[last] += total - sum(shares, ZERO)
    return shares

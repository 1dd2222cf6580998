"""Cart arithmetic and coupon rules, free of I/O: Decimal amounts rounded per currency (lms.payments.money).

A percent coupon takes its percentage off each eligible line (rounded half-up to the minor unit); a fixed
coupon takes its amount off the eligible lines, split in proportion to their totals, never more than they
cost. Eligible lines: every line, or only the coupon's course when it is restricted to one. The discount
never exceeds the subtotal, so a total is never below zero.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from lms.payments.public import money

PERCENT, FIXED = "percent", "fixed"
HUNDRED = Decimal(100)


@dataclasses.dataclass(frozen=True)
class Line:
    course_id: int
    unit_price: Decimal
    quantity: int

    def total(self, currency: str) -> Decimal:
        return money.rounded(self.unit_price * self.quantity, currency)


@dataclasses.dataclass(frozen=True)
class Terms:
    """What a coupon allows (the fields of `lms.carts.models.Coupon` the rules read)."""

    code: str
    discount_type: str
    value: Decimal
    currency: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None
    max_uses_per_user: int | None = None
    uses: int = 0
    course_id: int | None = None
    min_subtotal: Decimal = Decimal("0")
    is_active: bool = True


@dataclasses.dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    line_totals: list[Decimal]
    line_discounts: list[Decimal]


INVALID = "Invalid coupon code."


def refusal(terms: Terms, *, now: datetime, lines: list[Line], currency: str, user_uses: int) -> str | None:
    """Why the coupon cannot be applied to these lines now, or None."""
    if not terms.is_active:
        return INVALID
    if terms.valid_from is not None and now < terms.valid_from:
        return "This coupon is not valid yet."
    if terms.valid_until is not None and now > terms.valid_until:
        return "This coupon has expired."
    if terms.max_uses is not None and terms.uses >= terms.max_uses:
        return "This coupon has reached its maximum number of uses."
    if terms.max_uses_per_user is not None and user_uses >= terms.max_uses_per_user:
        return "You have already used this coupon the maximum number of times."
    if not lines:
        return "Your cart is empty."
    if terms.discount_type == FIXED and terms.currency != currency:
        return f"This coupon is in {terms.currency}; your cart is in {currency}."
    if terms.course_id is not None and all(line.course_id != terms.course_id for line in lines):
        return "This coupon does not apply to any course in your cart."
    subtotal = sum((line.total(currency) for line in lines), Decimal("0"))
    if subtotal < terms.min_subtotal:
        return (f"This coupon requires a subtotal of at least {money.fmt(terms.min_subtotal, currency)} "
                f"{currency}.")
    return None


def totals(lines: list[Line], currency: str, terms: Terms | None = None) -> Totals:
    """Subtotal, discount (0 without a coupon) and total of the lines, with each line's share."""
    line_totals = [line.total(currency) for line in lines]
    subtotal = sum(line_totals, Decimal("0"))
    discounts = [Decimal("0") for _ in lines]
    if terms is not None and lines:
        eligible = [terms.course_id is None or line.course_id == terms.course_id for line in lines]
        if terms.discount_type == PERCENT:
            rate = min(max(terms.value, Decimal("0")), HUNDRED)
            discounts = [min(money.rounded(t * rate / HUNDRED, currency), t) if ok else Decimal("0")
                         for t, ok in zip(line_totals, eligible)]
        else:
            weights = [t if ok else Decimal("0") for t, ok in zip(line_totals, eligible)]
            amount = min(money.rounded(max(terms.value, Decimal("0")), currency), sum(weights, Decimal("0")))
            discounts = money.allocate(amount, weights, currency)
    discount = sum(discounts, Decimal("0"))
    discount = min(discount, subtotal)
    zero = money.rounded(Decimal("0"), currency)
    return Totals(subtotal=money.rounded(subtotal, currency), discount=money.rounded(discount, currency),
                  total=max(money.rounded(subtotal - discount, currency), zero),
                  line_totals=line_totals, line_discounts=[money.rounded(d, currency) for d in discounts])

"""Unit tests of the money, coupon, masking and signature rules (no transport)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from lms.carts import pricing
from lms.payments import money, secrets
from lms.payments.stripe import SignatureError, sign, verify

D = Decimal
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_minor_units_and_formatting():
    assert money.fmt(D("99.9"), "USD") == "99.90"
    assert money.fmt(D("1500"), "JPY") == "1500" and money.fmt(D("1500.5"), "JPY") == "1501"
    assert money.rounded(D("0.125"), "EUR") == D("0.13")  # half-up, never banker's rounding
    assert money.to_minor(D("39.99"), "USD") == 3999 and money.to_minor(D("1500"), "JPY") == 1500
    assert money.decimal_places("KRW") == 0 and money.decimal_places("GBP") == 2
    with pytest.raises(TypeError):
        money.rounded(0.1, "USD")  # floats are refused
    assert money.allocate(D("10.00"), [D("1"), D("1"), D("1")], "USD") == [D("3.33"), D("3.33"), D("3.34")]
    assert money.allocate(D("5"), [D("0"), D("0")], "USD") == [D("0"), D("0")]


def test_percent_and_fixed_discounts_never_below_zero():
    lines = [pricing.Line(1, D("49.99"), 1), pricing.Line(2, D("10.00"), 3)]
    percent = pricing.Terms(code="P", discount_type="percent", value=D("20"))
    totals = pricing.totals(lines, "USD", percent)
    assert (totals.subtotal, totals.discount, totals.total) == (D("79.99"), D("16.00"), D("63.99"))
    assert totals.line_discounts == [D("10.00"), D("6.00")]
    fixed = pricing.Terms(code="F", discount_type="fixed", value=D("500"), currency="USD")
    totals = pricing.totals(lines, "USD", fixed)
    assert (totals.discount, totals.total) == (D("79.99"), D("0.00"))
    assert sum(totals.line_discounts) == D("79.99")
    restricted = pricing.Terms(code="R", discount_type="fixed", value=D("5"), currency="USD", course_id=2)
    assert pricing.totals(lines, "USD", restricted).line_discounts == [D("0"), D("5.00")]
    yen = pricing.totals([pricing.Line(1, D("999"), 1)], "JPY",
                         pricing.Terms(code="Y", discount_type="percent", value=D("15")))
    assert (yen.discount, yen.total) == (D("150"), D("849"))
    assert pricing.totals([], "USD", percent).total == D("0.00")


def test_coupon_refusals():
    lines = [pricing.Line(1, D("20.00"), 1)]

    def why(**terms):
        return pricing.refusal(pricing.Terms(**{"code": "C", "discount_type": "percent", "value": D("10"), **terms}),
                               now=NOW, lines=lines, currency="USD", user_uses=0)

    assert why() is None
    assert why(is_active=False) == "Invalid coupon code."
    assert why(valid_from=NOW + timedelta(seconds=1)) == "This coupon is not valid yet."
    assert why(valid_until=NOW - timedelta(seconds=1)) == "This coupon has expired."
    assert why(max_uses=3, uses=3) == "This coupon has reached its maximum number of uses."
    assert why(course_id=9) == "This coupon does not apply to any course in your cart."
    assert why(min_subtotal=D("20.01")) == "This coupon requires a subtotal of at least 20.01 USD."
    assert why(discount_type="fixed", currency="EUR") == "This coupon is in EUR; your cart is in USD."
    per_user = pricing.Terms(code="C", discount_type="percent", value=D("10"), max_uses_per_user=1)
    assert pricing.refusal(per_user, now=NOW, lines=lines, currency="USD", user_uses=1) == \
        "You have already used this coupon the maximum number of times."
    assert pricing.refusal(per_user, now=NOW, lines=[], currency="USD", user_uses=0) == "Your cart is empty."


def test_masking():
    assert secrets.mask("sk_test_51HxyzABCDEFabcd") == "sk_test_…abcd"
    assert secrets.mask("whsec_0123456789wxyz") == "whsec_…wxyz"
    assert secrets.mask("short") == "…" and secrets.mask("") == ""
    assert secrets.mask("nounderscoresatall1234") == "…1234"


def test_stripe_signature_verification():
    payload, secret, now = b'{"id":"evt_1"}', "whsec_test", int(time.time())
    header = sign(payload, secret, now)
    verify(payload, header, secret, now=now)
    verify(payload, f"t={now},v1=deadbeef,{header.split(',')[1]}", secret, now=now)  # any v1 may match
    for bad_payload, bad_header, bad_secret, at in (
            (payload + b" ", header, secret, now),             # tampered body
            (payload, header, "whsec_other", now),              # wrong secret
            (payload, header, secret, now + 301),               # replayed after the tolerance
            (payload, header.replace("v1=", "v0="), secret, now),  # no v1 signature
            (payload, "garbage", secret, now),
            (payload, header, "", now)):                        # no secret configured
        with pytest.raises(SignatureError):
            verify(bad_payload, bad_header, bad_secret, now=at)

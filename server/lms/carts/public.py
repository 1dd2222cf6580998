"""The carts domain's public face, and where it connects to the domains below it: when an order is paid
(lms.payments fires `lms.platform.hooks.order_paid`, once per order), the cart counts the coupon use and
lets go of the bought courses, in the same unit of work."""
from __future__ import annotations

from lms.carts.service import order_paid
from lms.platform import hooks

hooks.order_paid.connect(order_paid)

__all__ = ["order_paid"]

"""The payments domain's public face: what the carts domain (above it) uses to price, place and pay orders,
and where payments connects to the domains below it: the course-access policy learns who bought which
course from here (`provide_purchases`), so a student's own enrollment in a paid course they bought is allowed
by the same rule as one in a free course."""
from __future__ import annotations

from lms.courses.public import provide_purchases
from lms.payments import money
from lms.payments.entitlements import purchased_clause
from lms.payments.messages import order_message
from lms.payments.service import (
    NewLine, OrderView, choose_gateway, place_order, store,
)

provide_purchases(purchased_clause)

__all__ = ["NewLine", "OrderView", "choose_gateway", "money", "order_message",
           "place_order", "purchased_clause", "store"]

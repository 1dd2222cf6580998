"""Builders shared by the carts and payments tests (through the public API only)."""
from __future__ import annotations

from tests.helpers import make_course, make_lesson, make_module

CART = "/api/lms/carts/cart/"
WISHLIST = "/api/lms/carts/wishlist/"
APPLY = "/api/lms/carts/apply-coupon/"
CHECKOUT = "/api/lms/carts/checkout/"
COUPONS = "/api/lms/carts/coupons/"
GATEWAYS = "/api/lms/payments/payment-gateways/"
CURRENCY = "/api/lms/payments/site-currency/"
ORDERS = "/api/lms/payments/orders/"


def paid_course(admin, price: str = "49.99", currency: str = "USD", **fields) -> dict:
    return make_course(admin, is_free=False, price=price, currency=currency, **fields)


def course_with_lesson(admin, price: str = "49.99", currency: str = "USD") -> tuple[dict, str]:
    """A paid course with one lesson, and the URL of that lesson (which only learners and staff may open)."""
    course = paid_course(admin, price, currency)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    return course, f"/api/lms/courses/{course['id']}/modules/{module['id']}/lessons/{lesson['id']}/"


def add(actor, course_id: int, quantity: int | None = None) -> dict:
    body = {"course": course_id} if quantity is None else {"course": course_id, "quantity": quantity}
    response = actor.post(CART, body)
    assert response.status_code == 201, response.text
    return response.json()


def gateway(admin, code: str) -> dict:
    return next(g for g in admin.get(GATEWAYS).json() if g["code"] == code)


def coupon(admin, **fields) -> dict:
    response = admin.post(COUPONS, {"discount_type": "percent", "value": "20", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def checkout(actor, gateway_code: str = "manual", key: str | None = None) -> dict:
    headers = {"Idempotency-Key": key} if key else {}
    response = actor.post(CHECKOUT, {"gateway": gateway_code}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def mark_paid(admin, order_id: int) -> dict:
    response = admin.post(f"{ORDERS}{order_id}/mark-paid/", {"reference": "bank-123"})
    assert response.status_code == 200, response.text
    return response.json()

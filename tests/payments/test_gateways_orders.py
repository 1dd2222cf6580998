"""Gateways (secrets encrypted, masked for admins, never in a response or a log line), site currencies, the
manual gateway, orders (lists, filters, roles, tenants), refunds per course, receipts, purchases and
self-enrollment, and native gRPC."""
from __future__ import annotations

import json

import grpc
from google.protobuf import json_format

from lms.carts.v1 import carts_pb2, carts_pb2_grpc
from lms.payments.v1 import payments_pb2, payments_pb2_grpc
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error
from tests.payments.shop import (
    CART, CHECKOUT, CURRENCY, GATEWAYS, ORDERS, add, checkout, course_with_lesson, gateway, mark_paid, paid_course,
)

ENROLL = "/api/lms/enrollments/course/{course}/enroll/"
MUST_BUY = {"detail": "This course must be purchased before enrolling. Add it to your cart at /api/lms/carts/cart/."}


def test_gateway_secrets_are_masked_encrypted_and_never_logged(tenant, stack):
    admin = tenant.admin()
    listed = admin.get(GATEWAYS)
    assert listed.status_code == 200 and [g["code"] for g in listed.json()] == ["manual", "stripe"]
    stripe = gateway(admin, "stripe")
    assert stripe["is_enabled"] is False
    url = f"/api/lms/payments/payment-gateways/{stripe['id']}/config/"
    # The document's body, as written (with and without the trailing slash).
    documented = admin.patch(url, {"config": {"api_key": "sk_test_...", "webhook_secret": "whsec_..."}})
    assert documented.status_code == 200, documented.text
    secret_key, webhook_secret = "sk_test_51HsEcReTvAlUe9876abcd", "whsec_TopSecretWebhookValue42wxyz"
    response = admin.patch(url.rstrip("/"), {"config": {"api_key": secret_key, "webhook_secret": webhook_secret,
                                                        "publishable_key": "pk_test_public"}, "is_enabled": True})
    assert response.status_code == 200, response.text
    config = response.json()["config"]
    assert config["api_key"] == "sk_test_…abcd" and config["webhook_secret"] == "whsec_…wxyz"
    assert config["publishable_key"] == "pk_test_public"
    assert config["webhook_url"].endswith(f"/api/lms/payments/webhooks/stripe/{tenant.id}/")
    assert response.json()["is_enabled"] is True

    student = tenant.student()
    public = student.get(GATEWAYS).json()
    assert {g["code"]: g["config"] for g in public} == {"manual": {}, "stripe": {"publishable_key": "pk_test_public"}}
    assert_error(student.patch(url, {"config": {"api_key": "sk_test_mine"}}), 403, FORBIDDEN)
    assert_error(tenant.instructor().patch(url, {"config": {"api_key": "sk_test_mine"}}), 403, FORBIDDEN)
    assert_error(admin.patch(url, {"config": {"api_key": "pk_wrong"}}), 400,
                 {"config": ['"api_key" must start with sk_ or rk_.']})
    assert_error(admin.patch(url, {"config": {"colour": "red"}}), 400, fields=["config"])
    assert_error(admin.patch("/api/lms/payments/payment-gateways/999999/config/", {"config": {}}), 404, NOT_FOUND)
    assert_error(tenant.anonymous().get(GATEWAYS), 401)
    stored = stack.sql("SELECT secret_config FROM payment_gateways WHERE tenant_id = :t AND code = 'stripe'",
                       t=tenant.id)[0][0]
    assert stored and secret_key not in stored and webhook_secret not in stored
    for text in (listed.text, response.text, json.dumps(public)):
        assert secret_key not in text and webhook_secret not in text
    # A checkout whose PaymentIntent the stub refuses (this key is not the stub's): a clear error, no order.
    course = paid_course(admin)
    add(student, course["id"])
    refused = student.post(CHECKOUT, {"gateway": "stripe"})
    assert refused.status_code == 503 and "nothing was charged" in refused.json()["detail"]
    assert student.get(ORDERS).json()["count"] == 0
    log = stack.log_text()
    assert "payment gateway configured" in log
    assert secret_key not in log and webhook_secret not in log and "TopSecret" not in log


def test_site_currency(tenant, stack):
    admin, student = tenant.admin(), tenant.student()
    default = student.get(CURRENCY)
    assert default.status_code == 200
    assert default.json() == {"default_currency": "USD", "allow_seat_purchases": False,
                              "currencies": [{"code": "USD", "decimal_places": 2, "is_default": True}]}
    changed = admin.patch(CURRENCY.rstrip("/"), {"currencies": ["usd", "EUR", "JPY"], "default_currency": "EUR"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["currencies"] == [{"code": "USD", "decimal_places": 2, "is_default": False},
                                            {"code": "EUR", "decimal_places": 2, "is_default": True},
                                            {"code": "JPY", "decimal_places": 0, "is_default": False}]
    assert_error(student.patch(CURRENCY, {"currencies": ["USD"]}), 403, FORBIDDEN)
    assert_error(admin.patch(CURRENCY, {"currencies": ["USD", "XYZ"]}), 400,
                 {"currencies": ['"XYZ" is not an ISO 4217 currency code.']})
    assert_error(admin.patch(CURRENCY, {"currencies": []}), 400, {"currencies": ["This list may not be empty."]})
    assert_error(admin.patch(CURRENCY, {"default_currency": "GBP"}), 400,
                 {"default_currency": ["The default currency must be one of the enabled currencies."]})
    # Prices in a currency the site does not accept cannot be bought; JPY has no minor unit.
    gbp = paid_course(admin, "10.00", "GBP")
    assert_error(student.post(CART, {"course": gbp["id"]}), 400,
                 {"course": ["This course is priced in GBP, which this site does not accept (USD, EUR, JPY)."]})
    yen = paid_course(admin, "1500", "JPY")
    cart = add(student, yen["id"])
    assert (cart["subtotal"], cart["total"], cart["currency"], cart["items"][0]["unit_price"]) == (
        "1500", "1500", "JPY", "1500")
    assert student.get(CART).json()["currency"] == "JPY"
    empty = tenant.student().get(CART).json()
    assert (empty["currency"], empty["total"]) == ("EUR", "0.00")


def test_manual_gateway_orders_refunds_and_receipts(tenant, other_tenant, stack):
    admin = tenant.admin()
    first, first_lesson = course_with_lesson(admin, "19.99")
    second, second_lesson = course_with_lesson(admin, "5.01")
    manual = gateway(admin, "manual")
    admin.patch(f"/api/lms/payments/payment-gateways/{manual['id']}/config/",
                {"config": {"instructions": "IBAN DE00 1234"}})
    student, other = tenant.student(), tenant.student()
    add(student, first["id"])
    add(student, second["id"])
    order = checkout(student, "manual")
    assert (order["status"], order["subtotal"], order["total"]) == ("pending", "25.00", "25.00")
    assert order["payment"]["instructions"] == "IBAN DE00 1234" and order["receipt_url"] == ""
    assert_error(student.get(f"{ORDERS}{order['id']}/receipt/"), 400, fields=["non_field_errors"])
    assert_error(student.post(f"{ORDERS}{order['id']}/mark-paid/", {}), 403, FORBIDDEN)
    assert_error(other.get(f"{ORDERS}{order['id']}/"), 404, NOT_FOUND)
    assert_error(other_tenant.admin().get(f"{ORDERS}{order['id']}/"), 404, NOT_FOUND)
    assert_error(other_tenant.admin().post(f"{ORDERS}{order['id']}/mark-paid/", {}), 404, NOT_FOUND)

    paid = mark_paid(admin, order["id"])
    assert paid["status"] == "paid" and paid["payment"]["reference"] == "bank-123"
    assert_error(admin.post(f"{ORDERS}{order['id']}/mark-paid/", {}), 400,
                 {"non_field_errors": ["This order is paid already."]})
    assert student.get(first_lesson).status_code == 200 and student.get(second_lesson).status_code == 200
    assert student.get(CART).json()["item_count"] == 0

    # Lists: the buyer's own; staff see all, filtered by status and date; paginated.
    assert [o["id"] for o in student.get(ORDERS).json()["results"]] == [order["id"]]
    assert other.get(ORDERS.rstrip("/")).json() == {"count": 0, "next": None, "previous": None, "results": []}
    add(other, first["id"])
    pending = checkout(other, "manual")
    everything = admin.get(ORDERS, params={"page_size": 1}).json()
    assert everything["count"] == 2 and everything["next"].endswith("page=2&page_size=1") or \
        everything["next"].endswith("page_size=1&page=2")
    assert [o["id"] for o in admin.get(ORDERS, params={"status": "pending"}).json()["results"]] == [pending["id"]]
    assert admin.get(ORDERS, params={"date_from": "2999-01-01"}).json()["count"] == 0
    assert admin.get(ORDERS, params={"date_to": "2999-01-01", "date_from": "2000-01-01"}).json()["count"] == 2
    assert_error(admin.get(ORDERS, params={"status": "lost"}), 400, {"status": ['"lost" is not a valid choice.']})
    assert_error(admin.get(ORDERS, params={"date_from": "yesterday"}), 400, {"date_from": ["Enter a valid date/time."]})
    assert other_tenant.admin().get(ORDERS).json()["count"] == 0

    # Refund one course: its enrollment is deactivated, the other stays; then the rest.
    assert_error(tenant.instructor().post(f"{ORDERS}{order['id']}/refund/", {}), 403, FORBIDDEN)
    partial = admin.post(f"{ORDERS}{order['id']}/refund/", {"course_ids": [second["id"]]})
    assert partial.status_code == 200, partial.text
    body = partial.json()
    assert (body["status"], body["refunded_amount"]) == ("paid", "5.01")
    assert [i["status"] for i in body["items"]] == ["paid", "refunded"] and body["items"][1]["refunded_at"]
    assert student.get(first_lesson).status_code == 200 and student.get(second_lesson).status_code == 403
    assert_error(admin.post(f"{ORDERS}{order['id']}/refund/", {"course_ids": [second["id"]]}), 400,
                 {"course_ids": ["These courses were refunded already."]})
    assert_error(admin.post(f"{ORDERS}{order['id']}/refund/", {"course_ids": [999999]}), 400,
                 {"course_ids": ["Course 999999 is not part of this order."]})
    full = admin.post(f"{ORDERS}{order['id']}/refund", {}).json()
    assert (full["status"], full["refunded_amount"]) == ("refunded", "25.00")
    assert student.get(first_lesson).status_code == 403
    assert_error(admin.post(f"{ORDERS}{order['id']}/refund/", {}), 400, fields=["non_field_errors"])
    receipt = student.get(f"{ORDERS}{order['id']}/receipt")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert receipt.headers["content-type"] == "application/pdf"
    assert_error(other.get(f"{ORDERS}{order['id']}/receipt/"), 404, NOT_FOUND)
    assert stack.sql("SELECT count(*) FROM outbox_events WHERE tenant_id = :t AND type = 'order.refunded' "
                     "AND room = :r", t=tenant.id, r=f"user_{student.user_id}") == [(2,)]


def test_self_enroll_in_a_paid_course_needs_a_purchase(tenant, stack):
    admin = tenant.admin()
    course, lesson_url = course_with_lesson(admin, "12.00")
    buyer, stranger = tenant.student(), tenant.student()
    assert_error(stranger.post(ENROLL.format(course=course["id"]), {}), 403, MUST_BUY)
    add(buyer, course["id"])
    order = checkout(buyer, "manual")
    assert_error(buyer.post(ENROLL.format(course=course["id"]), {}), 403, MUST_BUY)  # not paid yet
    mark_paid(admin, order["id"])
    assert buyer.get(lesson_url).status_code == 200  # the purchase enrolled the buyer
    assert_error(buyer.post(ENROLL.format(course=course["id"]), {}), 400,
                 {"non_field_errors": ["User is already enrolled in this course."]})
    # The rule itself: a paid order line lets its buyer enroll by themselves. (The purchase made the
    # enrollment; remove the row, as an operator restoring data might, and the buyer enrolls alone.)
    stack.sql("DELETE FROM enrollments WHERE tenant_id = :t AND user_id = :u", t=tenant.id, u=buyer.user_id)
    assert buyer.get(lesson_url).status_code == 403
    enrolled = buyer.post(ENROLL.format(course=course["id"]), {})
    assert enrolled.status_code == 201, enrolled.text
    assert buyer.get(lesson_url).status_code == 200
    assert_error(stranger.post(ENROLL.format(course=course["id"]), {}), 403, MUST_BUY)
    # Once refunded, the purchase no longer entitles anybody.
    assert admin.post(f"{ORDERS}{order['id']}/refund/", {}).status_code == 200
    stack.sql("DELETE FROM enrollments WHERE tenant_id = :t AND user_id = :u", t=tenant.id, u=buyer.user_id)
    assert_error(buyer.post(ENROLL.format(course=course["id"]), {}), 403, MUST_BUY)


def test_grpc_cart_checkout_and_gateways(tenant, stack):
    admin = tenant.admin()
    course = paid_course(admin, "9.90")
    student = tenant.student()
    with stack.channel() as channel:
        carts = carts_pb2_grpc.CartServiceStub(channel)
        cart = carts.AddToCart(carts_pb2.AddToCartRequest(course=course["id"]), metadata=student.metadata)
        assert (cart.total, cart.items[0].course_detail.title) == ("9.90", course["title"])
        order = carts.Checkout(carts_pb2.CheckoutRequest(gateway="manual"),
                               metadata=student.metadata + (("idempotency-key", "grpc-1"),))
        again = carts.Checkout(carts_pb2.CheckoutRequest(gateway="manual"),
                               metadata=student.metadata + (("idempotency-key", "grpc-1"),))
        assert again == order and order.status == "pending" and order.total == "9.90"
        payments = payments_pb2_grpc.PaymentServiceStub(channel)
        listed = payments.ListPaymentGateways(payments_pb2.ListPaymentGatewaysRequest(), metadata=student.metadata)
        assert [g.code for g in listed.gateways] == ["manual"]
        try:
            payments.RefundOrder(payments_pb2.RefundOrderRequest(order_id=order.id), metadata=student.metadata)
            raise AssertionError("a student refunded an order")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.PERMISSION_DENIED
        try:
            carts.AddToCart(carts_pb2.AddToCartRequest(course=course["id"]), metadata=student.metadata)
            raise AssertionError("added twice")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        paid = payments.MarkOrderPaid(payments_pb2.MarkOrderPaidRequest(order_id=order.id), metadata=admin.metadata)
        assert paid.status == "paid"
        assert json_format.MessageToDict(paid, preserving_proto_field_name=True)["payment"]["gateway"] == "manual"

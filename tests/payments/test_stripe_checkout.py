"""Cart -> coupon -> checkout -> signed Stripe webhook -> enrollment -> the learner opens the course, through
Envoy, against a local server speaking Stripe's API; webhooks that are replayed, tampered with or stale
change nothing; concurrent confirmations enroll once."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import FORBIDDEN_NOT_ENROLLED, NOT_FOUND, assert_error
from tests.payments import stripe_stub as stubs
from tests.payments.shop import APPLY, CART, CHECKOUT, ORDERS, add, coupon, course_with_lesson, gateway

WEBHOOK = "/api/lms/payments/webhooks/stripe/{tenant}/"


def enable_stripe(admin) -> dict:
    stripe = gateway(admin, "stripe")
    response = admin.patch(f"/api/lms/payments/payment-gateways/{stripe['id']}/config/", {
        "config": {"api_key": stubs.API_KEY, "webhook_secret": stubs.WEBHOOK_SECRET,
                   "publishable_key": stubs.PUBLISHABLE_KEY},
        "is_enabled": True})
    assert response.status_code == 200, response.text
    return response.json()


def post_event(client, tenant_id: str, payload: bytes, **kw):
    return client.post(WEBHOOK.format(tenant=tenant_id), content=payload, headers=stubs.signed_headers(payload, **kw))


def enrollment_rows(stack, tenant_id: str, course_id: int) -> list:
    return stack.sql("SELECT user_id, is_active FROM enrollments WHERE tenant_id = :t AND course_id = :c",
                     t=tenant_id, c=course_id)


def test_cart_coupon_checkout_webhook_enrollment(tenant, stack, stripe_stub):
    admin = tenant.admin()
    enable_stripe(admin)
    course, lesson_url = course_with_lesson(admin, "49.99")
    coupon(admin, code="SAVE20", value="20")
    student = tenant.student()
    assert_error(student.get(lesson_url), 403, FORBIDDEN_NOT_ENROLLED)

    cart = add(student, course["id"])
    assert (cart["subtotal"], cart["discount"], cart["total"], cart["currency"]) == ("49.99", "0.00", "49.99", "USD")
    cart = student.post(APPLY, {"code": "SAVE20"}).json()
    assert (cart["coupon_code"], cart["discount"], cart["total"]) == ("SAVE20", "10.00", "39.99")

    first = student.post(CHECKOUT, {"gateway": "stripe"}, headers={"Idempotency-Key": "order-1"})
    assert first.status_code == 201, first.text
    order = first.json()
    assert order["status"] == "pending" and order["total"] == "39.99" and order["coupon_code"] == "SAVE20"
    assert order["payment"]["gateway"] == "stripe" and order["payment"]["client_secret"].startswith("pi_")
    assert order["payment"]["publishable_key"] == stubs.PUBLISHABLE_KEY
    intent_id = order["payment"]["reference"]
    created = stripe_stub.intents[intent_id]
    assert (created["amount"], created["currency"]) == (3999, "usd")
    assert created["metadata"] == {"order_id": str(order["id"]), "tenant_id": tenant.id, "user_id": student.user_id}

    # Same key, same body: the same response, no second order or PaymentIntent; other body: refused.
    intents = len(stripe_stub.intents)
    again = student.post(CHECKOUT, {"gateway": "stripe"}, headers={"Idempotency-Key": "order-1"})
    assert again.status_code == 201 and again.json() == order and again.headers["idempotent-replayed"] == "true"
    assert len(stripe_stub.intents) == intents
    other = student.post(CHECKOUT, {"gateway": "manual"}, headers={"Idempotency-Key": "order-1"})
    assert other.status_code == 400 and "same parameters" in other.json()["detail"]
    assert student.get(CART).json()["item_count"] == 1  # nothing happens until the payment succeeds

    payload = stubs.event("payment_intent.succeeded", stripe_stub.succeed(intent_id))
    response = post_event(tenant.anonymous(), tenant.id, payload)
    assert response.status_code == 200, response.text
    assert response.json() == {"received": True, "duplicate": False}

    paid = student.get(f"{ORDERS}{order['id']}/").json()
    assert paid["status"] == "paid" and paid["paid_at"] and paid["items"][0]["status"] == "paid"
    assert student.get(lesson_url).status_code == 200  # the learner opens the course
    assert enrollment_rows(stack, tenant.id, course["id"]) == [(student.user_id, True)]
    assert student.get(CART).json() == {"items": [], "item_count": 0, "subtotal": "0.00", "discount": "0.00",
                                        "total": "0.00", "currency": "USD", "coupon_code": "", "coupon_message": ""}
    assert admin.get(COUPONS_URL).json()["results"][0]["uses"] == 1
    receipt = student.get("/" + paid["receipt_url"].split("/", 3)[3])
    assert receipt.status_code == 200 and receipt.headers["content-type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")

    # The same event again (Stripe retries): acknowledged, nothing changes.
    replay = post_event(tenant.anonymous(), tenant.id, payload)
    assert replay.status_code == 200 and replay.json() == {"received": True, "duplicate": True}
    assert enrollment_rows(stack, tenant.id, course["id"]) == [(student.user_id, True)]
    assert admin.get(COUPONS_URL).json()["results"][0]["uses"] == 1
    paid_events = stack.sql("SELECT count(*) FROM outbox_events WHERE tenant_id = :t AND type = 'order.paid' "
                            "AND room = :r", t=tenant.id, r=f"user_{student.user_id}")
    assert paid_events == [(1,)]
    # Neither the gateway's secrets nor the buyer's client secret are in any log line of the service.
    log = stack.log_text()
    assert "order paid" in log and "HTTP Request: POST" in log  # the service's and httpx's lines are captured
    for secret in (stubs.API_KEY, stubs.WEBHOOK_SECRET, order["payment"]["client_secret"]):
        assert secret not in log


COUPONS_URL = "/api/lms/carts/coupons/"


def _pending_stripe_order(tenant, stripe_stub, price="20.00"):
    admin = tenant.admin()
    enable_stripe(admin)
    course, lesson_url = course_with_lesson(admin, price)
    student = tenant.student()
    add(student, course["id"])
    order = student.post(CHECKOUT, {"gateway": "stripe"}).json()
    return admin, student, course, lesson_url, order


def test_tampered_stale_and_foreign_webhooks_change_nothing(tenant, other_tenant, stack, stripe_stub):
    admin, student, course, lesson_url, order = _pending_stripe_order(tenant, stripe_stub)
    intent = stripe_stub.succeed(order["payment"]["reference"])
    payload = stubs.event("payment_intent.succeeded", intent)
    anonymous = tenant.anonymous()
    url = WEBHOOK.format(tenant=tenant.id)
    rejected = {"detail": "Invalid Stripe-Signature header."}

    tampered = payload.replace(b'"succeeded"', b'"succeeded" ', 1)
    assert_error(anonymous.post(url, content=tampered, headers=stubs.signed_headers(payload)), 400, rejected)
    stale = int(time.time()) - 301
    assert_error(post_event(anonymous, tenant.id, payload, timestamp=stale), 400, rejected)
    future = int(time.time()) + 400
    assert_error(post_event(anonymous, tenant.id, payload, timestamp=future), 400, rejected)
    assert_error(post_event(anonymous, tenant.id, payload, secret="whsec_someone_else_entirely"), 400, rejected)
    assert_error(anonymous.post(url, content=payload, headers={"Content-Type": "application/json"}), 400, rejected)
    # A replay of an old signed delivery (captured more than 5 minutes ago) is stale too.
    old = stubs.signed_headers(payload, timestamp=int(time.time()) - 3600)
    assert_error(anonymous.post(url, content=payload, headers=old), 400, rejected)
    # Another tenant's endpoint has its own secret (none configured): the event is refused there.
    assert_error(post_event(other_tenant.anonymous(), other_tenant.id, payload), 400, rejected)
    assert_error(post_event(anonymous, other_tenant.id, payload), 404, NOT_FOUND)  # X-Tenant-ID says otherwise
    assert_error(post_event(stack.client(), "bad*tenant", payload), 404, NOT_FOUND)

    assert student.get(f"{ORDERS}{order['id']}/").json()["status"] == "pending"
    assert enrollment_rows(stack, tenant.id, course["id"]) == []
    assert stack.sql("SELECT count(*) FROM webhook_events WHERE tenant_id = :t", t=tenant.id) == [(0,)]
    assert student.get(CART).json()["item_count"] == 1
    assert_error(student.get(lesson_url), 403, FORBIDDEN_NOT_ENROLLED)


def test_failed_payment_leaves_the_cart(tenant, stack, stripe_stub):
    admin, student, course, lesson_url, order = _pending_stripe_order(tenant, stripe_stub)
    intent = stripe_stub.fail(order["payment"]["reference"])
    assert post_event(tenant.anonymous(), tenant.id,
                      stubs.event("payment_intent.payment_failed", intent)).status_code == 200
    failed = student.get(f"{ORDERS}{order['id']}/").json()
    assert failed["status"] == "failed" and failed["receipt_url"] == ""
    assert [i["course"] for i in student.get(CART).json()["items"]] == [course["id"]]
    assert enrollment_rows(stack, tenant.id, course["id"]) == []
    # The buyer pays with another card on the same PaymentIntent: the order is paid after all.
    assert post_event(tenant.anonymous(), tenant.id, stubs.event(
        "payment_intent.succeeded", stripe_stub.succeed(order["payment"]["reference"]))).status_code == 200
    assert student.get(f"{ORDERS}{order['id']}/").json()["status"] == "paid"
    assert student.get(lesson_url).status_code == 200


def test_concurrent_duplicate_confirmations_enroll_once(tenant, stack, stripe_stub):
    admin, student, course, lesson_url, order = _pending_stripe_order(tenant, stripe_stub)
    intent = stripe_stub.succeed(order["payment"]["reference"])
    same = stubs.event("payment_intent.succeeded", intent)
    payloads = [same] * 4 + [stubs.event("payment_intent.succeeded", intent) for _ in range(4)]
    anonymous = tenant.anonymous()

    def deliver(i):
        if i % 3 == 2:
            return student.post(f"{ORDERS}{order['id']}/confirm/", {}).status_code
        return post_event(anonymous, tenant.id, payloads[i % len(payloads)]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(deliver, range(12)))
    assert set(statuses) == {200}, statuses
    assert enrollment_rows(stack, tenant.id, course["id"]) == [(student.user_id, True)]
    assert stack.sql("SELECT total_enrollments FROM course_counters WHERE course_id = :c", c=course["id"]) == [(1,)]
    assert stack.sql("SELECT count(*) FROM outbox_events WHERE tenant_id = :t AND type = 'order.paid'",
                     t=tenant.id) == [(1,)]
    assert stack.sql("SELECT count(*) FROM outbox_events WHERE tenant_id = :t AND type = 'enrollment.created' "
                     "AND room = :r", t=tenant.id, r=f"user_{student.user_id}") == [(1,)]
    assert student.get(f"{ORDERS}{order['id']}/").json()["status"] == "paid"


def test_confirm_asks_stripe(tenant, stack, stripe_stub):
    admin, student, course, lesson_url, order = _pending_stripe_order(tenant, stripe_stub, "15.50")
    pending = student.post(f"{ORDERS}{order['id']}/confirm", {})
    assert pending.status_code == 200 and pending.json()["status"] == "pending"
    stripe_stub.succeed(order["payment"]["reference"])
    assert student.post(f"{ORDERS}{order['id']}/confirm", {}).json()["status"] == "paid"
    assert student.get(lesson_url).status_code == 200
    get = [r for r in stripe_stub.requests if r[0] == "GET" and order["payment"]["reference"] in r[1]]
    assert get and get[-1][3]["Authorization"] == f"Bearer {stubs.API_KEY}"


def test_stripe_refund_deactivates_the_enrollment(tenant, stack, stripe_stub):
    admin, student, course, lesson_url, order = _pending_stripe_order(tenant, stripe_stub, "30.00")
    stripe_stub.succeed(order["payment"]["reference"])
    student.post(f"{ORDERS}{order['id']}/confirm/", {})
    refunded = admin.post(f"{ORDERS}{order['id']}/refund/", {})
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["status"] == "refunded" and refunded.json()["refunded_amount"] == "30.00"
    assert stripe_stub.refunds[-1]["amount"] == 3000
    assert stripe_stub.refunds[-1]["payment_intent"] == order["payment"]["reference"]
    assert enrollment_rows(stack, tenant.id, course["id"]) == [(student.user_id, False)]
    assert_error(student.get(lesson_url), 403, FORBIDDEN_NOT_ENROLLED)
    assert stack.sql("SELECT count(*) FROM outbox_events WHERE tenant_id = :t AND type = 'order.refunded' "
                     "AND room = :r", t=tenant.id, r=f"user_{student.user_id}") == [(1,)]

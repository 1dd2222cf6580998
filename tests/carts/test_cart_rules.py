"""Cart, wishlist and coupon rules through Envoy: the document's bodies, clear 400 reasons, totals that never
go below zero, roles and tenant isolation."""
from __future__ import annotations

from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, enroll, make_course
from tests.payments.shop import (
    APPLY, CART, CHECKOUT, COUPONS, CURRENCY, ORDERS, WISHLIST, add, checkout, coupon, mark_paid, paid_course,
)


def test_cart_documented_routes_and_rules(tenant, other_tenant):
    admin = tenant.admin()
    course = paid_course(admin, "99.99")
    student = tenant.student()
    empty = student.get(CART)
    assert empty.status_code == 200 and empty.json()["items"] == [] and empty.json()["total"] == "0.00"
    created = student.post(CART, {"course": course["id"], "quantity": 1})  # the document's body
    assert created.status_code == 201, created.text
    cart = created.json()
    item = cart["items"][0]
    assert (item["course"], item["unit_price"], item["quantity"], item["line_total"]) == (course["id"], "99.99", 1,
                                                                                          "99.99")
    assert item["course_detail"]["title"] == course["title"] and item["course_detail"]["price"] == "99.99"
    assert (cart["subtotal"], cart["discount"], cart["total"], cart["item_count"]) == ("99.99", "0.00", "99.99", 1)
    assert student.get(CART.rstrip("/")).json() == cart

    reasons = {
        "duplicate": (course["id"], "This course is already in your cart."),
        "free": (make_course(admin)["id"], None),
        "draft": (paid_course(admin, status="Draft")["id"], None),
        "foreign": (paid_course(other_tenant.admin())["id"], None),
    }
    assert_error(student.post(CART, {"course": reasons["duplicate"][0]}), 400,
                 {"course": ["This course is already in your cart."]})
    free_id = reasons["free"][0]
    assert_error(student.post(CART, {"course": free_id}), 400, {"course": [
        f"This course is free: enroll in it directly at /api/lms/enrollments/course/{free_id}/enroll/."]})
    draft_id = reasons["draft"][0]
    assert_error(student.post(CART, {"course": draft_id}), 400,
                 {"course": [f'Invalid pk "{draft_id}" - object does not exist.']})
    assert_error(admin.post(CART, {"course": draft_id}), 400,
                 {"course": ["This course is not published, so it cannot be bought."]})
    foreign_id = reasons["foreign"][0]
    assert_error(student.post(CART, {"course": foreign_id}), 400,
                 {"course": [f'Invalid pk "{foreign_id}" - object does not exist.']})
    assert_error(student.post(CART, {}), 400, {"course": ["This field is required."]})
    other_course = paid_course(admin, "10.00")
    assert_error(student.post(CART, {"course": other_course["id"], "quantity": 2}), 400,
                 {"quantity": ["Buying several seats is not enabled on this site."]})
    assert_error(student.post(CART, {"course": other_course["id"], "quantity": 0}), 400,
                 {"quantity": ["Ensure this value is greater than or equal to 1."]})
    owned = make_course(admin, is_free=False, price="5.00")
    learner = tenant.student()
    enroll(admin, owned["id"], learner.user_id)
    assert_error(learner.post(CART, {"course": owned["id"]}), 400,
                 {"course": ["You are already enrolled in this course."]})
    admin.patch(CURRENCY, {"currencies": ["USD", "EUR"]})
    euro = paid_course(admin, "10.00", "EUR")
    assert_error(student.post(CART, {"course": euro["id"]}), 400, {"course": [
        "This course is priced in EUR but your cart is in USD: check out or empty your cart first."]})

    # Quantities: PATCH changes them where the tenant allows seats; DELETE removes the item.
    url = f"{CART}{item['id']}/"
    assert_error(student.patch(url, {"quantity": 3}), 400,
                 {"quantity": ["Buying several seats is not enabled on this site."]})
    admin.patch(CURRENCY, {"allow_seat_purchases": True})
    patched = student.patch(url.rstrip("/"), {"quantity": 3})
    assert patched.status_code == 200 and (patched.json()["items"][0]["line_total"], patched.json()["total"]) == (
        "299.97", "299.97")
    assert_error(tenant.student().patch(url, {"quantity": 1}), 404, NOT_FOUND)  # other buyers' items do not exist
    assert_error(tenant.student().delete(url), 404, NOT_FOUND)
    deleted = student.delete(url)
    assert deleted.status_code == 204 and deleted.content == b""
    assert student.get(CART).json()["items"] == []
    assert_error(student.delete(url), 404, NOT_FOUND)
    assert_error(tenant.anonymous().get(CART), 401)
    assert_error(student.post(CHECKOUT, {"gateway": "manual"}), 400, {"non_field_errors": ["Your cart is empty."]})


def test_wishlist_and_move_to_cart(tenant):
    admin = tenant.admin()
    first, second = paid_course(admin, "20.00"), paid_course(admin, "30.00")
    student = tenant.student()
    created = student.post(WISHLIST, {"course": second["id"]})  # the document's body
    assert created.status_code == 201, created.text
    wish = created.json()
    assert wish["course"] == second["id"] and wish["course_detail"]["price"] == "30.00"
    student.post(WISHLIST.rstrip("/"), {"course": first["id"]})
    assert [w["course"] for w in student.get(WISHLIST).json()] == [first["id"], second["id"]]
    assert_error(student.post(WISHLIST, {"course": first["id"]}), 400,
                 {"course": ["This course is already in your wishlist."]})
    assert tenant.student().get(WISHLIST).json() == []
    moved = student.post(f"{WISHLIST}{wish['id']}/move-to-cart/", {})
    assert moved.status_code == 200 and [i["course"] for i in moved.json()["items"]] == [second["id"]]
    assert [w["course"] for w in student.get(WISHLIST).json()] == [first["id"]]
    remaining = student.get(WISHLIST).json()[0]
    assert_error(tenant.student().delete(f"{WISHLIST}{remaining['id']}/"), 404, NOT_FOUND)
    assert student.delete(f"{WISHLIST}{remaining['id']}").status_code == 204
    assert student.get(WISHLIST).json() == []


def test_coupon_rules(tenant, other_tenant):
    admin = tenant.admin()
    course, cheap = paid_course(admin, "50.00"), paid_course(admin, "7.50")
    student = tenant.student()
    add(student, course["id"])
    add(student, cheap["id"])

    def refused(code, message):
        assert_error(student.post(APPLY, {"code": code}), 400, {"code": [message]})

    refused("NOPE", "Invalid coupon code.")
    assert_error(student.post(APPLY, {}), 400, {"code": ["This field is required."]})
    coupon(admin, code="LATER", valid_from="2999-01-01T00:00:00Z")
    refused("LATER", "This coupon is not valid yet.")
    coupon(admin, code="GONE", valid_until="2001-01-01T00:00:00Z")
    refused("gone", "This coupon has expired.")
    coupon(admin, code="BIG", min_subtotal="100.00")
    refused("BIG", "This coupon requires a subtotal of at least 100.00 USD.")
    other = paid_course(admin, "1.00")
    coupon(admin, code="ELSEWHERE", course=other["id"])
    refused("ELSEWHERE", "This coupon does not apply to any course in your cart.")
    coupon(admin, code="EUROS", discount_type="fixed", value="5.00", currency="EUR")
    refused("EUROS", "This coupon is in EUR; your cart is in USD.")
    off = coupon(admin, code="OFF", is_active=True)
    assert admin.delete(f"{COUPONS}{off['id']}/").status_code == 204
    refused("OFF", "Invalid coupon code.")
    assert other_tenant.admin().get(f"{COUPONS}{off['id']}/").status_code == 404
    coupon(other_tenant.admin(), code="THEIRS")
    refused("THEIRS", "Invalid coupon code.")

    # Percent on one course only; then a fixed amount larger than the cart: the total stays at zero.
    coupon(admin, code="HALFCHEAP", value="50", course=cheap["id"])
    cart = student.post(APPLY, {"code": "halfcheap"}).json()
    assert (cart["subtotal"], cart["discount"], cart["total"]) == ("57.50", "3.75", "53.75")
    coupon(admin, code="HUGE", discount_type="fixed", value="500.00", currency="USD")
    cart = student.post(APPLY, {"code": "HUGE"}).json()
    assert (cart["coupon_code"], cart["discount"], cart["total"]) == ("HUGE", "57.50", "0.00")
    removed = student.delete(APPLY)
    assert removed.status_code == 200 and removed.json()["coupon_code"] == "" and removed.json()["total"] == "57.50"

    # Use limits: one use per buyer, two in total; a free order (100% off) is paid at once.
    coupon(admin, code="ONCE", value="100", max_uses=2, max_uses_per_user=1)
    student.post(APPLY, {"code": "ONCE"})
    order = checkout(student, "manual")
    assert (order["status"], order["total"], order["payment"]["gateway"]) == ("paid", "0.00", "free")
    add(student, paid_course(admin, "2.00")["id"])
    assert_error(student.post(APPLY, {"code": "ONCE"}), 400,
                 {"code": ["You have already used this coupon the maximum number of times."]})
    again = tenant.student()
    add(again, paid_course(admin, "3.00")["id"])
    assert again.post(APPLY, {"code": "ONCE"}).json()["total"] == "0.00"
    checkout(again, "manual")
    third = tenant.student()
    add(third, paid_course(admin, "4.00")["id"])
    assert_error(third.post(APPLY, {"code": "ONCE"}), 400,
                 {"code": ["This coupon has reached its maximum number of uses."]})
    listed = admin.get(COUPONS, params={"page_size": 100}).json()
    assert {c["code"]: c["uses"] for c in listed["results"]}["ONCE"] == 2


def test_coupon_administration(tenant):
    admin, student = tenant.admin(), tenant.student()
    created = admin.post(COUPONS, {"code": "save20", "discount_type": "percent", "value": "20"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["code"], body["value"], body["currency"], body["max_uses"], body["course"], body["valid_until"]) == (
        "SAVE20", "20.00", "", None, None, None)
    assert_error(admin.post(COUPONS, {"code": "SAVE20", "discount_type": "percent", "value": "5"}), 400,
                 {"code": ["A coupon with this code already exists."]})
    assert_error(admin.post(COUPONS, {"code": "X", "discount_type": "percent", "value": "5"}), 400,
                 {"code": ["Use 3-40 letters, digits, - or _."]})
    assert_error(admin.post(COUPONS, {"code": "P150", "discount_type": "percent", "value": "150"}), 400,
                 {"value": ["A percent coupon takes at most 100 percent off."]})
    assert_error(admin.post(COUPONS, {"code": "FIX", "discount_type": "fixed", "value": "5"}), 400,
                 {"currency": ["A fixed-amount coupon needs the currency of its amount."]})
    assert_error(admin.post(COUPONS, {"code": "YEN", "discount_type": "fixed", "value": "5.50", "currency": "JPY"}),
                 400, {"value": ["JPY amounts have 0 decimal places."]})
    assert_error(admin.post(COUPONS, {"code": "BAD", "discount_type": "gift", "value": "-1"}), 400,
                 fields=["discount_type", "value"])
    assert_error(admin.post(COUPONS, {"code": "WIN", "discount_type": "percent", "value": "5",
                                      "valid_from": "2030-01-02T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}),
                 400, {"valid_until": ["The end of validity must be after its start."]})
    url = f"{COUPONS}{body['id']}/"
    patched = admin.patch(url, {"max_uses": 10, "valid_until": "2030-01-01T00:00:00Z"})
    assert patched.status_code == 200 and patched.json()["max_uses"] == 10
    assert patched.json()["valid_until"] == "2030-01-01T00:00:00Z" and patched.json()["code"] == "SAVE20"
    assert admin.patch(url.rstrip("/"), {"max_uses": None}).json()["max_uses"] is None
    assert_error(student.get(COUPONS), 403, FORBIDDEN)
    assert_error(student.post(COUPONS, {"code": "MINE", "discount_type": "percent", "value": "99"}), 403, FORBIDDEN)
    assert_error(tenant.instructor().patch(url, {"value": "99"}), 403, FORBIDDEN)
    assert admin.get(COUPONS).json()["count"] == 1
    assert admin.delete(url).status_code == 204
    assert admin.get(url).json()["is_active"] is False


def test_checkout_rechecks_the_cart(tenant):
    admin = tenant.admin()
    course = paid_course(admin, "40.00")
    student = tenant.student()
    add(student, course["id"])
    coupon(admin, code="MIN", value="10", min_subtotal="30.00")
    student.post(APPLY, {"code": "MIN"})
    admin.patch(f"/api/lms/courses/{course['id']}/", {"price": "20.00"})
    cart = student.get(CART).json()
    assert (cart["discount"], cart["total"]) == ("0.00", "20.00")
    assert cart["coupon_message"] == "This coupon requires a subtotal of at least 30.00 USD."
    assert_error(student.post(CHECKOUT, {"gateway": "manual"}), 400, fields=["coupon"])
    student.delete(APPLY)
    assert_error(student.post(CHECKOUT, {"gateway": "bitcoin"}), 400,
                 {"gateway": ['"bitcoin" is not an enabled payment gateway.']})
    order = checkout(student)
    assert (order["total"], order["items"][0]["unit_price"]) == ("20.00", "20.00")
    # The order keeps its prices whatever happens to the course later.
    admin.patch(f"/api/lms/courses/{course['id']}/", {"price": "99.00"})
    assert student.get(f"{ORDERS}{order['id']}/").json()["total"] == "20.00"
    mark_paid(admin, order["id"])
    assert_error(student.post(CART, {"course": course["id"]}), 400,
                 {"course": ["You are already enrolled in this course."]})

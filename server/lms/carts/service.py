"""Cart rules: what may be bought, wishlists, coupons, totals, and checkout into an order (lms.payments).

The cart is each buyer's own (other users' carts do not exist for them). Its currency is its items'
currency (one per cart), or the tenant's default while it is empty. A course may be added when it is
published, paid, priced in a currency the tenant has enabled, not already learned by the buyer and not in
the cart yet. Prices are read when the cart is shown and snapshotted into the order at checkout.
"""
from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.carts import pricing
from lms.carts.models import FIXED, PERCENT, Cart, CartItem, Coupon, CouponRedemption, WishlistItem
from lms.courses.policy import is_learner, is_published, learner_clause, published_clause, visible_clause
from lms.courses.public import Course
from lms.payments.public import money
from lms.payments import public as payments
from lms.platform.context import Call
from lms.platform.db import dialect_insert
from lms.platform.errors import MSG_REQUIRED, NotFound, ValidationError
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import Bool, Choice, DateTime, DecimalStr, Field, Fields, Int, Str

MAX_SEATS = 1000
SEATS_DISABLED = "Buying several seats is not enabled on this site."


def _invalid_course(course_id) -> ValidationError:
    return ValidationError({"course": [f'Invalid pk "{course_id}" - object does not exist.']})


# Reading the cart -----------------------------------------------------------------------------------

@dataclasses.dataclass
class CartView:
    items: list[tuple[CartItem, Course, Decimal]]  # item, course, line total
    currency: str
    totals: pricing.Totals
    coupon: Coupon | None
    coupon_message: str


def _line(item: CartItem, course: Course) -> pricing.Line:
    return pricing.Line(course.id, course.price, item.quantity)


async def _user_uses(session: AsyncSession, coupon_id: int, user_id: str) -> int:
    return await session.scalar(select(func.count(CouponRedemption.id)).where(
        CouponRedemption.coupon_id == coupon_id, CouponRedemption.user_id == user_id))


def terms_of(coupon: Coupon) -> pricing.Terms:
    return pricing.Terms(code=coupon.code, discount_type=coupon.discount_type, value=coupon.value,
                         currency=coupon.currency, valid_from=coupon.valid_from, valid_until=coupon.valid_until,
                         max_uses=coupon.max_uses, max_uses_per_user=coupon.max_uses_per_user, uses=coupon.uses,
                         course_id=coupon.course_id, min_subtotal=coupon.min_subtotal, is_active=coupon.is_active)


async def _load(session: AsyncSession, call: Call) -> tuple[list, str, Cart | None]:
    """The caller's items with their courses, the cart's currency and its row (coupon), in three queries."""
    user = call.require_user()
    rows = (await session.execute(
        select(CartItem, Course).join(Course, Course.id == CartItem.course_id)
        .where(CartItem.user_id == user.user_id).order_by(CartItem.added_at, CartItem.id))).all()
    currency = rows[0][1].currency if rows else (await payments.store(session)).default_currency
    cart = await session.scalar(select(Cart).where(Cart.user_id == user.user_id))
    return rows, currency, cart


def _compose(rows: list, currency: str, coupon: Coupon | None, message: str) -> CartView:
    lines = [_line(item, course) for item, course in rows]
    totals = pricing.totals(lines, currency, terms_of(coupon) if coupon is not None and not message else None)
    return CartView([(item, course, total) for (item, course), total in zip(rows, totals.line_totals)],
                    currency, totals, coupon, message)


async def get_cart(session: AsyncSession, call: Call) -> CartView:
    user = call.require_user()
    rows, currency, cart = await _load(session, call)
    coupon = await session.get(Coupon, cart.coupon_id) if cart is not None and cart.coupon_id else None
    message = ""
    if coupon is not None:
        message = pricing.refusal(terms_of(coupon), now=utcnow(), lines=[_line(i, c) for i, c in rows],
                                  currency=currency,
                                  user_uses=await _user_uses(session, coupon.id, user.user_id)) or ""
    return _compose(rows, currency, coupon, message)


# Changing the cart ----------------------------------------------------------------------------------

def _course_id(data: dict) -> int:
    value = data.get("course")
    if value is None:
        raise ValidationError({"course": [MSG_REQUIRED]})
    if value < 1:
        raise _invalid_course(value)
    return value


async def _visible(session: AsyncSession, call: Call, course_id: int) -> Course:
    course = await session.scalar(select(Course).where(Course.id == course_id, visible_clause(call.actor)))
    if course is None:
        raise _invalid_course(course_id)
    return course


async def _quantity(session: AsyncSession, value: int | None) -> int:
    if value is None:
        return 1
    if value < 1:
        raise ValidationError({"quantity": ["Ensure this value is greater than or equal to 1."]})
    if value > MAX_SEATS:
        raise ValidationError({"quantity": [f"Ensure this value is less than or equal to {MAX_SEATS}."]})
    if value > 1 and not (await payments.store(session)).allow_seat_purchases:
        raise ValidationError({"quantity": [SEATS_DISABLED]})
    return value


async def _check_purchasable(session: AsyncSession, call: Call, course: Course) -> None:
    """400 with the reason when `course` cannot go into the caller's cart."""
    user = call.require_user()
    if not is_published(course.status):
        raise ValidationError({"course": ["This course is not published, so it cannot be bought."]})
    if course.is_free or course.price <= 0:
        raise ValidationError({"course": [f"This course is free: enroll in it directly at "
                                          f"/api/lms/enrollments/course/{course.id}/enroll/."]})
    if await is_learner(session, course.id, user.user_id):
        raise ValidationError({"course": ["You are already enrolled in this course."]})
    if await session.scalar(select(CartItem.id).where(CartItem.user_id == user.user_id,
                                                      CartItem.course_id == course.id)):
        raise ValidationError({"course": ["This course is already in your cart."]})
    store = await payments.store(session)
    if course.currency not in store.currencies:
        raise ValidationError({"course": [f"This course is priced in {course.currency}, which this site does not "
                                          f"accept ({', '.join(store.currencies)})."]})
    other = await session.scalar(select(Course.currency).join(CartItem, CartItem.course_id == Course.id)
                                 .where(CartItem.user_id == user.user_id, Course.currency != course.currency).limit(1))
    if other is not None:
        raise ValidationError({"course": [f"This course is priced in {course.currency} but your cart is in {other}: "
                                          f"check out or empty your cart first."]})


async def _add(session: AsyncSession, call: Call, course: Course, quantity: int) -> None:
    await _check_purchasable(session, call, course)
    user = call.require_user()
    table = CartItem.__table__
    added = await session.scalar(
        dialect_insert(session, table).values(tenant_id=call.tenant_id, user_id=user.user_id, course_id=course.id,
                                              quantity=quantity, added_at=utcnow())
        .on_conflict_do_nothing(index_elements=[table.c.tenant_id, table.c.user_id, table.c.course_id])
        .returning(table.c.id))
    if added is None:
        raise ValidationError({"course": ["This course is already in your cart."]})


async def add_to_cart(session: AsyncSession, call: Call, data: dict) -> CartView:
    call.require_user()
    course_id = _course_id(data)
    quantity = await _quantity(session, data.get("quantity"))
    await _add(session, call, await _visible(session, call, course_id), quantity)
    return await get_cart(session, call)


async def _item(session: AsyncSession, call: Call, item_id: int) -> CartItem:
    user = call.require_user()
    item = await session.scalar(select(CartItem).where(CartItem.id == item_id, CartItem.user_id == user.user_id))
    if item is None:
        raise NotFound()
    return item


async def update_item(session: AsyncSession, call: Call, item_id: int, data: dict) -> CartView:
    item = await _item(session, call, item_id)
    if "quantity" in data:
        item.quantity = await _quantity(session, data["quantity"])
        await session.flush()
    return await get_cart(session, call)


async def remove_item(session: AsyncSession, call: Call, item_id: int) -> None:
    item = await _item(session, call, item_id)
    await session.delete(item)
    await session.flush()


# Wishlist -------------------------------------------------------------------------------------------

async def wishlist(session: AsyncSession, call: Call) -> list[tuple[WishlistItem, Course]]:
    user = call.require_user()
    return list((await session.execute(
        select(WishlistItem, Course).join(Course, Course.id == WishlistItem.course_id)
        .where(WishlistItem.user_id == user.user_id, visible_clause(call.actor))
        .order_by(WishlistItem.added_at.desc(), WishlistItem.id.desc()))).all())


async def add_to_wishlist(session: AsyncSession, call: Call, data: dict) -> tuple[WishlistItem, Course]:
    user = call.require_user()
    course = await _visible(session, call, _course_id(data))
    table = WishlistItem.__table__
    added = await session.scalar(
        dialect_insert(session, table).values(tenant_id=call.tenant_id, user_id=user.user_id, course_id=course.id,
                                              added_at=utcnow())
        .on_conflict_do_nothing(index_elements=[table.c.tenant_id, table.c.user_id, table.c.course_id])
        .returning(table.c.id))
    if added is None:
        raise ValidationError({"course": ["This course is already in your wishlist."]})
    return await session.get(WishlistItem, added), course


async def _wish(session: AsyncSession, call: Call, item_id: int) -> WishlistItem:
    user = call.require_user()
    item = await session.scalar(select(WishlistItem).where(WishlistItem.id == item_id,
                                                           WishlistItem.user_id == user.user_id))
    if item is None:
        raise NotFound()
    return item


async def remove_from_wishlist(session: AsyncSession, call: Call, item_id: int) -> None:
    await session.delete(await _wish(session, call, item_id))
    await session.flush()


async def move_to_cart(session: AsyncSession, call: Call, item_id: int) -> CartView:
    item = await _wish(session, call, item_id)
    await _add(session, call, await _visible(session, call, item.course_id), 1)
    await session.delete(item)
    await session.flush()
    return await get_cart(session, call)


# Coupons in the cart --------------------------------------------------------------------------------

def normalise_code(code: str) -> str:
    return code.strip().upper()


async def apply_coupon(session: AsyncSession, call: Call, data: dict) -> CartView:
    user = call.require_user()
    code = data.get("code")
    if code is None:
        raise ValidationError({"code": [MSG_REQUIRED]})
    if not code.strip():
        raise ValidationError({"code": ["This field may not be blank."]})
    coupon = await session.scalar(select(Coupon).where(Coupon.code == normalise_code(code)[:40]))
    if coupon is None or not coupon.is_active:
        raise ValidationError({"code": [pricing.INVALID]})
    rows, currency, cart = await _load(session, call)
    reason = pricing.refusal(terms_of(coupon), now=utcnow(), lines=[_line(i, c) for i, c in rows],
                             currency=currency, user_uses=await _user_uses(session, coupon.id, user.user_id))
    if reason:
        raise ValidationError({"code": [reason]})
    if cart is None:
        session.add(Cart(user_id=user.user_id, coupon_id=coupon.id))
    else:
        cart.coupon_id = coupon.id
    await session.flush()
    return _compose(rows, currency, coupon, "")


async def remove_coupon(session: AsyncSession, call: Call) -> CartView:
    user = call.require_user()
    await session.execute(update(Cart).where(Cart.user_id == user.user_id).values(coupon_id=None)
                          .execution_options(synchronize_session=False))
    return await get_cart(session, call)


# Checkout -------------------------------------------------------------------------------------------

async def checkout(session: AsyncSession, call: Call, data: dict) -> payments.OrderView:
    """Prices the cart again, checks every rule again, and places the order with the chosen gateway. (A
    repeated `Idempotency-Key` gets the first answer without coming here: lms.platform.idempotency.)"""
    user = call.require_user()
    gateway = await payments.choose_gateway(session, call, data.get("gateway"))
    view = await get_cart(session, call)
    if not view.items:
        raise ValidationError({"non_field_errors": ["Your cart is empty."]})
    course_ids = [course.id for _, course, _ in view.items]
    owned = set(await session.scalars(select(Course.id).where(Course.id.in_(course_ids),
                                                               learner_clause(user.user_id, Course.id))))
    unpublished = set(await session.scalars(select(Course.id).where(Course.id.in_(course_ids),
                                                                     ~published_clause())))
    store = await payments.store(session)
    errors = []
    for _, course, _ in view.items:
        if course.id in unpublished:
            errors.append(f'"{course.title}" is no longer available; remove it from your cart.')
        elif course.is_free or course.price <= 0:
            errors.append(f'"{course.title}" is free now; remove it from your cart and enroll directly.')
        elif course.id in owned:
            errors.append(f'You are already enrolled in "{course.title}"; remove it from your cart.')
        elif course.currency not in store.currencies:
            errors.append(f'"{course.title}" is priced in {course.currency}, which this site no longer accepts.')
    if any(item.quantity > 1 for item, _, _ in view.items) and not store.allow_seat_purchases:
        errors.append(SEATS_DISABLED)
    if errors:
        raise ValidationError({"non_field_errors": errors})
    if view.coupon is not None and view.coupon_message:
        raise ValidationError({"coupon": [f"{view.coupon.code}: {view.coupon_message} Remove the coupon "
                                          "(DELETE /api/lms/carts/apply-coupon/) or change your cart."]})
    coupon = view.coupon if view.coupon is not None and view.totals.discount > 0 else None
    totals = view.totals
    lines = [payments.NewLine(course_id=course.id, course_title=course.title, unit_price=course.price,
                              quantity=item.quantity, line_total=line_total, discount=discount,
                              total=line_total - discount)
             for (item, course, line_total), discount in zip(view.items, totals.line_discounts)]
    order = await payments.place_order(
        session, call, gateway=gateway, currency=view.currency, lines=lines, subtotal=totals.subtotal,
        discount=totals.discount, total=totals.total, coupon_id=coupon.id if coupon else None,
        coupon_code=coupon.code if coupon else "")
    return order


async def order_paid(session: AsyncSession, call: Call, *, buyer: str, order_id: int, coupon_id: int | None,
                     course_ids: list[int]) -> None:
    """Called by lms.payments once per paid order: counts the coupon use and takes the bought courses (and
    the coupon) out of the buyer's cart."""
    if coupon_id is not None:
        table = CouponRedemption.__table__
        counted = await session.scalar(
            dialect_insert(session, table).values(tenant_id=call.tenant_id, coupon_id=coupon_id, user_id=buyer,
                                                  order_id=order_id, redeemed_at=utcnow())
            .on_conflict_do_nothing(index_elements=[table.c.coupon_id, table.c.order_id]).returning(table.c.id))
        if counted is not None:
            await session.execute(update(Coupon).where(Coupon.id == coupon_id).values(uses=Coupon.uses + 1)
                                  .execution_options(synchronize_session=False))
        await session.execute(update(Cart).where(Cart.user_id == buyer, Cart.coupon_id == coupon_id)
                              .values(coupon_id=None).execution_options(synchronize_session=False))
    if course_ids:
        await session.execute(delete(CartItem).where(CartItem.user_id == buyer, CartItem.course_id.in_(course_ids))
                              .execution_options(synchronize_session=False))


# Coupon administration ------------------------------------------------------------------------------

CODE = re.compile(r"^[A-Z0-9_-]{3,40}$")


class NullableInt(Field):
    def __init__(self, *, min_value: int = 1, **kw):
        kw.setdefault("allow_null", True)
        kw.setdefault("default", None)
        super().__init__(**kw)
        self._int = Int(min_value=min_value)

    def convert(self, value):
        return self._int.convert(value)


class NullableDateTime(DateTime):
    def __init__(self, **kw):
        kw.setdefault("allow_null", True)
        kw.setdefault("default", None)
        super().__init__(**kw)


COUPON_FIELDS = Fields(
    code=Str(max_length=40, required=True),
    discount_type=Choice((PERCENT, FIXED), required=True),
    value=DecimalStr(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=True),
    currency=Str(max_length=3, allow_blank=True),
    valid_from=NullableDateTime(),
    valid_until=NullableDateTime(),
    max_uses=NullableInt(),
    max_uses_per_user=NullableInt(),
    course=NullableInt(),
    min_subtotal=DecimalStr(max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0.00")),
    is_active=Bool(default=True),
)


async def _coupon_values(session: AsyncSession, call: Call, data: dict, current: Coupon | None) -> dict:
    values = COUPON_FIELDS.validate(data, partial=current is not None)
    errors: dict[str, list[str]] = {}
    if "code" in values:
        values["code"] = normalise_code(values["code"])
        if not CODE.match(values["code"]):
            errors["code"] = ["Use 3-40 letters, digits, - or _."]
        else:
            clash = await session.scalar(select(Coupon.id).where(Coupon.code == values["code"]))
            if clash is not None and (current is None or clash != current.id):
                errors["code"] = ["A coupon with this code already exists."]
    merged = {**({c: getattr(current, c) for c in ("discount_type", "value", "currency", "valid_from",
                                                   "valid_until")} if current else {}), **values}
    if "currency" in values:
        merged["currency"] = values["currency"] = values["currency"].upper()
    kind = merged.get("discount_type")
    if kind == PERCENT:
        if merged.get("value") is not None and merged["value"] > 100:
            errors.setdefault("value", []).append("A percent coupon takes at most 100 percent off.")
        values["currency"] = ""
    elif kind == FIXED:
        if not merged.get("currency"):
            errors.setdefault("currency", []).append("A fixed-amount coupon needs the currency of its amount.")
        elif not money.is_currency(merged["currency"]):
            errors.setdefault("currency", []).append(f'"{merged["currency"]}" is not an ISO 4217 currency code.')
        elif merged.get("value") is not None and money.rounded(merged["value"], merged["currency"]) != merged["value"]:
            errors.setdefault("value", []).append(f"{merged['currency']} amounts have "
                                                  f"{money.decimal_places(merged['currency'])} decimal places.")
    if merged.get("valid_from") and merged.get("valid_until") and merged["valid_until"] <= merged["valid_from"]:
        errors.setdefault("valid_until", []).append("The end of validity must be after its start.")
    if values.get("course") is not None:
        if await session.scalar(select(Course.id).where(Course.id == values["course"])) is None:
            errors["course"] = [f'Invalid pk "{values["course"]}" - object does not exist.']
    if errors:
        raise ValidationError(errors)
    if "course" in values:
        values["course_id"] = values.pop("course")
    return values


async def list_coupons(session: AsyncSession, call: Call, page: PageRequest) -> tuple[list[Coupon], int]:
    call.require_admin()
    total = await session.scalar(select(func.count(Coupon.id)))
    rows = list(await session.scalars(select(Coupon).order_by(Coupon.created_at.desc(), Coupon.id.desc())
                                      .limit(page.size).offset(page.offset)))
    return rows, total


async def create_coupon(session: AsyncSession, call: Call, data: dict) -> Coupon:
    call.require_admin()
    coupon = Coupon(uses=0, **await _coupon_values(session, call, data, None))
    session.add(coupon)
    await session.flush()
    return coupon


async def _coupon(session: AsyncSession, call: Call, coupon_id: int) -> Coupon:
    call.require_admin()
    coupon = await session.get(Coupon, coupon_id)
    if coupon is None:
        raise NotFound()
    return coupon


async def get_coupon(session: AsyncSession, call: Call, coupon_id: int) -> Coupon:
    return await _coupon(session, call, coupon_id)


async def update_coupon(session: AsyncSession, call: Call, coupon_id: int, data: dict) -> Coupon:
    coupon = await _coupon(session, call, coupon_id)
    for name, value in (await _coupon_values(session, call, data, coupon)).items():
        setattr(coupon, name, value)
    await session.flush()
    return coupon


async def disable_coupon(session: AsyncSession, call: Call, coupon_id: int) -> None:
    coupon = await _coupon(session, call, coupon_id)
    coupon.is_active = False
    await session.flush()

"""Payment rules: the tenant's currencies, gateways (secrets encrypted), orders, their settlement
(exactly once), refunds, receipts and Stripe's webhook.

Settlement: an order turns paid by one conditional UPDATE (`pending`/`failed` -> `paid`); only the
transaction whose UPDATE changed the row enrolls the buyer, counts the coupon and empties the cart, so a
confirmation that arrives twice, or concurrently with a retry or a webhook, does it once (PostgreSQL
re-checks the condition after the first transaction commits; SQLite runs one writer at a time).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
import secrets as _secrets
from datetime import datetime, timedelta
from decimal import Decimal

import grpc
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.enrollments import public as enrollments
from lms.payments import money, receipt, secrets
from lms.payments.models import (
    FAILED,
    FREE,
    MANUAL,
    ORDER_STATUSES,
    PAID,
    PENDING,
    REFUNDED,
    STRIPE,
    Order,
    OrderItem,
    PaymentGateway,
    StoreSettings,
    WebhookEvent,
)
from lms.payments.stripe import SignatureError, StripeClient, verify
from lms.platform import hooks, rooms
from lms.platform.auth import is_valid_tenant
from lms.platform.context import Call
from lms.platform.currencies import ISO_4217
from lms.platform.db import dialect_insert
from lms.platform.errors import LmsError, NotFound, PermissionDenied, ValidationError
from lms.platform.events import ORDER_PAID, ORDER_REFUNDED, emit
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import parse_datetime
from lms.users.public import DirectoryUser, full_name

log = logging.getLogger("lms.payments")

DEFAULT_CURRENCY = "USD"
MAX_CURRENCIES = 30
GATEWAYS = {
    # code: (display name, public settings, secret settings, enabled before any configuration)
    MANUAL: ("Manual payment (bank transfer)", ("instructions",), (), True),
    STRIPE: ("Stripe", ("publishable_key",), ("api_key", "webhook_secret"), False),
}
_SECRET_PREFIXES = {"api_key": ("sk_", "rk_"), "webhook_secret": ("whsec_",), "publishable_key": ("pk_",)}


class SignatureRejected(LmsError):
    """A webhook whose signature does not verify: 400 `{"detail": ...}`."""

    code, http_status, reason = grpc.StatusCode.INVALID_ARGUMENT, 400, "SIGNATURE_REJECTED"

    def __init__(self):
        super().__init__("Invalid Stripe-Signature header.")


# Currencies and store settings ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Store:
    default_currency: str
    currencies: list[str]
    allow_seat_purchases: bool


async def store(session: AsyncSession) -> Store:
    """The tenant's currencies (USD alone until an admin changes them) and store rules."""
    row = await session.scalar(select(StoreSettings))
    if row is None:
        return Store(DEFAULT_CURRENCY, [DEFAULT_CURRENCY], False)
    return Store(row.default_currency, row.currencies.split(), row.allow_seat_purchases)


def _currency_codes(value) -> list[str]:
    if not isinstance(value, list):
        raise ValidationError({"currencies": [f'Expected a list of items but got type "{type(value).__name__}".']})
    if not value:
        raise ValidationError({"currencies": ["This list may not be empty."]})
    if len(value) > MAX_CURRENCIES:
        raise ValidationError({"currencies": [f"Ensure this field has no more than {MAX_CURRENCIES} elements."]})
    codes = []
    for item in value:
        code = item.strip().upper() if isinstance(item, str) else ""
        if code not in ISO_4217:
            raise ValidationError({"currencies": [f'"{item}" is not an ISO 4217 currency code.']})
        if code not in codes:
            codes.append(code)
    return codes


async def update_store(session: AsyncSession, call: Call, data: dict) -> Store:
    call.require_admin()
    current = await store(session)
    codes = _currency_codes(data["currencies"]) if "currencies" in data else current.currencies
    default = current.default_currency
    if data.get("default_currency") is not None:
        default = str(data["default_currency"]).strip().upper()
        if default not in ISO_4217:
            raise ValidationError({"default_currency": [f'"{data["default_currency"]}" is not an ISO 4217 '
                                                        'currency code.']})
        if default not in codes:
            raise ValidationError({"default_currency": ["The default currency must be one of the enabled "
                                                        "currencies."]})
    elif default not in codes:
        default = codes[0]
    allow = data.get("allow_seat_purchases", current.allow_seat_purchases)
    row = await session.scalar(select(StoreSettings))
    if row is None:
        row = StoreSettings()
        session.add(row)
    row.default_currency, row.currencies, row.allow_seat_purchases = default, " ".join(codes), bool(allow)
    await session.flush()
    return Store(default, codes, bool(allow))


# Gateways -------------------------------------------------------------------------------------------

async def _gateways(session: AsyncSession, call: Call) -> list[PaymentGateway]:
    """The tenant's gateway rows, created with their defaults on first use."""
    rows = {g.code: g for g in await session.scalars(select(PaymentGateway).order_by(PaymentGateway.id))}
    missing = [code for code in GATEWAYS if code not in rows]
    if missing:
        table = PaymentGateway.__table__
        insert = dialect_insert(session, table).on_conflict_do_nothing(
            index_elements=[table.c.tenant_id, table.c.code])
        await session.execute(insert, [
            {"tenant_id": call.require_tenant(), "code": code, "name": GATEWAYS[code][0],
             "is_enabled": GATEWAYS[code][3], "public_config": {}, "secret_config": "", "updated_at": utcnow()}
            for code in missing])
        rows = {g.code: g for g in await session.scalars(
            select(PaymentGateway).order_by(PaymentGateway.id).execution_options(populate_existing=True))}
    return [rows[code] for code in GATEWAYS if code in rows]


@dataclasses.dataclass(frozen=True)
class GatewayView:
    gateway: PaymentGateway
    config: dict


def gateway_view(call: Call, gateway: PaymentGateway, *, admin: bool) -> GatewayView:
    config = dict(gateway.public_config or {})
    if admin:
        stored = secrets.decrypt(call.runtime.settings, gateway.secret_config)
        for key in GATEWAYS[gateway.code][2]:
            config[key] = secrets.mask(stored.get(key, ""))
        if gateway.code == STRIPE:
            config["webhook_url"] = call.absolute_url(f"/api/lms/payments/webhooks/stripe/{call.tenant_id}/")
    return GatewayView(gateway, config)


async def list_gateways(session: AsyncSession, call: Call) -> list[GatewayView]:
    user = call.require_user()
    rows = await _gateways(session, call)
    if user.is_admin:
        return [gateway_view(call, g, admin=True) for g in rows]
    return [gateway_view(call, g, admin=False) for g in rows if g.is_enabled]


async def configure_gateway(session: AsyncSession, call: Call, gateway_id: int, data: dict) -> GatewayView:
    call.require_admin()
    gateway = next((g for g in await _gateways(session, call) if g.id == gateway_id), None)
    if gateway is None:
        raise NotFound()
    _, public_keys, secret_keys, _ = GATEWAYS[gateway.code]
    config = data.get("config", {})
    if config is None or not isinstance(config, dict):
        raise ValidationError({"config": ["Expected a dictionary of items."]})
    errors = []
    for key, value in config.items():
        if key not in public_keys + secret_keys:
            errors.append(f'"{key}" is not a setting of the {gateway.code} gateway '
                          f'(settings: {", ".join(public_keys + secret_keys)}).')
        elif not isinstance(value, str) or len(value) > (2000 if key == "instructions" else 500):
            errors.append(f'"{key}" must be a string of at most {2000 if key == "instructions" else 500} characters.')
        elif value and key in _SECRET_PREFIXES and not value.strip().startswith(_SECRET_PREFIXES[key]):
            errors.append(f'"{key}" must start with {" or ".join(_SECRET_PREFIXES[key])}.')
    if errors:
        raise ValidationError({"config": errors})
    public = dict(gateway.public_config or {})
    stored = secrets.decrypt(call.runtime.settings, gateway.secret_config)
    for key, value in config.items():
        target = stored if key in secret_keys else public
        if value.strip():
            target[key] = value.strip()
        else:
            target.pop(key, None)
    enabled = data.get("is_enabled", gateway.is_enabled)
    if enabled and gateway.code == STRIPE and not stored.get("api_key"):
        raise ValidationError({"is_enabled": ["Configure the Stripe api_key before enabling the gateway."]})
    gateway.public_config = public
    gateway.secret_config = secrets.encrypt(call.runtime.settings, stored)
    gateway.is_enabled = bool(enabled)
    gateway.updated_at = utcnow()
    await session.flush()
    log.info("payment gateway configured", extra={"fields": {
        "tenant": call.tenant_id, "gateway": gateway.code, "enabled": gateway.is_enabled,
        "settings": sorted(config)}})  # names only, never values
    return gateway_view(call, gateway, admin=True)


async def choose_gateway(session: AsyncSession, call: Call, code: str | None) -> PaymentGateway:
    """The enabled gateway the buyer chose (or the only one enabled)."""
    enabled = [g for g in await _gateways(session, call) if g.is_enabled]
    if code is None or code == "":
        if len(enabled) == 1:
            return enabled[0]
        if not enabled:
            raise ValidationError({"gateway": ["No payment gateway is enabled on this site."]})
        raise ValidationError({"gateway": [f"This field is required (one of: {', '.join(g.code for g in enabled)})."]})
    gateway = next((g for g in enabled if g.code == code), None)
    if gateway is None:
        raise ValidationError({"gateway": [f'"{code}" is not an enabled payment gateway.']})
    return gateway


def _stripe(call: Call, gateway: PaymentGateway) -> StripeClient:
    settings = call.runtime.settings
    return StripeClient(settings.stripe_api_base, secrets.decrypt(settings, gateway.secret_config).get("api_key", ""),
                        settings.stripe_timeout)


# Orders ---------------------------------------------------------------------------------------------

@dataclasses.dataclass
class NewLine:
    course_id: int
    course_title: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    discount: Decimal
    total: Decimal


@dataclasses.dataclass
class OrderView:
    order: Order
    items: list[OrderItem]
    client_secret: str = ""
    publishable_key: str = ""
    instructions: str = ""


async def place_order(session: AsyncSession, call: Call, *, gateway: PaymentGateway, currency: str,
                      lines: list[NewLine], subtotal: Decimal, discount: Decimal, total: Decimal,
                      coupon_id: int | None, coupon_code: str) -> OrderView:
    """Snapshots the priced lines into a pending order and starts its payment with `gateway` (an order with
    nothing to pay is settled at once)."""
    buyer = call.require_user()
    order = Order(user_id=buyer.user_id, status=PENDING, currency=currency, subtotal=subtotal, discount=discount,
                  total=total, refunded_amount=Decimal("0.00"), coupon_id=coupon_id, coupon_code=coupon_code,
                  gateway=gateway.code if total > 0 else FREE, payment_reference="", client_secret="",
                  failure_reason="")
    session.add(order)
    await session.flush()
    items = [OrderItem(order_id=order.id, user_id=buyer.user_id, course_id=line.course_id,
                       course_title=line.course_title, unit_price=line.unit_price, quantity=line.quantity,
                       line_total=line.line_total, discount=line.discount, total=line.total, status=PENDING)
             for line in lines]
    session.add_all(items)
    await session.flush()
    view = OrderView(order, items)
    if total <= 0:
        await settle(session, call, order.id, reference="")
        await session.refresh(order)
        for item in items:
            await session.refresh(item)
        return view
    public = gateway.public_config or {}
    if gateway.code == MANUAL:
        view.instructions = public.get("instructions", "")
    elif gateway.code == STRIPE:
        intent = await _stripe(call, gateway).create_payment_intent(
            amount=money.to_minor(total, currency), currency=currency,
            metadata={"order_id": str(order.id), "tenant_id": call.tenant_id, "user_id": buyer.user_id},
            idempotency_key=f"lms-order-{call.tenant_id}-{order.id}-{_secrets.token_hex(8)}",
            description=f"Order {order.id}")
        order.payment_reference = str(intent.get("id", ""))
        view.client_secret = str(intent.get("client_secret", ""))
        order.client_secret = secrets.encrypt_text(call.runtime.settings, view.client_secret)
        view.publishable_key = public.get("publishable_key", "")
        await session.flush()
    log.info("order placed", extra={"fields": {"tenant": call.tenant_id, "order": order.id, "gateway": order.gateway,
                                               "total": money.fmt(total, currency), "currency": currency}})
    return view


async def settle(session: AsyncSession, call: Call, order_id: int, *, reference: str) -> bool:
    """Marks a pending (or failed) order paid and fulfils it; False (and nothing changes) when another
    confirmation did it already."""
    now = utcnow()
    values = {"status": PAID, "paid_at": now, "failure_reason": "", "updated_at": now}
    if reference:
        values["payment_reference"] = reference
    result = await session.execute(
        update(Order).where(Order.id == order_id, Order.status.in_((PENDING, FAILED))).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    order = await session.get(Order, order_id, populate_existing=True)
    items = list(await session.scalars(select(OrderItem).where(OrderItem.order_id == order_id)
                                       .order_by(OrderItem.id).execution_options(populate_existing=True)))
    for item in items:
        item.status = PAID
    await session.flush()
    course_ids = [i.course_id for i in items if i.course_id is not None]
    made = await enrollments.enroll_purchased(session, call, order.user_id, course_ids)
    for item in items:
        item.enrollment_id = made.get(item.course_id)
    await hooks.order_paid.fire(session, call, buyer=order.user_id, order_id=order.id, coupon_id=order.coupon_id,
                                course_ids=course_ids)
    emit(session, ORDER_PAID, rooms.user_room(order.user_id), {
        "order_id": order.id, "user_id": order.user_id, "total": money.fmt(order.total, order.currency),
        "currency": order.currency, "course_ids": course_ids})
    await session.flush()
    log.info("order paid", extra={"fields": {"tenant": call.tenant_id, "order": order.id, "gateway": order.gateway,
                                             "total": money.fmt(order.total, order.currency),
                                             "currency": order.currency}})
    return True


async def _fail(session: AsyncSession, call: Call, order_id: int, reason: str) -> bool:
    """A failed payment: the order is marked failed; the buyer's cart is untouched."""
    result = await session.execute(
        update(Order).where(Order.id == order_id, Order.status == PENDING)
        .values(status=FAILED, failure_reason=reason[:500], updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:
        await session.execute(update(OrderItem).where(OrderItem.order_id == order_id).values(status=FAILED)
                              .execution_options(synchronize_session=False))
        log.info("order payment failed", extra={"fields": {"tenant": call.tenant_id, "order": order_id}})
        return True
    return False


async def _order(session: AsyncSession, call: Call, order_id: int, *, lock: bool = False) -> Order:
    user = call.require_user()
    query = select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
    order = await session.scalar(query.with_for_update() if lock else query)
    if order is None or (order.user_id != user.user_id and not user.is_staff):
        raise NotFound()
    return order


async def views(session: AsyncSession, call: Call, orders: list[Order]) -> list[OrderView]:
    """The orders with their items (one query), and the payment details their buyer needs."""
    if not orders:
        return []
    items: dict[int, list[OrderItem]] = {o.id: [] for o in orders}
    for item in await session.scalars(select(OrderItem).where(OrderItem.order_id.in_(list(items)))
                                      .order_by(OrderItem.id).execution_options(populate_existing=True)):
        items[item.order_id].append(item)
    user = call.require_user()
    result = []
    gateways = None
    for order in orders:
        view = OrderView(order, items[order.id])
        if order.status == PENDING and order.user_id == user.user_id:
            if gateways is None:
                gateways = {g.code: g for g in await _gateways(session, call)}
            public = (gateways.get(order.gateway).public_config or {}) if order.gateway in gateways else {}
            view.client_secret = secrets.decrypt_text(call.runtime.settings, order.client_secret)
            view.publishable_key = public.get("publishable_key", "") if order.gateway == STRIPE else ""
            view.instructions = public.get("instructions", "") if order.gateway == MANUAL else ""
        result.append(view)
    return result


def _day_bound(text: str, field: str, *, end: bool) -> datetime:
    parsed = parse_datetime(text)
    if parsed is None:
        raise ValidationError({field: ["Enter a valid date/time."]})
    if end and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return parsed + timedelta(days=1) - timedelta(microseconds=1)
    return parsed


async def list_orders(session: AsyncSession, call: Call, page: PageRequest, *, status: str | None,
                      date_from: str | None, date_to: str | None, user_id: str | None
                      ) -> tuple[list[OrderView], int]:
    user = call.require_user()
    conditions = []
    if not user.is_staff:
        conditions.append(Order.user_id == user.user_id)
    elif user_id:
        conditions.append(Order.user_id == user_id.strip())
    if status is not None:
        if status not in ORDER_STATUSES:
            raise ValidationError({"status": [f'"{status}" is not a valid choice.']})
        conditions.append(Order.status == status)
    if date_from:
        conditions.append(Order.created_at >= _day_bound(date_from, "date_from", end=False))
    if date_to:
        conditions.append(Order.created_at <= _day_bound(date_to, "date_to", end=True))
    total = await session.scalar(select(func.count(Order.id)).where(*conditions))
    orders = list(await session.scalars(select(Order).where(*conditions)
                                        .order_by(Order.created_at.desc(), Order.id.desc())
                                        .limit(page.size).offset(page.offset)))
    return await views(session, call, orders), total


async def get_order(session: AsyncSession, call: Call, order_id: int) -> OrderView:
    return (await views(session, call, [await _order(session, call, order_id)]))[0]


async def mark_paid(session: AsyncSession, call: Call, order_id: int, reference: str) -> OrderView:
    """An admin records the payment of a manual order (a bank transfer arrived)."""
    call.require_admin()
    order = await _order(session, call, order_id)
    if order.gateway != MANUAL:
        raise ValidationError({"non_field_errors": [f"Only manual orders can be marked paid; this one is paid "
                                                    f"with {order.gateway}."]})
    if order.status == PAID or order.status == REFUNDED:
        raise ValidationError({"non_field_errors": [f"This order is {order.status} already."]})
    await settle(session, call, order.id, reference=reference.strip()[:255])
    return await get_order(session, call, order.id)


async def confirm(session: AsyncSession, call: Call, order_id: int) -> OrderView:
    """Asks the gateway about a pending Stripe order (the buyer's client calls this after paying; the webhook
    does the same on its own): settles it when the PaymentIntent succeeded, fails it when it was canceled."""
    user = call.require_user()
    order = await _order(session, call, order_id)
    if order.user_id != user.user_id and not user.is_admin:
        raise PermissionDenied()
    if order.gateway == STRIPE and order.status in (PENDING, FAILED) and order.payment_reference:
        gateway = next(g for g in await _gateways(session, call) if g.code == STRIPE)
        intent = await _stripe(call, gateway).retrieve_payment_intent(order.payment_reference)
        if intent.get("status") == "succeeded" and _intent_matches(order, intent):
            await settle(session, call, order.id, reference="")
        elif intent.get("status") == "canceled":
            await _fail(session, call, order.id, "The payment was canceled.")
    return await get_order(session, call, order.id)


def _intent_matches(order: Order, intent: dict) -> bool:
    received = intent.get("amount_received", intent.get("amount"))
    return (str(intent.get("currency", "")).upper() == order.currency
            and received == money.to_minor(order.total, order.currency))


def _course_ids(value) -> list[int] | None:
    if value is None or value == []:
        return None
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v
                                          for v in value):
        raise ValidationError({"course_ids": ["Expected a list of course ids."]})
    return [int(v) for v in value]


async def refund(session: AsyncSession, call: Call, order_id: int, data: dict) -> OrderView:
    """Refunds paid lines of an order (all, or the courses named) and deactivates the enrollments they made."""
    call.require_admin()
    course_ids = _course_ids(data.get("course_ids"))
    order = await _order(session, call, order_id, lock=True)
    items = list(await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id)
                                       .order_by(OrderItem.id).execution_options(populate_existing=True)))
    if order.status != PAID:
        raise ValidationError({"non_field_errors": [f"Only paid orders can be refunded; this one is {order.status}."]})
    if course_ids is not None:
        unknown = sorted(set(course_ids) - {i.course_id for i in items})
        if unknown:
            raise ValidationError({"course_ids": [f"Course {unknown[0]} is not part of this order."]})
    chosen = [i for i in items if i.status == PAID and (course_ids is None or i.course_id in course_ids)]
    if not chosen:
        raise ValidationError({"course_ids": ["These courses were refunded already."]})
    amount = sum((i.total for i in chosen), Decimal("0"))
    if order.gateway == STRIPE and amount > 0:
        gateway = next(g for g in await _gateways(session, call) if g.code == STRIPE)
        await _stripe(call, gateway).create_refund(
            payment_intent=order.payment_reference, amount=money.to_minor(amount, order.currency),
            idempotency_key=f"lms-refund-{call.tenant_id}-{order.id}-{'-'.join(str(i.id) for i in chosen)}")
    now = utcnow()
    for item in chosen:
        item.status, item.refunded_at = REFUNDED, now
    await enrollments.withdraw_purchased(session, call, [i.enrollment_id for i in chosen if i.enrollment_id])
    order.refunded_amount = order.refunded_amount + amount
    if all(i.status == REFUNDED for i in items):
        order.status = REFUNDED
    await session.flush()
    emit(session, ORDER_REFUNDED, rooms.user_room(order.user_id), {
        "order_id": order.id, "user_id": order.user_id, "amount": money.fmt(amount, order.currency),
        "currency": order.currency, "course_ids": [i.course_id for i in chosen], "status": order.status})
    log.info("order refunded", extra={"fields": {"tenant": call.tenant_id, "order": order.id,
                                                 "amount": money.fmt(amount, order.currency),
                                                 "currency": order.currency}})
    return await get_order(session, call, order.id)


async def receipt_pdf(session: AsyncSession, call: Call, order_id: int) -> tuple[Order, bytes]:
    order = await _order(session, call, order_id)
    if order.status not in (PAID, REFUNDED):
        raise ValidationError({"non_field_errors": ["A receipt exists once the order is paid."]})
    items = list(await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)))
    person = await session.scalar(select(DirectoryUser).where(DirectoryUser.user_id == order.user_id))
    name = full_name(person.first_name, person.last_name, person.email, order.user_id) if person else order.user_id
    return order, receipt.render_receipt(order, items, name, call.base_url)


# Stripe webhook -------------------------------------------------------------------------------------

async def stripe_webhook(call: Call, tenant: str, payload: bytes, signature: str) -> bool:
    """Verifies and applies one Stripe event; returns True when the event id was processed before (nothing
    changes). Signature failures change nothing and say nothing about the tenant's configuration."""
    if not is_valid_tenant(tenant) or (call.tenant_id and call.tenant_id != tenant):
        raise NotFound()
    call.adopt_tenant(tenant)  # the endpoint's tenant: Stripe sends no token
    session = await call.session()
    gateway = await session.scalar(select(PaymentGateway).where(PaymentGateway.code == STRIPE))
    secret = secrets.decrypt(call.runtime.settings, gateway.secret_config).get("webhook_secret", "") if gateway else ""
    try:
        verify(payload, signature, secret)
    except SignatureError as exc:
        log.warning("stripe webhook rejected", extra={"fields": {"tenant": tenant, "why": str(exc)}})
        raise SignatureRejected() from None
    try:
        event = json.loads(payload)
        event_id, event_type = str(event["id"]), str(event["type"])
        intent = event.get("data", {}).get("object", {}) or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError({"detail": "The event is not a Stripe event."}) from None
    table = WebhookEvent.__table__
    recorded = await session.scalar(
        dialect_insert(session, table).values(tenant_id=tenant, gateway=STRIPE, event_id=event_id[:255],
                                              type=event_type[:100], received_at=utcnow())
        .on_conflict_do_nothing(index_elements=[table.c.tenant_id, table.c.gateway, table.c.event_id])
        .returning(table.c.id))
    if recorded is None:
        return True
    if event_type in ("payment_intent.succeeded", "payment_intent.payment_failed") and intent.get("id"):
        order = await session.scalar(select(Order).where(Order.gateway == STRIPE,
                                                         Order.payment_reference == str(intent["id"])))
        if order is None:
            log.info("stripe event for no order", extra={"fields": {"tenant": tenant, "event": event_id}})
        elif event_type == "payment_intent.succeeded":
            if _intent_matches(order, intent):
                await settle(session, call, order.id, reference="")
            else:
                log.warning("stripe amount mismatch", extra={"fields": {"tenant": tenant, "order": order.id}})
        else:
            error = (intent.get("last_payment_error") or {}).get("message") or "The payment failed."
            await _fail(session, call, order.id, str(error))
    return False

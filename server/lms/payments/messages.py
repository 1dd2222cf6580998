"""Messages of the payments domain (gateways, currencies, orders), for its servicer and the carts domain."""
from __future__ import annotations

from lms.payments import money, service
from lms.payments.v1 import payments_pb2
from lms.platform.context import Call
from lms.platform.protos import nullable_timestamp, timestamp


def gateway_message(view: service.GatewayView) -> payments_pb2.PaymentGateway:
    g = view.gateway
    message = payments_pb2.PaymentGateway(id=g.id, code=g.code, name=g.name, is_enabled=g.is_enabled,
                                          updated_at=timestamp(g.updated_at))
    message.config.SetInParent()  # `{}` rather than absent when there is nothing to show
    message.config.update(view.config)
    return message


def store_message(store: service.Store) -> payments_pb2.SiteCurrency:
    return payments_pb2.SiteCurrency(
        default_currency=store.default_currency, allow_seat_purchases=store.allow_seat_purchases,
        currencies=[payments_pb2.Currency(code=c, decimal_places=money.decimal_places(c),
                                          is_default=c == store.default_currency) for c in store.currencies])


def order_message(call: Call, view: service.OrderView) -> payments_pb2.Order:
    o, c = view.order, view.order.currency
    return payments_pb2.Order(
        id=o.id, user_id=o.user_id, status=o.status, currency=c, subtotal=money.fmt(o.subtotal, c),
        discount=money.fmt(o.discount, c), total=money.fmt(o.total, c),
        refunded_amount=money.fmt(o.refunded_amount, c), coupon_code=o.coupon_code,
        items=[payments_pb2.OrderItem(
            id=i.id, course=i.course_id or 0, course_title=i.course_title, unit_price=money.fmt(i.unit_price, c),
            quantity=i.quantity, line_total=money.fmt(i.line_total, c), discount=money.fmt(i.discount, c),
            total=money.fmt(i.total, c), status=i.status, refunded_at=nullable_timestamp(i.refunded_at))
            for i in view.items],
        payment=payments_pb2.Payment(gateway=o.gateway, reference=o.payment_reference,
                                     client_secret=view.client_secret, publishable_key=view.publishable_key,
                                     instructions=view.instructions),
        created_at=timestamp(o.created_at), paid_at=nullable_timestamp(o.paid_at),
        receipt_url=call.absolute_url(f"/api/lms/payments/orders/{o.id}/receipt/")
        if o.status in ("paid", "refunded") else "")

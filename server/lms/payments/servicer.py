"""gRPC servicer of payments: gateways, currencies, orders, receipts and Stripe's webhook."""
from __future__ import annotations

from google.api import httpbody_pb2

from lms.payments import money, service
from lms.payments.v1 import payments_pb2, payments_pb2_grpc
from lms.platform.context import Call, current_call
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_timestamp, timestamp
from lms.platform.validation import present

MAX_WEBHOOK_BYTES = 1 << 20


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


class PaymentServicer(payments_pb2_grpc.PaymentServiceServicer):
    async def ListPaymentGateways(self, request, context):
        call = current_call()
        views = await service.list_gateways(await call.session(), call)
        return payments_pb2.ListPaymentGatewaysResponse(gateways=[gateway_message(v) for v in views])

    async def ConfigurePaymentGateway(self, request, context):
        call = current_call()
        data = present(request)
        data.pop("gateway_id", None)
        return gateway_message(await service.configure_gateway(await call.session(), call, request.gateway_id, data))

    async def GetSiteCurrency(self, request, context):
        call = current_call()
        call.require_user()
        return store_message(await service.store(await call.session()))

    async def UpdateSiteCurrency(self, request, context):
        call = current_call()
        return store_message(await service.update_store(await call.session(), call, present(request)))

    async def ListOrders(self, request, context):
        call = current_call()
        session = await call.session()
        page = PageRequest.from_request(request)

        def optional(name):
            return getattr(request, name) if request.HasField(name) else None

        views, total = await service.list_orders(
            session, call, page, status=optional("status"), date_from=optional("date_from"),
            date_to=optional("date_to"), user_id=optional("user_id"))
        return payments_pb2.ListOrdersResponse(**page_envelope(call, request, page, total),
                                               results=[order_message(call, v) for v in views])

    async def GetOrder(self, request, context):
        call = current_call()
        return order_message(call, await service.get_order(await call.session(), call, request.order_id))

    async def MarkOrderPaid(self, request, context):
        call = current_call()
        return order_message(call, await service.mark_paid(await call.session(), call, request.order_id,
                                                           request.reference))

    async def ConfirmOrder(self, request, context):
        call = current_call()
        return order_message(call, await service.confirm(await call.session(), call, request.order_id))

    async def RefundOrder(self, request, context):
        call = current_call()
        data = present(request)
        return order_message(call, await service.refund(await call.session(), call, request.order_id, data))

    async def GetOrderReceipt(self, request, context):
        call = current_call()
        order, pdf = await service.receipt_pdf(await call.session(), call, request.order_id)
        call.response_headers.append(("content-disposition", f'inline; filename="receipt-{order.id}.pdf"'))
        yield httpbody_pb2.HttpBody(content_type="application/pdf", data=pdf)

    async def StripeWebhook(self, request_iterator, context):
        call = current_call()
        iterator = request_iterator.__aiter__()
        first = await anext(iterator, None)
        tenant = first.tenant if first is not None else ""
        payload = bytearray(first.body.data if first is not None else b"")
        async for message in iterator:
            payload += message.body.data
            if len(payload) > MAX_WEBHOOK_BYTES:
                break
        duplicate = await service.stripe_webhook(call, tenant, bytes(payload),
                                                 call.metadata.get("stripe-signature", ""))
        return payments_pb2.WebhookAck(received=True, duplicate=duplicate)

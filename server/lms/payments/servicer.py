"""gRPC servicer of payments: gateways, currencies, orders, receipts and Stripe's webhook."""
from __future__ import annotations

from google.api import httpbody_pb2

from lms.payments import service
from lms.payments.messages import gateway_message, order_message, store_message
from lms.payments.v1 import payments_pb2, payments_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.servicing import rpc
from lms.platform.validation import present

MAX_WEBHOOK_BYTES = 1 << 20


class PaymentServicer(payments_pb2_grpc.PaymentServiceServicer):
    @rpc
    async def ListPaymentGateways(self, request, call):
        views = await service.list_gateways(await call.session(), call)
        return payments_pb2.ListPaymentGatewaysResponse(gateways=[gateway_message(v) for v in views])

    @rpc
    async def ConfigurePaymentGateway(self, request, call):
        data = present(request)
        data.pop("gateway_id", None)
        return gateway_message(await service.configure_gateway(await call.session(), call, request.gateway_id, data))

    @rpc
    async def GetSiteCurrency(self, request, call):
        call.require_user()
        return store_message(await service.store(await call.session()))

    @rpc
    async def UpdateSiteCurrency(self, request, call):
        return store_message(await service.update_store(await call.session(), call, present(request)))

    @rpc
    async def ListOrders(self, request, call):
        session = await call.session()
        page = PageRequest.from_request(request)

        def optional(name):
            return getattr(request, name) if request.HasField(name) else None

        views, total = await service.list_orders(
            session, call, page, status=optional("status"), date_from=optional("date_from"),
            date_to=optional("date_to"), user_id=optional("user_id"))
        return payments_pb2.ListOrdersResponse(**page_envelope(call, request, page, total),
                                               results=[order_message(call, v) for v in views])

    @rpc
    async def GetOrder(self, request, call):
        return order_message(call, await service.get_order(await call.session(), call, request.order_id))

    @rpc
    async def MarkOrderPaid(self, request, call):
        return order_message(call, await service.mark_paid(await call.session(), call, request.order_id,
                                                           request.reference))

    @rpc
    async def ConfirmOrder(self, request, call):
        return order_message(call, await service.confirm(await call.session(), call, request.order_id))

    @rpc
    async def RefundOrder(self, request, call):
        data = present(request)
        return order_message(call, await service.refund(await call.session(), call, request.order_id, data))

    @rpc
    async def GetOrderReceipt(self, request, call):
        order, pdf = await service.receipt_pdf(await call.session(), call, request.order_id)
        call.add_response_headers([("content-disposition", f'inline; filename="receipt-{order.id}.pdf"')])
        yield httpbody_pb2.HttpBody(content_type="application/pdf", data=pdf)

    @rpc
    async def StripeWebhook(self, request_iterator, call):
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

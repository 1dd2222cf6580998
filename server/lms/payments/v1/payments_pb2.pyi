import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PaymentGateway(_message.Message):
    __slots__ = ("id", "code", "name", "is_enabled", "config", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    IS_ENABLED_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    code: str
    name: str
    is_enabled: bool
    config: _struct_pb2.Struct
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., code: _Optional[str] = ..., name: _Optional[str] = ..., is_enabled: _Optional[bool] = ..., config: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPaymentGatewaysRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPaymentGatewaysResponse(_message.Message):
    __slots__ = ("gateways",)
    GATEWAYS_FIELD_NUMBER: _ClassVar[int]
    gateways: _containers.RepeatedCompositeFieldContainer[PaymentGateway]
    def __init__(self, gateways: _Optional[_Iterable[_Union[PaymentGateway, _Mapping]]] = ...) -> None: ...

class ConfigurePaymentGatewayRequest(_message.Message):
    __slots__ = ("gateway_id", "config", "is_enabled")
    GATEWAY_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IS_ENABLED_FIELD_NUMBER: _ClassVar[int]
    gateway_id: int
    config: _struct_pb2.Struct
    is_enabled: bool
    def __init__(self, gateway_id: _Optional[int] = ..., config: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., is_enabled: _Optional[bool] = ...) -> None: ...

class Currency(_message.Message):
    __slots__ = ("code", "decimal_places", "is_default")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DECIMAL_PLACES_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    code: str
    decimal_places: int
    is_default: bool
    def __init__(self, code: _Optional[str] = ..., decimal_places: _Optional[int] = ..., is_default: _Optional[bool] = ...) -> None: ...

class SiteCurrency(_message.Message):
    __slots__ = ("default_currency", "currencies", "allow_seat_purchases")
    DEFAULT_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    CURRENCIES_FIELD_NUMBER: _ClassVar[int]
    ALLOW_SEAT_PURCHASES_FIELD_NUMBER: _ClassVar[int]
    default_currency: str
    currencies: _containers.RepeatedCompositeFieldContainer[Currency]
    allow_seat_purchases: bool
    def __init__(self, default_currency: _Optional[str] = ..., currencies: _Optional[_Iterable[_Union[Currency, _Mapping]]] = ..., allow_seat_purchases: _Optional[bool] = ...) -> None: ...

class GetSiteCurrencyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateSiteCurrencyRequest(_message.Message):
    __slots__ = ("currencies", "default_currency", "allow_seat_purchases")
    CURRENCIES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    ALLOW_SEAT_PURCHASES_FIELD_NUMBER: _ClassVar[int]
    currencies: _struct_pb2.Value
    default_currency: str
    allow_seat_purchases: bool
    def __init__(self, currencies: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., default_currency: _Optional[str] = ..., allow_seat_purchases: _Optional[bool] = ...) -> None: ...

class OrderItem(_message.Message):
    __slots__ = ("id", "course", "course_title", "unit_price", "quantity", "line_total", "discount", "total", "status", "refunded_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LINE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    course: int
    course_title: str
    unit_price: str
    quantity: int
    line_total: str
    discount: str
    total: str
    status: str
    refunded_at: _struct_pb2.Value
    def __init__(self, id: _Optional[int] = ..., course: _Optional[int] = ..., course_title: _Optional[str] = ..., unit_price: _Optional[str] = ..., quantity: _Optional[int] = ..., line_total: _Optional[str] = ..., discount: _Optional[str] = ..., total: _Optional[str] = ..., status: _Optional[str] = ..., refunded_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("gateway", "reference", "client_secret", "publishable_key", "instructions")
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    PUBLISHABLE_KEY_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    gateway: str
    reference: str
    client_secret: str
    publishable_key: str
    instructions: str
    def __init__(self, gateway: _Optional[str] = ..., reference: _Optional[str] = ..., client_secret: _Optional[str] = ..., publishable_key: _Optional[str] = ..., instructions: _Optional[str] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("id", "user_id", "status", "currency", "subtotal", "discount", "total", "refunded_amount", "coupon_code", "items", "payment", "created_at", "paid_at", "receipt_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    COUPON_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_URL_FIELD_NUMBER: _ClassVar[int]
    id: int
    user_id: str
    status: str
    currency: str
    subtotal: str
    discount: str
    total: str
    refunded_amount: str
    coupon_code: str
    items: _containers.RepeatedCompositeFieldContainer[OrderItem]
    payment: Payment
    created_at: _timestamp_pb2.Timestamp
    paid_at: _struct_pb2.Value
    receipt_url: str
    def __init__(self, id: _Optional[int] = ..., user_id: _Optional[str] = ..., status: _Optional[str] = ..., currency: _Optional[str] = ..., subtotal: _Optional[str] = ..., discount: _Optional[str] = ..., total: _Optional[str] = ..., refunded_amount: _Optional[str] = ..., coupon_code: _Optional[str] = ..., items: _Optional[_Iterable[_Union[OrderItem, _Mapping]]] = ..., payment: _Optional[_Union[Payment, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., paid_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., receipt_url: _Optional[str] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("page", "page_size", "status", "date_from", "date_to", "user_id")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DATE_FROM_FIELD_NUMBER: _ClassVar[int]
    DATE_TO_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    status: str
    date_from: str
    date_to: str
    user_id: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., status: _Optional[str] = ..., date_from: _Optional[str] = ..., date_to: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Order]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Order, _Mapping]]] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: int
    def __init__(self, order_id: _Optional[int] = ...) -> None: ...

class MarkOrderPaidRequest(_message.Message):
    __slots__ = ("order_id", "reference")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    order_id: int
    reference: str
    def __init__(self, order_id: _Optional[int] = ..., reference: _Optional[str] = ...) -> None: ...

class ConfirmOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: int
    def __init__(self, order_id: _Optional[int] = ...) -> None: ...

class RefundOrderRequest(_message.Message):
    __slots__ = ("order_id", "course_ids")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_IDS_FIELD_NUMBER: _ClassVar[int]
    order_id: int
    course_ids: _struct_pb2.Value
    def __init__(self, order_id: _Optional[int] = ..., course_ids: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class GetOrderReceiptRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: int
    def __init__(self, order_id: _Optional[int] = ...) -> None: ...

class StripeWebhookRequest(_message.Message):
    __slots__ = ("tenant", "body")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    body: _httpbody_pb2.HttpBody
    def __init__(self, tenant: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class WebhookAck(_message.Message):
    __slots__ = ("received", "duplicate")
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    received: bool
    duplicate: bool
    def __init__(self, received: _Optional[bool] = ..., duplicate: _Optional[bool] = ...) -> None: ...

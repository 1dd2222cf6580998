import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from lms.payments.v1 import payments_pb2 as _payments_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CourseSummary(_message.Message):
    __slots__ = ("id", "title", "slug", "code", "level", "price", "currency", "is_free", "thumbnail_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    IS_FREE_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_URL_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    slug: str
    code: str
    level: str
    price: str
    currency: str
    is_free: bool
    thumbnail_url: str
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., slug: _Optional[str] = ..., code: _Optional[str] = ..., level: _Optional[str] = ..., price: _Optional[str] = ..., currency: _Optional[str] = ..., is_free: _Optional[bool] = ..., thumbnail_url: _Optional[str] = ...) -> None: ...

class CartItem(_message.Message):
    __slots__ = ("id", "course", "course_detail", "unit_price", "quantity", "line_total", "added_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    COURSE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LINE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    course: int
    course_detail: CourseSummary
    unit_price: str
    quantity: int
    line_total: str
    added_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., course: _Optional[int] = ..., course_detail: _Optional[_Union[CourseSummary, _Mapping]] = ..., unit_price: _Optional[str] = ..., quantity: _Optional[int] = ..., line_total: _Optional[str] = ..., added_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Cart(_message.Message):
    __slots__ = ("items", "item_count", "subtotal", "discount", "total", "currency", "coupon_code", "coupon_message")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    ITEM_COUNT_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    COUPON_CODE_FIELD_NUMBER: _ClassVar[int]
    COUPON_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[CartItem]
    item_count: int
    subtotal: str
    discount: str
    total: str
    currency: str
    coupon_code: str
    coupon_message: str
    def __init__(self, items: _Optional[_Iterable[_Union[CartItem, _Mapping]]] = ..., item_count: _Optional[int] = ..., subtotal: _Optional[str] = ..., discount: _Optional[str] = ..., total: _Optional[str] = ..., currency: _Optional[str] = ..., coupon_code: _Optional[str] = ..., coupon_message: _Optional[str] = ...) -> None: ...

class GetCartRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddToCartRequest(_message.Message):
    __slots__ = ("course", "quantity")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    course: int
    quantity: int
    def __init__(self, course: _Optional[int] = ..., quantity: _Optional[int] = ...) -> None: ...

class UpdateCartItemRequest(_message.Message):
    __slots__ = ("item_id", "quantity")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    item_id: int
    quantity: int
    def __init__(self, item_id: _Optional[int] = ..., quantity: _Optional[int] = ...) -> None: ...

class RemoveCartItemRequest(_message.Message):
    __slots__ = ("item_id",)
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    item_id: int
    def __init__(self, item_id: _Optional[int] = ...) -> None: ...

class WishlistItem(_message.Message):
    __slots__ = ("id", "course", "course_detail", "added_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    COURSE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    course: int
    course_detail: CourseSummary
    added_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., course: _Optional[int] = ..., course_detail: _Optional[_Union[CourseSummary, _Mapping]] = ..., added_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListWishlistRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListWishlistResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[WishlistItem]
    def __init__(self, items: _Optional[_Iterable[_Union[WishlistItem, _Mapping]]] = ...) -> None: ...

class AddToWishlistRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: int
    def __init__(self, course: _Optional[int] = ...) -> None: ...

class RemoveFromWishlistRequest(_message.Message):
    __slots__ = ("item_id",)
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    item_id: int
    def __init__(self, item_id: _Optional[int] = ...) -> None: ...

class MoveWishlistItemToCartRequest(_message.Message):
    __slots__ = ("item_id",)
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    item_id: int
    def __init__(self, item_id: _Optional[int] = ...) -> None: ...

class ApplyCouponRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class RemoveCouponRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CheckoutRequest(_message.Message):
    __slots__ = ("gateway",)
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    gateway: str
    def __init__(self, gateway: _Optional[str] = ...) -> None: ...

class Coupon(_message.Message):
    __slots__ = ("id", "code", "discount_type", "value", "currency", "valid_from", "valid_until", "max_uses", "max_uses_per_user", "uses", "course", "min_subtotal", "is_active", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    MAX_USES_FIELD_NUMBER: _ClassVar[int]
    MAX_USES_PER_USER_FIELD_NUMBER: _ClassVar[int]
    USES_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MIN_SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    code: str
    discount_type: str
    value: str
    currency: str
    valid_from: _struct_pb2.Value
    valid_until: _struct_pb2.Value
    max_uses: _struct_pb2.Value
    max_uses_per_user: _struct_pb2.Value
    uses: int
    course: _struct_pb2.Value
    min_subtotal: str
    is_active: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., code: _Optional[str] = ..., discount_type: _Optional[str] = ..., value: _Optional[str] = ..., currency: _Optional[str] = ..., valid_from: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., valid_until: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., max_uses: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., max_uses_per_user: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., uses: _Optional[int] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., min_subtotal: _Optional[str] = ..., is_active: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CouponInput(_message.Message):
    __slots__ = ("code", "discount_type", "value", "currency", "valid_from", "valid_until", "max_uses", "max_uses_per_user", "course", "min_subtotal", "is_active")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    MAX_USES_FIELD_NUMBER: _ClassVar[int]
    MAX_USES_PER_USER_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MIN_SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    code: str
    discount_type: str
    value: _struct_pb2.Value
    currency: str
    valid_from: _struct_pb2.Value
    valid_until: _struct_pb2.Value
    max_uses: _struct_pb2.Value
    max_uses_per_user: _struct_pb2.Value
    course: _struct_pb2.Value
    min_subtotal: _struct_pb2.Value
    is_active: bool
    def __init__(self, code: _Optional[str] = ..., discount_type: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., currency: _Optional[str] = ..., valid_from: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., valid_until: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., max_uses: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., max_uses_per_user: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., min_subtotal: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_active: _Optional[bool] = ...) -> None: ...

class ListCouponsRequest(_message.Message):
    __slots__ = ("page", "page_size")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListCouponsResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Coupon]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Coupon, _Mapping]]] = ...) -> None: ...

class CreateCouponRequest(_message.Message):
    __slots__ = ("coupon",)
    COUPON_FIELD_NUMBER: _ClassVar[int]
    coupon: CouponInput
    def __init__(self, coupon: _Optional[_Union[CouponInput, _Mapping]] = ...) -> None: ...

class GetCouponRequest(_message.Message):
    __slots__ = ("coupon_id",)
    COUPON_ID_FIELD_NUMBER: _ClassVar[int]
    coupon_id: int
    def __init__(self, coupon_id: _Optional[int] = ...) -> None: ...

class UpdateCouponRequest(_message.Message):
    __slots__ = ("coupon_id", "coupon")
    COUPON_ID_FIELD_NUMBER: _ClassVar[int]
    COUPON_FIELD_NUMBER: _ClassVar[int]
    coupon_id: int
    coupon: CouponInput
    def __init__(self, coupon_id: _Optional[int] = ..., coupon: _Optional[_Union[CouponInput, _Mapping]] = ...) -> None: ...

class DeleteCouponRequest(_message.Message):
    __slots__ = ("coupon_id",)
    COUPON_ID_FIELD_NUMBER: _ClassVar[int]
    coupon_id: int
    def __init__(self, coupon_id: _Optional[int] = ...) -> None: ...

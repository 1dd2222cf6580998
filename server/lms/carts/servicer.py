"""gRPC servicers of carts (cart, wishlist, coupons in the cart, checkout) and of coupon administration."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.carts import service
from lms.carts.models import Coupon
from lms.carts.v1 import carts_pb2, carts_pb2_grpc
from lms.courses.public import Course
from lms.payments.public import money
from lms.payments.public import order_message
from lms.platform.context import Call
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, nullable_timestamp, timestamp
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.validation import present


def course_summary(call: Call, c: Course) -> carts_pb2.CourseSummary:
    return carts_pb2.CourseSummary(id=c.id, title=c.title, slug=c.slug, code=c.code, level=c.level,
                                   price=money.fmt(c.price, c.currency), currency=c.currency, is_free=c.is_free,
                                   thumbnail_url=file_url(call, c.thumbnail))


def cart_message(call: Call, view: service.CartView) -> carts_pb2.Cart:
    cur = view.currency
    return carts_pb2.Cart(
        items=[carts_pb2.CartItem(id=item.id, course=course.id, course_detail=course_summary(call, course),
                                  unit_price=money.fmt(course.price, cur), quantity=item.quantity,
                                  line_total=money.fmt(total, cur), added_at=timestamp(item.added_at))
               for item, course, total in view.items],
        item_count=len(view.items), subtotal=money.fmt(view.totals.subtotal, cur),
        discount=money.fmt(view.totals.discount, cur), total=money.fmt(view.totals.total, cur), currency=cur,
        coupon_code=view.coupon.code if view.coupon is not None else "", coupon_message=view.coupon_message)


def wish_message(call: Call, item, course: Course) -> carts_pb2.WishlistItem:
    return carts_pb2.WishlistItem(id=item.id, course=course.id, course_detail=course_summary(call, course),
                                  added_at=timestamp(item.added_at))


def coupon_message(c: Coupon) -> carts_pb2.Coupon:
    return carts_pb2.Coupon(
        id=c.id, code=c.code, discount_type=c.discount_type,
        value=money.fmt(c.value, c.currency) if c.currency else money.fmt(c.value, "USD"), currency=c.currency,
        valid_from=nullable_timestamp(c.valid_from), valid_until=nullable_timestamp(c.valid_until),
        max_uses=nullable_number(c.max_uses), max_uses_per_user=nullable_number(c.max_uses_per_user), uses=c.uses,
        course=nullable_number(c.course_id), min_subtotal=money.fmt(c.min_subtotal, "USD"), is_active=c.is_active,
        created_at=timestamp(c.created_at))


class CartServicer(carts_pb2_grpc.CartServiceServicer):
    @rpc
    async def GetCart(self, request, call):
        return cart_message(call, await service.get_cart(await call.session(), call))

    @rpc
    async def AddToCart(self, request, call):
        return cart_message(call, await service.add_to_cart(await call.session(), call, present(request)))

    @rpc
    async def UpdateCartItem(self, request, call):
        data = present(request)
        data.pop("item_id", None)
        return cart_message(call, await service.update_item(await call.session(), call, request.item_id, data))

    @rpc
    async def RemoveCartItem(self, request, call):
        await service.remove_item(await call.session(), call, request.item_id)
        return empty_pb2.Empty()

    @rpc
    async def ListWishlist(self, request, call):
        rows = await service.wishlist(await call.session(), call)
        return carts_pb2.ListWishlistResponse(items=[wish_message(call, i, c) for i, c in rows])

    @rpc
    async def AddToWishlist(self, request, call):
        return wish_message(call, *await service.add_to_wishlist(await call.session(), call, present(request)))

    @rpc
    async def RemoveFromWishlist(self, request, call):
        await service.remove_from_wishlist(await call.session(), call, request.item_id)
        return empty_pb2.Empty()

    @rpc
    async def MoveWishlistItemToCart(self, request, call):
        return cart_message(call, await service.move_to_cart(await call.session(), call, request.item_id))

    @rpc
    async def ApplyCoupon(self, request, call):
        return cart_message(call, await service.apply_coupon(await call.session(), call, present(request)))

    @rpc
    async def RemoveCoupon(self, request, call):
        return cart_message(call, await service.remove_coupon(await call.session(), call))

    @rpc
    async def Checkout(self, request, call):
        return order_message(call, await service.checkout(await call.session(), call, present(request)))


class CouponServicer(carts_pb2_grpc.CouponServiceServicer):
    @rpc
    async def ListCoupons(self, request, call):
        page = PageRequest.from_request(request)
        rows, total = await service.list_coupons(await call.session(), call, page)
        return carts_pb2.ListCouponsResponse(**page_envelope(call, request, page, total),
                                             results=[coupon_message(c) for c in rows])

    @rpc
    async def CreateCoupon(self, request, call):
        return coupon_message(await service.create_coupon(await call.session(), call, present(request.coupon)))

    @rpc
    async def GetCoupon(self, request, call):
        return coupon_message(await service.get_coupon(await call.session(), call, request.coupon_id))

    @rpc
    async def UpdateCoupon(self, request, call):
        return coupon_message(await service.update_coupon(await call.session(), call, request.coupon_id,
                                                          present(request.coupon)))

    @rpc
    async def DeleteCoupon(self, request, call):
        await service.disable_coupon(await call.session(), call, request.coupon_id)
        return empty_pb2.Empty()

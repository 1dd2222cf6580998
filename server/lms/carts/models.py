"""Tables of the carts domain: carts, wishlists, coupons and their redemptions."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, Money, TenantScoped, Timestamped, UtcDateTime, utcnow

PERCENT, FIXED = "percent", "fixed"


class Cart(TenantScoped, Base):
    """A buyer's cart state beyond its items: the coupon applied."""

    __tablename__ = "carts"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id", ondelete="SET NULL"), nullable=True)


class CartItem(TenantScoped, Base):
    """A course in a buyer's cart."""

    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "course_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WishlistItem(TenantScoped, Base):
    """A course a buyer wants to buy later."""

    __tablename__ = "wishlist_items"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "course_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Coupon(TenantScoped, Timestamped, Base):
    """A discount code: percent or a fixed amount in one currency, with a window and use limits."""

    __tablename__ = "coupons"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    discount_type: Mapped[str] = mapped_column(String(10))
    value: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), default="")
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)
    max_uses: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    max_uses_per_user: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), nullable=True)
    min_subtotal: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CouponRedemption(TenantScoped, Base):
    """A paid order that used a coupon (counted once per order)."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (UniqueConstraint("coupon_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    order_id: Mapped[int] = mapped_column(Integer)
    redeemed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

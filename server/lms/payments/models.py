"""Tables of the payments domain. Money columns are `Money` (Decimal; never a float)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, Money, TenantScoped, Timestamped, UtcDateTime, utcnow

PENDING, PAID, FAILED, REFUNDED = "pending", "paid", "failed", "refunded"
ORDER_STATUSES = (PENDING, PAID, FAILED, REFUNDED)
MANUAL, STRIPE, FREE = "manual", "stripe", "free"


class StoreSettings(TenantScoped, Base):
    """A tenant's currencies and store rules (one row per tenant, created on first change)."""

    __tablename__ = "store_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    default_currency: Mapped[str] = mapped_column(String(3), default="USD")
    currencies: Mapped[str] = mapped_column(String(400), default="USD")  # space-separated ISO 4217 codes
    allow_seat_purchases: Mapped[bool] = mapped_column(Boolean, default=False)


class PaymentGateway(TenantScoped, Base):
    """A tenant's gateway: public settings in clear, secrets as one Fernet token (lms.payments.secrets)."""

    __tablename__ = "payment_gateways"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    public_config: Mapped[dict] = mapped_column(JSON, default=dict)
    secret_config: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class Order(TenantScoped, Timestamped, Base):
    """A snapshot of a buyer's cart being paid for."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_tenant_user_created", "tenant_id", "user_id", "created_at"),
        Index("ix_orders_tenant_created", "tenant_id", "created_at"),
        Index("ix_orders_reference", "gateway", "payment_reference"),
    )
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(Money())
    discount: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
    refunded_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    coupon_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    coupon_code: Mapped[str] = mapped_column(String(40), default="")
    gateway: Mapped[str] = mapped_column(String(20))
    payment_reference: Mapped[str] = mapped_column(String(255), default="")
    client_secret: Mapped[str] = mapped_column(Text, default="")  # encrypted (lms.payments.secrets)
    failure_reason: Mapped[str] = mapped_column(String(500), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)


class OrderItem(TenantScoped, Base):
    """A course of an order, priced when the order was placed. A paid item entitles its buyer to the course."""

    __tablename__ = "order_items"
    __table_args__ = (Index("ix_order_items_tenant_user_course", "tenant_id", "user_id", "course_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(128))  # the buyer (denormalised for the entitlement check)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), nullable=True)
    course_title: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Decimal] = mapped_column(Money())
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    line_total: Mapped[Decimal] = mapped_column(Money())
    discount: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    enrollment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the enrollment this line made
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)


class WebhookEvent(TenantScoped, Base):
    """A gateway event already processed: the same event id is never processed twice."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("tenant_id", "gateway", "event_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

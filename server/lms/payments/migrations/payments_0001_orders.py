"""Store settings, payment gateways, orders and their items, idempotency keys and processed webhook events.

Revision ID: payments_0001
"""
import sqlalchemy as sa
from alembic import op
from lms.migrations import rls
from lms.platform.models import Money, UtcDateTime

revision = "payments_0001"
down_revision = None
branch_labels = ("payments",)
depends_on = ("courses_0001",)


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", sa.String(64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "store_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("default_currency", sa.String(3), nullable=False),
        sa.Column("currencies", sa.String(400), nullable=False),
        sa.Column("allow_seat_purchases", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("tenant_id", name="uq_store_settings_tenant_id"),
    )
    rls.enable("store_settings")
    op.create_table(
        "payment_gateways",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("public_config", sa.JSON(), nullable=False),
        sa.Column("secret_config", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("tenant_id", "code", name="uq_payment_gateways_tenant_id_code"),
    )
    rls.enable("payment_gateways")
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("subtotal", Money(), nullable=False),
        sa.Column("discount", Money(), nullable=False),
        sa.Column("total", Money(), nullable=False),
        sa.Column("refunded_amount", Money(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=True),
        sa.Column("coupon_code", sa.String(40), nullable=False),
        sa.Column("gateway", sa.String(20), nullable=False),
        sa.Column("payment_reference", sa.String(255), nullable=False),
        sa.Column("client_secret", sa.Text(), nullable=False),
        sa.Column("failure_reason", sa.String(500), nullable=False),
        sa.Column("paid_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_orders_tenant_user_created", "orders", ["tenant_id", "user_id", "created_at"])
    op.create_index("ix_orders_tenant_created", "orders", ["tenant_id", "created_at"])
    op.create_index("ix_orders_reference", "orders", ["gateway", "payment_reference"])
    rls.enable("orders")
    op.create_table(
        "order_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey(
            "orders.id", ondelete="CASCADE", name="fk_order_items_order_id_orders"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="SET NULL", name="fk_order_items_course_id_courses"), nullable=True),
        sa.Column("course_title", sa.String(200), nullable=False),
        sa.Column("unit_price", Money(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("line_total", Money(), nullable=False),
        sa.Column("discount", Money(), nullable=False),
        sa.Column("total", Money(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=True),
        sa.Column("refunded_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_order_items_order_id", "order_items", ["order_id"])
    op.create_index("ix_order_items_tenant_user_course", "order_items", ["tenant_id", "user_id", "course_id"])
    rls.enable("order_items")
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("gateway", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("tenant_id", "gateway", "event_id", name="uq_webhook_events_tenant_id_gateway_event_id"),
    )
    rls.enable("webhook_events")


def downgrade() -> None:
    for table in ("webhook_events", "order_items", "orders", "payment_gateways",
                  "store_settings"):
        op.drop_table(table)

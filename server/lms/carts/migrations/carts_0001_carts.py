"""Coupons and their redemptions, carts, cart items and wishlist items.

Revision ID: carts_0001
"""
import sqlalchemy as sa
from alembic import op
from lms.migrations import rls
from lms.platform.models import Money, UtcDateTime

revision = "carts_0001"
down_revision = None
branch_labels = ("carts",)
depends_on = ("courses_0001",)


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", sa.String(64), nullable=False)


def _course(table: str, *, nullable: bool, ondelete: str) -> sa.Column:
    return sa.Column("course_id", sa.Integer(), sa.ForeignKey(
        "courses.id", ondelete=ondelete, name=f"fk_{table}_course_id_courses"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "coupons",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("discount_type", sa.String(10), nullable=False),
        sa.Column("value", Money(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("valid_from", UtcDateTime(), nullable=True),
        sa.Column("valid_until", UtcDateTime(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("max_uses_per_user", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        _course("coupons", nullable=True, ondelete="SET NULL"),
        sa.Column("min_subtotal", Money(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("tenant_id", "code", name="uq_coupons_tenant_id_code"),
    )
    rls.enable("coupons")
    op.create_table(
        "coupon_redemptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("coupon_id", sa.Integer(), sa.ForeignKey(
            "coupons.id", ondelete="CASCADE", name="fk_coupon_redemptions_coupon_id_coupons"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("redeemed_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("coupon_id", "order_id", name="uq_coupon_redemptions_coupon_id_order_id"),
    )
    op.create_index("ix_coupon_redemptions_tenant_id", "coupon_redemptions", ["tenant_id"])
    rls.enable("coupon_redemptions")
    op.create_table(
        "carts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("coupon_id", sa.Integer(), sa.ForeignKey(
            "coupons.id", ondelete="SET NULL", name="fk_carts_coupon_id_coupons"), nullable=True),
        sa.UniqueConstraint("tenant_id", "user_id", name="uq_carts_tenant_id_user_id"),
    )
    rls.enable("carts")
    for table in ("cart_items", "wishlist_items"):
        columns = [
            sa.Column("id", sa.Integer(), primary_key=True),
            _tenant(),
            sa.Column("user_id", sa.String(128), nullable=False),
            _course(table, nullable=False, ondelete="CASCADE"),
        ]
        if table == "cart_items":
            columns.append(sa.Column("quantity", sa.Integer(), nullable=False))
        columns.append(sa.Column("added_at", UtcDateTime(), nullable=False))
        op.create_table(table, *columns, sa.UniqueConstraint(
            "tenant_id", "user_id", "course_id", name=f"uq_{table}_tenant_id_user_id_course_id"))
        op.create_index(f"ix_{table}_course_id", table, ["course_id"])
        rls.enable(table)


def downgrade() -> None:
    for table in ("wishlist_items", "cart_items", "carts", "coupon_redemptions", "coupons"):
        op.drop_table(table)

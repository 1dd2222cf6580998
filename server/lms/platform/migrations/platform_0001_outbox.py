"""Event outbox.

Revision ID: platform_0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lms.migrations import rls

revision = "platform_0001"
down_revision = None
branch_labels = ("platform",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("room", sa.String(128), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_outbox_events_tenant_id", "outbox_events", ["tenant_id"])
    op.create_index("ix_outbox_events_tenant_room_id", "outbox_events", ["tenant_id", "room", "id"])
    rls.enable("outbox_events")


def downgrade() -> None:
    op.drop_table("outbox_events")

"""Cursors of outbox consumers (lms.platform.consumers): how far each got, and who holds it.

Revision ID: platform_0005
"""
import sqlalchemy as sa
from alembic import op

revision = "platform_0005"
down_revision = "platform_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_consumers",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("outbox_consumers")

"""Idempotency keys of writes and the answers stored with them (lms.platform.idempotency).

Revision ID: platform_0006
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "platform_0006"
down_revision = "platform_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("response_headers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "user_id", "key", name="uq_idempotent_requests_tenant_id_user_id_key"),
    )
    op.create_index("ix_idempotent_requests_created_at", "idempotent_requests", ["created_at"])
    rls.enable("idempotent_requests")


def downgrade() -> None:
    rls.disable("idempotent_requests")
    op.drop_table("idempotent_requests")

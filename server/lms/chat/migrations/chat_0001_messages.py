"""Chat messages.

Revision ID: chat_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "chat_0001"
down_revision = None
branch_labels = ("chat",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("room", sa.String(200), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_messages_tenant_id", "chat_messages", ["tenant_id"])
    op.create_index("ix_chat_messages_tenant_room_id", "chat_messages", ["tenant_id", "room", "id"])
    rls.enable("chat_messages")


def downgrade() -> None:
    op.drop_table("chat_messages")

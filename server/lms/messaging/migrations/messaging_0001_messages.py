"""Messages (stored once), their per-recipient deliveries (read and deletion state), mailbox counts and settings.

Revision ID: messaging_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "messaging_0001"
down_revision = None
branch_labels = ("messaging",)
depends_on = ("courses_0001",)


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("recipient_id", sa.String(128), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="SET NULL", name="fk_messages_course_id_courses"), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("message_type", sa.String(16), nullable=False),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("sender_deleted", sa.Boolean(), nullable=False),
        sa.Column("fanned_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_messages_sent", "messages", ["tenant_id", "sender_id", "id"],
                    postgresql_where=sa.text("NOT sender_deleted"), sqlite_where=sa.text("NOT sender_deleted"))
    op.create_index("ix_messages_thread", "messages", ["thread_id"])
    rls.enable("messages")
    op.create_table(
        "message_deliveries",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.String(128), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("message_type", sa.String(16), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", "recipient_id", name="pk_message_deliveries"),
    )
    op.create_index("ix_message_deliveries_inbox", "message_deliveries", ["tenant_id", "recipient_id", "message_id"],
                    postgresql_where=sa.text("NOT deleted"), sqlite_where=sa.text("NOT deleted"))
    op.create_index("ix_message_deliveries_unread", "message_deliveries",
                    ["tenant_id", "recipient_id", "message_id"],
                    postgresql_where=sa.text("read_at IS NULL AND NOT deleted"),
                    sqlite_where=sa.text("read_at IS NULL AND NOT deleted"))
    rls.enable("message_deliveries")
    op.create_table(
        "messaging_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("student_recipients", sa.String(16), nullable=False),
        sa.UniqueConstraint("tenant_id", name="uq_messaging_settings_tenant_id"),
    )
    rls.enable("messaging_settings")
    op.create_table(
        "mailbox_counts",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("inbox", sa.Integer(), nullable=False),
        sa.Column("unread", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", name="pk_mailbox_counts"),
    )
    rls.enable("mailbox_counts")


def downgrade() -> None:
    op.drop_table("mailbox_counts")
    op.drop_table("messaging_settings")
    op.drop_table("message_deliveries")
    op.drop_table("messages")

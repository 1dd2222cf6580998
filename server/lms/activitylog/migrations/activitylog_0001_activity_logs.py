"""The activity log.

Revision ID: activitylog_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "activitylog_0001"
down_revision = None
branch_labels = ("activitylog",)
depends_on = None

_SIGN_IN = sa.text("activity_type = 'sign_in'")


def upgrade() -> None:
    op.create_table(
        "activity_logs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("activity_type", sa.String(32), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(255), nullable=False),
        sa.Column("description", sa.String(255), nullable=False),
        sa.Column("ip_address", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(255), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_activity_logs_tenant_created", "activity_logs", ["tenant_id", "created_at", "id"])
    op.create_index("ix_activity_logs_tenant_user", "activity_logs", ["tenant_id", "user_id", "created_at"])
    op.create_index("uq_activity_logs_sign_in", "activity_logs", ["tenant_id", "object_id"], unique=True,
                    postgresql_where=_SIGN_IN, sqlite_where=_SIGN_IN)
    rls.enable("activity_logs")


def downgrade() -> None:
    op.drop_table("activity_logs")

"""User directory.

Revision ID: users_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "users_0001"
down_revision = None
branch_labels = ("users",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("first_name", sa.String(150), nullable=False),
        sa.Column("last_name", sa.String(150), nullable=False),
        sa.Column("avatar_url", sa.String(2000), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("roles", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "user_id", name="uq_directory_users_tenant_id_user_id"),
    )
    op.create_index("ix_directory_users_tenant_id", "directory_users", ["tenant_id"])
    rls.enable("directory_users")


def downgrade() -> None:
    op.drop_table("directory_users")

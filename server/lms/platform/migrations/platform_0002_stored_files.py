"""Register of stored objects (uploads) and their life cycle.

Revision ID: platform_0002
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "platform_0002"
down_revision = "platform_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("key", name="uq_stored_files_key"),
    )
    op.create_index("ix_stored_files_tenant_id", "stored_files", ["tenant_id"])
    op.create_index("ix_stored_files_tenant_course", "stored_files", ["tenant_id", "course_id"])
    op.create_index("ix_stored_files_state_expires", "stored_files", ["state", "expires_at"])
    rls.enable("stored_files")


def downgrade() -> None:
    rls.disable("stored_files")
    op.drop_table("stored_files")

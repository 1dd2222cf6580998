"""enrollments loses its index on tenant_id alone: (tenant_id, user_id) serves those lookups, and every
enrollment inserts an entry into each index.

Revision ID: enrollments_0003
"""
from alembic import op

revision = "enrollments_0003"
down_revision = "enrollments_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_enrollments_tenant_id", table_name="enrollments")


def downgrade() -> None:
    op.create_index("ix_enrollments_tenant_id", "enrollments", ["tenant_id"])

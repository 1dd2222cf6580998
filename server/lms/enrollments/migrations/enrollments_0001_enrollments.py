"""Enrollments.

Revision ID: enrollments_0001
"""
import sqlalchemy as sa
from alembic import op
from lms.migrations import rls

revision = "enrollments_0001"
down_revision = None
branch_labels = ("enrollments",)
depends_on = ("courses_0001",)


def upgrade() -> None:
    op.create_table(
        "enrollments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(),
                  sa.ForeignKey("courses.id", ondelete="CASCADE", name="fk_enrollments_course_id_courses"),
                  nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("course_id", "user_id", name="uq_enrollments_course_id_user_id"),
    )
    op.create_index("ix_enrollments_tenant_id", "enrollments", ["tenant_id"])
    op.create_index("ix_enrollments_tenant_user", "enrollments", ["tenant_id", "user_id"])
    op.create_index("ix_enrollments_course_active", "enrollments", ["course_id", "is_active"])
    rls.enable("enrollments")


def downgrade() -> None:
    op.drop_table("enrollments")

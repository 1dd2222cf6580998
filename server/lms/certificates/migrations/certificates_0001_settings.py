"""Certificate settings of each course.

Revision ID: certificates_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "certificates_0001"
down_revision = None
branch_labels = ("certificates",)
depends_on = ("courses_0001",)


def upgrade() -> None:
    op.create_table(
        "certificate_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(),
                  sa.ForeignKey("courses.id", ondelete="CASCADE", name="fk_certificate_settings_course_id_courses"),
                  nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("template", sa.String(32), nullable=False),
        sa.Column("custom_text", sa.Text(), nullable=False),
        sa.Column("show_date", sa.Boolean(), nullable=False),
        sa.Column("show_course_name", sa.Boolean(), nullable=False),
        sa.Column("show_completion_hours", sa.Boolean(), nullable=False),
        sa.Column("min_score", sa.Integer(), nullable=False),
        sa.Column("require_all_modules", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("course_id", name="uq_certificate_settings_course_id"),
    )
    op.create_index("ix_certificate_settings_tenant_id", "certificate_settings", ["tenant_id"])
    rls.enable("certificate_settings")


def downgrade() -> None:
    op.drop_table("certificate_settings")

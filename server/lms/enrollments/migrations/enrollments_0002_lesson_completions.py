"""Lesson completions.

Revision ID: enrollments_0002
"""
import sqlalchemy as sa
from alembic import op
from lms.migrations import rls

revision = "enrollments_0002"
down_revision = "enrollments_0001"
branch_labels = None
depends_on = ("content_0001",)


def upgrade() -> None:
    op.create_table(
        "lesson_completions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), sa.ForeignKey(
            "enrollments.id", ondelete="CASCADE", name="fk_lesson_completions_enrollment_id_enrollments"),
            nullable=False),
        sa.Column("lesson_id", sa.Integer(), sa.ForeignKey(
            "lessons.id", ondelete="CASCADE", name="fk_lesson_completions_lesson_id_lessons"), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("enrollment_id", "lesson_id", name="uq_lesson_completions_enrollment_id_lesson_id"),
    )
    op.create_index("ix_lesson_completions_tenant_id", "lesson_completions", ["tenant_id"])
    op.create_index("ix_lesson_completions_lesson_id", "lesson_completions", ["lesson_id"])
    rls.enable("lesson_completions")


def downgrade() -> None:
    op.drop_table("lesson_completions")

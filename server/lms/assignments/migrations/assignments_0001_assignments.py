"""Assignments and their submissions.

Revision ID: assignments_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls
from lms.platform.models import Money

revision = "assignments_0001"
down_revision = None
branch_labels = ("assignments",)
depends_on = ("courses_0001", "content_0001")


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(),
                  sa.ForeignKey("courses.id", ondelete="CASCADE", name="fk_assignments_course_id_courses"),
                  nullable=False),
        sa.Column("module_id", sa.Integer(),
                  sa.ForeignKey("modules.id", ondelete="SET NULL", name="fk_assignments_module_id_modules"),
                  nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("allow_late", sa.Boolean(), nullable=False),
        sa.Column("instructions_file", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assignments_tenant_id", "assignments", ["tenant_id"])
    op.create_index("ix_assignments_course", "assignments", ["course_id"])
    op.create_index("ix_assignments_module", "assignments", ["module_id"])
    rls.enable("assignments")

    op.create_table(
        "assignment_submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey(
            "assignments.id", ondelete="CASCADE", name="fk_assignment_submissions_assignment_id_assignments"),
            nullable=False),
        sa.Column("student_id", sa.String(128), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("response_text", sa.Text(), nullable=False),
        sa.Column("submission_file", sa.String(500), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("grade", Money(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("graded_by", sa.String(128), nullable=False),
        sa.UniqueConstraint("assignment_id", "student_id", name="uq_assignment_submissions_assignment_id_student_id"),
    )
    op.create_index("ix_assignment_submissions_tenant_id", "assignment_submissions", ["tenant_id"])
    op.create_index("ix_assignment_submissions_tenant_student", "assignment_submissions", ["tenant_id", "student_id"])
    rls.enable("assignment_submissions")


def downgrade() -> None:
    op.drop_table("assignment_submissions")
    op.drop_table("assignments")

"""Learning paths and their courses.

Revision ID: learningpaths_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "learningpaths_0001"
down_revision = None
branch_labels = ("learningpaths",)
depends_on = ("courses_0001",)


def upgrade() -> None:
    op.create_table(
        "learning_paths",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_learning_paths_tenant_id", "learning_paths", ["tenant_id"])
    op.create_index("ix_learning_paths_tenant_order", "learning_paths", ["tenant_id", "order", "id"])
    rls.enable("learning_paths")
    op.create_table(
        "learning_path_courses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("learning_path_id", sa.Integer(), sa.ForeignKey(
            "learning_paths.id", ondelete="CASCADE", name="fk_learning_path_courses_learning_path_id_learning_paths"),
            nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_learning_path_courses_course_id_courses"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.UniqueConstraint("learning_path_id", "course_id",
                            name="uq_learning_path_courses_learning_path_id_course_id"),
    )
    op.create_index("ix_learning_path_courses_tenant_id", "learning_path_courses", ["tenant_id"])
    op.create_index("ix_learning_path_courses_course_id", "learning_path_courses", ["course_id"])
    rls.enable("learning_path_courses")


def downgrade() -> None:
    op.drop_table("learning_path_courses")
    op.drop_table("learning_paths")

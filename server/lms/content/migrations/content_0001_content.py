"""Modules, lessons, resources and FAQs of courses.

Revision ID: content_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "content_0001"
down_revision = None
branch_labels = ("content",)
depends_on = ("courses_0001",)


def _common() -> list:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
    ]


def _timestamps() -> list:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _course_fk(table: str) -> sa.Column:
    return sa.Column("course_id", sa.Integer(),
                     sa.ForeignKey("courses.id", ondelete="CASCADE", name=f"fk_{table}_course_id_courses"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "modules",
        *_common(),
        _course_fk("modules"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("course_id", "order", name="uq_modules_course_id_order"),
    )
    op.create_index("ix_modules_tenant_id", "modules", ["tenant_id"])
    rls.enable("modules")

    op.create_table(
        "lessons",
        *_common(),
        sa.Column("module_id", sa.Integer(),
                  sa.ForeignKey("modules.id", ondelete="CASCADE", name="fk_lessons_module_id_modules"),
                  nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lesson_type", sa.String(16), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("content_url", sa.String(2000), nullable=False),
        sa.Column("content_file", sa.String(500), nullable=False),
        sa.Column("content_text", sa.Text(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("module_id", "order", name="uq_lessons_module_id_order"),
    )
    op.create_index("ix_lessons_tenant_id", "lessons", ["tenant_id"])
    rls.enable("lessons")

    op.create_table(
        "resources",
        *_common(),
        _course_fk("resources"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("resource_type", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("file", sa.String(500), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("course_id", "order", name="uq_resources_course_id_order"),
    )
    op.create_index("ix_resources_tenant_id", "resources", ["tenant_id"])
    rls.enable("resources")

    op.create_table(
        "faqs",
        *_common(),
        _course_fk("faqs"),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("course_id", "order", name="uq_faqs_course_id_order"),
    )
    op.create_index("ix_faqs_tenant_id", "faqs", ["tenant_id"])
    rls.enable("faqs")


def downgrade() -> None:
    op.drop_table("faqs")
    op.drop_table("resources")
    op.drop_table("lessons")
    op.drop_table("modules")

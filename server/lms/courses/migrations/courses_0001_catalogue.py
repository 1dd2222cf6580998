"""Categories, courses and course instructors.

Revision ID: courses_0001
"""
import sqlalchemy as sa
from alembic import op
from lms.migrations import rls
from lms.platform.models import Money
from sqlalchemy.dialects import postgresql

revision = "courses_0001"
down_revision = None
branch_labels = ("courses",)
depends_on = None

json_list = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "slug", name="uq_categories_tenant_id_slug"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_categories_tenant_id_name"),
    )
    op.create_index("ix_categories_tenant_id", "categories", ["tenant_id"])
    rls.enable("categories", shared_rows=True)

    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("short_description", sa.String(300), nullable=False),
        sa.Column("slug", sa.String(220), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("is_free", sa.Boolean(), nullable=False),
        sa.Column("price", Money(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("thumbnail", sa.String(500), nullable=False),
        sa.Column("category_id", sa.Integer(),
                  sa.ForeignKey("categories.id", ondelete="RESTRICT", name="fk_courses_category_id_categories"),
                  nullable=False),
        sa.Column("learning_outcomes", json_list, nullable=False),
        sa.Column("prerequisites", json_list, nullable=False),
        sa.Column("total_enrollments", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("faq_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "slug", name="uq_courses_tenant_id_slug"),
        sa.UniqueConstraint("tenant_id", "code", name="uq_courses_tenant_id_code"),
    )
    op.create_index("ix_courses_tenant_id", "courses", ["tenant_id"])
    op.create_index("ix_courses_tenant_status_id", "courses", ["tenant_id", "status", "id"])
    op.create_index("ix_courses_tenant_category", "courses", ["tenant_id", "category_id"])
    op.create_index("ix_courses_tenant_enrollments", "courses", ["tenant_id", "total_enrollments"])
    op.create_index("ix_courses_tenant_created", "courses", ["tenant_id", "created_at"])
    op.create_index("ix_courses_tenant_title", "courses", ["tenant_id", "title"])
    op.create_index("ix_courses_tenant_price", "courses", ["tenant_id", "price"])
    rls.enable("courses")

    op.create_table(
        "course_instructors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(),
                  sa.ForeignKey("courses.id", ondelete="CASCADE", name="fk_course_instructors_course_id_courses"),
                  nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("course_id", "user_id", name="uq_course_instructors_course_id_user_id"),
    )
    op.create_index("ix_course_instructors_tenant_id", "course_instructors", ["tenant_id"])
    op.create_index("ix_course_instructors_user", "course_instructors", ["tenant_id", "user_id"])
    rls.enable("course_instructors")


def downgrade() -> None:
    op.drop_table("course_instructors")
    op.drop_table("courses")
    op.drop_table("categories")

"""Adverts.

Revision ID: adverts_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "adverts_0001"
down_revision = None
branch_labels = ("adverts",)
depends_on = ("courses_0001",)

count = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "adverts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("advert_type", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_audience", sa.String(16), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_adverts_course_id_courses"), nullable=True),
        sa.Column("link_url", sa.String(2000), nullable=False),
        sa.Column("image", sa.String(500), nullable=False),
        sa.Column("impressions", count, nullable=False),
        sa.Column("clicks", count, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_adverts_tenant_window", "adverts", ["tenant_id", "is_active", "start_date", "end_date"])
    op.create_index("ix_adverts_course_id", "adverts", ["course_id"])
    rls.enable("adverts")


def downgrade() -> None:
    op.drop_table("adverts")

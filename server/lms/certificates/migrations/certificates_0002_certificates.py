"""Issued certificates.

Revision ID: certificates_0002
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "certificates_0002"
down_revision = "certificates_0001"
branch_labels = None
depends_on = ("enrollments_0001",)


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), sa.ForeignKey(
            "enrollments.id", ondelete="CASCADE", name="fk_certificates_enrollment_id_enrollments"), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_certificates_course_id_courses"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("certificate_id", sa.String(64), nullable=False),
        sa.Column("learner_name", sa.String(310), nullable=False),
        sa.Column("course_title", sa.String(200), nullable=False),
        sa.Column("pdf_file", sa.String(500), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("enrollment_id", name="uq_certificates_enrollment_id"),
        sa.UniqueConstraint("certificate_id", name="uq_certificates_certificate_id"),
    )
    op.create_index("ix_certificates_tenant_id", "certificates", ["tenant_id"])
    op.create_index("ix_certificates_course_id", "certificates", ["course_id"])
    op.create_index("ix_certificates_tenant_user", "certificates", ["tenant_id", "user_id"])
    rls.enable("certificates")


def downgrade() -> None:
    op.drop_table("certificates")

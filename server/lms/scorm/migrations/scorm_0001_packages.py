"""SCORM packages, tracking and launch sessions.

Revision ID: scorm_0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from lms.migrations import rls

revision = "scorm_0001"
down_revision = None
branch_labels = ("scorm",)
depends_on = ("courses_0001",)

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "scorm_packages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_scorm_packages_course_id_courses"), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("identifier", sa.String(255), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("default_organization", sa.String(255), nullable=False),
        sa.Column("organizations", JSON, nullable=False),
        sa.Column("scos", JSON, nullable=False),
        sa.Column("prefix", sa.String(300), nullable=False),
        sa.Column("archive_key", sa.String(500), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("course_id", name="uq_scorm_packages_course_id"),
    )
    op.create_index("ix_scorm_packages_tenant_id", "scorm_packages", ["tenant_id"])
    rls.enable("scorm_packages")
    op.create_table(
        "scorm_tracks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_scorm_tracks_course_id_courses"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("sco", sa.String(255), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("completion_status", sa.String(16), nullable=False),
        sa.Column("success_status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("score_raw", sa.Float(), nullable=True),
        sa.Column("score_min", sa.Float(), nullable=True),
        sa.Column("score_max", sa.Float(), nullable=True),
        sa.Column("score_scaled", sa.Float(), nullable=True),
        sa.Column("location", sa.String(1000), nullable=False),
        sa.Column("suspend_data", sa.Text(), nullable=False),
        sa.Column("entry", sa.String(16), nullable=False),
        sa.Column("exit", sa.String(16), nullable=False),
        sa.Column("total_time", sa.Float(), nullable=False),
        sa.Column("session_time", sa.Float(), nullable=False),
        sa.Column("interactions", JSON, nullable=False),
        sa.Column("objectives", JSON, nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("course_id", "user_id", "sco", "attempt",
                            name="uq_scorm_tracks_course_id_user_id_sco_attempt"),
    )
    op.create_index("ix_scorm_tracks_tenant_course_user", "scorm_tracks", ["tenant_id", "course_id", "user_id"])
    rls.enable("scorm_tracks")
    op.create_table(
        "scorm_launch_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_scorm_launch_sessions_course_id_courses"), nullable=False),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey(
            "scorm_packages.id", ondelete="CASCADE", name="fk_scorm_launch_sessions_package_id_scorm_packages"),
            nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("roles", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_scorm_launch_sessions_token_hash"),
    )
    op.create_index("ix_scorm_launch_sessions_tenant_id", "scorm_launch_sessions", ["tenant_id"])
    rls.enable("scorm_launch_sessions")


def downgrade() -> None:
    op.drop_table("scorm_launch_sessions")
    op.drop_table("scorm_tracks")
    op.drop_table("scorm_packages")

"""Schedules, registrations, attendance and calendar feed tokens.

Revision ID: schedules_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "schedules_0001"
down_revision = None
branch_labels = ("schedules",)
depends_on = ("courses_0001",)


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scheduled_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("meeting_url", sa.String(2000), nullable=False),
        sa.Column("max_attendees", sa.Integer(), nullable=False),
        sa.Column("attendee_count", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_schedules_course_id_courses"), nullable=True),
        sa.Column("recurrence", sa.String(500), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("series_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_schedules_tenant_start", "schedules", ["tenant_id", "scheduled_date", "id"])
    op.create_index("ix_schedules_course_id", "schedules", ["course_id"])
    rls.enable("schedules")
    op.create_table(
        "schedule_registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("schedule_id", sa.Integer(), sa.ForeignKey(
            "schedules.id", ondelete="CASCADE", name="fk_schedule_registrations_schedule_id_schedules"),
            nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("schedule_id", "user_id", name="uq_schedule_registrations_schedule_id_user_id"),
    )
    op.create_index("ix_schedule_registrations_tenant_user", "schedule_registrations", ["tenant_id", "user_id"])
    rls.enable("schedule_registrations")
    op.create_table(
        "schedule_attendance",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("schedule_id", sa.Integer(), sa.ForeignKey(
            "schedules.id", ondelete="CASCADE", name="fk_schedule_attendance_schedule_id_schedules"),
            nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("occurrence", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("marked_by", sa.String(128), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("schedule_id", "user_id", "occurrence",
                            name="uq_schedule_attendance_schedule_id_user_id_occurrence"),
    )
    op.create_index("ix_schedule_attendance_tenant_id", "schedule_attendance", ["tenant_id"])
    rls.enable("schedule_attendance")
    op.create_table(
        "schedule_feed_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "user_id", name="uq_schedule_feed_tokens_tenant_id_user_id"),
        sa.UniqueConstraint("token_hash", name="uq_schedule_feed_tokens_token_hash"),
    )
    rls.enable("schedule_feed_tokens")


def downgrade() -> None:
    op.drop_table("schedule_feed_tokens")
    op.drop_table("schedule_attendance")
    op.drop_table("schedule_registrations")
    op.drop_table("schedules")

"""Points rules, the points ledger, running totals, badges and awards, leaderboard settings.

Revision ID: gamification_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "gamification_0001"
down_revision = None
branch_labels = ("gamification",)
depends_on = ("courses_0001",)

TABLES = ("points_rules", "points_ledger", "points_totals", "badges", "user_badges", "gamification_settings",
          "leaderboard_opt_outs")


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "points_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("tenant_id", "rule", name="uq_points_rules_tenant_id_rule"),
    )
    op.create_table(
        "points_ledger",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("cause_type", sa.String(64), nullable=False),
        sa.Column("cause_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("score_percent", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(200), nullable=False),
        _when("created_at"),
        sa.UniqueConstraint("tenant_id", "user_id", "rule", "cause_id",
                            name="uq_points_ledger_tenant_id_user_id_rule_cause_id"),
    )
    op.create_index("ix_points_ledger_tenant_user_id", "points_ledger", ["tenant_id", "user_id", "id"])
    op.create_table(
        "points_totals",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("total_points", sa.Integer(), nullable=False),
        _when("reached_at"),
        sa.PrimaryKeyConstraint("tenant_id", "scope", "user_id", name="pk_points_totals"),
    )
    op.create_index("ix_points_totals_rank", "points_totals",
                    ["tenant_id", "scope", sa.text("total_points DESC"), "reached_at", "user_id"])
    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("image", sa.String(500), nullable=False),
        sa.Column("criteria_type", sa.String(40), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id", ondelete="SET NULL",
                                                           name="fk_badges_course_id_courses"), nullable=True),
        sa.Column("min_grade_percent", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("awarded_count", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_badges_tenant_id_name"),
    )
    op.create_index("ix_badges_tenant_active", "badges", ["tenant_id", "is_active"])
    op.create_table(
        "user_badges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("badge_id", sa.Integer(), sa.ForeignKey("badges.id", ondelete="CASCADE",
                                                          name="fk_user_badges_badge_id_badges"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        _when("awarded_at"),
        sa.Column("awarded_by", sa.String(128), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.UniqueConstraint("badge_id", "user_id", name="uq_user_badges_badge_id_user_id"),
    )
    op.create_index("ix_user_badges_tenant_user", "user_badges", ["tenant_id", "user_id"])
    op.create_table(
        "gamification_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("leaderboard_enabled", sa.Boolean(), nullable=False),
        sa.Column("allow_opt_out", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("tenant_id", name="uq_gamification_settings_tenant_id"),
    )
    op.create_table(
        "leaderboard_opt_outs",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", name="pk_leaderboard_opt_outs"),
    )
    for table in TABLES:
        rls.enable(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        rls.disable(table)
        op.drop_table(table)

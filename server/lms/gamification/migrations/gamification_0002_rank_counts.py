"""How many users hold each total, per scope: a caller's leaderboard rank without counting every user above them.

Revision ID: gamification_0002
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "gamification_0002"
down_revision = "gamification_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "points_rank_counts",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("total_points", sa.Integer(), nullable=False),
        sa.Column("users", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "scope", "total_points", name="pk_points_rank_counts"),
    )
    rls.enable("points_rank_counts")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'on'")  # the backfill reads and writes every tenant's rows
    op.execute("INSERT INTO points_rank_counts (tenant_id, scope, total_points, users) "
               "SELECT tenant_id, scope, total_points, count(*) FROM points_totals GROUP BY tenant_id, scope, "
               "total_points")
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'off'")


def downgrade() -> None:
    rls.disable("points_rank_counts")
    op.drop_table("points_rank_counts")

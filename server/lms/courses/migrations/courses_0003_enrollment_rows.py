"""The rows every enrollment rewrites: course_counters and course_totals lose their indexes on tenant_id
alone (their composite indexes starting with tenant_id serve those lookups; a counter rewrite also
rewrites each index entry), and course_totals keeps its pages two-thirds empty so that rewrites stay on
their page instead of spreading the tenant's few rows over dozens of pages the catalogue reads.

Revision ID: courses_0003
"""
from alembic import op

revision = "courses_0003"
down_revision = "courses_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_course_counters_tenant_id", table_name="course_counters")
    op.drop_index("ix_course_totals_tenant_id", table_name="course_totals")
    if op.get_bind().dialect.name == "postgresql":
        # Applies to pages written from now on; `VACUUM FULL course_totals` compacts existing ones.
        op.execute("ALTER TABLE course_totals SET (fillfactor = 30)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE course_totals RESET (fillfactor)")
    op.create_index("ix_course_totals_tenant_id", "course_totals", ["tenant_id"])
    op.create_index("ix_course_counters_tenant_id", "course_counters", ["tenant_id"])

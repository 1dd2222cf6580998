"""Course content version and per-tenant course totals, kept by triggers; indexes for every list filter.

`courses.content_version` changes in the same transaction as anything the course detail shows
besides the course row itself, its category and its certificate settings (which the detail reads
fresh): modules, lessons, resources, the course's instructors and their directory profiles. Database
triggers keep it, so no write path (ORM, bulk SQL, cascades) can forget to; the detail cache of each
server process compares it to decide whether its copy is current (`lms.courses.detail`).

`course_totals` holds each tenant's number of courses, of published courses and the sum of their
`total_enrollments` counters, kept by a trigger on `courses` in the same transaction as every insert,
delete and change of status or counter, split over rows (on PostgreSQL one per database connection, so
concurrent enrollments never wait for the same totals row): the catalogue's page count and
`total_all_enrollments` are a sum over a tenant's few rows instead of a scan of its courses.

Revision ID: courses_0002
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "courses_0002"
down_revision = "courses_0001"
branch_labels = None
depends_on = ("content_0001", "users_0001")

BUMP = "UPDATE courses SET content_version = content_version + 1 WHERE id IN ({ids})"
PROFILE = ("email", "first_name", "last_name", "avatar_url", "phone")
# table -> (course ids of a changed row, given its alias NEW or OLD; condition for an UPDATE to count)
SOURCES = {
    "modules": ("{row}.course_id", None),
    "lessons": ("SELECT course_id FROM modules WHERE id = {row}.module_id", None),
    "resources": ("{row}.course_id", None),
    "course_instructors": ("{row}.course_id", None),
    "directory_users": (
        "SELECT course_id FROM course_instructors WHERE tenant_id = {row}.tenant_id AND user_id = {row}.user_id",
        " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ("user_id", "tenant_id", *PROFILE)),
    ),
}


def _ids(table: str, row: str) -> str:
    return SOURCES[table][0].format(row=row)


def _postgresql_upgrade() -> None:
    for table, (_, changed) in SOURCES.items():
        update_guard = f"IF NOT ({changed}) THEN RETURN NULL; END IF;" if changed else ""
        op.execute(f"""
CREATE FUNCTION lms_content_version_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {BUMP.format(ids=_ids(table, "NEW"))};
  ELSIF TG_OP = 'DELETE' THEN
    {BUMP.format(ids=_ids(table, "OLD"))};
  ELSE
    {update_guard}
    {BUMP.format(ids=_ids(table, "NEW") + ") OR id IN (" + _ids(table, "OLD"))};
  END IF;
  RETURN NULL;
END $$""")
        op.execute(f"CREATE TRIGGER lms_content_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION lms_content_version_{table}()")


def _sqlite_upgrade() -> None:
    for table, (_, changed) in SOURCES.items():
        when = f" WHEN {changed}" if changed else ""
        op.execute(f"CREATE TRIGGER lms_content_version_{table}_insert AFTER INSERT ON {table} "
                   f"BEGIN {BUMP.format(ids=_ids(table, 'NEW'))}; END")
        op.execute(f"CREATE TRIGGER lms_content_version_{table}_delete AFTER DELETE ON {table} "
                   f"BEGIN {BUMP.format(ids=_ids(table, 'OLD'))}; END")
        op.execute(f"CREATE TRIGGER lms_content_version_{table}_update AFTER UPDATE ON {table}{when} "
                   f"BEGIN {BUMP.format(ids=_ids(table, 'NEW') + ') OR id IN (' + _ids(table, 'OLD'))}; END")


SHARDS = 64
_PUBLISHED = "CASE WHEN {row}.status = 'Published' THEN 1 ELSE 0 END"


def _add(shard: str, tenant: str, courses: str, published: str, enrollments: str) -> str:
    """Adds amounts to a tenant's totals row `shard` (created at its first use)."""
    return ("INSERT INTO course_totals (tenant_id, shard, courses, published, enrollments) "
            f"VALUES ({tenant}, {shard}, {courses}, {published}, {enrollments}) "
            "ON CONFLICT (tenant_id, shard) DO UPDATE SET courses = course_totals.courses + excluded.courses, "
            "published = course_totals.published + excluded.published, "
            "enrollments = course_totals.enrollments + excluded.enrollments")


def _added(shard: str) -> str:
    return _add(shard, "NEW.tenant_id", "1", _PUBLISHED.format(row="NEW"), "NEW.total_enrollments")


def _removed(shard: str) -> str:
    return _add(shard, "OLD.tenant_id", "-1", "-" + _PUBLISHED.format(row="OLD"), "-OLD.total_enrollments")


def _changed(shard: str) -> str:
    return _add(shard, "NEW.tenant_id", "0", _PUBLISHED.format(row="NEW") + " - " + _PUBLISHED.format(row="OLD"),
                "NEW.total_enrollments - OLD.total_enrollments")


_TOTALS_CHANGED = ("NEW.status IS DISTINCT FROM OLD.status OR NEW.total_enrollments IS DISTINCT FROM "
                   "OLD.total_enrollments OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id")


def _create_course_totals() -> None:
    op.create_table(
        "course_totals",
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("courses", sa.Integer(), nullable=False),
        sa.Column("published", sa.Integer(), nullable=False),
        sa.Column("enrollments", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "shard", name="pk_course_totals"),
    )
    op.create_index("ix_course_totals_tenant_id", "course_totals", ["tenant_id"])
    rls.enable("course_totals")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'on'")  # the backfill reads and writes every tenant's rows
    op.execute(f"""
INSERT INTO course_totals (tenant_id, shard, courses, published, enrollments)
SELECT tenant_id, 0, count(*), sum({_PUBLISHED.format(row="courses")}), sum(total_enrollments)
FROM courses GROUP BY tenant_id""")
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'off'")
        # Each database connection adds to its own row of the tenant (its backend process id picks one of
        # SHARDS): transactions on different connections never wait for one another's totals row, whatever
        # courses they enroll in; the catalogue sums the rows.
        shard = f"pg_backend_pid() % {SHARDS}"
        op.execute(f"""
CREATE FUNCTION lms_course_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_added(shard)};
  ELSIF TG_OP = 'DELETE' THEN
    {_removed(shard)};
  ELSIF NOT ({_TOTALS_CHANGED}) THEN
    RETURN NULL;
  ELSIF NEW.tenant_id = OLD.tenant_id THEN
    {_changed(shard)};
  ELSE
    {_removed(shard)};
    {_added(shard)};
  END IF;
  RETURN NULL;
END $$""")
        op.execute("CREATE TRIGGER lms_course_totals AFTER INSERT OR DELETE OR UPDATE OF status, total_enrollments, "
                   "tenant_id ON courses FOR EACH ROW EXECUTE FUNCTION lms_course_totals()")
    else:  # one writer at a time: one row per tenant
        op.execute(f"CREATE TRIGGER lms_course_totals_insert AFTER INSERT ON courses BEGIN {_added('0')}; END")
        op.execute(f"CREATE TRIGGER lms_course_totals_delete AFTER DELETE ON courses BEGIN {_removed('0')}; END")
        op.execute(f"CREATE TRIGGER lms_course_totals_update AFTER UPDATE ON courses WHEN {_TOTALS_CHANGED} "
                   f"BEGIN {_removed('0')}; {_added('0')}; END")


def upgrade() -> None:
    op.add_column("courses", sa.Column("content_version", sa.Integer(), nullable=False, server_default="0"))
    _create_course_totals()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
        # Course search is ILIKE '%term%': a trigram index serves it (pg_trgm is a trusted extension, so the
        # database owner may create it).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    else:
        _sqlite_upgrade()
    op.create_index("ix_courses_tenant_level", "courses", ["tenant_id", "level"])
    op.create_index("ix_courses_tenant_is_free", "courses", ["tenant_id", "is_free"])
    op.create_index("ix_courses_title_trigram", "courses", ["title"], postgresql_using="gin",
                    postgresql_ops={"title": "gin_trgm_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS lms_course_totals ON courses")
        op.execute("DROP FUNCTION IF EXISTS lms_course_totals()")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS lms_course_totals_{event}")
    op.drop_table("course_totals")
    op.drop_index("ix_courses_title_trigram", "courses")
    op.drop_index("ix_courses_tenant_is_free", "courses")
    op.drop_index("ix_courses_tenant_level", "courses")
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS lms_content_version ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS lms_content_version_{table}()")
    else:
        for table in SOURCES:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS lms_content_version_{table}_{event}")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("content_version")

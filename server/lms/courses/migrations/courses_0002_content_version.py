"""Enrollment counters off the course row, tenant course totals and a course content version, all kept by
triggers; indexes for every catalogue filter.

- `course_counters` holds each course's `total_enrollments` (moved from `courses`): one narrow row per
  course, created with the course by a trigger and changed in the same transaction as the enrollments
  it counts. Enrolling no longer rewrites the wide course row and its many index entries, and course
  rows stay unlocked and compact while people enroll.
- `course_totals` holds each tenant's number of courses, of published courses and the sum of its
  courses' counters, kept by triggers on `courses` and `course_counters` in the same transaction as
  every change, split over rows (on PostgreSQL one per database connection, so concurrent enrollments
  never wait for the same totals row): the catalogue's page count and `total_all_enrollments` are a sum
  over a tenant's few rows instead of a scan of its courses.
- `courses.content_version` changes in the same transaction as anything the course detail shows besides
  the course row, its counters, category and certificate settings (which the detail reads fresh):
  modules, lessons, resources, the course's instructors and their directory profiles. The detail cache
  of each server process compares it to decide whether its copy is current (`lms.courses.detail`).

Triggers keep all three, so no write path (ORM, bulk SQL, cascades) can forget to.

Revision ID: courses_0002
"""
import sqlalchemy as sa
from alembic import op
from lms.migrations import rls

revision = "courses_0002"
down_revision = "courses_0001"
branch_labels = None
depends_on = ("content_0001", "users_0001")

# Content version --------------------------------------------------------------------------------

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


def _content_version_postgresql() -> None:
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


def _content_version_sqlite() -> None:
    for table, (_, changed) in SOURCES.items():
        when = f" WHEN {changed}" if changed else ""
        op.execute(f"CREATE TRIGGER lms_content_version_{table}_insert AFTER INSERT ON {table} "
                   f"BEGIN {BUMP.format(ids=_ids(table, 'NEW'))}; END")
        op.execute(f"CREATE TRIGGER lms_content_version_{table}_delete AFTER DELETE ON {table} "
                   f"BEGIN {BUMP.format(ids=_ids(table, 'OLD'))}; END")
        op.execute(f"CREATE TRIGGER lms_content_version_{table}_update AFTER UPDATE ON {table}{when} "
                   f"BEGIN {BUMP.format(ids=_ids(table, 'NEW') + ') OR id IN (' + _ids(table, 'OLD'))}; END")


# Counters and totals ----------------------------------------------------------------------------

SHARDS = 64
_PUBLISHED = "CASE WHEN {row}.status = 'Published' THEN 1 ELSE 0 END"
_NEW_COUNTER = ("INSERT INTO course_counters (course_id, tenant_id, total_enrollments) "
                "VALUES (NEW.id, NEW.tenant_id, 0)")


def _add(shard: str, tenant: str, courses: str = "0", published: str = "0", enrollments: str = "0") -> str:
    """Adds amounts to a tenant's totals row `shard` (created at its first use)."""
    return ("INSERT INTO course_totals (tenant_id, shard, courses, published, enrollments) "
            f"VALUES ({tenant}, {shard}, {courses}, {published}, {enrollments}) "
            "ON CONFLICT (tenant_id, shard) DO UPDATE SET courses = course_totals.courses + excluded.courses, "
            "published = course_totals.published + excluded.published, "
            "enrollments = course_totals.enrollments + excluded.enrollments")


def _course_added(shard: str) -> str:
    return _add(shard, "NEW.tenant_id", "1", _PUBLISHED.format(row="NEW"))


def _course_removed(shard: str) -> str:
    return _add(shard, "OLD.tenant_id", "-1", "-" + _PUBLISHED.format(row="OLD"))


def _counted(shard: str, row: str, sign: str = "") -> str:
    return _add(shard, f"{row}.tenant_id", enrollments=f"{sign}{row}.total_enrollments")


_COURSE_COUNTED = "NEW.status IS DISTINCT FROM OLD.status OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id"


def _create_counters_and_totals() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "course_counters",
        sa.Column("course_id", sa.Integer(),
                  sa.ForeignKey("courses.id", ondelete="CASCADE", name="fk_course_counters_course_id_courses"),
                  nullable=False),
        sa.Column("total_enrollments", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("course_id", name="pk_course_counters"),
    )
    op.create_index("ix_course_counters_tenant_id", "course_counters", ["tenant_id"])
    op.create_index("ix_course_counters_tenant_enrollments", "course_counters", ["tenant_id", "total_enrollments"])
    rls.enable("course_counters")
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
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'on'")  # the backfill reads and writes every tenant's rows
    op.execute("INSERT INTO course_counters (course_id, tenant_id, total_enrollments) "
               "SELECT id, tenant_id, total_enrollments FROM courses")
    op.execute(f"""
INSERT INTO course_totals (tenant_id, shard, courses, published, enrollments)
SELECT tenant_id, 0, count(*), sum({_PUBLISHED.format(row="courses")}), sum(total_enrollments)
FROM courses GROUP BY tenant_id""")
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'off'")
    op.drop_index("ix_courses_tenant_enrollments", "courses")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("total_enrollments")
    if postgresql:
        # Each database connection adds to its own totals row of the tenant (its backend process id picks
        # one of SHARDS): transactions on different connections never wait for one another's totals row.
        shard = f"pg_backend_pid() % {SHARDS}"
        op.execute(f"""
CREATE FUNCTION lms_course_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_NEW_COUNTER};
    {_course_added(shard)};
  ELSIF TG_OP = 'DELETE' THEN
    {_course_removed(shard)};
  ELSIF {_COURSE_COUNTED} THEN
    {_course_removed(shard)};
    {_course_added(shard)};
  END IF;
  RETURN NULL;
END $$""")
        op.execute("CREATE TRIGGER lms_course_rows AFTER INSERT OR DELETE OR UPDATE OF status, tenant_id "
                   "ON courses FOR EACH ROW EXECUTE FUNCTION lms_course_rows()")
        op.execute(f"""
CREATE FUNCTION lms_course_counters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_counted(shard, "NEW")};
  ELSIF TG_OP = 'DELETE' THEN
    {_counted(shard, "OLD", "-")};
  ELSIF NEW.tenant_id = OLD.tenant_id THEN
    {_add(shard, "NEW.tenant_id", enrollments="NEW.total_enrollments - OLD.total_enrollments")};
  ELSE
    {_counted(shard, "OLD", "-")};
    {_counted(shard, "NEW")};
  END IF;
  RETURN NULL;
END $$""")
        op.execute("CREATE TRIGGER lms_course_counters AFTER INSERT OR DELETE OR UPDATE OF total_enrollments, "
                   "tenant_id ON course_counters FOR EACH ROW EXECUTE FUNCTION lms_course_counters()")
    else:  # one writer at a time: one totals row per tenant
        op.execute(f"CREATE TRIGGER lms_course_rows_insert AFTER INSERT ON courses "
                   f"BEGIN {_NEW_COUNTER}; {_course_added('0')}; END")
        op.execute(f"CREATE TRIGGER lms_course_rows_delete AFTER DELETE ON courses "
                   f"BEGIN {_course_removed('0')}; END")
        op.execute(f"CREATE TRIGGER lms_course_rows_update AFTER UPDATE ON courses WHEN {_COURSE_COUNTED} "
                   f"BEGIN {_course_removed('0')}; {_course_added('0')}; END")
        op.execute(f"CREATE TRIGGER lms_course_counters_insert AFTER INSERT ON course_counters "
                   f"BEGIN {_counted('0', 'NEW')}; END")
        op.execute(f"CREATE TRIGGER lms_course_counters_delete AFTER DELETE ON course_counters "
                   f"BEGIN {_counted('0', 'OLD', '-')}; END")
        op.execute("CREATE TRIGGER lms_course_counters_update AFTER UPDATE ON course_counters "
                   "WHEN NEW.total_enrollments IS NOT OLD.total_enrollments OR NEW.tenant_id IS NOT OLD.tenant_id "
                   f"BEGIN {_counted('0', 'OLD', '-')}; {_counted('0', 'NEW')}; END")


def _drop_counters_and_totals() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER IF EXISTS lms_course_rows ON courses")
        op.execute("DROP FUNCTION IF EXISTS lms_course_rows()")
        op.execute("DROP TRIGGER IF EXISTS lms_course_counters ON course_counters")
        op.execute("DROP FUNCTION IF EXISTS lms_course_counters()")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS lms_course_rows_{event}")
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("total_enrollments", sa.Integer(), nullable=False, server_default="0"))
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'on'")
    op.execute("UPDATE courses SET total_enrollments = (SELECT total_enrollments FROM course_counters "
               "WHERE course_counters.course_id = courses.id)")
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'off'")
    op.create_index("ix_courses_tenant_enrollments", "courses", ["tenant_id", "total_enrollments"])
    op.drop_table("course_totals")
    op.drop_table("course_counters")


# The migration ----------------------------------------------------------------------------------

def upgrade() -> None:
    # First what rebuilds the courses table on SQLite (dropping a column), while no trigger refers to it.
    _create_counters_and_totals()
    op.add_column("courses", sa.Column("content_version", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        _content_version_postgresql()
        # Course search is ILIKE '%term%': a trigram index serves it (pg_trgm is a trusted extension, so the
        # database owner may create it).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    else:
        _content_version_sqlite()
    op.create_index("ix_courses_tenant_level", "courses", ["tenant_id", "level"])
    op.create_index("ix_courses_tenant_is_free", "courses", ["tenant_id", "is_free"])
    op.create_index("ix_courses_title_trigram", "courses", ["title"], postgresql_using="gin",
                    postgresql_ops={"title": "gin_trgm_ops"})


def downgrade() -> None:
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
    _drop_counters_and_totals()

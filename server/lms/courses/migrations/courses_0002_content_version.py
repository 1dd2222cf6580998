"""Course content version (kept by triggers) for the cached course detail; indexes for every list filter.

`courses.content_version` changes in the same transaction as anything the course detail shows
besides the course row itself, its category and its certificate settings (which the detail reads
fresh): modules, lessons, resources, the course's instructors and their directory profiles. Database
triggers keep it, so no write path (ORM, bulk SQL, cascades) can forget to; the detail cache of each
server process compares it to decide whether its copy is current (`lms.courses.detail`).

Revision ID: courses_0002
"""
import sqlalchemy as sa
from alembic import op

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


def upgrade() -> None:
    op.add_column("courses", sa.Column("content_version", sa.Integer(), nullable=False, server_default="0"))
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

"""AI chat sessions and messages; the tutor's search index of course content, kept by triggers.

`ai_chat_passages` holds one row per lesson (title; description and text), FAQ (question; answer), resource
(title) and course (title; short description and description). Triggers on `lessons`, `faqs`, `resources`
and `courses` insert and update it in the same transaction as the content; deletes follow by foreign keys
(ON DELETE CASCADE, which fires the triggers below on both databases). Existing content is indexed here.

- PostgreSQL: a BEFORE trigger on the passages computes `tsv` = setweight(to_tsvector('english', title), 'A')
  || setweight(to_tsvector('english', body), 'B'), searched through a GIN index (`@@`, `ts_rank`).
- SQLite: a contentless FTS5 table `ai_chat_passages_fts` (title, body, and scope tokens of the tenant, course
  and kind; porter stemming), kept by triggers on the passages, ranked with `bm25()`.

Revision ID: ai_chat_0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

from lms.migrations import rls

revision = "ai_chat_0001"
down_revision = None
branch_labels = ("ai_chat",)
depends_on = ("content_0001", "courses_0001")

FTS = "ai_chat_passages_fts"
# Source table -> (kind, key column of the passage, course id, title, body, columns whose change re-indexes),
# with {row} standing for NEW and {nl} for a newline literal of the database.
SOURCES = {
    "lessons": ("lesson", "lesson_id", "(SELECT course_id FROM modules WHERE id = {row}.module_id)",
                "{row}.title", "{row}.description || {nl} || {row}.content_text",
                ("title", "description", "content_text", "module_id")),
    "faqs": ("faq", "faq_id", "{row}.course_id", "{row}.question", "{row}.answer", ("question", "answer", "course_id")),
    "resources": ("resource", "resource_id", "{row}.course_id", "{row}.title", "''", ("title", "course_id")),
    "courses": ("course", "course_id", "{row}.id", "{row}.title",
                "{row}.short_description || {nl} || {row}.description", ("title", "short_description", "description")),
}
NEWLINE = {"postgresql": "E'\\n'", "sqlite": "char(10)"}


def _parts(table: str, row: str, dialect: str) -> tuple[str, str, str]:
    _, _, course, title, body, _ = SOURCES[table]
    fmt = {"row": row, "nl": NEWLINE[dialect]}
    return course.format(**fmt), f"coalesce({title.format(**fmt)}, '')", f"coalesce({body.format(**fmt)}, '')"


def _insert(table: str, dialect: str) -> str:
    kind, key, *_ = SOURCES[table]
    course, title, body = _parts(table, "NEW", dialect)
    if key == "course_id":
        return (f"INSERT INTO ai_chat_passages (tenant_id, kind, course_id, title, body) "
                f"VALUES (NEW.tenant_id, '{kind}', {course}, {title}, {body})")
    return (f"INSERT INTO ai_chat_passages (tenant_id, kind, course_id, {key}, title, body) "
            f"VALUES (NEW.tenant_id, '{kind}', {course}, NEW.id, {title}, {body})")


def _update(table: str, dialect: str) -> str:
    kind, key, *_ = SOURCES[table]
    course, title, body = _parts(table, "NEW", dialect)
    where = "kind = 'course' AND course_id = NEW.id" if key == "course_id" else f"{key} = NEW.id"
    return f"UPDATE ai_chat_passages SET course_id = {course}, title = {title}, body = {body} WHERE {where}"


def _changed(table: str, dialect: str) -> str:
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return " OR ".join(f"NEW.{c} {distinct} OLD.{c}" for c in SOURCES[table][5])


def _backfill(dialect: str) -> None:
    nl = NEWLINE[dialect]
    op.execute("INSERT INTO ai_chat_passages (tenant_id, kind, course_id, lesson_id, title, body) "
               f"SELECT l.tenant_id, 'lesson', m.course_id, l.id, l.title, l.description || {nl} || l.content_text "
               "FROM lessons l JOIN modules m ON m.id = l.module_id")
    op.execute("INSERT INTO ai_chat_passages (tenant_id, kind, course_id, faq_id, title, body) "
               "SELECT tenant_id, 'faq', course_id, id, question, answer FROM faqs")
    op.execute("INSERT INTO ai_chat_passages (tenant_id, kind, course_id, resource_id, title, body) "
               "SELECT tenant_id, 'resource', course_id, id, title, '' FROM resources")
    op.execute("INSERT INTO ai_chat_passages (tenant_id, kind, course_id, title, body) "
               f"SELECT tenant_id, 'course', id, title, short_description || {nl} || description FROM courses")


def _postgresql_index() -> None:
    op.execute("""
CREATE FUNCTION lms_ai_chat_passage_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tsv := setweight(to_tsvector('english', NEW.title), 'A') || setweight(to_tsvector('english', NEW.body), 'B');
  RETURN NEW;
END $$""")
    op.execute("CREATE TRIGGER lms_ai_chat_passage_tsv BEFORE INSERT OR UPDATE OF title, body ON ai_chat_passages "
               "FOR EACH ROW EXECUTE FUNCTION lms_ai_chat_passage_tsv()")
    for table, (_, _, _, _, _, columns) in SOURCES.items():
        op.execute(f"""
CREATE FUNCTION lms_ai_chat_index_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_insert(table, "postgresql")};
  ELSE
    {_update(table, "postgresql")};
  END IF;
  RETURN NULL;
END $$""")
        op.execute(f"CREATE TRIGGER lms_ai_chat_index AFTER INSERT ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION lms_ai_chat_index_{table}()")
        op.execute(f"CREATE TRIGGER lms_ai_chat_reindex AFTER UPDATE OF {', '.join(columns)} ON {table} "
                   f"FOR EACH ROW WHEN ({_changed(table, 'postgresql')}) "
                   f"EXECUTE FUNCTION lms_ai_chat_index_{table}()")


# SQLite: the FTS5 row's `scope` holds tokens of the passage's tenant, course and kind (`t<tenant>`, `c<id>`,
# `k<kind>`: the tenant id without its punctuation), so that a search narrows to them inside the full-text
# index itself (lms.ai_chat.retrieval); the tenant is checked again, exactly, when the hits are joined.
SCOPE = ("'t' || replace(replace(replace(replace({row}.tenant_id, '-', ''), '.', ''), ':', ''), '_', '') "
         "|| ' c' || {row}.course_id || ' k' || {row}.kind")


def _fts_add(row: str) -> str:
    return f"INSERT INTO {FTS} (rowid, title, body, scope) VALUES ({row}.id, {row}.title, {row}.body, " \
           f"{SCOPE.format(row=row)})"


def _fts_remove(row: str) -> str:
    return f"INSERT INTO {FTS} ({FTS}, rowid, title, body, scope) VALUES ('delete', {row}.id, {row}.title, " \
           f"{row}.body, {SCOPE.format(row=row)})"


def _sqlite_index() -> None:
    op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, scope, content='', "
               "tokenize='porter unicode61 remove_diacritics 2')")
    op.execute(f"CREATE TRIGGER lms_ai_chat_fts_insert AFTER INSERT ON ai_chat_passages BEGIN {_fts_add('NEW')}; END")
    op.execute(f"CREATE TRIGGER lms_ai_chat_fts_delete AFTER DELETE ON ai_chat_passages BEGIN {_fts_remove('OLD')}; "
               "END")
    op.execute(f"CREATE TRIGGER lms_ai_chat_fts_update AFTER UPDATE OF title, body, course_id, kind, tenant_id "
               f"ON ai_chat_passages BEGIN {_fts_remove('OLD')}; {_fts_add('NEW')}; END")
    for table in SOURCES:
        columns = ", ".join(SOURCES[table][5])
        op.execute(f"CREATE TRIGGER lms_ai_chat_index_{table} AFTER INSERT ON {table} "
                   f"BEGIN {_insert(table, 'sqlite')}; END")
        op.execute(f"CREATE TRIGGER lms_ai_chat_reindex_{table} AFTER UPDATE OF {columns} ON {table} "
                   f"WHEN {_changed(table, 'sqlite')} BEGIN {_update(table, 'sqlite')}; END")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "ai_chat_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="SET NULL", name="fk_ai_chat_sessions_course_id_courses"), nullable=True),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ai_chat_sessions_owner", "ai_chat_sessions", ["tenant_id", "user_id", "updated_at", "id"])
    op.create_index("ix_ai_chat_sessions_course_id", "ai_chat_sessions", ["course_id"])
    rls.enable("ai_chat_sessions")

    op.create_table(
        "ai_chat_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey(
            "ai_chat_sessions.id", ondelete="CASCADE", name="fk_ai_chat_messages_session_id_ai_chat_sessions"),
            nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ai_chat_messages_tenant_id", "ai_chat_messages", ["tenant_id"])
    op.create_index("ix_ai_chat_messages_session_id", "ai_chat_messages", ["session_id", "id"])
    rls.enable("ai_chat_messages")

    op.create_table(
        "ai_chat_passages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_ai_chat_passages_course_id_courses"), nullable=False),
        sa.Column("lesson_id", sa.Integer(), sa.ForeignKey(
            "lessons.id", ondelete="CASCADE", name="fk_ai_chat_passages_lesson_id_lessons"), nullable=True),
        sa.Column("faq_id", sa.Integer(), sa.ForeignKey(
            "faqs.id", ondelete="CASCADE", name="fk_ai_chat_passages_faq_id_faqs"), nullable=True),
        sa.Column("resource_id", sa.Integer(), sa.ForeignKey(
            "resources.id", ondelete="CASCADE", name="fk_ai_chat_passages_resource_id_resources"), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tsv", TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True),
        sa.UniqueConstraint("lesson_id", name="uq_ai_chat_passages_lesson_id"),
        sa.UniqueConstraint("faq_id", name="uq_ai_chat_passages_faq_id"),
        sa.UniqueConstraint("resource_id", name="uq_ai_chat_passages_resource_id"),
    )
    op.create_index("ix_ai_chat_passages_course_kind", "ai_chat_passages", ["course_id", "kind"])
    op.create_index("ix_ai_chat_passages_tsv", "ai_chat_passages", ["tsv"], postgresql_using="gin")
    rls.enable("ai_chat_passages")

    if dialect == "postgresql":
        _postgresql_index()
        op.execute("SET LOCAL app.all_tenants = 'on'")  # the backfill reads and writes every tenant's rows
        _backfill(dialect)
        op.execute("SET LOCAL app.all_tenants = 'off'")
    else:
        _sqlite_index()
        _backfill(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS lms_ai_chat_index ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS lms_ai_chat_reindex ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS lms_ai_chat_index_{table}()")
    else:
        for table in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS lms_ai_chat_index_{table}")
            op.execute(f"DROP TRIGGER IF EXISTS lms_ai_chat_reindex_{table}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_table("ai_chat_passages")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS lms_ai_chat_passage_tsv()")
    op.drop_table("ai_chat_messages")
    op.drop_table("ai_chat_sessions")

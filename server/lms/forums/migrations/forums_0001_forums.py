"""Forums, threaded posts, reports, moderation actions and subscriptions, with full-text search.

- PostgreSQL: a BEFORE trigger sets `forum_posts.tsv` = setweight(to_tsvector('simple', title), 'A') ||
  setweight(to_tsvector('simple', content), 'B'), searched through a GIN index.
- SQLite: an external-content FTS5 table `forum_posts_fts` (title, content) kept by triggers.

Revision ID: forums_0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

from lms.migrations import rls

revision = "forums_0001"
down_revision = None
branch_labels = ("forums",)
depends_on = ("courses_0001",)

FTS = "forum_posts_fts"


def _tenant():
    return sa.Column("tenant_id", sa.String(64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "forums",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_forums_course_id_courses"), nullable=True),
        sa.Column("moderation", sa.String(24), nullable=False),
        sa.Column("post_count", sa.Integer(), nullable=False),
        sa.Column("thread_count", sa.Integer(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_forums_tenant_title", "forums", ["tenant_id", "title", "id"])
    op.create_index("ix_forums_course_id", "forums", ["course_id"])
    rls.enable("forums")

    op.create_table(
        "forum_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("forum_id", sa.Integer(), sa.ForeignKey(
            "forums.id", ondelete="CASCADE", name="fk_forum_posts_forum_id_forums"), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey(
            "forum_posts.id", ondelete="CASCADE", name="fk_forum_posts_parent_id_forum_posts"), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_html", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(128), nullable=False),
        sa.Column("is_pinned", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("is_edited", sa.Boolean(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("open_reports", sa.Integer(), nullable=False),
        sa.Column("moderation_reason", sa.Text(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tsv", TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True),
    )
    op.create_index("ix_forum_posts_tenant_id", "forum_posts", ["tenant_id"])
    op.create_index("ix_forum_posts_thread_id", "forum_posts", ["thread_id"])
    op.create_index("ix_forum_posts_threads", "forum_posts", ["forum_id", "is_pinned", "last_activity_at", "id"],
                    postgresql_where=sa.text("parent_id IS NULL"), sqlite_where=sa.text("parent_id IS NULL"))
    op.create_index("ix_forum_posts_parent", "forum_posts", ["parent_id", "created_at", "id"])
    op.create_index("ix_forum_posts_forum_author", "forum_posts", ["forum_id", "author_id", "status"])
    op.create_index("ix_forum_posts_waiting", "forum_posts", ["forum_id", "status", "created_at"],
                    postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
    op.create_index("ix_forum_posts_reported", "forum_posts", ["forum_id", "open_reports"],
                    postgresql_where=sa.text("open_reports > 0"), sqlite_where=sa.text("open_reports > 0"))
    op.create_index("ix_forum_posts_tsv", "forum_posts", ["tsv"], postgresql_using="gin")
    rls.enable("forum_posts")

    op.create_table(
        "forum_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey(
            "forum_posts.id", ondelete="CASCADE", name="fk_forum_reports_post_id_forum_posts"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("post_id", "user_id", name="uq_forum_reports_post_id_user_id"),
    )
    op.create_index("ix_forum_reports_tenant_id", "forum_reports", ["tenant_id"])
    rls.enable("forum_reports")

    op.create_table(
        "forum_moderation_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("forum_id", sa.Integer(), sa.ForeignKey(
            "forums.id", ondelete="CASCADE", name="fk_forum_moderation_actions_forum_id_forums"), nullable=False),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey(
            "forum_posts.id", ondelete="CASCADE", name="fk_forum_moderation_actions_post_id_forum_posts"),
            nullable=False),
        sa.Column("moderator_id", sa.String(128), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_forum_moderation_actions_tenant_id", "forum_moderation_actions", ["tenant_id"])
    op.create_index("ix_forum_moderation_actions_forum", "forum_moderation_actions", ["forum_id", "created_at", "id"])
    op.create_index("ix_forum_moderation_actions_post_id", "forum_moderation_actions", ["post_id"])
    rls.enable("forum_moderation_actions")

    op.create_table(
        "forum_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("forum_id", sa.Integer(), sa.ForeignKey(
            "forums.id", ondelete="CASCADE", name="fk_forum_subscriptions_forum_id_forums"), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("forum_id", "thread_id", "user_id",
                            name="uq_forum_subscriptions_forum_id_thread_id_user_id"),
    )
    op.create_index("ix_forum_subscriptions_tenant_user", "forum_subscriptions", ["tenant_id", "user_id"])
    rls.enable("forum_subscriptions")

    op.create_table(
        "forum_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey(
            "forum_posts.id", ondelete="CASCADE", name="fk_forum_deliveries_post_id_forum_posts"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("post_id", "user_id", name="uq_forum_deliveries_post_id_user_id"),
    )
    op.create_index("ix_forum_deliveries_tenant_id", "forum_deliveries", ["tenant_id"])
    rls.enable("forum_deliveries")

    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
CREATE FUNCTION lms_forum_post_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tsv := setweight(to_tsvector('simple', NEW.title), 'A') || setweight(to_tsvector('simple', NEW.content), 'B');
  RETURN NEW;
END $$""")
        op.execute("CREATE TRIGGER lms_forum_post_tsv BEFORE INSERT OR UPDATE OF title, content ON forum_posts "
                   "FOR EACH ROW EXECUTE FUNCTION lms_forum_post_tsv()")
    else:
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, content, content='forum_posts', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        add = f"INSERT INTO {FTS} (rowid, title, content) VALUES (NEW.id, NEW.title, NEW.content)"
        remove = (f"INSERT INTO {FTS} ({FTS}, rowid, title, content) "
                  "VALUES ('delete', OLD.id, OLD.title, OLD.content)")
        op.execute(f"CREATE TRIGGER lms_forum_fts_insert AFTER INSERT ON forum_posts BEGIN {add}; END")
        op.execute(f"CREATE TRIGGER lms_forum_fts_delete AFTER DELETE ON forum_posts BEGIN {remove}; END")
        op.execute(f"CREATE TRIGGER lms_forum_fts_update AFTER UPDATE OF title, content ON forum_posts "
                   f"BEGIN {remove}; {add}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS lms_forum_post_tsv ON forum_posts")
        op.execute("DROP FUNCTION IF EXISTS lms_forum_post_tsv()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS lms_forum_fts_{name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_table("forum_deliveries")
    op.drop_table("forum_subscriptions")
    op.drop_table("forum_moderation_actions")
    op.drop_table("forum_reports")
    op.drop_table("forum_posts")
    op.drop_table("forums")

"""Tables of the forums domain: forums, posts (threaded), reports, moderation actions and subscriptions.

Search: on PostgreSQL a post's `tsv` column (title weighted above content, `simple` configuration) is set by a
trigger and has a GIN index; on SQLite an external-content FTS5 table (`forum_posts_fts`) mirrors the title
and content through triggers. Both are made by the migration (lms.forums.migrations).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped, UtcDateTime, utcnow

NONE, FIRST_POST, ALL_STUDENT_POSTS = "none", "first_post", "all_student_posts"
MODERATION_MODES = (NONE, FIRST_POST, ALL_STUDENT_POSTS)
PUBLISHED, PENDING, REJECTED = "published", "pending", "rejected"
APPROVE, REJECT, REMOVE, DISMISS_REPORTS, PIN, UNPIN = \
    "approve", "reject", "remove", "dismiss_reports", "pin", "unpin"
FTS_TABLE = "forum_posts_fts"  # SQLite only; created by the migration, not by this metadata

Base.metadata.info.setdefault("unmanaged_table_prefixes", set()).add(FTS_TABLE)


class Forum(TenantScoped, Timestamped, Base):
    """A forum of the tenant (`course_id` NULL) or of one course; counters are kept with every post change."""

    __tablename__ = "forums"
    __table_args__ = (Index("ix_forums_tenant_title", "tenant_id", "title", "id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    moderation: Mapped[str] = mapped_column(String(24), default=NONE)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    thread_count: Mapped[int] = mapped_column(Integer, default=0)
    last_activity_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_by: Mapped[str] = mapped_column(String(128))


class ForumPost(TenantScoped, Base):
    """A post; `parent_id` NULL starts a thread (`thread_id` = its own id), replies nest up to MAX_DEPTH.
    A deleted or removed post keeps its row (and its replies) with its text cleared."""

    __tablename__ = "forum_posts"
    __table_args__ = (
        # Page 1 of a forum's threads: pinned first, then latest activity, read in index order.
        Index("ix_forum_posts_threads", "forum_id", "is_pinned", "last_activity_at", "id",
              postgresql_where=text("parent_id IS NULL"), sqlite_where=text("parent_id IS NULL")),
        Index("ix_forum_posts_parent", "parent_id", "created_at", "id"),
        Index("ix_forum_posts_forum_author", "forum_id", "author_id", "status"),
        Index("ix_forum_posts_waiting", "forum_id", "status", "created_at",
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
        Index("ix_forum_posts_reported", "forum_id", "open_reports",
              postgresql_where=text("open_reports > 0"), sqlite_where=text("open_reports > 0")),
        Index("ix_forum_posts_tsv", "tsv", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=True)
    thread_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    content_html: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[str] = mapped_column(String(128))
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    is_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    open_reports: Mapped[int] = mapped_column(Integer, default=0)
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    last_activity_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # PostgreSQL: setweight(title, 'A') || setweight(content, 'B'), set by a trigger. SQLite: unused (FTS5).
    tsv: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True,
                                            deferred=True)


class ForumReport(TenantScoped, Base):
    """A user's report of a post (one per user and post); `is_open` until a moderator decides."""

    __tablename__ = "forum_reports"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ModerationAction(TenantScoped, Base):
    """What a moderator did to a post, and why."""

    __tablename__ = "forum_moderation_actions"
    __table_args__ = (Index("ix_forum_moderation_actions_forum", "forum_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    moderator_id: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ForumSubscription(TenantScoped, Base):
    """A user following a whole forum (`thread_id` 0) or one thread of it."""

    __tablename__ = "forum_subscriptions"
    __table_args__ = (UniqueConstraint("forum_id", "thread_id", "user_id"),
                      Index("ix_forum_subscriptions_tenant_user", "tenant_id", "user_id"))
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ForumDelivery(TenantScoped, Base):
    """A follower was told of a published post by message (once per post and follower: replays of the outbox
    consumer tell nobody twice)."""

    __tablename__ = "forum_deliveries"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

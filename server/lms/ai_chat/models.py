"""Tables of the AI chat tutor: users' chat sessions and messages, and the search index of course content.

`ai_chat_passages` is the tutor's index: one row per lesson, FAQ, resource and course of every tenant, kept
by database triggers on those tables (migration ai_chat_0001) in the same transaction as every change, so no
write path (ORM, bulk SQL, cascades) can forget it and no question ever reads the content tables whole. On
PostgreSQL its `tsv` column (weighted title + body, `english` configuration) ranks, and its lexemes are rows of
`ai_chat_passage_terms` (see PassageTerm), which the search matches; on SQLite a
contentless FTS5 table (`ai_chat_passages_fts`, porter stemming) indexes `title`, `body` and scope tokens of
the tenant, course and kind through triggers on this table, and `tsv` stays NULL. Who may see which passage is
decided when searching, by joining the content's own rows under `lms.courses.policy` (see lms.ai_chat.retrieval).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped, UtcDateTime, utcnow

USER, ASSISTANT = "user", "assistant"
KINDS = ("lesson", "faq", "resource", "course")
FTS_TABLE = "ai_chat_passages_fts"  # SQLite only; created by the migration, not by this metadata
JsonData = JSON().with_variant(JSONB(), "postgresql")
# Tables the migrations make that no model declares (the FTS5 table and its shadow tables `<name>_data`, ...):
# schema comparisons skip names starting with these.
Base.metadata.info.setdefault("unmanaged_table_prefixes", set()).add(FTS_TABLE)


class ChatSession(TenantScoped, Timestamped, Base):
    """A conversation of one user with the tutor, optionally about one course."""

    __tablename__ = "ai_chat_sessions"
    __table_args__ = (Index("ix_ai_chat_sessions_owner", "tenant_id", "user_id", "updated_at", "id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(Text, default="")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), nullable=True,
                                                  index=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)


class ChatMessage(TenantScoped, Base):
    """A question of the session's user, or the tutor's answer with the content it drew on."""

    __tablename__ = "ai_chat_messages"
    __table_args__ = (
        Index("ix_ai_chat_messages_session_id", "session_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("ai_chat_sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # "user" or "assistant"
    body: Mapped[str] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JsonData, default=list)  # [{type, id, title, course}]
    provider: Mapped[str] = mapped_column(String(32), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_to_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Passage(TenantScoped, Base):
    """One lesson, FAQ, resource or course as the tutor searches it (written by triggers only)."""

    __tablename__ = "ai_chat_passages"
    __table_args__ = (
        Index("ix_ai_chat_passages_course_kind", "course_id", "kind"),
    )
    # No index on tenant_id: searches start from the full-text index (a tenant index lured both planners into
    # reading every passage of the tenant and testing each against the query).
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # lesson, faq, resource, course
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), unique=True)
    faq_id: Mapped[int | None] = mapped_column(ForeignKey("faqs.id", ondelete="CASCADE"), unique=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # PostgreSQL: setweight(title, 'A') || setweight(body, 'B'), set by a trigger. SQLite: unused (FTS5).
    tsv: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True,
                                            deferred=True)


class PassageTerm(TenantScoped, Base):
    """PostgreSQL: one row per distinct lexeme of a passage's `tsv`, kept by a trigger on the passages (an empty
    table on SQLite, where FTS5 searches). Why: under the row-level security the service runs with, the GIN index
    of `tsv` cannot serve a search (`@@` is not leakproof, so PostgreSQL tests it only after the tenant policy,
    passage by passage: 17–43 ms a statement with 10,000 lessons); equality is leakproof, so lexemes are looked up
    in this table's primary key instead (see lms.ai_chat.retrieval)."""

    __tablename__ = "ai_chat_passage_terms"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "term", "passage_id"),)
    __tenant_index__ = False

    term: Mapped[str] = mapped_column(Text)
    passage_id: Mapped[int] = mapped_column(ForeignKey("ai_chat_passages.id", ondelete="CASCADE"), index=True)

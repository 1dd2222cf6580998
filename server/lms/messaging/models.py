"""Tables of messaging: a message is stored once; each recipient has a delivery row with their read and
deletion state (an announcement to 10,000 learners is one message and 10,000 small delivery rows).

The inbox is read from `message_deliveries` alone (newest first by message id, which grows with time):
`ix_message_deliveries_inbox` (tenant, recipient, message id) over the copies not deleted serves page 1 of
any inbox by an index range scan; `ix_message_deliveries_unread` serves the unread count and the unread
filter. The sent folder is read from `messages` by `ix_messages_sent` (tenant, sender, id) over the copies
their sender kept.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, \
    UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

DIRECT, ANNOUNCEMENT, SYSTEM = "direct", "announcement", "system"
MESSAGE_TYPES = (DIRECT, ANNOUNCEMENT, SYSTEM)
SENDABLE_TYPES = (DIRECT, ANNOUNCEMENT)
STAFF_ONLY, COURSE_MEMBERS, ANYONE = "staff", "course", "anyone"
STUDENT_SCOPES = (STAFF_ONLY, COURSE_MEMBERS, ANYONE)
SUBJECT_MAX = 200
CONTENT_MAX = 10_000


class Message(TenantScoped, Base):
    """A message as its sender wrote it, stored once whatever the number of recipients."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_sent", "tenant_id", "sender_id", "id",
              postgresql_where=text("NOT sender_deleted"), sqlite_where=text("NOT sender_deleted")),
        Index("ix_messages_thread", "thread_id"),
    )
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128))  # "" for a system message
    recipient_id: Mapped[str] = mapped_column(String(128), default="")  # "" for an announcement
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), nullable=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    content: Mapped[str] = mapped_column(Text)
    message_type: Mapped[str] = mapped_column(String(16), default=DIRECT)
    reply_to_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    thread_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the thread's first message; NULL: itself
    recipient_count: Mapped[int] = mapped_column(Integer, default=1)
    sender_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Announcements: whether their deliveries and message.received events have been written (the fan-out consumer).
    fanned_out: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Delivery(TenantScoped, Base):
    """One recipient's copy of a message: read and deletion state only (the text stays in `messages`)."""

    __tablename__ = "message_deliveries"
    __table_args__ = (
        PrimaryKeyConstraint("message_id", "recipient_id"),
        Index("ix_message_deliveries_inbox", "tenant_id", "recipient_id", "message_id",
              postgresql_where=text("NOT deleted"), sqlite_where=text("NOT deleted")),
        Index("ix_message_deliveries_unread", "tenant_id", "recipient_id", "message_id",
              postgresql_where=text("read_at IS NULL AND NOT deleted"),
              sqlite_where=text("read_at IS NULL AND NOT deleted")),
    )
    __tenant_index__ = False

    # No foreign key: messages are never deleted (each side only flags its copy), and the per-row check would
    # cost an announcement to 10,000 learners a third of its INSERT ... SELECT.
    message_id: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[str] = mapped_column(String(128))
    message_type: Mapped[str] = mapped_column(String(16))  # copied: the type filter stays on the inbox index
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class MessagingSettings(TenantScoped, Base):
    """A tenant's messaging choices (no row: the defaults)."""

    __tablename__ = "messaging_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    student_recipients: Mapped[str] = mapped_column(String(16), default=COURSE_MEMBERS)


class MailboxCount(TenantScoped, Base):
    """How many copies a user holds: received (not deleted), of them unread, and sent (kept). Kept by every
    change in the same transaction (one multi-row upsert, rows in user-id order so concurrent senders lock
    them in one order), so the unfiltered list, the unread list and the badge count read one row instead of
    counting a mailbox."""

    __tablename__ = "mailbox_counts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "user_id"),)
    __tenant_index__ = False

    user_id: Mapped[str] = mapped_column(String(128))
    inbox: Mapped[int] = mapped_column(Integer, default=0)
    unread: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)

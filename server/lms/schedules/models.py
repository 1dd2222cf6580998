"""Tables of the schedules domain: sessions, registrations, attendance and calendar feed tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped, UtcDateTime, utcnow


class Schedule(TenantScoped, Timestamped, Base):
    """A session, one-off or recurring (`recurrence` is an RRULE expanded in `timezone`); times are UTC.

    `series_end` is the end of the last occurrence (NULL: the recurrence has no end); `attendee_count` is
    kept with every registration (a conditional UPDATE enforces `max_attendees` under concurrency).
    """

    __tablename__ = "schedules"
    __table_args__ = (Index("ix_schedules_tenant_start", "tenant_id", "scheduled_date", "id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    scheduled_date: Mapped[datetime] = mapped_column(UtcDateTime())
    duration: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    meeting_url: Mapped[str] = mapped_column(String(2000), default="")
    max_attendees: Mapped[int] = mapped_column(Integer, default=100)
    attendee_count: Mapped[int] = mapped_column(Integer, default=0)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    recurrence: Mapped[str] = mapped_column(String(500), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    series_end: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(128))


class ScheduleRegistration(TenantScoped, Base):
    """A user registered for a session (all occurrences of a recurring one)."""

    __tablename__ = "schedule_registrations"
    __table_args__ = (UniqueConstraint("schedule_id", "user_id"),
                      Index("ix_schedule_registrations_tenant_user", "tenant_id", "user_id"))
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ScheduleAttendance(TenantScoped, Base):
    """Whether a registered user attended one occurrence (marked by staff)."""

    __tablename__ = "schedule_attendance"
    __table_args__ = (UniqueConstraint("schedule_id", "user_id", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    occurrence: Mapped[datetime] = mapped_column(UtcDateTime())
    attended: Mapped[bool] = mapped_column(Boolean)
    marked_by: Mapped[str] = mapped_column(String(128))
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CalendarFeedToken(TenantScoped, Base):
    """A user's personal calendar feed: the SHA-256 of its secret token (the token itself is never stored)."""

    __tablename__ = "schedule_feed_tokens"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"), UniqueConstraint("token_hash"))
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

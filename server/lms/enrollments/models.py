"""Tables of the enrollments domain."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow


class Enrollment(TenantScoped, Base):
    """A user taking a course; never duplicated (unique per course and user), kept when deactivated."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("course_id", "user_id"),
        Index("ix_enrollments_tenant_user", "tenant_id", "user_id"),
        Index("ix_enrollments_course_active", "course_id", "is_active"),
    )
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class LessonCompletion(TenantScoped, Base):
    """A lesson completed within an enrollment; at most one per lesson and enrollment."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

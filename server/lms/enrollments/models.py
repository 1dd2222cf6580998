"""Tables of the enrollments domain. `Enrollment` (course membership) belongs to the courses domain, which
decides access on it; it is re-exported here for the enrollment rules."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.courses.public import Enrollment
from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

__all__ = ["Enrollment", "LessonCompletion"]


class LessonCompletion(TenantScoped, Base):
    """A lesson completed within an enrollment; at most one per lesson and enrollment."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

"""Tables of the assignments domain: assignments of courses and students' submissions to them.

An assignment hangs off its course (ON DELETE CASCADE: its stored files go with the course's, which
`files.discard_course` finds by course id) and optionally a module of that course (ON DELETE SET
NULL: deleting a module keeps the assignment, course-wide). A student has at most one submission per
assignment; a resubmission before grading replaces its content and counts up `attempt`.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, Money, TenantScoped, Timestamped, UtcDateTime, utcnow

# Stored-file kinds (lms.platform.uploads.FileField): instructions are course content; submissions are
# private to the tenant's staff and their student (lms.files.service.PRIVATE_KINDS). The document's
# URLs read `.../<course-slug>/assignments/...` and `.../<course-slug>/assignments/submissions/...`.
INSTRUCTIONS_KIND = "assignments"
SUBMISSIONS_KIND = "assignments/submissions"


class Assignment(TenantScoped, Timestamped, Base):
    """Work set for the learners of a course, graded from 0 to `max_score`."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_course", "course_id"), Index("ix_assignments_module", "module_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)
    max_score: Mapped[int] = mapped_column(Integer, default=100)
    allow_late: Mapped[bool] = mapped_column(Boolean, default=False)
    instructions_file: Mapped[str] = mapped_column(String(500), default="")  # storage key, "" when none


class Submission(TenantScoped, Base):
    """A student's current answer to an assignment, and its grade (NULL until graded)."""

    __tablename__ = "assignment_submissions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "student_id"),
        Index("ix_assignment_submissions_tenant_student", "tenant_id", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    student_id: Mapped[str] = mapped_column(String(128))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    response_text: Mapped[str] = mapped_column(Text, default="")
    submission_file: Mapped[str] = mapped_column(String(500), default="")  # storage key, "" when none
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # A two-place decimal: the platform's fixed-point type (NUMERIC(12,2); integer hundredths on SQLite).
    grade: Mapped[Decimal | None] = mapped_column(Money(), nullable=True, default=None)
    feedback: Mapped[str] = mapped_column(Text, default="")
    graded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)
    graded_by: Mapped[str] = mapped_column(String(128), default="")

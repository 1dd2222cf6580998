"""Tables of the catalogue: categories, courses, who teaches them and who takes them.

The courses domain owns course membership (`Enrollment`): the access policy (lms.courses.policy) decides
on it, and the enrollments domain (rules, progress, listing) builds on it. Its migration stays in the
enrollments branch (enrollments_0001); `lms.enrollments.models` re-exports it.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, Money, TenantOrShared, TenantScoped, Timestamped, UtcDateTime, utcnow

LEVELS = ("Beginner", "Intermediate", "Advanced")
STATUSES = ("Draft", "Published", "Archived")
PUBLISHED = "Published"
JsonList = JSON().with_variant(JSONB(), "postgresql")


class Category(TenantOrShared, Base):
    """A subject courses are filed under; a NULL tenant makes it shared by every tenant."""

    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("tenant_id", "slug"),
        UniqueConstraint("tenant_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Course(TenantScoped, Timestamped, Base):
    """A course. Its enrollment counter is a `CourseCounter` row and `faq_count` a column, both kept in
    the same transaction as the rows they count, so listing never counts the enrollment or FAQ tables.
    `content_version` is kept by database triggers (migration courses_0002): it changes whenever the
    course's modules, lessons, resources, instructors or their profiles do, so a cached course detail
    knows when it is stale."""

    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("tenant_id", "slug"),
        UniqueConstraint("tenant_id", "code"),
        # Listing and its filters/orderings: by status (students) then the sort key.
        Index("ix_courses_tenant_status_id", "tenant_id", "status", "id"),
        Index("ix_courses_tenant_category", "tenant_id", "category_id"),
        Index("ix_courses_tenant_created", "tenant_id", "created_at"),
        Index("ix_courses_tenant_title", "tenant_id", "title"),
        Index("ix_courses_tenant_price", "tenant_id", "price"),
        Index("ix_courses_tenant_level", "tenant_id", "level"),
        Index("ix_courses_tenant_is_free", "tenant_id", "is_free"),
        # search (ILIKE '%term%'): a trigram index on PostgreSQL, a plain one on SQLite
        Index("ix_courses_title_trigram", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    short_description: Mapped[str] = mapped_column(String(300), default="")
    slug: Mapped[str] = mapped_column(String(220))
    code: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20), default="Beginner")
    status: Mapped[str] = mapped_column(String(20), default="Draft")
    is_free: Mapped[bool] = mapped_column(Boolean, default=True)
    price: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    thumbnail: Mapped[str] = mapped_column(String(500), default="")  # storage key, "" when none
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    learning_outcomes: Mapped[list] = mapped_column(JsonList, default=list)
    prerequisites: Mapped[list] = mapped_column(JsonList, default=list)
    faq_count: Mapped[int] = mapped_column(Integer, default=0)
    content_version: Mapped[int] = mapped_column(Integer, default=0)


class CourseCounter(TenantScoped, Base):
    """A course's number of active enrollments, changed in the same transaction as the enrollments.

    A narrow row of its own (created with the course by a trigger, migration courses_0002): enrolling
    rewrites it and its three index entries, not the wide course row and its dozen.
    """

    __tablename__ = "course_counters"
    __table_args__ = (Index("ix_course_counters_tenant_enrollments", "tenant_id", "total_enrollments"),)
    __tenant_index__ = False

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    total_enrollments: Mapped[int] = mapped_column(Integer, default=0)


class CourseTotals(TenantScoped, Base):
    """A tenant's course totals (courses, published courses, the sum of their enrollment counters), kept
    by triggers on `courses` and `course_counters` in the same transaction as every change (migration
    courses_0002).

    A tenant's totals are the sum of its rows: on PostgreSQL each database connection adds to its own
    (up to 64, by backend process id), so concurrent enrollments never wait for one another's totals
    row; the catalogue sums a tenant's few rows instead of counting its courses. Pages are kept two-thirds
    empty (fillfactor) so each rewrite stays on its page: otherwise the rows drift over dozens of pages,
    which every catalogue request then reads (migration courses_0003).
    """

    __tablename__ = "course_totals"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "shard"),)
    __tenant_index__ = False

    shard: Mapped[int] = mapped_column(SmallInteger)
    courses: Mapped[int] = mapped_column(Integer, default=0)
    published: Mapped[int] = mapped_column(Integer, default=0)
    enrollments: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)


class CourseInstructor(TenantScoped, Base):
    """A user teaching a course; instructors may change only the courses they teach."""

    __tablename__ = "course_instructors"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),
                      Index("ix_course_instructors_user", "tenant_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


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


class CertificateSettings(TenantScoped, Base):
    """How a course's certificate looks and when it is earned; one row per course, made with it."""

    __tablename__ = "certificate_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    template: Mapped[str] = mapped_column(String(32), default="default")
    custom_text: Mapped[str] = mapped_column(Text, default="")
    show_date: Mapped[bool] = mapped_column(Boolean, default=True)
    show_course_name: Mapped[bool] = mapped_column(Boolean, default=True)
    show_completion_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    min_score: Mapped[int] = mapped_column(Integer, default=0)
    require_all_modules: Mapped[bool] = mapped_column(Boolean, default=True)

"""Tables of course content: modules and their lessons, resources and FAQs.

Every table hangs off a course with ON DELETE CASCADE (lessons off their module), so deleting a
course or a module removes what it owns in the database itself, including rows of other domains
that reference lessons the same way (lesson completions). `order` is a position 1..n among the
siblings, unique per parent and kept dense by `lms.platform.ordering`; the unique constraints'
indexes also serve every lookup by parent.
"""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped

LESSON_TYPES = ("text", "video", "file", "link", "scorm", "quiz")
RESOURCE_TYPES = ("file", "link")


class Module(TenantScoped, Timestamped, Base):
    """A chapter of a course: a titled, ordered group of lessons."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    order: Mapped[int] = mapped_column(Integer)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)


class Lesson(TenantScoped, Timestamped, Base):
    """One unit of learning: text, a video or link URL, an uploaded file, a SCORM package or a quiz."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("module_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    lesson_type: Mapped[str] = mapped_column(String(16), default="text")
    duration: Mapped[int] = mapped_column(Integer, default=0)  # minutes
    content_url: Mapped[str] = mapped_column(String(2000), default="")
    content_file: Mapped[str] = mapped_column(String(500), default="")  # storage key, "" when none
    content_text: Mapped[str] = mapped_column(Text, default="")
    order: Mapped[int] = mapped_column(Integer)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)


class Resource(TenantScoped, Timestamped, Base):
    """A downloadable file (stored under `file`) or an external link offered with a course."""

    __tablename__ = "resources"
    __table_args__ = (UniqueConstraint("course_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    resource_type: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2000), default="")
    file: Mapped[str] = mapped_column(String(500), default="")  # storage key, "" when none
    order: Mapped[int] = mapped_column(Integer)


class Faq(TenantScoped, Timestamped, Base):
    """A question and its answer on a course page; counted by `courses.faq_count`."""

    __tablename__ = "faqs"
    __table_args__ = (UniqueConstraint("course_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer)

"""Tables of the learning paths domain."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped


class LearningPath(TenantScoped, Timestamped, Base):
    """An ordered sequence of courses."""

    __tablename__ = "learning_paths"
    __table_args__ = (Index("ix_learning_paths_tenant_order", "tenant_id", "order", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    order: Mapped[int] = mapped_column(Integer, default=0)


class LearningPathCourse(TenantScoped, Base):
    """A course at a position of a learning path."""

    __tablename__ = "learning_path_courses"
    __table_args__ = (UniqueConstraint("learning_path_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learning_path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)

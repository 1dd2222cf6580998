"""Tables of the certificates domain."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped

TEMPLATES = ("default", "classic", "modern")


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

"""Tables of the certificates domain."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

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


class Certificate(TenantScoped, Base):
    """A certificate issued for one enrollment (at most one), with what verification shows."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_tenant_user", "tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(128))
    certificate_id: Mapped[str] = mapped_column(String(64), unique=True)  # unique across tenants: public lookups
    learner_name: Mapped[str] = mapped_column(String(310))
    course_title: Mapped[str] = mapped_column(String(200))
    pdf_file: Mapped[str] = mapped_column(String(500), default="")  # storage key
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CertificateVerification(Base):
    """The public face of one issued certificate (not tenant-owned: every column is what the public
    verification route shows). Written with the certificate; verification reads only this table."""

    __tablename__ = "certificate_verifications"

    certificate_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    certificate_pk: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), unique=True)
    learner_name: Mapped[str] = mapped_column(String(310))
    course_title: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())

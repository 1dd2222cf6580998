"""Tables of the certificates domain. `CertificateSettings` (one row per course, made with it) belongs to
the courses domain, which creates it and shows it in the course detail; it is re-exported here."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.courses.public import CertificateSettings
from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

TEMPLATES = ("default", "classic", "modern")
__all__ = ["TEMPLATES", "Certificate", "CertificateSettings"]


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

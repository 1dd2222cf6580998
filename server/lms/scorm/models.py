"""Tables of SCORM: a course's package, its learners' tracking per SCO and attempt, and launch sessions.

A course has at most one package (`scorm_packages.course_id` is unique); uploading again replaces the row's
contents in one transaction. Tracking is keyed by the SCO's *identifier* (not by a row of the package), so a
replacement keeps the tracking of SCOs that still exist and drops the rest in the same transaction.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped, UtcDateTime, utcnow

JsonData = JSON().with_variant(JSONB(), "postgresql")


class ScormPackage(TenantScoped, Timestamped, Base):
    """The course's SCORM package: what its manifest says, and where its files are stored."""

    __tablename__ = "scorm_packages"
    __table_args__ = (UniqueConstraint("course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(32))
    identifier: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    default_organization: Mapped[str] = mapped_column(String(255))
    organizations: Mapped[list] = mapped_column(JsonData)  # [{identifier, title, items: [...]}]
    scos: Mapped[list] = mapped_column(JsonData)  # launchable items (lms.scorm.package.Sco as dicts), tree order
    prefix: Mapped[str] = mapped_column(String(300))  # storage key prefix of the extracted files (ends in "/")
    archive_key: Mapped[str] = mapped_column(String(500))  # the uploaded ZIP
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)


class ScormTrack(TenantScoped, Timestamped, Base):
    """One learner's state in one SCO during one attempt (the CMI data model, as stored)."""

    __tablename__ = "scorm_tracks"
    __tenant_index__ = False
    __table_args__ = (
        UniqueConstraint("course_id", "user_id", "sco", "attempt"),
        Index("ix_scorm_tracks_tenant_course_user", "tenant_id", "course_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    sco: Mapped[str] = mapped_column(String(255))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    completion_status: Mapped[str] = mapped_column(String(16), default="not attempted")
    success_status: Mapped[str] = mapped_column(String(16), default="unknown")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    score_raw: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_scaled: Mapped[float | None] = mapped_column(Float, nullable=True)
    location: Mapped[str] = mapped_column(String(1000), default="")
    suspend_data: Mapped[str] = mapped_column(Text, default="")
    entry: Mapped[str] = mapped_column(String(16), default="ab-initio")
    exit: Mapped[str] = mapped_column(String(16), default="")
    total_time: Mapped[float] = mapped_column(Float, default=0.0)  # seconds, over the attempt's sessions
    session_time: Mapped[float] = mapped_column(Float, default=0.0)  # seconds, the current session's last report
    interactions: Mapped[list] = mapped_column(JsonData, default=list)
    objectives: Mapped[list] = mapped_column(JsonData, default=list)
    data: Mapped[dict] = mapped_column(JsonData, default=dict)  # the rest of the CMI data the runtime sent
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)


class ScormLaunchSession(TenantScoped, Base):
    """A short-lived launch: the only credential the player page and the package's files are served with."""

    __tablename__ = "scorm_launch_sessions"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the session id in the URL
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    package_id: Mapped[int] = mapped_column(ForeignKey("scorm_packages.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    roles: Mapped[str] = mapped_column(String(64))  # the launcher's roles, space-separated
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())

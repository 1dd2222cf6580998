"""Tables of the adverts domain."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped, UtcDateTime

ADVERT_TYPES = ("banner", "popup", "sidebar", "inline", "email")
AUDIENCES = ("all", "students", "course")
IMAGE_KIND = "adverts"  # storage kind of advert images (public: lms.files.service.PUBLIC_KINDS)
Count = BigInteger().with_variant(Integer(), "sqlite")


class Advert(TenantScoped, Timestamped, Base):
    """An advertisement with its display window and audience; `impressions`/`clicks` are counters the
    workers add their in-memory tallies to (lms.adverts.counting)."""

    __tablename__ = "adverts"
    __table_args__ = (Index("ix_adverts_tenant_window", "tenant_id", "is_active", "start_date", "end_date"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    advert_type: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[datetime] = mapped_column(UtcDateTime())
    end_date: Mapped[datetime] = mapped_column(UtcDateTime())
    target_audience: Mapped[str] = mapped_column(String(16), default="all")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    link_url: Mapped[str] = mapped_column(String(2000), default="")
    image: Mapped[str] = mapped_column(String(500), default="")  # storage key, or ""
    impressions: Mapped[int] = mapped_column(Count, default=0)
    clicks: Mapped[int] = mapped_column(Count, default=0)

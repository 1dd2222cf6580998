"""The activity log's one table: who did what, to which object, from where, when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

LogId = BigInteger().with_variant(Integer(), "sqlite")
SIGN_IN = "sign_in"


class ActivityLog(TenantScoped, Base):
    """One recorded action (lms.activitylog.catalog lists the kinds), written in the transaction of the action."""

    __tablename__ = "activity_logs"
    __table_args__ = (
        Index("ix_activity_logs_tenant_created", "tenant_id", "created_at", "id"),
        Index("ix_activity_logs_tenant_user", "tenant_id", "user_id", "created_at"),
        # A token's first request is recorded once, whichever worker sees it first.
        Index("uq_activity_logs_sign_in", "tenant_id", "object_id", unique=True,
              postgresql_where=text("activity_type = 'sign_in'"), sqlite_where=text("activity_type = 'sign_in'")),
    )
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(LogId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), default="")
    activity_type: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

"""Tables of the user directory."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow


class DirectoryUser(TenantScoped, Base):
    """A person known to a tenant, refreshed from their token claims and editable by admins."""

    __tablename__ = "directory_users"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    email: Mapped[str] = mapped_column(String(254), default="")
    first_name: Mapped[str] = mapped_column(String(150), default="")
    last_name: Mapped[str] = mapped_column(String(150), default="")
    avatar_url: Mapped[str] = mapped_column(String(2000), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    roles: Mapped[str] = mapped_column(String(64), default="")  # space-separated, as last seen in a token
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def display_name(self) -> str:
        return full_name(self.first_name, self.last_name, self.email, self.user_id)


def full_name(first: str, last: str, email: str, user_id: str) -> str:
    """"First Last", else the e-mail, else the user id: what lists show for a person."""
    name = f"{first} {last}".strip()
    return name or email or user_id

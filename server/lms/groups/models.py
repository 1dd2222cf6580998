"""Tables of the groups domain: groups, their members and invitations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped, UtcDateTime, utcnow

OWNER, MODERATOR, MEMBER = "owner", "moderator", "member"
ROLES = (OWNER, MODERATOR, MEMBER)
PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"


class Group(TenantScoped, Timestamped, Base):
    """A study group; `member_count` is kept with every membership change (a conditional UPDATE enforces
    `max_members` under concurrency)."""

    __tablename__ = "groups"
    __table_args__ = (Index("ix_groups_tenant_created", "tenant_id", "created_at", "id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    max_members: Mapped[int] = mapped_column(Integer, default=50)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    owner_id: Mapped[str] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(128))


class GroupMember(TenantScoped, Base):
    """A user's membership of a group with their role."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),
                      Index("ix_group_members_tenant_user", "tenant_id", "user_id"))
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), default=MEMBER)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class GroupInvitation(TenantScoped, Base):
    """An invitation of a user to a group; one pending invitation per (group, user)."""

    __tablename__ = "group_invitations"
    __table_args__ = (Index("ix_group_invitations_group_user", "group_id", "user_id"),
                      Index("ix_group_invitations_tenant_user", "tenant_id", "user_id", "status"))
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    invited_by: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

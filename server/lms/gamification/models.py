"""Tables of badges, the points ledger and the running totals leaderboards read."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, Timestamped, UtcDateTime, utcnow

ALL_COURSES = 0  # PointsTotal.scope of a user's tenant-wide total (course ids start at 1)


class PointsRule(TenantScoped, Base):
    """A tenant's override of a rule's points (rules without a row use their defaults, lms.gamification.rules)."""

    __tablename__ = "points_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "rule"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PointsEntry(TenantScoped, Base):
    """An award of points, append-only. A cause (rule + object) pays a user once: the unique key makes a
    replayed or concurrently handled event a no-op."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "rule", "cause_id"),
        Index("ix_points_ledger_tenant_user_id", "tenant_id", "user_id", "id"),
    )
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    rule: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    cause_type: Mapped[str] = mapped_column(String(64))
    cause_id: Mapped[str] = mapped_column(String(64))
    course_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # no FK: the ledger outlives courses
    score_percent: Mapped[int | None] = mapped_column(Integer, nullable=True)  # graded work: grade / max_score
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PointsTotal(TenantScoped, Base):
    """A user's running total, tenant-wide (`scope` 0) and per course (`scope` = course id), kept with each
    award, so a leaderboard reads the top of one index instead of summing the ledger. `reached_at` is when
    the total was reached: equal totals rank by who got there first."""

    __tablename__ = "points_totals"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "scope", "user_id"),)
    __tenant_index__ = False

    scope: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(128))
    total_points: Mapped[int] = mapped_column(Integer, default=0)
    reached_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


# The ranking order itself (total descending, then who got there first), so the top of a leaderboard is the
# first rows of one index range and the caller's rank a count over its head; an ascending index would make
# PostgreSQL sort the whole scope for the mixed directions.
Index("ix_points_totals_rank", PointsTotal.tenant_id, PointsTotal.scope, PointsTotal.total_points.desc(),
      PointsTotal.reached_at, PointsTotal.user_id)


class PointsRankCount(TenantScoped, Base):
    """How many users of a scope hold each total, kept with the totals by the awards: a caller's rank is one
    plus the users summed over the totals above theirs (one row per distinct total, a few hundred) instead of
    counted one by one (every user above them: 50,000 index entries for the last of 50,000)."""

    __tablename__ = "points_rank_counts"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "scope", "total_points"),)
    __tenant_index__ = False

    scope: Mapped[int] = mapped_column(Integer)
    total_points: Mapped[int] = mapped_column(Integer)
    users: Mapped[int] = mapped_column(Integer, default=0)


class Badge(TenantScoped, Timestamped, Base):
    """An achievement with the criteria that award it."""

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("tenant_id", "name"), Index("ix_badges_tenant_active", "tenant_id", "is_active"))
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str] = mapped_column(String(500), default="")  # storage key ("" when none)
    criteria_type: Mapped[str] = mapped_column(String(40))
    threshold: Mapped[int] = mapped_column(Integer, default=0)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), nullable=True)
    min_grade_percent: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    awarded_count: Mapped[int] = mapped_column(Integer, default=0)


class UserBadge(TenantScoped, Base):
    """A badge held by a user: at most once (unique), awarded by its criteria or by staff with a reason."""

    __tablename__ = "user_badges"
    __table_args__ = (UniqueConstraint("badge_id", "user_id"),
                      Index("ix_user_badges_tenant_user", "tenant_id", "user_id"))
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    awarded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    awarded_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")


class GamificationSettings(TenantScoped, Base):
    """A tenant's leaderboard choices (no row: the defaults schools expect, shown with opt-out)."""

    __tablename__ = "gamification_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)
    __tenant_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    leaderboard_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_opt_out: Mapped[bool] = mapped_column(Boolean, default=True)


class LeaderboardOptOut(TenantScoped, Base):
    """A user who asked not to be named on leaderboards."""

    __tablename__ = "leaderboard_opt_outs"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "user_id"),)
    __tenant_index__ = False

    user_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

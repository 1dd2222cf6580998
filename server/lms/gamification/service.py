"""Badges, points, leaderboards and their settings: the rules behind the gamification routes.

Awards themselves are made in one place, from committed events (lms.gamification.awards); the routes
here read the ledger and totals, manage badges and rules, and award badges by hand.
"""
from __future__ import annotations

import dataclasses
import functools

from sqlalchemy import Integer, String, and_, bindparam, delete, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lms.courses import policy
from lms.courses.public import Course
from lms.gamification import awards, rules, tops
from lms.gamification.models import (
    ALL_COURSES, Badge, GamificationSettings, LeaderboardOptOut, PointsEntry, PointsRankCount, PointsRule, PointsTotal,
    UserBadge,
)
from lms.platform import files
from lms.platform.actor import Actor
from lms.platform.context import Call
from lms.platform.db import dialect_insert
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.pagination import PageRequest
from lms.platform.validation import Bool, Choice, Field, Fields, Int, Str
from lms.users.public import DirectoryUser, display_names, full_name, profiles

ANONYMOUS = "Anonymous"
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
LEADERBOARD_OFF = "Leaderboards are turned off for learners."
OPT_OUT_NOT_ALLOWED = "Opting out of leaderboards is not allowed here."
_TENANT = bindparam("tenant", type_=String)  # bound by `Call.read` (prebuilt statements filter every table by it)


class CourseRef(Field):
    """A course id of the tenant, or null."""

    def convert(self, value):
        return Int(min_value=1, max_value=2**31 - 1).convert(value)


BADGE_FIELDS = Fields(
    name=Str(max_length=100, required=True),
    description=Str(max_length=1000, allow_blank=True),
    criteria_type=Choice(rules.CRITERIA, required=True),
    threshold=Int(min_value=0, max_value=1_000_000, default=0),
    course=CourseRef(allow_null=True, default=None),
    min_grade_percent=Int(min_value=0, max_value=100, default=0),
    is_active=Bool(default=True),
)
AWARD_FIELDS = Fields(
    badge=Int(min_value=1, max_value=2**31 - 1, required=True),
    user_id=Str(max_length=128, required=True),
    reason=Str(max_length=500, required=True),
)
RULE_FIELDS = Fields(points=Int(min_value=0, max_value=rules.MAX_RULE_POINTS), is_active=Bool())
SETTINGS_FIELDS = Fields(leaderboard_enabled=Bool(), allow_opt_out=Bool())
PREFERENCE_FIELDS = Fields(show_on_leaderboard=Bool(required=True))


def subject_of(actor: Actor, user_id: str | None) -> str:
    """Whose data a request is about: the caller, or (staff only) the user asked for."""
    me = actor.require_user()
    if not user_id or user_id == me:
        return me
    if not actor.is_staff:
        raise PermissionDenied()
    return user_id


# Badges ------------------------------------------------------------------------------------------------

async def list_badges(session: AsyncSession, actor: Actor, page: PageRequest, include_inactive: bool):
    condition = None if include_inactive and actor.is_staff else Badge.is_active.is_(True)
    query = select(Badge)
    count = select(func.count()).select_from(Badge)
    if condition is not None:
        query, count = query.where(condition), count.where(condition)
    total = await session.scalar(count)
    badges = list(await session.scalars(query.order_by(Badge.name, Badge.id).offset(page.offset).limit(page.size)))
    return badges, total


async def get_badge(session: AsyncSession, actor: Actor, badge_id: int) -> Badge:
    badge = await session.get(Badge, badge_id)
    if badge is None or (not badge.is_active and not actor.is_staff):
        raise NotFound()
    return badge


async def _check_badge(session: AsyncSession, values: dict, badge: Badge | None) -> None:
    errors = {}
    criteria = values.get("criteria_type", badge.criteria_type if badge else None)
    course = values.get("course", badge.course_id if badge else None)
    threshold = values.get("threshold", badge.threshold if badge else 0)
    if criteria == "course_completed" and course is None:
        errors["course"] = ["This field is required for course_completed badges."]
    if criteria in rules.COUNTING_CRITERIA and threshold < 1:
        errors["threshold"] = ["Ensure this value is greater than or equal to 1."]
    if course is not None and "course" in values and await session.get(Course, course) is None:
        errors["course"] = [f'Invalid pk "{course}" - object does not exist.']
    name = values.get("name")
    if name is not None:
        taken = select(Badge.id).where(Badge.name == name)
        if badge is not None:
            taken = taken.where(Badge.id != badge.id)
        if await session.scalar(taken) is not None:
            errors["name"] = ["badge with this name already exists."]
    if errors:
        raise ValidationError(errors)


def _apply(badge: Badge, values: dict) -> None:
    for name, value in values.items():
        setattr(badge, "course_id" if name == "course" else name, value)
    if badge.criteria_type != "course_completed":
        badge.course_id = None
    if badge.criteria_type != "assignments_graded":
        badge.min_grade_percent = 0
    if badge.criteria_type in ("course_completed", "manual"):
        badge.threshold = 0


async def create_badge(session: AsyncSession, actor: Actor, data: dict) -> Badge:
    actor.require_admin()
    values = BADGE_FIELDS.validate(data)
    await _check_badge(session, values, None)
    badge = Badge(image="", awarded_count=0)
    _apply(badge, values)
    session.add(badge)
    await session.flush()
    return badge


async def change_badge(session: AsyncSession, actor: Actor, badge_id: int, data: dict, *, partial: bool) -> Badge:
    actor.require_admin()
    badge = await get_badge(session, actor, badge_id)
    values = BADGE_FIELDS.validate(data, partial=partial)
    await _check_badge(session, values, badge)
    _apply(badge, values)
    await session.flush()
    return badge


async def retire_badge(session: AsyncSession, actor: Actor, badge_id: int) -> None:
    badge = await change_badge(session, actor, badge_id, {"is_active": False}, partial=True)
    badge.is_active = False


async def badge_for_image(session: AsyncSession, actor: Actor, badge_id: int) -> Badge:
    actor.require_admin()
    return await get_badge(session, actor, badge_id)


async def set_badge_image(session: AsyncSession, call: Call, badge_id: int, key: str) -> Badge:
    """Points the badge at a newly stored image ("" removes it); the old one is deleted after commit."""
    badge = await badge_for_image(session, call.actor, badge_id)
    await files.replace(session, call, badge, "image", key)
    await session.flush()
    return badge


@dataclasses.dataclass
class AwardRow:
    award: UserBadge
    badge: Badge
    user_name: str


async def list_user_badges(session: AsyncSession, actor: Actor, user_id: str | None, page: PageRequest):
    subject = subject_of(actor, user_id)
    condition = UserBadge.user_id == subject
    total = await session.scalar(select(func.count()).select_from(UserBadge).where(condition))
    rows = (await session.execute(
        select(UserBadge, Badge).join(Badge, Badge.id == UserBadge.badge_id).where(condition)
        .order_by(UserBadge.awarded_at.desc(), UserBadge.id.desc()).offset(page.offset).limit(page.size))).all()
    names = await display_names(session, [subject])
    return [AwardRow(award, badge, names[subject]) for award, badge in rows], total


async def award_badge(session: AsyncSession, actor: Actor, data: dict) -> AwardRow:
    """A staff member awards a badge by hand (with a reason), once per user."""
    if not actor.is_staff:
        actor.require_user()
        raise PermissionDenied()
    values = AWARD_FIELDS.validate(data)
    badge = await session.get(Badge, values["badge"])
    errors = {}
    if badge is None or not badge.is_active:
        errors["badge"] = [f'Invalid pk "{values["badge"]}" - object does not exist.']
    if not (await profiles(session, [values["user_id"]])):
        errors["user_id"] = ["Unknown user."]
    if errors:
        raise ValidationError(errors)
    award_id = await awards.grant(session, actor.tenant_id, badge, values["user_id"], awarded_by=actor.user_id,
                                  reason=values["reason"])
    if award_id is None:
        raise ValidationError({"non_field_errors": ["The user already holds this badge."]})
    award = await session.get(UserBadge, award_id)
    await session.refresh(badge)
    names = await display_names(session, [values["user_id"]])
    return AwardRow(award, badge, names[values["user_id"]])


# Points -------------------------------------------------------------------------------------------------

async def total_points(session: AsyncSession, user_id: str, scope: int = ALL_COURSES) -> int:
    return await session.scalar(select(PointsTotal.total_points).where(
        PointsTotal.user_id == user_id, PointsTotal.scope == scope)) or 0


async def user_points(session: AsyncSession, actor: Actor, user_id: str | None, page: PageRequest):
    """(user, total, ledger page newest first, ledger count), read by one statement so the three agree
    while awards arrive (separate statements each see the latest commit on PostgreSQL)."""
    subject = subject_of(actor, user_id)
    condition = PointsEntry.user_id == subject
    total = (select(PointsTotal.total_points)
             .where(PointsTotal.user_id == subject, PointsTotal.scope == ALL_COURSES).scalar_subquery())
    rows = (await session.execute(
        select(PointsEntry, func.count().over().label("ledger_count"),
               total.label("total_points")).where(condition)
        .order_by(PointsEntry.id.desc()).offset(page.offset).limit(page.size))).all()
    if rows:
        return subject, rows[0].total_points or 0, [row[0] for row in rows], rows[0].ledger_count
    count = await session.scalar(select(func.count()).select_from(PointsEntry).where(condition))
    return subject, await total_points(session, subject), [], count


@dataclasses.dataclass(frozen=True)
class Place:
    rank: int
    user_id: str
    user_name: str
    total_points: int
    is_current_user: bool


async def settings_of(session: AsyncSession) -> tuple[bool, bool]:
    row = (await session.execute(select(GamificationSettings.leaderboard_enabled,
                                        GamificationSettings.allow_opt_out))).first()
    return (True, True) if row is None else (row[0], row[1])


def _in_scope(scope):
    return and_(PointsTotal.tenant_id == _TENANT, PointsTotal.scope == scope)


@functools.lru_cache(maxsize=8)
def _head_statement(by_course: bool, sees_drafts: bool):
    """The caller's side of a leaderboard in one row: the tenant's settings, whether the caller may see the
    course (the courses policy's visibility rule), the caller's total, rank and name.

    The caller's rank is one plus the users holding a higher total, summed over `points_rank_counts` (one row per
    distinct total above theirs; counting the users themselves read 4,848 index entries for a caller ranked
    4,849th of 50,000, ~0.8 ms, and grows with the rank). Never the ledger."""
    scope, me = bindparam("scope", type_=Integer), bindparam("me", type_=String)
    chosen = GamificationSettings.tenant_id == _TENANT
    mine = select(PointsTotal.total_points).where(_in_scope(scope), PointsTotal.user_id == me,
                                                  PointsTotal.total_points > 0).correlate(None).scalar_subquery()
    if by_course:
        visible = exists().where(Course.tenant_id == _TENANT, Course.id == scope, *policy.conditions(
            policy.visible_rule(policy.SQL, is_tenant_staff=sees_drafts, status=Course.status)))
    else:
        visible = true()
    head = select(
        func.coalesce(select(GamificationSettings.leaderboard_enabled).where(chosen).scalar_subquery(), true())
        .label("enabled"),
        func.coalesce(select(GamificationSettings.allow_opt_out).where(chosen).scalar_subquery(), true())
        .label("allow_opt_out"),
        visible.label("visible"), mine.label("my_total"),
        (1 + func.coalesce(select(func.sum(PointsRankCount.users)).where(
            PointsRankCount.tenant_id == _TENANT, PointsRankCount.scope == scope, PointsRankCount.total_points > mine)
            .scalar_subquery(), 0)).label("my_rank"),
    ).subquery("head")
    my_entry = aliased(DirectoryUser, name="my_entry")
    return (select(head.c.enabled, head.c.allow_opt_out, head.c.visible, head.c.my_total, head.c.my_rank,
                   my_entry.first_name, my_entry.last_name, my_entry.email)
            .select_from(head)
            .outerjoin(my_entry, and_(my_entry.tenant_id == _TENANT, my_entry.user_id == me)))


@functools.cache
def _top_statement():
    """The first `limit` entries of `ix_points_totals_rank` (the ranking order itself) with names and opt-outs."""
    scope = bindparam("scope", type_=Integer)
    top = (select(PointsTotal.user_id, PointsTotal.total_points, PointsTotal.reached_at)
           .where(_in_scope(scope), PointsTotal.total_points > 0)
           .order_by(PointsTotal.total_points.desc(), PointsTotal.reached_at, PointsTotal.user_id)
           .limit(bindparam("limit", type_=Integer))).subquery("top")
    entry = aliased(DirectoryUser, name="entry")
    return (select(top.c.user_id, top.c.total_points, entry.first_name, entry.last_name, entry.email,
                   LeaderboardOptOut.user_id.is_not(None).label("opted_out"))
            .select_from(top)
            .outerjoin(entry, and_(entry.tenant_id == _TENANT, entry.user_id == top.c.user_id))
            .outerjoin(LeaderboardOptOut, and_(LeaderboardOptOut.tenant_id == _TENANT,
                                               LeaderboardOptOut.user_id == top.c.user_id))
            .order_by(top.c.total_points.desc(), top.c.reached_at, top.c.user_id))


async def _top_rows(call: Call, tenant_id: str, scope: int, limit: int) -> list:
    rows = tops.get(tenant_id, scope, limit)
    if rows is None:
        rows = [tuple(row) for row in await call.read(_top_statement(), {"scope": scope, "limit": limit})]
        tops.put(tenant_id, scope, limit, rows)
    return rows


async def leaderboard(call: Call, course_id: int | None, limit: int | None):
    """Top users by points (tenant-wide, or earned in one course the caller may see) and the caller's place.

    The caller's head row on the read path (`Call.read`: one round trip, no transaction), then the top list,
    from this worker's cache when it is younger than a second (lms.gamification.tops)."""
    actor = call.actor
    me = actor.require_user()
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": [f"Ensure this value is between 1 and {MAX_LIMIT}."]})
    limit = limit or DEFAULT_LIMIT
    scope = ALL_COURSES if course_id is None else course_id
    head = (await call.read(_head_statement(course_id is not None, policy.sees_unpublished_content(actor)),
                            {"scope": scope, "me": me})).first()
    enabled, allow_opt_out, visible, my_total, my_rank, my_first, my_last, my_email = head
    if not enabled and not actor.is_staff:
        raise PermissionDenied(LEADERBOARD_OFF)
    if not visible:
        raise NotFound()
    top = await _top_rows(call, actor.tenant_id, scope, limit)
    ranks = rules.competition_ranks([total for _, total, *_ in top])
    results = []
    for (user, total, first, last, email, opted_out), rank in zip(top, ranks):
        if user == me:
            results.append(Place(rank, me, full_name(first or "", last or "", email or "", me), total, True))
        elif allow_opt_out and opted_out:
            results.append(Place(rank, "", ANONYMOUS, total, False))
        else:
            results.append(Place(rank, user, full_name(first or "", last or "", email or "", user), total, False))
    current = None
    if my_total is not None:
        current = Place(my_rank, me, full_name(my_first or "", my_last or "", my_email or "", me), my_total, True)
    return results, current, limit


async def preference(session: AsyncSession, actor: Actor) -> bool:
    me = actor.require_user()
    return await session.scalar(select(LeaderboardOptOut.user_id).where(LeaderboardOptOut.user_id == me)) is None


async def set_preference(session: AsyncSession, actor: Actor, data: dict) -> bool:
    me = actor.require_user()
    show = PREFERENCE_FIELDS.validate(data)["show_on_leaderboard"]
    tops.forget(actor.tenant_id)  # (a reader meanwhile may cache the old state again: for a second at most)
    if show:
        await session.execute(delete(LeaderboardOptOut).where(LeaderboardOptOut.user_id == me))
        return True
    _, allow_opt_out = await settings_of(session)
    if not allow_opt_out:
        raise ValidationError({"show_on_leaderboard": [OPT_OUT_NOT_ALLOWED]})
    await session.execute(dialect_insert(session, LeaderboardOptOut)
                          .values(tenant_id=actor.tenant_id, user_id=me).on_conflict_do_nothing())
    return False


# Rules and settings (admins) ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RuleView:
    rule: str
    event_type: str
    points: int
    is_active: bool
    description: str


async def list_rules(session: AsyncSession, actor: Actor) -> list[RuleView]:
    actor.require_admin()
    values = await awards.rule_points(session)
    return [RuleView(rule, event_type, *values[rule], description)
            for rule, (event_type, _, description) in rules.RULES.items()]


async def update_rule(session: AsyncSession, actor: Actor, rule: str, data: dict) -> RuleView:
    actor.require_admin()
    if rule not in rules.RULES:
        raise NotFound()
    values = RULE_FIELDS.validate(data, partial=True)
    current = (await awards.rule_points(session))[rule]
    points, active = values.get("points", current[0]), values.get("is_active", current[1])
    statement = dialect_insert(session, PointsRule).values(tenant_id=actor.tenant_id, rule=rule, points=points,
                                                           is_active=active)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[PointsRule.tenant_id, PointsRule.rule], set_={"points": points, "is_active": active}))
    event_type, _, description = rules.RULES[rule]
    return RuleView(rule, event_type, points, active, description)


async def get_settings(session: AsyncSession, actor: Actor) -> tuple[bool, bool]:
    actor.require_user()
    return await settings_of(session)


async def update_settings(session: AsyncSession, actor: Actor, data: dict) -> tuple[bool, bool]:
    actor.require_admin()
    values = SETTINGS_FIELDS.validate(data, partial=True)
    enabled, allow = await settings_of(session)
    enabled, allow = values.get("leaderboard_enabled", enabled), values.get("allow_opt_out", allow)
    statement = dialect_insert(session, GamificationSettings).values(
        tenant_id=actor.tenant_id, leaderboard_enabled=enabled, allow_opt_out=allow)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[GamificationSettings.tenant_id],
        set_={"leaderboard_enabled": enabled, "allow_opt_out": allow}))
    return enabled, allow

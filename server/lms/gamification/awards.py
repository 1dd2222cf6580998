"""Awarding points and badges from committed events: the one place rewards are decided.

Registered as the `gamification` outbox consumer (lms.platform.consumers): every gRPC worker runs it in
the background, so the request that completed a lesson pays nothing for the reward. Each award is a
ledger row whose unique key is its cause (user, rule, object): an event handled twice (a replay, two
workers after a lease expired) inserts nothing the second time, and only an inserted row moves the
running totals, checks badges and tells the learner (`points.awarded`, `badge.awarded`).
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.gamification import rules
from lms.gamification.models import ALL_COURSES, Badge, PointsEntry, PointsRule, PointsTotal, UserBadge
from lms.platform import consumers
from lms.platform.rooms import user_room
from lms.platform.db import dialect_insert
from lms.platform.events import BADGE_AWARDED, POINTS_AWARDED, emit
from lms.platform.models import utcnow

log = logging.getLogger("lms.gamification")
CONSUMER = "gamification"


async def rule_points(session: AsyncSession) -> dict[str, tuple[int, bool]]:
    """Every rule's (points, is_active) in the session's tenant: its override, else the default."""
    values = {rule: (default, True) for rule, (_, default, _) in rules.RULES.items()}
    for rule, points, active in await session.execute(select(PointsRule.rule, PointsRule.points, PointsRule.is_active)):
        if rule in values:
            values[rule] = (points, active)
    return values


async def handle(session: AsyncSession, tenant_id: str, events: list[consumers.ConsumedEvent]) -> None:
    """Awards what the tenant's events pay for (idempotent: see the module doc)."""
    causes: dict[tuple, rules.Cause] = {}
    for event in events:
        cause = rules.cause_of(event.type, event.data, event.room)
        if cause is not None:
            causes.setdefault((cause.user_id, cause.rule, cause.cause_id), cause)
    if not causes:
        return
    points = await rule_points(session)
    touched: set[str] = set()
    for cause in causes.values():
        rule_value, active = points[cause.rule]
        if not active:
            continue
        if await award(session, tenant_id, cause, rules.points_for(cause, rule_value)):
            touched.add(cause.user_id)
    if touched:
        await check_badges(session, tenant_id, sorted(touched))


async def award(session: AsyncSession, tenant_id: str, cause: rules.Cause, points: int) -> bool:
    """Records one award unless its cause was paid already; moves the totals. Whether it was new."""
    now = utcnow()
    inserted = (await session.execute(
        dialect_insert(session, PointsEntry).values(
            tenant_id=tenant_id, user_id=cause.user_id, rule=cause.rule, points=points, cause_type=cause.cause_type,
            cause_id=cause.cause_id, course_id=cause.course_id, score_percent=cause.score_percent,
            description=cause.description, created_at=now)
        .on_conflict_do_nothing().returning(PointsEntry.id))).first()
    if inserted is None:
        return False
    scopes = [ALL_COURSES] + ([cause.course_id] if cause.course_id else [])
    if points:
        for scope in scopes:
            statement = dialect_insert(session, PointsTotal).values(
                tenant_id=tenant_id, scope=scope, user_id=cause.user_id, total_points=points, reached_at=now)
            await session.execute(statement.on_conflict_do_update(
                index_elements=[PointsTotal.tenant_id, PointsTotal.scope, PointsTotal.user_id],
                set_={"total_points": PointsTotal.total_points + statement.excluded.total_points,
                      "reached_at": statement.excluded.reached_at}))
        emit(session, POINTS_AWARDED, user_room(cause.user_id), {
            "user_id": cause.user_id, "points": points, "rule": cause.rule, "cause_type": cause.cause_type,
            "cause_id": cause.cause_id, "course_id": cause.course_id, "entry_id": inserted[0]})
    return True


async def stats_of(session: AsyncSession, user_id: str, min_percents: set[int]) -> rules.Stats:
    """What badge criteria look at for one user, read from their ledger and total."""
    lessons = await session.scalar(select(func.count()).where(
        PointsEntry.user_id == user_id, PointsEntry.rule == "lesson_completed"))
    courses = frozenset(c for c in await session.scalars(select(PointsEntry.course_id).where(
        PointsEntry.user_id == user_id, PointsEntry.rule == "course_completed")) if c is not None)
    total = await session.scalar(select(PointsTotal.total_points).where(
        PointsTotal.user_id == user_id, PointsTotal.scope == ALL_COURSES)) or 0
    graded: tuple[int, ...] = ()
    if min_percents:
        graded = tuple(p for p in await session.scalars(select(PointsEntry.score_percent).where(
            PointsEntry.user_id == user_id, PointsEntry.rule == "assignment_graded")) if p is not None)
    return rules.Stats(lessons_completed=lessons or 0, courses_completed=courses, total_points=total,
                       graded_percents=graded)


def criteria_of(badge: Badge) -> rules.Criteria:
    return rules.Criteria(badge.criteria_type, badge.threshold, badge.course_id, badge.min_grade_percent)


async def check_badges(session: AsyncSession, tenant_id: str, user_ids: list[str]) -> None:
    """Awards every active badge whose criteria became true for these users (once per user)."""
    badges = list(await session.scalars(
        select(Badge).where(Badge.is_active.is_(True), Badge.criteria_type != "manual")))
    if not badges:
        return
    min_percents = {b.min_grade_percent for b in badges if b.criteria_type == "assignments_graded"}
    held = {(user, badge) for user, badge in await session.execute(select(UserBadge.user_id, UserBadge.badge_id).where(
        UserBadge.user_id.in_(user_ids), UserBadge.badge_id.in_([b.id for b in badges])))}
    for user_id in user_ids:
        pending = [b for b in badges if (user_id, b.id) not in held]
        if not pending:
            continue
        stats = await stats_of(session, user_id, min_percents)
        for badge in pending:
            if rules.earned(criteria_of(badge), stats):
                await grant(session, tenant_id, badge, user_id)


async def grant(session: AsyncSession, tenant_id: str, badge: Badge, user_id: str, *, awarded_by: str | None = None,
                reason: str = "") -> int | None:
    """Gives `badge` to `user_id` unless they hold it; the new award's id, or None."""
    inserted = (await session.execute(
        dialect_insert(session, UserBadge).values(
            tenant_id=tenant_id, badge_id=badge.id, user_id=user_id, awarded_at=utcnow(), awarded_by=awarded_by,
            reason=reason)
        .on_conflict_do_nothing().returning(UserBadge.id))).first()
    if inserted is None:
        return None
    await session.execute(update(Badge).where(Badge.id == badge.id).values(awarded_count=Badge.awarded_count + 1)
                          .execution_options(synchronize_session=False))
    emit(session, BADGE_AWARDED, user_room(user_id), {
        "user_id": user_id, "badge_id": badge.id, "badge_name": badge.name, "user_badge_id": inserted[0],
        "awarded_by": awarded_by})
    log.info("badge awarded", extra={"fields": {"badge_id": badge.id, "manual": awarded_by is not None}})
    return inserted[0]


consumers.register(CONSUMER, rules.EVENT_TYPES, handle)

"""Awarding points and badges from committed events: the one place rewards are decided.

Registered as the `gamification` outbox consumer (lms.platform.consumers): every gRPC worker runs it in
the background, so the request that completed a lesson pays nothing for the reward. Each award is a
ledger row whose unique key is its cause (user, rule, object): an event handled twice (a replay, two
workers after a lease expired) inserts nothing the second time, and only an inserted row moves the
running totals, checks badges and tells the learner (`points.awarded`, `badge.awarded`).

A consumer pass hands over a tenant's events at once, and they are awarded as one batch: one multi-row
ledger insert (ON CONFLICT DO NOTHING on the cause key, RETURNING what was new), one upsert of the totals by
the sums, one of the per-total user counts ranks are read from, the events, and one badge check for the users
with new ledger rows. Awarding one statement set per award instead cost the worker about a third of its
lesson-completion throughput under a burst (bench/RESULTS.md, "Gamification"). Rows go in sorted key order,
so handlers of overlapping batches at once (two workers after a lease expired) queue behind each other's
locks and never deadlock.
"""
from __future__ import annotations

import functools
import logging
from collections import defaultdict

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.gamification import rules, tops
from lms.gamification.models import (
    ALL_COURSES, Badge, PointsEntry, PointsRankCount, PointsRule, PointsTotal, UserBadge,
)
from lms.platform import consumers
from lms.platform.db import dialect_insert
from lms.platform.events import BADGE_AWARDED, POINTS_AWARDED, emit, emit_each
from lms.platform.models import utcnow
from lms.platform.rooms import user_room

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
    """Awards what the tenant's events pay for, as one batch (idempotent: see the module doc)."""
    causes: dict[tuple[str, str, str], rules.Cause] = {}
    for event in events:
        cause = rules.cause_of(event.type, event.data, event.room)
        if cause is not None:
            causes.setdefault((cause.user_id, cause.rule, cause.cause_id), cause)
    if not causes:
        return
    points = await rule_points(session)
    payable = {}
    for key in sorted(causes):
        cause = causes[key]
        rule_value, active = points[cause.rule]
        if active:
            payable[key] = (cause, rules.points_for(cause, rule_value))
    paid = await award_all(session, tenant_id, payable)
    if paid:
        await check_badges(session, tenant_id, sorted({cause.user_id for cause, _, _ in paid}))


@functools.lru_cache(maxsize=4)
def _statements(dialect: str):
    """The ledger insert and the totals upsert for one dialect, built once (their ON CONFLICT clauses keep
    SQLAlchemy from caching the compiled form, so each batch compiles them once: not once per award)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    ledger = PointsEntry.__table__
    insert_entries = (insert(ledger).on_conflict_do_nothing(
        index_elements=[ledger.c.tenant_id, ledger.c.user_id, ledger.c.rule, ledger.c.cause_id])
        .returning(ledger.c.id, ledger.c.user_id, ledger.c.rule, ledger.c.cause_id))
    totals = PointsTotal.__table__
    upsert = insert(totals)
    upsert_totals = upsert.on_conflict_do_update(
        index_elements=[totals.c.tenant_id, totals.c.scope, totals.c.user_id],
        set_={"total_points": totals.c.total_points + upsert.excluded.total_points,
              "reached_at": upsert.excluded.reached_at},
    ).returning(totals.c.scope, totals.c.user_id, totals.c.total_points)
    counts = PointsRankCount.__table__
    upsert = insert(counts)
    upsert_counts = upsert.on_conflict_do_update(
        index_elements=[counts.c.tenant_id, counts.c.scope, counts.c.total_points],
        set_={"users": counts.c.users + upsert.excluded.users})
    return insert_entries, upsert_totals, upsert_counts


async def award_all(session: AsyncSession, tenant_id: str, payable: dict[tuple[str, str, str], tuple]) -> list:
    """Records the awards whose causes were not paid yet (`payable`: cause key -> (cause, points), in key
    order) and moves the totals by what was new; the new ones as (cause, points, ledger id)."""
    if not payable:
        return []
    connection = await session.connection()
    insert_entries, upsert_totals, upsert_counts = _statements(connection.dialect.name)
    now = utcnow()
    rows = [{"tenant_id": tenant_id, "user_id": cause.user_id, "rule": cause.rule, "points": points,
             "cause_type": cause.cause_type, "cause_id": cause.cause_id, "course_id": cause.course_id,
             "score_percent": cause.score_percent, "description": cause.description, "created_at": now}
            for cause, points in payable.values()]
    # One multi-row INSERT ("insertmanyvalues"); RETURNING lists only the rows that were new.
    inserted = (await connection.execute(insert_entries, rows)).all()
    paid = [(*payable[(user, rule, cause_id)], entry_id) for entry_id, user, rule, cause_id in inserted]
    sums: dict[tuple[int, str], int] = defaultdict(int)
    for cause, points, _ in paid:
        if points:
            sums[(ALL_COURSES, cause.user_id)] += points
            if cause.course_id:
                sums[(cause.course_id, cause.user_id)] += points
    if sums:
        moved = (await connection.execute(upsert_totals, [
            {"tenant_id": tenant_id, "scope": scope, "user_id": user, "total_points": total, "reached_at": now}
            for (scope, user), total in sorted(sums.items())])).all()
        # Each user leaves the count of their old total (none for a new one: totals only grow, from
        # above 0) for that of their new one. Under concurrent handlers the upsert returns the total after
        # the other's commit, so the two moves chain.
        holders: dict[tuple[int, int], int] = defaultdict(int)
        for scope, user, total in moved:
            holders[(scope, total)] += 1
            if total - sums[(scope, user)] > 0:
                holders[(scope, total - sums[(scope, user)])] -= 1
        changes = [{"tenant_id": tenant_id, "scope": scope, "total_points": total, "users": change}
                   for (scope, total), change in sorted(holders.items()) if change]
        if changes:
            await connection.execute(upsert_counts, changes)
        emit_each(session, POINTS_AWARDED, [
            (user_room(cause.user_id), {"user_id": cause.user_id, "points": points, "rule": cause.rule,
                                        "cause_type": cause.cause_type, "cause_id": cause.cause_id,
                                        "course_id": cause.course_id, "entry_id": entry_id})
            for cause, points, entry_id in sorted(paid, key=lambda award: award[2]) if points])
        tops.forget(tenant_id)  # (this worker's leaderboards show the new totals at once, others within a second)
    return paid


async def stats_of(session: AsyncSession, user_ids: list[str], criteria: set[str],
                   min_percent: int) -> dict[str, rules.Stats]:
    """What the badge criteria in `criteria` look at, for each user, read from their ledger and totals
    (a statement per kind of fact needed, whatever the number of users)."""
    lessons: dict[str, int] = {}
    courses: dict[str, set[int]] = defaultdict(set)
    totals: dict[str, int] = {}
    graded: dict[str, list[int]] = defaultdict(list)
    mine = PointsEntry.user_id.in_(user_ids)
    if "lessons_completed" in criteria:
        lessons = dict((await session.execute(
            select(PointsEntry.user_id, func.count()).where(mine, PointsEntry.rule == "lesson_completed")
            .group_by(PointsEntry.user_id))).all())
    if criteria & {"courses_completed", "course_completed"}:
        for user, course in await session.execute(select(PointsEntry.user_id, PointsEntry.course_id).where(
                mine, PointsEntry.rule == "course_completed", PointsEntry.course_id.is_not(None))):
            courses[user].add(course)
    if "points_total" in criteria:
        totals = dict((await session.execute(select(PointsTotal.user_id, PointsTotal.total_points).where(
            PointsTotal.user_id.in_(user_ids), PointsTotal.scope == ALL_COURSES))).all())
    if "assignments_graded" in criteria:
        for user, percent in await session.execute(select(PointsEntry.user_id, PointsEntry.score_percent).where(
                mine, PointsEntry.rule == "assignment_graded", PointsEntry.score_percent >= min_percent)):
            graded[user].append(percent)
    return {user: rules.Stats(lessons_completed=lessons.get(user, 0), courses_completed=frozenset(courses[user]),
                              total_points=totals.get(user, 0), graded_percents=tuple(graded[user]))
            for user in user_ids}


_AUTOMATIC_BADGES = (select(Badge.id, Badge.name, Badge.criteria_type, Badge.threshold, Badge.course_id,
                            Badge.min_grade_percent)
                     .where(Badge.is_active.is_(True), Badge.criteria_type != "manual").order_by(Badge.id))


async def check_badges(session: AsyncSession, tenant_id: str, user_ids: list[str]) -> None:
    """Awards every active badge whose criteria became true for these users (once per user)."""
    badges = (await session.execute(_AUTOMATIC_BADGES)).all()
    if not badges:
        return
    held = {(user, badge) for user, badge in await session.execute(select(UserBadge.user_id, UserBadge.badge_id).where(
        UserBadge.user_id.in_(user_ids), UserBadge.badge_id.in_([b.id for b in badges])))}
    pending = {user: [b for b in badges if (user, b.id) not in held] for user in user_ids}
    pending = {user: missing for user, missing in pending.items() if missing}
    if not pending:
        return
    criteria = {b.criteria_type for missing in pending.values() for b in missing}
    min_percent = min((b.min_grade_percent for missing in pending.values() for b in missing
                       if b.criteria_type == "assignments_graded"), default=0)
    stats = await stats_of(session, sorted(pending), criteria, min_percent)
    for user_id, missing in pending.items():
        for badge in missing:
            criterion = rules.Criteria(badge.criteria_type, badge.threshold, badge.course_id, badge.min_grade_percent)
            if rules.earned(criterion, stats[user_id]):
                await grant(session, tenant_id, badge, user_id)


async def grant(session: AsyncSession, tenant_id: str, badge, user_id: str, *, awarded_by: str | None = None,
                reason: str = "") -> int | None:
    """Gives `badge` (anything with its `id` and `name`) to `user_id` unless they hold it; the new award's
    id, or None."""
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

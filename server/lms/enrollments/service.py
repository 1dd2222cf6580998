"""Enrollment rules: who may enroll whom, duplicates, counters, deactivation, listing.

A course's counter (`course_counters.total_enrollments`) counts its active enrollments and is changed in
the same transaction as the enrollments it counts, so the catalogue never counts this table.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime

import psycopg
from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.certificates.issuing import issue_if_earned
from lms.content.models import Lesson, Module
from lms.courses.models import PUBLISHED, Course, CourseCounter
from lms.courses.policy import MUST_PURCHASE
from lms.courses.service import require_course_staff, visible_course
from lms.enrollments.access import NOT_ENROLLED
from lms.enrollments.models import Enrollment, LessonCompletion
from lms.enrollments.progress import ProgressFigures, completed_lesson_ids, progress_of
from lms.payments.entitlements import PURCHASED_SQL, purchased_clause
from lms.platform.context import Call
from lms.platform.batching import Coalescer
from lms.platform.db import dialect_insert, execute_alone, tenant_execute
from lms.platform.errors import AlreadyExists, NotFound, PermissionDenied, ValidationError
from lms.platform.events import (
    COURSE_COMPLETED, ENROLLMENT_ACTIVATED, ENROLLMENT_CREATED, ENROLLMENT_DEACTIVATED, LESSON_COMPLETED,
    PROGRESS_UPDATED, emit, emit_each,
)
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.users.models import DirectoryUser, full_name

ALREADY_ENROLLED = "User is already enrolled in this course."
MAX_BULK_USERS = 50_000
USER_ID = re.compile(r"^[\w.@:+-]{1,128}$")


def _check_user_id(user_id: str, field: str = "user_id") -> str:
    if not USER_ID.match(user_id):
        raise ValidationError({field: ["Enter a valid user id."]})
    return user_id


async def _adjust_counter(session: AsyncSession, course_id: int, delta: int) -> None:
    if delta:
        await session.execute(update(CourseCounter).where(CourseCounter.course_id == course_id)
                              .values(total_enrollments=CourseCounter.total_enrollments + delta))


@dataclasses.dataclass(frozen=True)
class NewEnrollment:
    id: int
    user_id: str
    user_name: str
    course_id: int
    course_title: str
    course_description: str
    enrolled_at: datetime


_TENANT = bindparam("tenant")
# The course to enroll in and the directory entry of the user to enroll, in one statement.
_ENROLL_TARGET = (
    select(Course.status, or_(Course.is_free, purchased_clause(Course.id, bindparam("user_id"))), Course.title,
           Course.description,
           DirectoryUser.first_name, DirectoryUser.last_name, DirectoryUser.email)
    .select_from(Course)
    .outerjoin(DirectoryUser, and_(DirectoryUser.tenant_id == _TENANT, DirectoryUser.user_id == bindparam("user_id")))
    .where(Course.id == bindparam("course_id"), Course.tenant_id == _TENANT)
)
_COUNTERS = CourseCounter.__table__
_COUNT_ENROLLMENT = (
    update(_COUNTERS).where(_COUNTERS.c.course_id == bindparam("course"), _COUNTERS.c.tenant_id == _TENANT)
    .values(total_enrollments=_COUNTERS.c.total_enrollments + 1)
)


# Plain SQL both databases accept: the dialects' INSERT ... ON CONFLICT constructs are not cacheable in
# SQLAlchemy (they would be compiled again on every request); a text() statement is compiled once.
_INSERT_ENROLLMENT = text(
    "INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active) "
    "VALUES (:tenant, :course_id, :user_id, :now, true) "
    "ON CONFLICT (course_id, user_id) DO NOTHING RETURNING id"
).bindparams(bindparam("now", type_=Enrollment.__table__.c.enrolled_at.type))


# PostgreSQL: whole enrollments as one statement (data-modifying CTEs), run as its own transaction on the
# read path's tenant-pinned connections, for every request of the batch (lms.platform.batching: concurrent
# enrollments of a tenant share one statement and one commit). Per request: the course and the user's
# directory entry, the INSERT when the caller may enroll this user (a duplicate is a no-op, so concurrent
# requests cannot both succeed; a pair asked twice in one batch is inserted for its first request only),
# the counter and the outbox events (the rows `emit_each` writes, numbered later by the sequencer).
# Rows are inserted in (course, user) order and counters locked in course order, so two batches never
# wait for each other in a cycle.
_ENROLL_MANY = text("""
WITH input AS (
    SELECT * FROM unnest(CAST(:positions AS int[]), CAST(:course_ids AS int[]), CAST(:user_ids AS text[]),
                         CAST(:callers AS text[]), CAST(:admins AS boolean[]), CAST(:instructors AS boolean[]),
                         CAST(:staff AS boolean[]), CAST(:selves AS boolean[]), CAST(:nows AS timestamptz[]))
        AS i(position, course_id, user_id, caller, is_admin, is_instructor, is_staff, self, now)
), target AS (
    SELECT i.*, c.status, (c.is_free OR """ + PURCHASED_SQL.format(course="c.id", user="i.user_id") + """) AS is_free, c.title, c.description, d.first_name, d.last_name, d.email,
           EXISTS (SELECT FROM course_instructors ci
                   WHERE ci.tenant_id = :tenant AND ci.course_id = c.id AND ci.user_id = i.caller) AS teaches
    FROM input i
    JOIN courses c ON c.id = i.course_id AND c.tenant_id = :tenant
    LEFT JOIN directory_users d ON d.tenant_id = :tenant AND d.user_id = i.user_id
), allowed AS (
    SELECT DISTINCT ON (course_id, user_id) position, course_id, user_id, now FROM target
    WHERE is_admin OR (is_instructor AND teaches)
       OR (NOT is_staff AND self AND status = 'Published' AND is_free)
    ORDER BY course_id, user_id, position
), created AS (
    INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active)
    SELECT :tenant, course_id, user_id, now, true FROM allowed ORDER BY course_id, user_id
    ON CONFLICT (course_id, user_id) DO NOTHING
    RETURNING id, course_id, user_id, enrolled_at
), added AS (
    SELECT course_id, count(*) AS n FROM created GROUP BY course_id
), locked AS (
    SELECT course_counters.course_id FROM course_counters JOIN added USING (course_id)
    WHERE course_counters.tenant_id = :tenant ORDER BY course_counters.course_id FOR UPDATE OF course_counters
), counted AS (
    UPDATE course_counters SET total_enrollments = total_enrollments + added.n FROM added
    WHERE course_counters.course_id = added.course_id AND course_counters.tenant_id = :tenant
      AND course_counters.course_id IN (SELECT course_id FROM locked)
), events AS (
    INSERT INTO outbox_events (tenant_id, type, room, data, created_at)
    SELECT :tenant, :event_type, r.room,
           jsonb_build_object('course_id', c.course_id, 'user_id', c.user_id, 'enrollment_id', c.id), c.enrolled_at
    FROM created c CROSS JOIN LATERAL (VALUES (1, 'user_' || c.user_id), (2, 'course_' || c.course_id)) AS r(k, room)
    ORDER BY c.id, r.k
)
SELECT t.position, t.status, t.is_free, t.title, t.description, t.first_name, t.last_name, t.email, t.teaches,
       c.id
FROM target t
LEFT JOIN allowed a ON a.position = t.position
LEFT JOIN created c ON c.course_id = a.course_id AND c.user_id = a.user_id
""")


@dataclasses.dataclass(frozen=True)
class _Enrolling:
    """One request of a batch of `_ENROLL_MANY`."""

    call: Call
    course_id: int
    user_id: str
    now: datetime


async def _enroll_many(key, items: list[_Enrolling]) -> list:
    """Runs a batch; each request gets its row of `_ENROLL_MANY` (None: no such course). A batch that fails
    as a whole (a deadlock with another process's batch, a course deleted meanwhile) is run again one
    request at a time, so one request's failure is its own."""
    engine, tenant = key
    try:
        rows = await execute_alone(engine, tenant, _ENROLL_MANY, _batch_params(items))
    except psycopg.Error:  # (the read path's statements are sent by psycopg itself)
        if len(items) == 1:
            raise
        results = []
        for item in items:
            try:
                results.append((await _enroll_many(key, [item]))[0])
            except Exception as exc:  # noqa: BLE001 - this request's own failure
                results.append(exc)
        return results
    for item in items:
        if item.call.runtime.settings.debug_query_count:
            item.call.note_statement(_ENROLL_MANY)  # (sent by psycopg directly: SQLAlchemy's events do not see it)
    by_position = {row[0]: row[1:] for row in rows}
    return [by_position.get(position) for position in range(len(items))]


def _batch_params(items: list[_Enrolling]) -> dict:
    callers = [item.call.require_user() for item in items]
    return {
        "positions": list(range(len(items))), "course_ids": [item.course_id for item in items],
        "user_ids": [item.user_id for item in items], "callers": [c.user_id for c in callers],
        "admins": [c.is_admin for c in callers], "instructors": [c.is_instructor for c in callers],
        "staff": [c.is_staff for c in callers],
        "selves": [item.user_id == c.user_id for item, c in zip(items, callers)],
        "nows": [item.now for item in items], "event_type": ENROLLMENT_CREATED,
    }


_ENROLLING = Coalescer(_enroll_many)


def _refusal(caller, target: str, status: str, is_free: bool, teaches: bool) -> Exception:
    """Why an enrollment was not made, checked in the order the rules are stated (404 before 403)."""
    if caller.is_staff:
        if not (caller.is_admin or teaches):
            return PermissionDenied()
    else:
        if status != PUBLISHED:
            return NotFound()  # drafts are invisible to students
        if target != caller.user_id:
            return PermissionDenied()
        if not is_free:
            return PermissionDenied(MUST_PURCHASE)
    return AlreadyExists(ALREADY_ENROLLED)


async def enroll(call: Call, course_id: int, user_id: str) -> NewEnrollment:
    """Enrolls `user_id` (the caller if empty; other users need staff rights on the course).

    On PostgreSQL one statement (`_ENROLL_MANY`, shared with the tenant's concurrent enrollments) when the
    call runs nothing else; otherwise, in the call's session, four: the course with the user's directory
    entry, the INSERT, the counter and the outbox events. A new enrollment has no completed lessons, so its
    progress is 0 without asking.
    """
    caller = call.require_user()
    target = _check_user_id(user_id.strip() or caller.user_id)
    tenant = call.require_tenant()
    now = utcnow()
    if call.single_statement_available:
        row = await _ENROLLING.submit((call.runtime.read_engine, tenant), _Enrolling(call, course_id, target, now))
        if row is None:
            raise NotFound()
        status, is_free, title, description, first_name, last_name, email, teaches, enrollment_id = row
        if enrollment_id is None:
            raise _refusal(caller, target, status, is_free, teaches)
    else:
        session = await call.session()
        row = (await tenant_execute(session, _ENROLL_TARGET, {"course_id": course_id, "user_id": target})).first()
        if row is None:
            raise NotFound()
        status, is_free, title, description, first_name, last_name, email = row
        if caller.is_staff:
            await require_course_staff(session, caller, course_id)
        else:
            refusal = _refusal(caller, target, status, is_free, teaches=False)
            if not isinstance(refusal, AlreadyExists):
                raise refusal
        enrollment_id = (await tenant_execute(session, _INSERT_ENROLLMENT,
                                              {"course_id": course_id, "user_id": target, "now": now})).scalar()
        if enrollment_id is None:
            raise AlreadyExists(ALREADY_ENROLLED)
        await tenant_execute(session, _COUNT_ENROLLMENT, {"course": course_id})
        data = {"course_id": course_id, "user_id": target, "enrollment_id": enrollment_id}
        emit_each(session, ENROLLMENT_CREATED, [(f"user_{target}", data), (f"course_{course_id}", data)])
    return NewEnrollment(id=enrollment_id, user_id=target, user_name=full_name(first_name or "", last_name or "",
                                                                                email or "", target),
                         course_id=course_id, course_title=title, course_description=description, enrolled_at=now)


@dataclasses.dataclass
class BulkResult:
    created: int
    already_enrolled: int


async def bulk_enroll(session: AsyncSession, call: Call, course_id: int, user_ids: list[str]) -> BulkResult:
    """INSERT ... ON CONFLICT DO NOTHING in batches of 1,000 users, one counter update, one event per user."""
    caller = call.require_staff()
    course = await visible_course(session, call, course_id)
    await require_course_staff(session, caller, course.id)
    unique_ids = list(dict.fromkeys(u.strip() for u in user_ids))
    if not unique_ids:
        raise ValidationError({"user_ids": ["This list may not be empty."]})
    if len(unique_ids) > MAX_BULK_USERS:
        raise ValidationError({"user_ids": [f"Ensure this field has no more than {MAX_BULK_USERS} elements."]})
    for user_id in unique_ids:
        _check_user_id(user_id, "user_ids")
    created = await _insert_enrollments(session, call.tenant_id, course.id, unique_ids)
    await _adjust_counter(session, course.id, len(created))
    emit_each(session, ENROLLMENT_CREATED, [(f"user_{u}", {"course_id": course.id, "user_id": u}) for u in created])
    return BulkResult(created=len(created), already_enrolled=len(unique_ids) - len(created))


async def _insert_enrollments(session: AsyncSession, tenant_id: str, course_id: int, user_ids: list[str]) -> list[str]:
    """Inserts the missing enrollments; returns the users newly enrolled (duplicates are skipped)."""
    now = utcnow()
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        # One statement for the whole list: the ids travel as one array parameter.
        result = await connection.execute(text(
            "INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active) "
            "SELECT :tenant, :course, u, :now, true FROM unnest(CAST(:users AS text[])) AS u "
            "ON CONFLICT (course_id, user_id) DO NOTHING RETURNING user_id"),
            {"tenant": tenant_id, "course": course_id, "now": now, "users": user_ids})
        return list(result.scalars())
    # SQLite: a Core executemany, sent as multi-row INSERTs of up to 1,000 rows ("insertmanyvalues")
    # from one cached statement, an order of magnitude faster than compiling one huge VALUES list.
    table = Enrollment.__table__
    statement = dialect_insert(session, table).on_conflict_do_nothing(
        index_elements=[table.c.course_id, table.c.user_id]).returning(table.c.user_id)
    rows = [{"tenant_id": tenant_id, "course_id": course_id, "user_id": u, "enrolled_at": now, "is_active": True}
            for u in user_ids]
    return list((await connection.execute(statement, rows)).scalars())


async def enrollment_for_staff_or_owner(session: AsyncSession, call: Call, enrollment_id: int) -> Enrollment:
    caller = call.require_user()
    enrollment = await session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound()
    if enrollment.user_id != caller.user_id:
        if not caller.is_staff:
            raise NotFound()
        await require_course_staff(session, caller, enrollment.course_id)
    return enrollment


async def set_active(session: AsyncSession, call: Call, enrollment_id: int, active: bool) -> Enrollment:
    """Deactivation keeps the row and its history; the user loses access until reactivated."""
    caller = call.require_staff()
    enrollment = await session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound()
    await require_course_staff(session, caller, enrollment.course_id)
    if enrollment.is_active != active:
        enrollment.is_active = active
        await _adjust_counter(session, enrollment.course_id, 1 if active else -1)
        emit(session, ENROLLMENT_ACTIVATED if active else ENROLLMENT_DEACTIVATED,
             [f"user_{enrollment.user_id}", f"course_{enrollment.course_id}"],
             {"course_id": enrollment.course_id, "user_id": enrollment.user_id, "enrollment_id": enrollment.id})
        await session.flush()
    return enrollment


async def active_enrollment(session: AsyncSession, course_id: int, user_id: str) -> Enrollment | None:
    return await session.scalar(select(Enrollment).where(
        Enrollment.course_id == course_id, Enrollment.user_id == user_id, Enrollment.is_active.is_(True)))


async def course_enrollments(session: AsyncSession, call: Call, course_id: int, page: PageRequest,
                             is_active: bool | None, completed: bool | None):
    caller = call.require_staff()
    course = await visible_course(session, call, course_id)
    await require_course_staff(session, caller, course.id)
    conditions = [Enrollment.course_id == course.id]
    if is_active is not None:
        conditions.append(Enrollment.is_active.is_(is_active))
    if completed is not None:
        conditions.append(Enrollment.completed_at.is_not(None) if completed else Enrollment.completed_at.is_(None))
    total = await session.scalar(select(func.count(Enrollment.id)).where(*conditions))
    rows = list(await session.scalars(select(Enrollment).where(*conditions).order_by(Enrollment.id)
                                      .limit(page.size).offset(page.offset)))
    return course, rows, total


# Progress and completion --------------------------------------------------------------------------



@dataclasses.dataclass
class CompletionResult:
    created: bool
    figures: ProgressFigures
    course_completed: bool


async def complete_lesson(session: AsyncSession, call: Call, lesson_id: int | None) -> CompletionResult:
    """Records the caller's completion of a published lesson; a repeat changes nothing."""
    caller = call.require_user()
    if lesson_id is None:
        raise ValidationError({"lesson": ["This field is required."]})
    row = (await session.execute(
        select(Lesson, Module).join(Module, Module.id == Lesson.module_id).where(Lesson.id == lesson_id))).first()
    if row is None:
        raise NotFound()
    lesson, module = row
    course = await visible_course(session, call, module.course_id)
    if not (lesson.is_published and module.is_published and course.status == PUBLISHED):
        raise NotFound()
    # Lock the enrollment: concurrent completions of a course's last lessons must see each other.
    enrollment = await session.scalar(select(Enrollment).where(
        Enrollment.course_id == course.id, Enrollment.user_id == caller.user_id).with_for_update())
    if enrollment is None or not enrollment.is_active:
        raise PermissionDenied(NOT_ENROLLED)
    insert = dialect_insert(session, LessonCompletion)
    completion_id = await session.scalar(
        insert.values(tenant_id=call.tenant_id, enrollment_id=enrollment.id, lesson_id=lesson.id,
                      completed_at=utcnow())
        .on_conflict_do_nothing(index_elements=[LessonCompletion.enrollment_id, LessonCompletion.lesson_id])
        .returning(LessonCompletion.id))
    figures = (await progress_of(session, [enrollment]))[enrollment.id]
    if completion_id is None:
        return CompletionResult(created=False, figures=figures, course_completed=False)
    now = utcnow()
    if enrollment.started_at is None:
        enrollment.started_at = now
    rooms = [f"user_{caller.user_id}", f"course_{course.id}"]
    emit(session, LESSON_COMPLETED, rooms, {"course_id": course.id, "lesson_id": lesson.id,
                                              "user_id": caller.user_id})
    emit(session, PROGRESS_UPDATED, rooms, {"course_id": course.id, "user_id": caller.user_id,
                                              "progress": figures.percent, "completed_lessons": figures.completed,
                                              "total_lessons": figures.total})
    course_completed = figures.total > 0 and figures.completed >= figures.total and enrollment.completed_at is None
    if course_completed:
        enrollment.completed_at = now
        emit(session, COURSE_COMPLETED, rooms, {"course_id": course.id, "user_id": caller.user_id,
                                                  "enrollment_id": enrollment.id})
    await session.flush()
    if enrollment.completed_at is not None:
        await issue_if_earned(session, call, enrollment)
    return CompletionResult(created=True, figures=figures, course_completed=course_completed)


async def progress_report(session: AsyncSession, call: Call, course_id: int | None, user_id: str):
    caller = call.require_user()
    if course_id is None:
        raise ValidationError({"course": ["This field is required."]})
    target = user_id.strip() or caller.user_id
    course = await visible_course(session, call, course_id)
    if target != caller.user_id:
        if not caller.is_staff:
            raise PermissionDenied()
        await require_course_staff(session, caller, course.id)
    enrollment = await session.scalar(select(Enrollment).where(
        Enrollment.course_id == course.id, Enrollment.user_id == target))
    if enrollment is None:
        raise NotFound()
    figures = (await progress_of(session, [enrollment]))[enrollment.id]
    return enrollment, figures, await completed_lesson_ids(session, enrollment)


async def my_enrollments(session: AsyncSession, call: Call):
    """The caller's active enrollments with their courses, most recent first."""
    caller = call.require_user()
    rows = (await session.execute(
        select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == caller.user_id, Enrollment.is_active.is_(True))
        .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc()))).all()
    enrollments = [e for e, _ in rows]
    return rows, await progress_of(session, enrollments)


# Purchases (lms.payments) ---------------------------------------------------------------------------

async def enroll_purchased(session: AsyncSession, call: Call, user_id: str, course_ids: list[int]) -> dict[int, int]:
    """Enrolls a buyer in the courses a paid order bought, whatever their price: a new enrollment, or a
    deactivated one activated again (counters and events as for any enrollment). Returns course id -> id of
    each enrollment this made or activated; courses the buyer already learns in are left out."""
    call.require_tenant()
    existing = {e.course_id: e for e in await session.scalars(select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id.in_(course_ids)))} if course_ids else {}
    now = utcnow()
    made: dict[int, int] = {}
    for course_id in course_ids:
        enrollment = existing.get(course_id)
        if enrollment is None:
            enrollment_id = (await tenant_execute(session, _INSERT_ENROLLMENT,
                                                  {"course_id": course_id, "user_id": user_id, "now": now})).scalar()
            if enrollment_id is None:
                continue  # made meanwhile by a concurrent request
            data = {"course_id": course_id, "user_id": user_id, "enrollment_id": enrollment_id}
            emit_each(session, ENROLLMENT_CREATED, [(f"user_{user_id}", data), (f"course_{course_id}", data)])
            await _adjust_counter(session, course_id, 1)
            made[course_id] = enrollment_id
        elif not enrollment.is_active:
            enrollment.is_active = True
            await _adjust_counter(session, course_id, 1)
            emit(session, ENROLLMENT_ACTIVATED, [f"user_{user_id}", f"course_{course_id}"],
                 {"course_id": course_id, "user_id": user_id, "enrollment_id": enrollment.id})
            made[course_id] = enrollment.id
    await session.flush()
    return made


async def withdraw_purchased(session: AsyncSession, call: Call, enrollment_ids: list[int]) -> None:
    """Deactivates the enrollments a refunded purchase made (kept with their history, as staff deactivation)."""
    call.require_tenant()
    if not enrollment_ids:
        return
    for enrollment in await session.scalars(select(Enrollment).where(Enrollment.id.in_(enrollment_ids),
                                                                      Enrollment.is_active.is_(True))):
        enrollment.is_active = False
        await _adjust_counter(session, enrollment.course_id, -1)
        emit(session, ENROLLMENT_DEACTIVATED, [f"user_{enrollment.user_id}", f"course_{enrollment.course_id}"],
             {"course_id": enrollment.course_id, "user_id": enrollment.user_id, "enrollment_id": enrollment.id})
    await session.flush()

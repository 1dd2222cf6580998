"""Enrollment rules: who may enroll whom, duplicates, counters, deactivation, listing.

A course's counter (`course_counters.total_enrollments`) counts its active enrollments and is changed in
the same transaction as the enrollments it counts, so the catalogue never counts this table.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from datetime import datetime

import psycopg
from sqlalchemy import (
    ARRAY,
    Boolean,
    DateTime,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from lms.activitylog import public as activitylog
from lms.content.public import Lesson, Module
from lms.courses.public import (
    ALREADY_ENROLLED,
    NOT_ENROLLED,
    Course,
    CourseCounter,
    CourseInstructor,
    enroll_clause,
    enroll_refusal,
    entitled_clause,
    is_published_content,
    require_course_staff,
    teaches_clause,
    visible_course,
)
from lms.enrollments.models import Enrollment, LessonCompletion
from lms.enrollments.progress import ProgressFigures, completed_lesson_ids, progress_of
from lms.platform import hooks, rooms
from lms.platform.actor import Actor
from lms.platform.batching import Coalescer
from lms.platform.context import Call
from lms.platform.db import compiled_once, dialect_insert, execute_alone, tenant_execute
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.events import (
    COURSE_COMPLETED,
    ENROLLMENT_ACTIVATED,
    ENROLLMENT_CREATED,
    ENROLLMENT_DEACTIVATED,
    LESSON_COMPLETED,
    PROGRESS_UPDATED,
    OutboxEvent,
    emit,
    emit_each,
)
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import Fields, StrList
from lms.users.public import DirectoryUser, full_name

__all__ = ["ALREADY_ENROLLED"]
MAX_BULK_USERS = 50_000
# The bulk body's list (a JSON value: a string or null there is DRF's error, numbers count as their text).
BULK_FIELDS = Fields(user_ids=StrList(max_items=MAX_BULK_USERS, item_max_length=128, required=True)).declares(
    "lms.enrollments.v1.BulkEnrollRequest")
USER_ID = re.compile(r"^[\w.@:+-]{1,128}$")


def _check_user_id(user_id: str, field: str = "user_id") -> str:
    if not USER_ID.match(user_id):
        raise ValidationError({field: ["Enter a valid user id."]})
    return user_id


async def _adjust_counter(session: AsyncSession, course_id: int, delta: int) -> None:
    if delta:
        await session.execute(update(CourseCounter).where(CourseCounter.course_id == course_id)
                              .values(total_enrollments=CourseCounter.total_enrollments + delta))


async def _insert_enrollment(session: AsyncSession, course_id: int, user_id: str, now) -> int | None:
    """A new enrollment in the call's session: the row (None if the pair exists: made meanwhile), the
    course's counter and the `enrollment.created` events. (PostgreSQL's single statement,
    `enroll_many_statement()`, does the same three steps in SQL.)"""
    enrollment_id = (await tenant_execute(session, _INSERT_ENROLLMENT,
                                          {"course_id": course_id, "user_id": user_id, "now": now})).scalar()
    if enrollment_id is not None:
        await tenant_execute(session, _COUNT_ENROLLMENT, {"course": course_id})
        data = {"course_id": course_id, "user_id": user_id, "enrollment_id": enrollment_id}
        emit_each(session, ENROLLMENT_CREATED, [(room, data) for room in rooms.learner_rooms(user_id, course_id)])
    return enrollment_id


@dataclasses.dataclass(frozen=True)
class NewEnrollment:
    id: int
    user_id: str
    user_name: str
    course_id: int
    course_title: str
    course_description: str
    enrolled_at: datetime


# The enroll statements. Both paths ask the same rule, `lms.courses.policy.enroll_clause` (and explain a
# refusal with `enroll_refusal`, the same rule read in Python); they differ only in the statement: the
# session path (SQLite, or a call that already has a unit of work) runs four small ones in the call's
# transaction, the PostgreSQL read path one for a whole batch of concurrent requests.

_TENANT = bindparam("tenant", type_=String)
_ENROLLMENTS = Enrollment.__table__
_COUNTERS = CourseCounter.__table__
_OUTBOX = OutboxEvent.__table__


def _target_columns(course_id, user_id, caller_id):
    """The course to enroll in, the directory entry of the user to enroll and whether the caller teaches it."""
    teaches = teaches_clause(caller_id, Course.id).where(CourseInstructor.tenant_id == _TENANT)
    return (
        select(Course.status, entitled_clause(user_id).label("is_free"), Course.title, Course.description,
               DirectoryUser.first_name, DirectoryUser.last_name, DirectoryUser.email, teaches.label("teaches"))
        .select_from(Course)
        .outerjoin(DirectoryUser, and_(DirectoryUser.tenant_id == _TENANT, DirectoryUser.user_id == user_id))
        .where(Course.id == course_id, Course.tenant_id == _TENANT)
    )


def _caller_allowed(caller, target):
    """`enroll_clause` over one request's operands (`caller`: columns or parameters of the caller's roles)."""
    return enroll_clause(is_admin=caller.is_admin, is_instructor=caller.is_instructor, teaches=target.c.teaches,
                         is_self=caller.is_self, status=target.c.status, is_free=target.c.is_free)


class _Params:
    """The caller's operands as bound parameters (the session path: one request)."""

    is_admin = bindparam("is_admin", type_=Boolean)
    is_instructor = bindparam("is_instructor", type_=Boolean)
    is_self = bindparam("is_self", type_=Boolean)


@functools.cache
def enroll_target_statement():
    """One row: the target with whether the caller may enroll the user in it (the session path). Built on first
    use, once every domain's public face has connected its providers (the commerce domain's purchases)."""
    target = _target_columns(bindparam("course_id"), bindparam("user_id"), bindparam("caller")).subquery("target")
    return select(*target.c, _caller_allowed(_Params, target).label("allowed"))
_INSERT_ENROLLMENT = compiled_once(
    postgresql.insert(_ENROLLMENTS)
    .values(tenant_id=_TENANT, course_id=bindparam("course_id"), user_id=bindparam("user_id"),
            enrolled_at=bindparam("now", type_=_ENROLLMENTS.c.enrolled_at.type), is_active=true())
    .on_conflict_do_nothing(index_elements=[_ENROLLMENTS.c.course_id, _ENROLLMENTS.c.user_id])
    .returning(_ENROLLMENTS.c.id))
_COUNT_ENROLLMENT = (
    update(_COUNTERS).where(_COUNTERS.c.course_id == bindparam("course"), _COUNTERS.c.tenant_id == _TENANT)
    .values(total_enrollments=_COUNTERS.c.total_enrollments + 1)
)


@functools.cache
def enroll_many_statement(with_activity: bool = False):
    """PostgreSQL: whole enrollments as one statement (data-modifying CTEs), run as its own transaction on
    the read path's tenant-pinned connections, for every request of the batch (lms.platform.batching:
    concurrent enrollments of a tenant share one statement and one commit). Per request: the course and the
    user's directory entry, the INSERT when the caller may enroll this user (a duplicate is a no-op, so
    concurrent requests cannot both succeed; a pair asked twice in one batch is inserted for its first
    request only), the counter and the outbox events (the rows `emit_each` writes, numbered later by the
    sequencer). Rows are inserted in (course, user) order and counters locked in course order, so two
    batches never wait for each other in a cycle. `with_activity`: the activity log's rows too (one
    `enrollment_created` per enrollment made, lms.activitylog), in the same statement."""
    def array(name, item_type):  # (an untyped parameter: psycopg sends the list as an array)
        return cast(bindparam(name), ARRAY(item_type))

    requests = func.unnest(
        array("positions", Integer), array("course_ids", Integer), array("user_ids", Text), array("callers", Text),
        array("admins", Boolean), array("instructors", Boolean), array("selves", Boolean),
        array("nows", DateTime(timezone=True)),
    ).table_valued("position", "course_id", "user_id", "caller", "is_admin", "is_instructor", "is_self", "now") \
        .render_derived(name="i")
    teaches = teaches_clause(requests.c.caller, Course.id).where(CourseInstructor.tenant_id == _TENANT)
    target = (
        select(requests, Course.status, entitled_clause(requests.c.user_id).label("is_free"), Course.title,
               Course.description, DirectoryUser.first_name,
               DirectoryUser.last_name, DirectoryUser.email, teaches.label("teaches"))
        .select_from(requests)
        .join(Course, and_(Course.id == requests.c.course_id, Course.tenant_id == _TENANT))
        .outerjoin(DirectoryUser, and_(DirectoryUser.tenant_id == _TENANT, DirectoryUser.user_id == requests.c.user_id))
    ).cte("target")
    caller = type("Caller", (), {"is_admin": target.c.is_admin, "is_instructor": target.c.is_instructor,
                                 "is_self": target.c.is_self})
    allowed = (
        select(target.c.position, target.c.course_id, target.c.user_id, target.c.now)
        .where(_caller_allowed(caller, target))
        .distinct(target.c.course_id, target.c.user_id)
        .order_by(target.c.course_id, target.c.user_id, target.c.position)
    ).cte("allowed")
    created = (
        postgresql.insert(_ENROLLMENTS)
        .from_select(["tenant_id", "course_id", "user_id", "enrolled_at", "is_active"],
                     select(_TENANT, allowed.c.course_id, allowed.c.user_id, allowed.c.now, true())
                     .order_by(allowed.c.course_id, allowed.c.user_id))
        .on_conflict_do_nothing(index_elements=[_ENROLLMENTS.c.course_id, _ENROLLMENTS.c.user_id])
        .returning(_ENROLLMENTS.c.id, _ENROLLMENTS.c.course_id, _ENROLLMENTS.c.user_id, _ENROLLMENTS.c.enrolled_at)
    ).cte("created")
    added = select(created.c.course_id, func.count().label("n")).group_by(created.c.course_id).cte("added")
    locked = (
        select(_COUNTERS.c.course_id).join(added, added.c.course_id == _COUNTERS.c.course_id)
        .where(_COUNTERS.c.tenant_id == _TENANT).order_by(_COUNTERS.c.course_id).with_for_update(of=_COUNTERS)
    ).cte("locked")
    counted = (
        update(_COUNTERS).values(total_enrollments=_COUNTERS.c.total_enrollments + added.c.n)
        .where(_COUNTERS.c.course_id == added.c.course_id, _COUNTERS.c.tenant_id == _TENANT,
               _COUNTERS.c.course_id.in_(select(locked.c.course_id)))
    ).cte("counted")
    def constant(sql: str, type_=Text):  # an SQL constant, as written (jsonb_build_object's keys need types)
        return literal_column(sql, type_)

    data = func.jsonb_build_object(constant("'course_id'"), created.c.course_id, constant("'user_id'"),
                                   created.c.user_id, constant("'enrollment_id'"), created.c.id)
    learner_rooms = union_all(  # (the learner's room and the course's staff room: lms.platform.rooms.learner_rooms)
        select(created.c.id, constant("1", Integer).label("k"),
               (constant(rooms.sql_prefix(rooms.USER)) + created.c.user_id).label("room"), data.label("data"),
               created.c.enrolled_at),
        select(created.c.id, constant("2", Integer).label("k"),
               (constant(rooms.sql_prefix(rooms.COURSE_STAFF)) + cast(created.c.course_id, Text)).label("room"),
               data.label("data"), created.c.enrolled_at),
    ).subquery("r")
    events = (
        postgresql.insert(_OUTBOX)
        .from_select(["tenant_id", "type", "room", "data", "created_at"],
                     select(_TENANT, bindparam("event_type", type_=String), learner_rooms.c.room,
                            learner_rooms.c.data, learner_rooms.c.enrolled_at)
                     .order_by(learner_rooms.c.id, learner_rooms.c.k))
    ).cte("events")
    ctes = [counted, events]
    if with_activity:
        made = allowed.join(created, and_(created.c.course_id == allowed.c.course_id,
                                          created.c.user_id == allowed.c.user_id))
        ctes.append(activitylog.batched_insert(
            made, allowed.c.position, user_id=activitylog.array_item("callers", allowed.c.position),
            activity_type="enrollment_created", object_type="enrollment", object_id=created.c.id,
            description=constant("'Enrolled '") + created.c.user_id + constant("' in course '")
            + cast(created.c.course_id, Text), created_at=created.c.enrolled_at))
    return (
        select(target.c.position, target.c.status, target.c.is_free, target.c.title, target.c.description,
               target.c.first_name, target.c.last_name, target.c.email, target.c.teaches, created.c.id)
        .select_from(target.outerjoin(allowed, allowed.c.position == target.c.position)
                     .outerjoin(created, and_(created.c.course_id == allowed.c.course_id,
                                              created.c.user_id == allowed.c.user_id)))
        .add_cte(*ctes)
    )




@dataclasses.dataclass(frozen=True)
class _Enrolling:
    """One request of a batch of `enroll_many_statement()`."""

    call: Call
    course_id: int
    user_id: str
    now: datetime


async def _enroll_many(key, items: list[_Enrolling]) -> list:
    """Runs a batch; each request gets its row of `enroll_many_statement()` (None: no such course). A batch that fails
    as a whole (a deadlock with another process's batch, a course deleted meanwhile) is run again one
    request at a time, so one request's failure is its own."""
    engine, tenant = key
    with_activity = activitylog.enabled(items[0].call)
    statement = enroll_many_statement(with_activity)
    params = _batch_params(items)
    if with_activity:
        params.update(activitylog.batch_parameters([item.call for item in items]))
    try:
        rows = await execute_alone(engine, tenant, statement, params)
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
            # (sent by psycopg directly: SQLAlchemy's events do not see it)
            item.call.note_statement(statement)
    by_position = {row[0]: row[1:] for row in rows}
    return [by_position.get(position) for position in range(len(items))]


def _batch_params(items: list[_Enrolling]) -> dict:
    actors = [item.call.actor for item in items]
    return {
        "positions": list(range(len(items))), "course_ids": [item.course_id for item in items],
        "user_ids": [item.user_id for item in items], "callers": [a.user_id for a in actors],
        "admins": [a.is_admin for a in actors], "instructors": [a.is_instructor for a in actors],
        "selves": [item.user_id == a.user_id for item, a in zip(items, actors)],
        "nows": [item.now for item in items], "event_type": ENROLLMENT_CREATED,
    }


_ENROLLING = Coalescer(_enroll_many)


def _refusal(actor: Actor, target: str, status: str, is_free: bool, teaches: bool) -> Exception:
    """Why an enrollment was not made (lms.courses.policy.enroll_refusal)."""
    return enroll_refusal(actor, target, status, is_free, teaches)


async def enroll(call: Call, course_id: int, user_id: str) -> NewEnrollment:
    """Enrolls `user_id` (the caller if empty; other users need staff rights on the course).

    On PostgreSQL one statement (`enroll_many_statement()`, shared with the tenant's concurrent enrollments) when the
    call runs nothing else; otherwise, in the call's session, four: the course with the user's directory
    entry and the rule's answer, the INSERT, the counter and the outbox events. A new enrollment has no
    completed lessons, so its progress is 0 without asking.
    """
    caller = call.require_user()
    target = _check_user_id(user_id.strip() or caller.user_id)
    actor = call.actor
    now = utcnow()
    if call.single_statement_available:
        row = await _ENROLLING.submit((call.runtime.read_pool, actor.tenant_id),
                                      _Enrolling(call, course_id, target, now))
        if row is None:
            raise NotFound()
        status, is_free, title, description, first_name, last_name, email, teaches, enrollment_id = row
    else:
        session = await call.session()
        row = (await tenant_execute(session, enroll_target_statement(), {
            "course_id": course_id, "user_id": target, "caller": actor.user_id, "is_admin": actor.is_admin,
            "is_instructor": actor.is_instructor, "is_self": target == actor.user_id})).first()
        if row is None:
            raise NotFound()
        status, is_free, title, description, first_name, last_name, email, teaches, allowed = row
        enrollment_id = await _insert_enrollment(session, course_id, target, now) if allowed else None
    if enrollment_id is None:
        raise _refusal(actor, target, status, is_free, teaches)
    return NewEnrollment(id=enrollment_id, user_id=target, user_name=full_name(first_name or "", last_name or "",
                                                                                email or "", target),
                         course_id=course_id, course_title=title, course_description=description, enrolled_at=now)


@dataclasses.dataclass
class BulkResult:
    created: int
    already_enrolled: int


async def bulk_enroll(session: AsyncSession, call: Call, course_id: int, user_ids: list[str]) -> BulkResult:
    """INSERT ... ON CONFLICT DO NOTHING in batches of 1,000 users, one counter update, one event per user."""
    call.require_staff()
    course = await visible_course(session, call.actor, course_id)
    await require_course_staff(session, call.actor, course.id)
    unique_ids = list(dict.fromkeys(u.strip() for u in user_ids))
    if not unique_ids:
        raise ValidationError({"user_ids": ["This list may not be empty."]})
    if len(unique_ids) > MAX_BULK_USERS:
        raise ValidationError({"user_ids": [f"Ensure this field has no more than {MAX_BULK_USERS} elements."]})
    for user_id in unique_ids:
        _check_user_id(user_id, "user_ids")
    created = await _insert_enrollments(session, call.tenant_id, course.id, unique_ids)
    await _adjust_counter(session, course.id, len(created))
    emit_each(session, ENROLLMENT_CREATED,
              [(rooms.user_room(u), {"course_id": course.id, "user_id": u}) for u in created])
    return BulkResult(created=len(created), already_enrolled=len(unique_ids) - len(created))


_BULK_USERS = func.unnest(cast(bindparam("users"), ARRAY(Text))).table_valued("user_id").render_derived(name="u")
# PostgreSQL: one statement for the whole list, the ids travel as one array parameter.
_INSERT_MANY = compiled_once(
    postgresql.insert(_ENROLLMENTS)
    .from_select(["tenant_id", "course_id", "user_id", "enrolled_at", "is_active"],
                 select(_TENANT, bindparam("course", type_=Integer), _BULK_USERS.c.user_id,
                        bindparam("now", type_=_ENROLLMENTS.c.enrolled_at.type), true()))
    .on_conflict_do_nothing(index_elements=[_ENROLLMENTS.c.course_id, _ENROLLMENTS.c.user_id])
    .returning(_ENROLLMENTS.c.user_id))


async def _insert_enrollments(session: AsyncSession, tenant_id: str, course_id: int, user_ids: list[str]) -> list[str]:
    """Inserts the missing enrollments; returns the users newly enrolled (duplicates are skipped)."""
    now = utcnow()
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        result = await tenant_execute(session, _INSERT_MANY, {"course": course_id, "now": now, "users": user_ids})
        return list(result.scalars())
    # SQLite: a Core executemany, sent as multi-row INSERTs of up to 1,000 rows ("insertmanyvalues") from one
    # statement, an order of magnitude faster than compiling one huge VALUES list.
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
        await require_course_staff(session, call.actor, enrollment.course_id)
    return enrollment


async def set_active(session: AsyncSession, call: Call, enrollment_id: int, active: bool) -> Enrollment:
    """Deactivation keeps the row and its history; the user loses access until reactivated."""
    call.require_staff()
    enrollment = await session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound()
    await require_course_staff(session, call.actor, enrollment.course_id)
    if enrollment.is_active != active:
        enrollment.is_active = active
        await _adjust_counter(session, enrollment.course_id, 1 if active else -1)
        emit(session, ENROLLMENT_ACTIVATED if active else ENROLLMENT_DEACTIVATED,
             rooms.learner_rooms(enrollment.user_id, enrollment.course_id),
             {"course_id": enrollment.course_id, "user_id": enrollment.user_id, "enrollment_id": enrollment.id})
        await session.flush()
    return enrollment


async def active_enrollment(session: AsyncSession, course_id: int, user_id: str) -> Enrollment | None:
    return await session.scalar(select(Enrollment).where(
        Enrollment.course_id == course_id, Enrollment.user_id == user_id, Enrollment.is_active.is_(True)))


async def course_enrollments(session: AsyncSession, call: Call, course_id: int, page: PageRequest,
                             is_active: bool | None, completed: bool | None):
    call.require_staff()
    course = await visible_course(session, call.actor, course_id)
    await require_course_staff(session, call.actor, course.id)
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
    course = await visible_course(session, call.actor, module.course_id)
    if not is_published_content(course.status, module.is_published, lesson.is_published):
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
    learner = rooms.learner_rooms(caller.user_id, course.id)
    emit(session, LESSON_COMPLETED, learner, {"course_id": course.id, "lesson_id": lesson.id,
                                              "user_id": caller.user_id})
    emit(session, PROGRESS_UPDATED, learner, {"course_id": course.id, "user_id": caller.user_id,
                                              "progress": figures.percent, "completed_lessons": figures.completed,
                                              "total_lessons": figures.total})
    course_completed = figures.total > 0 and figures.completed >= figures.total and enrollment.completed_at is None
    if course_completed:
        enrollment.completed_at = now
        emit(session, COURSE_COMPLETED, learner, {"course_id": course.id, "user_id": caller.user_id,
                                                  "enrollment_id": enrollment.id})
    await session.flush()
    if enrollment.completed_at is not None:
        await hooks.progress_changed.fire(session, call, enrollment)
    return CompletionResult(created=True, figures=figures, course_completed=course_completed)


async def progress_report(session: AsyncSession, call: Call, course_id: int | None, user_id: str):
    caller = call.require_user()
    if course_id is None:
        raise ValidationError({"course": ["This field is required."]})
    target = user_id.strip() or caller.user_id
    course = await visible_course(session, call.actor, course_id)
    if target != caller.user_id:
        if not caller.is_staff:
            raise PermissionDenied()
        await require_course_staff(session, call.actor, course.id)
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
            enrollment_id = await _insert_enrollment(session, course_id, user_id, now)
            if enrollment_id is None:
                continue  # made meanwhile by a concurrent request
            made[course_id] = enrollment_id
        elif not enrollment.is_active:
            enrollment.is_active = True
            await _adjust_counter(session, course_id, 1)
            emit(session, ENROLLMENT_ACTIVATED, rooms.learner_rooms(user_id, course_id),
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
        emit(session, ENROLLMENT_DEACTIVATED, rooms.learner_rooms(enrollment.user_id, enrollment.course_id),
             {"course_id": enrollment.course_id, "user_id": enrollment.user_id, "enrollment_id": enrollment.id})
    await session.flush()

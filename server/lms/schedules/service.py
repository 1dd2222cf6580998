"""Schedule rules: who sees and changes sessions, registration under a capacity, attendance, calendar feeds.

- Sessions of no course are for everyone of the tenant; a course's sessions for its learners and staff
  (`lms.courses.policy.may_learn_clause`). Others' and other tenants' sessions are 404.
- The tenant's staff create sessions of no course; a course's staff (its instructors, admins) its sessions,
  and change, cancel and delete them and mark attendance.
- Registration takes a place by the conditional `UPDATE schedules SET attendee_count = attendee_count + 1
  WHERE id = :id AND attendee_count < max_attendees` (a row lock on PostgreSQL, the write lock on SQLite),
  so `max_attendees` holds under any concurrency. Attendance counts toward nothing else.
- Cancelling, moving or deleting a session tells each registered attendee in their own room
  (`schedule.cancelled` / `schedule.updated` events with a readable `message`).
"""
from __future__ import annotations

import dataclasses
import hashlib
import secrets
from datetime import datetime, timedelta, timezone, tzinfo

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses import policy
from lms.courses.public import Course
from lms.platform.actor import Actor
from lms.platform.capacity import give_back_place, holds_after_change, take_place
from lms.platform.db import dialect_insert
from lms.platform.auth import is_valid_tenant
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.rooms import user_room
from lms.platform.events import SCHEDULE_CANCELLED, SCHEDULE_UPDATED, emit_each
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import DateTime, Field, Fields, Int, Str, Url
from lms.schedules import recurrence
from lms.schedules.models import CalendarFeedToken, Schedule, ScheduleAttendance, ScheduleRegistration

FULL = "This session is full."
CANCELLED = "This session was cancelled."
OVER = "This session is over."
ALREADY_REGISTERED = "You are already registered for this session."
NOT_REGISTERED = "You are not registered for this session."
UPCOMING_DAYS, MAX_UPCOMING_DAYS = 90, 366


class NullableId(Field):
    """A positive integer id, or null."""

    def __init__(self, **kw):
        kw.setdefault("allow_null", True)
        kw.setdefault("default", None)
        super().__init__(**kw)

    def convert(self, value):
        return Int(min_value=1, max_value=2**31 - 1).convert(value)


class ZoneName(Str):
    def convert(self, value):
        try:
            return recurrence.zone_name(recurrence.zone(super().convert(value)))
        except ValidationError as exc:
            raise ValidationError([recurrence.UNKNOWN_ZONE]) from exc


class Rule(Str):
    def convert(self, value):
        return recurrence.normalise_rule(super().convert(value))


SCHEDULE_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    description=Str(allow_blank=True),
    scheduled_date=DateTime(required=True),
    duration=Int(min_value=1, max_value=24 * 60, required=True),
    location=Str(max_length=200, allow_blank=True),
    max_attendees=Int(min_value=1, max_value=100_000, default=100),
    course=NullableId(),
    meeting_url=Url(allow_blank=True),
    recurrence=Rule(max_length=500, allow_blank=True),
    timezone=ZoneName(max_length=64, default="UTC"),
)


@dataclasses.dataclass
class ScheduleView:
    schedule: Schedule
    is_registered: bool
    start: datetime  # this occurrence's start (the series start outside upcoming lists)


def rule_of(s: Schedule):
    """The session's recurrence (validated when stored)."""
    return recurrence.parse_rule(s.recurrence, s.scheduled_date, recurrence.zone(s.timezone)) if s.recurrence \
        else None


# Visibility and rights ---------------------------------------------------------------------------------

def visible_clause(actor: Actor):
    if actor.is_staff:
        return Schedule.id.is_not(None)
    return or_(Schedule.course_id.is_(None),
               exists().where(Course.id == Schedule.course_id, policy.may_learn_clause(actor, Course)))


async def _visible(session: AsyncSession, actor: Actor, schedule_id: int, *, lock: bool = False) -> Schedule:
    if actor.user_id is None:
        raise PermissionDenied()
    query = select(Schedule).where(Schedule.id == schedule_id, visible_clause(actor))
    if lock:
        query = query.with_for_update()
    schedule = await session.scalar(query)
    if schedule is None:
        raise NotFound()
    return schedule


async def may_change(session: AsyncSession, actor: Actor, schedule: Schedule) -> bool:
    if schedule.course_id is None:
        return actor.is_staff
    return await policy.is_course_staff(session, actor, schedule.course_id)


async def _for_change(session: AsyncSession, actor: Actor, schedule_id: int) -> Schedule:
    schedule = await _visible(session, actor, schedule_id)
    if not await may_change(session, actor, schedule):
        raise PermissionDenied()
    return schedule


async def _check_course(session: AsyncSession, actor: Actor, course_id: int | None) -> None:
    """Sessions of no course: the tenant's staff; of a course: its staff (an invisible course is an invalid pk)."""
    if course_id is None:
        if not actor.is_staff:
            raise PermissionDenied()
        return
    try:
        await policy.course_for_change(session, actor, course_id)
    except NotFound:
        raise ValidationError({"course": [f'Invalid pk "{course_id}" - object does not exist.']}) from None


def _apply(schedule: Schedule, values: dict) -> None:
    """Sets the values and re-derives the recurrence's end; 400 when the rule does not fit the start."""
    course = values.pop("course", schedule.course_id)
    for name, value in values.items():
        setattr(schedule, name, value)
    schedule.course_id = course
    rule = recurrence.parse_rule(schedule.recurrence, schedule.scheduled_date, recurrence.zone(schedule.timezone))
    schedule.series_end = recurrence.series_end(rule, schedule.recurrence, schedule.scheduled_date, schedule.duration)


async def _registered(session: AsyncSession, actor: Actor, ids: list[int]) -> set[int]:
    if not ids or actor.user_id is None:
        return set()
    return set(await session.scalars(select(ScheduleRegistration.schedule_id).where(
        ScheduleRegistration.schedule_id.in_(ids), ScheduleRegistration.user_id == actor.user_id)))


async def _view(session: AsyncSession, actor: Actor, schedule: Schedule) -> ScheduleView:
    return ScheduleView(schedule, schedule.id in await _registered(session, actor, [schedule.id]),
                        schedule.scheduled_date)


# Sessions ------------------------------------------------------------------------------------------------

async def list_schedules(session: AsyncSession, actor: Actor, page: PageRequest, *, course: int | None,
                         date_from: str | None, date_to: str | None,
                         display: tzinfo) -> tuple[list[ScheduleView], int]:
    if actor.user_id is None:
        raise PermissionDenied()
    where = [visible_clause(actor)]
    if course is not None:
        where.append(Schedule.course_id == course)
    if date_from:
        low = recurrence.parse_moment(date_from, "date_from", display)
        where.append(or_(Schedule.series_end.is_(None), Schedule.series_end >= low))
    if date_to:
        high = recurrence.parse_moment(date_to, "date_to", display, end_of_day=True)
        where.append(Schedule.scheduled_date <= high)
    total = await session.scalar(select(func.count()).select_from(Schedule).where(*where))
    rows = list(await session.scalars(select(Schedule).where(*where).order_by(Schedule.scheduled_date, Schedule.id)
                                      .offset(page.offset).limit(page.size)))
    registered = await _registered(session, actor, [s.id for s in rows])
    return [ScheduleView(s, s.id in registered, s.scheduled_date) for s in rows], int(total or 0)


async def upcoming(session: AsyncSession, actor: Actor, page: PageRequest, *, course: int | None,
                   days: int | None) -> tuple[list[ScheduleView], int]:
    """Future occurrences (start >= now) within `days`, soonest first; recurring sessions expanded."""
    if actor.user_id is None:
        raise PermissionDenied()
    if days is not None and not 1 <= days <= MAX_UPCOMING_DAYS:
        raise ValidationError({"days": [f"Ensure this value is between 1 and {MAX_UPCOMING_DAYS}."]})
    now = utcnow()
    horizon = now + timedelta(days=days or UPCOMING_DAYS)
    where = [visible_clause(actor), Schedule.is_cancelled.is_(False), Schedule.scheduled_date <= horizon,
             or_(Schedule.series_end.is_(None), Schedule.series_end >= now)]
    if course is not None:
        where.append(Schedule.course_id == course)
    series = list(await session.scalars(select(Schedule).where(*where)))
    found = [(start, s) for s in series for start in recurrence.occurrences(rule_of(s), s.scheduled_date, now,
                                                                             horizon)]
    found.sort(key=lambda item: (item[0], item[1].id))
    chosen = found[page.offset:page.offset + page.size]
    registered = await _registered(session, actor, list({s.id for _, s in chosen}))
    return [ScheduleView(s, s.id in registered, start) for start, s in chosen], len(found)


async def create_schedule(session: AsyncSession, actor: Actor, data: dict) -> ScheduleView:
    # Only staff may ever create a session (of no course: the tenant's staff; of a course: its staff), so a
    # student is refused before the body is validated, as DRF checks permissions first (issue 22).
    if actor.user_id is None or not actor.is_staff:
        raise PermissionDenied()
    values = SCHEDULE_FIELDS.validate(data)
    await _check_course(session, actor, values["course"])
    schedule = Schedule(created_by=actor.user_id, attendee_count=0, is_cancelled=False)
    _apply(schedule, values)
    session.add(schedule)
    await session.flush()
    return ScheduleView(schedule, False, schedule.scheduled_date)


async def get_schedule(session: AsyncSession, actor: Actor, schedule_id: int) -> ScheduleView:
    return await _view(session, actor, await _visible(session, actor, schedule_id))


async def change_schedule(session: AsyncSession, actor: Actor, schedule_id: int, data: dict, *,
                          partial: bool) -> ScheduleView:
    schedule = await _for_change(session, actor, schedule_id)
    values = SCHEDULE_FIELDS.validate(data, partial=partial)
    if values.get("course", schedule.course_id) != schedule.course_id:
        raise ValidationError({"course": ["The course of a session cannot be changed."]})
    before = (schedule.scheduled_date, schedule.duration, schedule.recurrence, schedule.timezone,
              schedule.location, schedule.meeting_url)
    _apply(schedule, values)
    if schedule.max_attendees < schedule.attendee_count:
        raise ValidationError({"max_attendees": [
            f"Ensure this value is greater than or equal to the number registered ({schedule.attendee_count})."]})
    await session.flush()
    if "max_attendees" in values:
        # A concurrent registration may have taken a place since the row was read: check under the row lock.
        if not await holds_after_change(session, Schedule.attendee_count, Schedule.max_attendees, schedule.id):
            raise ValidationError({"max_attendees": ["Ensure this value is greater than or equal to the number "
                                                     "registered."]})
    after = (schedule.scheduled_date, schedule.duration, schedule.recurrence, schedule.timezone,
             schedule.location, schedule.meeting_url)
    if after != before:
        when = recurrence.local_text(schedule.scheduled_date, recurrence.zone(schedule.timezone))
        await _tell_attendees(session, schedule, SCHEDULE_UPDATED,
                              f'The session "{schedule.title}" changed: it now starts {when}.')
    return await _view(session, actor, schedule)


async def cancel_schedule(session: AsyncSession, actor: Actor, schedule_id: int) -> ScheduleView:
    schedule = await _for_change(session, actor, schedule_id)
    if schedule.is_cancelled:
        raise ValidationError(CANCELLED)
    schedule.is_cancelled = True
    await session.flush()
    await _tell_attendees(session, schedule, SCHEDULE_CANCELLED, f'The session "{schedule.title}" was cancelled.')
    return await _view(session, actor, schedule)


async def delete_schedule(session: AsyncSession, actor: Actor, schedule_id: int) -> None:
    schedule = await _for_change(session, actor, schedule_id)
    if not schedule.is_cancelled:
        await _tell_attendees(session, schedule, SCHEDULE_CANCELLED, f'The session "{schedule.title}" was cancelled.')
    for table in (ScheduleAttendance, ScheduleRegistration):
        await session.execute(delete(table).where(table.schedule_id == schedule_id))
    await session.execute(delete(Schedule).where(Schedule.id == schedule_id))


async def _tell_attendees(session: AsyncSession, schedule: Schedule, event_type: str, message: str) -> None:
    users = list(await session.scalars(select(ScheduleRegistration.user_id).where(
        ScheduleRegistration.schedule_id == schedule.id)))
    data = {"schedule_id": schedule.id, "title": schedule.title, "message": message,
            "scheduled_date": schedule.scheduled_date.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
            "is_cancelled": schedule.is_cancelled}
    emit_each(session, event_type, [(user_room(user), data) for user in users])


# Registration -------------------------------------------------------------------------------------------

async def register(session: AsyncSession, actor: Actor, schedule_id: int) -> ScheduleRegistration:
    schedule = await _visible(session, actor, schedule_id)
    if schedule.is_cancelled:
        raise ValidationError(CANCELLED)
    if schedule.series_end is not None and schedule.series_end < utcnow():
        raise ValidationError(OVER)
    if await take_place(session, Schedule.attendee_count, Schedule.max_attendees, schedule.id) is None:
        raise ValidationError(FULL)
    now = utcnow()
    inserted = await session.scalar(
        dialect_insert(session, ScheduleRegistration).values(
            tenant_id=schedule.tenant_id, schedule_id=schedule.id, user_id=actor.user_id, registered_at=now)
        .on_conflict_do_nothing(index_elements=["schedule_id", "user_id"]).returning(ScheduleRegistration.id))
    if inserted is None:
        raise ValidationError(ALREADY_REGISTERED)  # the transaction rolls back the place taken
    return ScheduleRegistration(id=inserted, schedule_id=schedule.id, user_id=actor.user_id, registered_at=now)


async def unregister(session: AsyncSession, actor: Actor, schedule_id: int) -> None:
    schedule = await _visible(session, actor, schedule_id)
    removed = await session.scalar(delete(ScheduleRegistration).where(
        ScheduleRegistration.schedule_id == schedule.id, ScheduleRegistration.user_id == actor.user_id)
        .returning(ScheduleRegistration.id))
    if removed is None:
        raise ValidationError(NOT_REGISTERED)
    await give_back_place(session, Schedule.attendee_count, schedule.id)


# Attendance ---------------------------------------------------------------------------------------------

def _occurrence(schedule: Schedule, raw: str | None, field: str) -> datetime:
    """The occurrence named by `raw` (ISO 8601; a one-off session's own start when left out)."""
    if not raw:
        if schedule.recurrence:
            raise ValidationError({field: ["This field is required for a recurring session."]})
        return schedule.scheduled_date
    moment = recurrence.parse_datetime(raw) if isinstance(raw, str) else None
    if moment is None or not recurrence.is_occurrence(rule_of(schedule), schedule.scheduled_date, moment):
        raise ValidationError({field: ["This is not an occurrence of the session."]})
    return moment


async def list_attendance(session: AsyncSession, actor: Actor, schedule_id: int, occurrence: str | None,
                          page: PageRequest) -> tuple[datetime, list[tuple], int]:
    """(occurrence, [(user_id, attended or None, marked_at or None)], total registered)."""
    schedule = await _for_change(session, actor, schedule_id)
    moment = _occurrence(schedule, occurrence, "occurrence")
    where = ScheduleRegistration.schedule_id == schedule.id
    total = await session.scalar(select(func.count()).select_from(ScheduleRegistration).where(where))
    rows = (await session.execute(
        select(ScheduleRegistration.user_id, ScheduleAttendance.attended, ScheduleAttendance.marked_at)
        .outerjoin(ScheduleAttendance, and_(ScheduleAttendance.schedule_id == ScheduleRegistration.schedule_id,
                                            ScheduleAttendance.user_id == ScheduleRegistration.user_id,
                                            ScheduleAttendance.occurrence == moment))
        .where(where).order_by(ScheduleRegistration.registered_at, ScheduleRegistration.id)
        .offset(page.offset).limit(page.size))).all()
    return moment, [tuple(r) for r in rows], int(total or 0)


def _records(value) -> list[tuple[str, bool]]:
    if not isinstance(value, list) or not value:
        raise ValidationError({"records": ['Expected a non-empty list of {"user_id", "attended"} items.']})
    if len(value) > 1000:
        raise ValidationError({"records": ["Ensure this field has no more than 1000 elements."]})
    records = {}
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("user_id"), str) or not item["user_id"] \
                or not isinstance(item.get("attended"), bool):
            raise ValidationError({"records": [
                'Each item needs "user_id" (a string) and "attended" (true or false).']})
        records[item["user_id"]] = item["attended"]
    return list(records.items())


async def mark_attendance(session: AsyncSession, actor: Actor, schedule_id: int,
                          data: dict) -> tuple[datetime, list[tuple]]:
    schedule = await _for_change(session, actor, schedule_id)
    moment = _occurrence(schedule, data.get("occurrence"), "occurrence")
    records = _records(data.get("records"))
    users = [u for u, _ in records]
    registered = set(await session.scalars(select(ScheduleRegistration.user_id).where(
        ScheduleRegistration.schedule_id == schedule.id, ScheduleRegistration.user_id.in_(users))))
    strangers = [u for u in users if u not in registered]
    if strangers:
        raise ValidationError({"records": [f'User "{strangers[0]}" is not registered for this session.']})
    now = utcnow()
    statement = dialect_insert(session, ScheduleAttendance).values([
        {"tenant_id": schedule.tenant_id, "schedule_id": schedule.id, "user_id": user, "occurrence": moment,
         "attended": attended, "marked_by": actor.user_id, "marked_at": now} for user, attended in records])
    await session.execute(statement.on_conflict_do_update(
        index_elements=["schedule_id", "user_id", "occurrence"],
        set_={"attended": statement.excluded.attended, "marked_by": statement.excluded.marked_by,
              "marked_at": statement.excluded.marked_at}))
    return moment, [(user, attended, now) for user, attended in records]


# Calendars ------------------------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def feed_of(session: AsyncSession, actor: Actor) -> CalendarFeedToken | None:
    if actor.user_id is None:
        raise PermissionDenied()
    return await session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == actor.user_id))


async def create_feed(session: AsyncSession, actor: Actor) -> tuple[str, CalendarFeedToken]:
    """A new secret token for the caller's feed (the previous one stops working); only its hash is stored."""
    await revoke_feed(session, actor)
    # The tenant travels in the token (`<tenant>~<secret>`; "~" is in neither alphabet), so the feed route,
    # which has no other credential, opens a session of that tenant only.
    token = f"{actor.tenant_id}{FEED_TENANT_SEPARATOR}{secrets.token_urlsafe(32)}"
    row = CalendarFeedToken(user_id=actor.user_id, token_hash=_hash(token), created_at=utcnow())
    session.add(row)
    await session.flush()
    return token, row


async def revoke_feed(session: AsyncSession, actor: Actor) -> None:
    if actor.user_id is None:
        raise PermissionDenied()
    await session.execute(delete(CalendarFeedToken).where(CalendarFeedToken.user_id == actor.user_id))
    await session.flush()


FEED_TENANT_SEPARATOR = "~"


def feed_tenant(token: str) -> str:
    """The tenant a feed token names (404 for a token of no valid tenant)."""
    tenant, separator, secret = token.partition(FEED_TENANT_SEPARATOR)
    if not separator or not secret or not is_valid_tenant(tenant):
        raise NotFound()
    return tenant


async def feed_sessions(session: AsyncSession, token: str) -> tuple[CalendarFeedToken, list[Schedule]]:
    """The feed's owner and the sessions they registered for (not ended more than 30 days ago).

    `session` is scoped to the token's tenant (`feed_tenant`); every query names it as well."""
    if not token or len(token) > 200:
        raise NotFound()
    feed = await session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.token_hash == _hash(token)))
    if feed is None:
        raise NotFound()
    since = utcnow() - timedelta(days=30)
    schedules = list(await session.scalars(
        select(Schedule).join(ScheduleRegistration, and_(ScheduleRegistration.schedule_id == Schedule.id,
                                                         ScheduleRegistration.tenant_id == feed.tenant_id))
        .where(Schedule.tenant_id == feed.tenant_id, ScheduleRegistration.user_id == feed.user_id,
               or_(Schedule.series_end.is_(None), Schedule.series_end >= since))
        .order_by(Schedule.scheduled_date, Schedule.id).limit(1000)))
    return feed, schedules

"""gRPC servicer of schedules: request in, service call, message out."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from google.api import httpbody_pb2
from google.protobuf import empty_pb2

from lms.platform.context import Call
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, nullable_timestamp, null, timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present
from lms.schedules import calendar, recurrence, service
from lms.schedules.v1 import schedules_pb2, schedules_pb2_grpc
from lms.users.public import display_names
from google.protobuf import struct_pb2


def _display(request, field: str = "tz"):
    return recurrence.zone(getattr(request, field), field) if request.HasField(field) else None


def schedule_message(view: service.ScheduleView, display=None) -> schedules_pb2.Schedule:
    s = view.schedule
    where = display or recurrence.zone(s.timezone)
    end = view.start + timedelta(minutes=s.duration)
    return schedules_pb2.Schedule(
        id=s.id, title=s.title, description=s.description, scheduled_date=timestamp(view.start),
        end_date=timestamp(end), duration=s.duration, location=s.location, meeting_url=s.meeting_url,
        max_attendees=s.max_attendees, attendee_count=s.attendee_count, course=nullable_number(s.course_id),
        recurrence=s.recurrence, timezone=s.timezone, local_scheduled_date=recurrence.local_text(view.start, where),
        local_end_date=recurrence.local_text(end, where), display_timezone=recurrence.zone_name(where),
        series_start=timestamp(s.scheduled_date), series_end=nullable_timestamp(s.series_end),
        is_cancelled=s.is_cancelled, is_registered=view.is_registered, created_by=s.created_by,
        created_at=timestamp(s.created_at), updated_at=timestamp(s.updated_at))


def _attendance(user_id, name, attended, occurrence, marked_at) -> schedules_pb2.AttendanceRecord:
    return schedules_pb2.AttendanceRecord(
        user_id=user_id, user_name=name,
        attended=null() if attended is None else struct_pb2.Value(bool_value=attended),
        occurrence=timestamp(occurrence), marked_at=nullable_timestamp(marked_at))


def _ics(call: Call, data: bytes, filename: str) -> httpbody_pb2.HttpBody:
    call.add_response_headers([("content-disposition", f'attachment; filename="{filename}"'),
                               ("cache-control", "private, max-age=300")])
    return httpbody_pb2.HttpBody(content_type=calendar.CONTENT_TYPE, data=data)


def _domain(call: Call, tenant_id: str) -> str:
    return f"{tenant_id}.{urlsplit(call.runtime.settings.public_url).hostname or 'lms'}"


class ScheduleServicer(schedules_pb2_grpc.ScheduleServiceServicer):
    @rpc
    async def ListSchedules(self, request, call):
        page = PageRequest.from_request(request)
        display = _display(request)
        views, total = await service.list_schedules(
            await call.session(), call.actor, page, course=request.course if request.HasField("course") else None,
            date_from=request.date_from if request.HasField("date_from") else None,
            date_to=request.date_to if request.HasField("date_to") else None,
            display=display or recurrence.zone("UTC"))
        return schedules_pb2.ListSchedulesResponse(**page_envelope(call, request, page, total),
                                                   results=[schedule_message(v, display) for v in views])

    @rpc
    async def ListUpcomingSchedules(self, request, call):
        page = PageRequest.from_request(request)
        display = _display(request)
        views, total = await service.upcoming(
            await call.session(), call.actor, page, course=request.course if request.HasField("course") else None,
            days=request.days if request.HasField("days") else None)
        return schedules_pb2.ListSchedulesResponse(**page_envelope(call, request, page, total),
                                                   results=[schedule_message(v, display) for v in views])

    @rpc
    async def CreateSchedule(self, request, call):
        call.require_user()
        return schedule_message(await service.create_schedule(await call.session(), call.actor,
                                                              present(request.schedule)))

    @rpc
    async def GetSchedule(self, request, call):
        display = _display(request)
        return schedule_message(await service.get_schedule(await call.session(), call.actor, request.schedule_id),
                                display)

    @rpc
    async def ReplaceSchedule(self, request, call):
        return schedule_message(await service.change_schedule(
            await call.session(), call.actor, request.schedule_id, present(request.schedule), partial=False))

    @rpc
    async def UpdateSchedule(self, request, call):
        return schedule_message(await service.change_schedule(
            await call.session(), call.actor, request.schedule_id, present(request.schedule), partial=True))

    @rpc
    async def DeleteSchedule(self, request, call):
        await service.delete_schedule(await call.session(), call.actor, request.schedule_id)
        return empty_pb2.Empty()

    @rpc
    async def CancelSchedule(self, request, call):
        return schedule_message(await service.cancel_schedule(await call.session(), call.actor, request.schedule_id))

    @rpc
    async def RegisterForSchedule(self, request, call):
        session = await call.session()
        registration = await service.register(session, call.actor, request.schedule_id)
        names = await display_names(session, [registration.user_id])
        return schedules_pb2.Registration(schedule=registration.schedule_id, user_id=registration.user_id,
                                          user_name=names[registration.user_id],
                                          registered_at=timestamp(registration.registered_at))

    @rpc
    async def UnregisterFromSchedule(self, request, call):
        await service.unregister(await call.session(), call.actor, request.schedule_id)
        return empty_pb2.Empty()

    @rpc
    async def ListAttendance(self, request, call):
        session = await call.session()
        page = PageRequest.from_request(request)
        moment, rows, total = await service.list_attendance(
            session, call.actor, request.schedule_id,
            request.occurrence if request.HasField("occurrence") else None, page)
        names = await display_names(session, [r[0] for r in rows])
        return schedules_pb2.ListAttendanceResponse(
            **page_envelope(call, request, page, total),
            results=[_attendance(u, names[u], attended, moment, marked) for u, attended, marked in rows])

    @rpc
    async def MarkAttendance(self, request, call):
        session = await call.session()
        moment, rows = await service.mark_attendance(session, call.actor, request.schedule_id,
                                                     present(request.attendance))
        names = await display_names(session, [r[0] for r in rows])
        return schedules_pb2.MarkAttendanceResponse(
            records=[_attendance(u, names[u], attended, moment, marked) for u, attended, marked in rows])

    @rpc
    async def GetScheduleCalendar(self, request, call):
        display = _display(request)
        view = await service.get_schedule(await call.session(), call.actor, request.schedule_id)
        data = calendar.calendar([view.schedule], name=view.schedule.title, domain=_domain(call, call.tenant_id),
                                 display=display)
        return _ics(call, data, f"schedule-{view.schedule.id}.ics")

    @rpc
    async def GetCalendarFeed(self, request, call):
        feed = await service.feed_of(await call.session(), call.actor)
        return schedules_pb2.CalendarFeed(active=feed is not None,
                                          created_at=nullable_timestamp(feed.created_at if feed else None))

    @rpc
    async def CreateCalendarFeed(self, request, call):
        token, feed = await service.create_feed(await call.session(), call.actor)
        return schedules_pb2.CalendarFeed(active=True, url=call.absolute_url(f"/api/lms/schedule/calendar/{token}"),
                                          created_at=nullable_timestamp(feed.created_at))

    @rpc
    async def RevokeCalendarFeed(self, request, call):
        await service.revoke_feed(await call.session(), call.actor)
        return empty_pb2.Empty()

    @rpc
    async def GetFeedCalendar(self, request, call):
        display = _display(request)
        # The token is the credential (calendar apps send no JWT or tenant header): it names its tenant, which the
        # call adopts before its unit of work begins (a call with a tenant of its own keeps it: then a token of
        # another tenant is simply not found).
        call.adopt_tenant(service.feed_tenant(request.token))
        feed, schedules = await service.feed_sessions(await call.session(), request.token)
        data = calendar.calendar(schedules, name="My sessions", domain=_domain(call, feed.tenant_id), display=display)
        return _ics(call, data, "sessions.ics")

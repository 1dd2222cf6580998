"""Registration under a capacity (also concurrent), attendance, live notices and the personal calendar feed."""
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from icalendar import Calendar

from lms.schedules.v1 import schedules_pb2, schedules_pb2_grpc
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error
from tests.realtime.client import clients
from tests.schedules.helpers import URL, future, iso, make_schedule, weekly_across_dst


def test_fifty_simultaneous_registrations_fill_exactly_the_places(tenant):
    admin = tenant.admin()
    session = make_schedule(admin, max_attendees=10)
    students = [tenant.student() for _ in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda s: s.post(f"{URL}{session['id']}/register/"), students))
    assert sorted(r.status_code for r in responses) == [201] * 10 + [400] * 40
    assert all(r.json() == {"non_field_errors": ["This session is full."]} for r in responses if r.status_code == 400)
    assert admin.get(f"{URL}{session['id']}/").json()["attendee_count"] == 10
    attendance = admin.get(f"{URL}{session['id']}/attendance/", params={"page_size": 100}).json()
    registered = {r.json()["user_id"] for r in responses if r.status_code == 201}
    assert attendance["count"] == 10 and {a["user_id"] for a in attendance["results"]} == registered

    # Unregistering frees a place; registering twice is a 400.
    first = next(s for s in students if s.user_id in registered)
    assert_error(first.post(f"{URL}{session['id']}/register/"), 400, fields=["non_field_errors"])
    assert first.post(f"{URL}{session['id']}/unregister").status_code == 204
    assert_error(first.post(f"{URL}{session['id']}/unregister/"), 400,
                 {"non_field_errors": ["You are not registered for this session."]})
    assert first.get(f"{URL}{session['id']}/").json()["is_registered"] is False
    assert first.post(f"{URL}{session['id']}/register/").status_code == 201


def test_staff_mark_attendance_per_occurrence(tenant):
    admin, alice, bob = tenant.admin(), tenant.student(first_name="Alice"), tenant.student()
    start, starts = weekly_across_dst()
    series = make_schedule(admin, scheduled_date=iso(start), recurrence="FREQ=WEEKLY;COUNT=4",
                           timezone="Europe/Berlin")
    url = f"{URL}{series['id']}/attendance/"
    for student in (alice, bob):
        assert student.post(f"{URL}{series['id']}/register/").status_code == 201
    body = {"occurrence": iso(starts[2]), "records": [{"user_id": alice.user_id, "attended": True},
                                                      {"user_id": bob.user_id, "attended": False}]}
    assert_error(alice.post(url, body), 403, FORBIDDEN)
    assert_error(admin.post(url, {"records": body["records"]}), 400,
                 {"occurrence": ["This field is required for a recurring session."]})
    assert_error(admin.post(url, {**body, "occurrence": iso(starts[2].replace(hour=5))}), 400,
                 {"occurrence": ["This is not an occurrence of the session."]})
    assert_error(admin.post(url, {**body, "records": [{"user_id": "someone-else", "attended": True}]}), 400,
                 {"records": ['User "someone-else" is not registered for this session.']})
    assert_error(admin.post(url, {**body, "records": "all"}), 400, fields=["records"])
    marked = admin.post(url, body)
    assert marked.status_code == 200, marked.text
    assert [(r["user_id"], r["attended"], r["occurrence"]) for r in marked.json()["records"]] == [
        (alice.user_id, True, iso(starts[2])), (bob.user_id, False, iso(starts[2]))]
    # Marking again changes the record; another occurrence is still unmarked.
    admin.post(url, {"occurrence": iso(starts[2]), "records": [{"user_id": bob.user_id, "attended": True}]})
    listed = admin.get(url, params={"occurrence": iso(starts[2])}).json()
    assert [(r["user_name"], r["attended"]) for r in listed["results"]] == [("Alice", True), (bob.user_id, True)]
    other = admin.get(url, params={"occurrence": iso(starts[0])}).json()
    assert [r["attended"] for r in other["results"]] == [None, None]
    assert all(r["marked_at"] is None for r in other["results"])
    assert_error(alice.get(url, params={"occurrence": iso(starts[0])}), 403, FORBIDDEN)


async def test_attendees_are_told_when_a_session_moves_or_is_cancelled(tenant, stack):
    admin, attendee, bystander = tenant.admin(), tenant.student(), tenant.student()
    session = make_schedule(admin, title="Office hours")
    assert attendee.post(f"{URL}{session['id']}/register/").status_code == 201
    async with clients(stack, attendee, bystander) as (c_attendee, c_bystander):
        moved = admin.patch(f"{URL}{session['id']}/", {"scheduled_date": iso(future(8))})
        assert moved.status_code == 200
        (event,) = await c_attendee.events(1)
        assert event["type"] == "schedule.updated" and event["room"] == f"user_{attendee.user_id}"
        assert event["data"]["message"].startswith('The session "Office hours" changed')
        assert admin.post(f"{URL}{session['id']}/cancel/").status_code == 200
        (event,) = await c_attendee.events(1)
        assert event["type"] == "schedule.cancelled"
        assert event["data"] == {"schedule_id": session["id"], "title": "Office hours",
                                 "message": 'The session "Office hours" was cancelled.',
                                 "scheduled_date": iso(future(8)), "is_cancelled": True}
        await c_bystander.send(type="ping")
        assert (await c_bystander.recv())["type"] == "pong"  # nothing reached the bystander before


def test_personal_feed_at_a_revocable_secret_url(tenant, other_tenant, stack):
    admin, student = tenant.admin(), tenant.student()
    mine = make_schedule(admin, title="Registered")
    make_schedule(admin, title="Not registered")
    assert student.post(f"{URL}{mine['id']}/register/").status_code == 201
    assert student.get("/api/lms/schedule/feed/").json() == {"active": False, "url": "", "created_at": None}
    created = student.post("/api/lms/schedule/feed/")
    assert created.status_code == 201
    feed = created.json()
    assert feed["active"] is True and feed["url"].startswith(stack.edge_url + "/api/lms/schedule/calendar/")
    assert student.get("/api/lms/schedule/feed").json()["url"] == ""  # shown once

    # A calendar app fetches it without any token or tenant header.
    app = stack.client()
    path = feed["url"].removeprefix(stack.edge_url)
    response = app.get(path)
    assert response.status_code == 200, response.text
    cal = Calendar.from_ical(response.content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["Registered"]
    assert app.get(path + "/").status_code == 200
    # The token names its tenant: under another tenant's header it is not found; a wrong token is 404.
    assert_error(stack.client(tenant=other_tenant.id).get(path), 404, NOT_FOUND)
    assert_error(app.get("/api/lms/schedule/calendar/not-a-token/"), 404, NOT_FOUND)

    # A new URL revokes the old one; revoking leaves none.
    again = student.post("/api/lms/schedule/feed/").json()
    assert_error(app.get(path), 404, NOT_FOUND)
    new_path = again["url"].removeprefix(stack.edge_url)
    assert app.get(new_path).status_code == 200
    assert student.delete("/api/lms/schedule/feed/").status_code == 204
    assert_error(app.get(new_path), 404, NOT_FOUND)


def test_schedules_over_grpc(tenant, stack):
    admin, student = tenant.admin(), tenant.student()
    start, starts = weekly_across_dst()
    with stack.channel() as channel:
        stub = schedules_pb2_grpc.ScheduleServiceStub(channel)
        created = stub.CreateSchedule(schedules_pb2.CreateScheduleRequest(schedule=schedules_pb2.ScheduleInput(
            title="Python Class Session", description="Live Q&A session for Python course",
            scheduled_date=iso(start), duration=60, location="Virtual", max_attendees=50,
            recurrence="FREQ=WEEKLY;COUNT=4", timezone="Europe/Berlin")), metadata=admin.metadata)
        assert created.course.WhichOneof("kind") == "null_value"
        registration = stub.RegisterForSchedule(schedules_pb2.RegisterForScheduleRequest(schedule_id=created.id),
                                                metadata=student.metadata)
        assert registration.user_id == student.user_id
        upcoming = stub.ListUpcomingSchedules(schedules_pb2.ListUpcomingSchedulesRequest(days=366),
                                              metadata=student.metadata)
        assert [r.scheduled_date.ToDatetime().replace(tzinfo=start.tzinfo) for r in upcoming.results] == starts
        ics = stub.GetScheduleCalendar(schedules_pb2.GetScheduleCalendarRequest(schedule_id=created.id),
                                       metadata=student.metadata)
        assert ics.content_type.startswith("text/calendar") and b"RRULE:FREQ=WEEKLY;COUNT=4" in ics.data
        with pytest.raises(grpc.RpcError) as denied:
            stub.CancelSchedule(schedules_pb2.CancelScheduleRequest(schedule_id=created.id),
                                metadata=student.metadata)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

"""Schedules through the edge: the document's body, visibility, filters, recurrence and time zones, calendars."""
from datetime import timedelta

from dateutil.rrule import rrulestr
from icalendar import Calendar

from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course
from tests.schedules.helpers import BERLIN, DOC_BODY, URL, future, iso, make_schedule, weekly_across_dst


def test_document_body_creates_a_session_the_tenant_sees(tenant, other_tenant):
    admin, student = tenant.admin(), tenant.student()
    response = admin.post("/api/lms/schedule/schedules", DOC_BODY)
    assert response.status_code == 201, response.text
    created = response.json()
    assert {k: created[k] for k in ("title", "description", "duration", "location", "max_attendees")} == {
        k: DOC_BODY[k] for k in ("title", "description", "duration", "location", "max_attendees")}
    assert created["scheduled_date"] == "2024-02-15T14:00:00Z" and created["end_date"] == "2024-02-15T15:00:00Z"
    assert created["course"] is None and created["recurrence"] == "" and created["timezone"] == "UTC"
    assert created["series_end"] == "2024-02-15T15:00:00Z" and created["attendee_count"] == 0
    assert created["local_scheduled_date"] == "2024-02-15T14:00:00+00:00"

    listed = student.get(URL).json()
    assert listed["count"] == 1 and [s["id"] for s in listed["results"]] == [created["id"]]
    seen = student.get(f"{URL}{created['id']}/", params={"tz": "Europe/Berlin"}).json()
    assert seen["local_scheduled_date"] == "2024-02-15T15:00:00+01:00" and seen["display_timezone"] == "Europe/Berlin"
    assert_error(student.get(f"{URL}{created['id']}/", params={"tz": "Mars/Base"}), 400, fields=["tz"])

    # Students do not create; anonymous callers and other tenants see nothing.
    assert_error(student.post(URL, DOC_BODY), 403, FORBIDDEN)
    assert_error(student.post(URL, {}), 403, FORBIDDEN)  # permission before validation (issue 22's matrix)
    assert_error(tenant.anonymous().get(URL), 401, UNAUTHENTICATED)
    stranger = other_tenant.admin()
    assert stranger.get(URL).json()["count"] == 0
    for path in ("", "ics", "attendance/"):
        assert_error(stranger.get(f"{URL}{created['id']}/{path}"), 404, NOT_FOUND)
    assert_error(stranger.post(f"{URL}{created['id']}/register/"), 404, NOT_FOUND)
    assert_error(stranger.patch(f"{URL}{created['id']}/", {"title": "x"}), 404, NOT_FOUND)
    assert_error(stranger.delete(f"{URL}{created['id']}/"), 404, NOT_FOUND)


def test_bad_input_is_a_drf_400_that_changes_nothing(tenant):
    admin = tenant.admin()
    assert_error(admin.post(URL, {}), 400, {
        "title": ["This field is required."], "scheduled_date": ["This field is required."],
        "duration": ["This field is required."]})
    assert_error(admin.post(URL, {**DOC_BODY, "scheduled_date": "tomorrow", "duration": 0}), 400,
                 fields=["scheduled_date", "duration"])
    assert_error(admin.post(URL, {**DOC_BODY, "recurrence": "EVERY MONDAY"}), 400,
                 {"recurrence": ["Enter a valid iCalendar RRULE, such as FREQ=WEEKLY;COUNT=10."]})
    assert_error(admin.post(URL, {**DOC_BODY, "recurrence": "FREQ=MINUTELY"}), 400, fields=["recurrence"])
    assert_error(admin.post(URL, {**DOC_BODY, "recurrence": "FREQ=DAILY;COUNT=5000"}), 400, fields=["recurrence"])
    assert_error(admin.post(URL, {**DOC_BODY, "timezone": "Nowhere/City"}), 400,
                 {"timezone": ["Unknown time zone; use an IANA name such as Europe/Berlin."]})
    assert_error(admin.post(URL, {**DOC_BODY, "meeting_url": "not a url"}), 400, fields=["meeting_url"])
    assert_error(admin.get(URL, params={"date_from": "soon"}), 400, fields=["date_from"])
    assert admin.get(URL).json()["count"] == 0


def test_course_sessions_are_for_the_course_and_filters_apply(tenant):
    admin, teacher = tenant.admin(), tenant.instructor()
    course = make_course(teacher)  # its creator teaches it
    other_course = make_course(admin)
    learner, outsider = tenant.student(), tenant.student()
    enroll(learner, course["id"])
    early = make_schedule(teacher, title="Early", course=course["id"], scheduled_date=iso(future(3)))
    late = make_schedule(admin, title="Late", course=course["id"], scheduled_date=iso(future(20)))
    general = make_schedule(admin, title="General", scheduled_date=iso(future(10)))
    assert_error(teacher.post(URL, {**DOC_BODY, "course": other_course["id"]}), 403, FORBIDDEN)
    assert_error(learner.post(URL, {**DOC_BODY, "course": course["id"]}), 403, FORBIDDEN)

    assert [s["id"] for s in learner.get(URL).json()["results"]] == [early["id"], general["id"], late["id"]]
    assert [s["id"] for s in outsider.get(URL).json()["results"]] == [general["id"]]
    assert_error(outsider.get(f"{URL}{early['id']}/"), 404, NOT_FOUND)
    assert_error(outsider.post(f"{URL}{early['id']}/register/"), 404, NOT_FOUND)
    by_course = learner.get(URL, params={"course": course["id"]}).json()
    assert [s["id"] for s in by_course["results"]] == [early["id"], late["id"]]
    window = learner.get(URL, params={"date_from": iso(future(5)), "date_to": (future(15)).date().isoformat()})
    assert [s["id"] for s in window.json()["results"]] == [general["id"]]
    # The course's instructor changes its sessions; another instructor may not.
    assert teacher.patch(f"{URL}{late['id']}/", {"location": "Room 1"}).json()["location"] == "Room 1"
    assert_error(tenant.instructor().patch(f"{URL}{late['id']}/", {"location": "x"}), 403, FORBIDDEN)
    assert_error(learner.patch(f"{URL}{late['id']}/", {"location": "x"}), 403, FORBIDDEN)


def test_recurring_sessions_keep_their_wall_clock_across_daylight_saving(tenant):
    admin, student = tenant.admin(), tenant.student()
    start, starts = weekly_across_dst()
    series = make_schedule(admin, title="Weekly class", scheduled_date=iso(start), duration=90,
                           recurrence="RRULE:FREQ=WEEKLY;COUNT=4", timezone="Europe/Berlin")
    assert series["recurrence"] == "FREQ=WEEKLY;COUNT=4" and series["timezone"] == "Europe/Berlin"
    assert series["series_end"] == iso(starts[3] + timedelta(minutes=90))
    one_off = make_schedule(admin, title="One-off", scheduled_date=iso(starts[1] + timedelta(hours=1)))

    upcoming = student.get(f"{URL}upcoming/", params={"days": 366, "tz": "Europe/Berlin"}).json()
    mine = [s for s in upcoming["results"] if s["id"] == series["id"]]
    assert [s["scheduled_date"] for s in mine] == [iso(s) for s in starts]
    assert {s["local_scheduled_date"][11:19] for s in mine} == {"18:00:00"}
    assert [s["title"] for s in upcoming["results"]] == ["Weekly class"] * 2 + ["One-off"] + ["Weekly class"] * 2
    assert upcoming["count"] == 5 and all(s["series_start"] == iso(start) for s in mine)
    assert student.get(f"{URL}upcoming", params={"days": 366, "page_size": 2, "page": 3}).json()["count"] == 5

    # The .ics, parsed back with icalendar: DTSTART in the series' zone, its RRULE, and a VTIMEZONE.
    response = student.get(f"{URL}{series['id']}/ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    cal = Calendar.from_ical(response.content)
    assert [c.name for c in cal.walk("VTIMEZONE")] == ["VTIMEZONE"]
    (event,) = cal.walk("VEVENT")
    dtstart = event.decoded("dtstart")
    assert str(dtstart.tzinfo) == "Europe/Berlin" and (dtstart.hour, dtstart.minute) == (18, 0)
    assert event.decoded("dtend") - dtstart == timedelta(minutes=90)
    assert str(event["summary"]) == "Weekly class" and str(event["status"]) == "CONFIRMED"
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=dtstart)
    assert [o.astimezone(start.tzinfo) for o in rule] == starts

    # A one-off session is written in the zone asked for.
    single = Calendar.from_ical(student.get(f"{URL}{one_off['id']}/ics/", params={"tz": "Europe/Berlin"}).content)
    (only,) = single.walk("VEVENT")
    assert only.decoded("dtstart").tzinfo.key == "Europe/Berlin"
    assert iso(only.decoded("dtstart")) == one_off["scheduled_date"]
    assert only.decoded("dtstart").utcoffset() == starts[1].astimezone(BERLIN).utcoffset()


def test_changing_and_cancelling_sessions(tenant):
    admin, student = tenant.admin(), tenant.student()
    session = make_schedule(admin)
    url = f"{URL}{session['id']}/"
    assert_error(admin.put(url, {"title": "Only"}), 400, fields=["scheduled_date", "duration"])
    replaced = admin.put(url, {**DOC_BODY, "scheduled_date": iso(future(9)), "title": "Moved"}).json()
    assert replaced["title"] == "Moved" and replaced["scheduled_date"] == iso(future(9))
    assert_error(student.post(f"{url}cancel/"), 403, FORBIDDEN)
    cancelled = admin.post(f"{url}cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["is_cancelled"] is True
    assert_error(admin.post(f"{url}cancel"), 400, {"non_field_errors": ["This session was cancelled."]})
    assert_error(student.post(f"{url}register/"), 400, {"non_field_errors": ["This session was cancelled."]})
    assert all(s["id"] != session["id"] for s in student.get(f"{URL}upcoming/").json()["results"])
    assert admin.delete(url).status_code == 204
    assert_error(admin.get(url), 404, NOT_FOUND)


def test_documented_routes_are_in_the_openapi_document(tenant):
    paths = tenant.anonymous().get("/api/schema/").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/lms/schedule/schedules/"])
    assert "get" in paths["/api/lms/schedule/schedules/upcoming/"]
    assert "get" in paths["/api/lms/schedule/schedules/{schedule_id}/ics/"]
    assert "get" in paths["/api/lms/schedule/calendar/{token}/"]

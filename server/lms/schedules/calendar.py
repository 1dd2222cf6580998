"""iCalendar (RFC 5545) files of sessions, written with the `icalendar` library.

A one-off session is written in the zone the caller asks for (`tz`), else its own; a recurring one always in
its own zone with its RRULE, since the rule's wall-clock times (and so its daylight-saving behaviour) are
defined by that zone. `add_missing_timezones()` adds the VTIMEZONE definitions calendar apps need.
"""
from __future__ import annotations

from datetime import timedelta, timezone, tzinfo

from icalendar import Calendar, Event, vRecur

from lms.schedules.models import Schedule
from lms.schedules.recurrence import normalise_rule, zone

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//LMS//Schedules//EN"


def calendar(schedules: list[Schedule], *, name: str, domain: str, display: tzinfo | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for schedule in schedules:
        cal.add_component(_event(schedule, domain, display))
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(s: Schedule, domain: str, display: tzinfo | None) -> Event:
    rule = normalise_rule(s.recurrence)
    where = zone(s.timezone) if rule or display is None else display
    start = s.scheduled_date.astimezone(where)
    end = (s.scheduled_date + timedelta(minutes=s.duration)).astimezone(where)
    event = Event()
    event.add("uid", f"schedule-{s.id}@{domain}")
    event.add("summary", s.title)
    if s.description:
        event.add("description", s.description)
    if s.location:
        event.add("location", s.location)
    if s.meeting_url:
        event.add("url", s.meeting_url)
    event.add("dtstart", start)
    event.add("dtend", end)
    if rule:
        event.add("rrule", vRecur.from_ical(rule))
    event.add("dtstamp", s.updated_at.astimezone(timezone.utc))
    event.add("created", s.created_at.astimezone(timezone.utc))
    event.add("last-modified", s.updated_at.astimezone(timezone.utc))
    event.add("status", "CANCELLED" if s.is_cancelled else "CONFIRMED")
    return event

"""Recurrence, time zones and calendar files as plain functions (no transport, no database)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from lms.platform.errors import ValidationError
from lms.schedules import recurrence
from lms.schedules.calendar import calendar
from lms.schedules.models import Schedule

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekly_occurrences_keep_berlin_wall_clock_across_both_changes():
    start = at(2027, 3, 18, 17)  # 18:00 CET
    rule = recurrence.parse_rule("FREQ=WEEKLY;COUNT=4", start, BERLIN)
    assert recurrence.occurrences(rule, start, start, at(2028, 1, 1)) == [
        at(2027, 3, 18, 17), at(2027, 3, 25, 17), at(2027, 4, 1, 16), at(2027, 4, 8, 16)]
    autumn = at(2027, 10, 21, 16)  # 18:00 CEST
    rule = recurrence.parse_rule("RRULE:FREQ=WEEKLY;COUNT=3", autumn, BERLIN)
    assert recurrence.occurrences(rule, autumn, autumn, at(2028, 1, 1)) == [
        at(2027, 10, 21, 16), at(2027, 10, 28, 16), at(2027, 11, 4, 17)]  # summer time ends on 31 October
    assert recurrence.series_end(rule, "FREQ=WEEKLY;COUNT=3", autumn, 60) == at(2027, 11, 4, 18)
    assert recurrence.is_occurrence(rule, autumn, at(2027, 11, 4, 17))
    assert not recurrence.is_occurrence(rule, autumn, at(2027, 11, 4, 16))


def test_a_rule_without_end_has_no_series_end_and_expands_within_a_window():
    start = at(2027, 1, 4, 9)
    rule = recurrence.parse_rule("FREQ=DAILY", start, UTC)
    assert recurrence.series_end(rule, "FREQ=DAILY", start, 30) is None
    assert len(recurrence.occurrences(rule, start, start, start + timedelta(days=9, hours=1))) == 10
    assert recurrence.series_end(None, "", start, 30) == start + timedelta(minutes=30)


@pytest.mark.parametrize("text, message", [
    ("FREQ=HOURLY", "FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY."),
    ("FREQ=WEEKLY;COUNT=x", recurrence.INVALID_RULE),
    ("every week", recurrence.INVALID_RULE),
    ("FREQ=DAILY;COUNT=1001", "Ensure the recurrence has at most 1000 occurrences."),
    ("FREQ=WEEKLY;BYDAY=MO", "The first occurrence of the recurrence must be at scheduled_date "
                             "(in the session's time zone)."),
    ("FREQ=WEEKLY;UNTIL=20270501T000000", recurrence.INVALID_RULE),  # UNTIL must be UTC with an aware start
])
def test_invalid_rules_are_400_on_recurrence(text, message):
    with pytest.raises(ValidationError) as error:
        recurrence.parse_rule(text, at(2027, 3, 18, 17), BERLIN)  # a Thursday
    assert error.value.errors == {"recurrence": [message]}


def test_zones_and_filter_bounds():
    assert recurrence.zone("utc") is UTC and recurrence.zone_name(recurrence.zone("Europe/Berlin")) == "Europe/Berlin"
    for bad in ("Mars/Base", "../etc/passwd", "", "x" * 100):
        with pytest.raises(ValidationError):
            recurrence.zone(bad, "tz")
    assert recurrence.parse_moment("2027-07-01", "date_from", BERLIN) == at(2027, 6, 30, 22)
    assert recurrence.parse_moment("2027-07-01", "date_to", UTC, end_of_day=True) == datetime(
        2027, 7, 1, 23, 59, 59, 999999, tzinfo=UTC)
    assert recurrence.local_text(at(2027, 7, 1, 12), BERLIN) == "2027-07-01T14:00:00+02:00"


def test_the_calendar_file_parses_back_and_expands_like_the_service():
    now = at(2026, 1, 1)
    series = Schedule(id=7, title="Weekly", description="", scheduled_date=at(2027, 3, 18, 17), duration=45,
                      location="Room 1", meeting_url="", recurrence="FREQ=WEEKLY;COUNT=4", timezone="Europe/Berlin",
                      is_cancelled=False, created_at=now, updated_at=now)
    one_off = Schedule(id=8, title="Once", description="", scheduled_date=at(2027, 7, 1, 12), duration=30,
                       location="", meeting_url="", recurrence="", timezone="UTC", is_cancelled=True,
                       created_at=now, updated_at=now)
    cal = Calendar.from_ical(calendar([series, one_off], name="Mine", domain="t.example", display=BERLIN))
    weekly, once = cal.walk("VEVENT")
    start = weekly.decoded("dtstart")
    assert [o.astimezone(UTC) for o in rrulestr(weekly["rrule"].to_ical().decode(), dtstart=start)] == [
        at(2027, 3, 18, 17), at(2027, 3, 25, 17), at(2027, 4, 1, 16), at(2027, 4, 8, 16)]
    assert once.decoded("dtstart") == at(2027, 7, 1, 12) and once.decoded("dtstart").utcoffset() == timedelta(hours=2)
    assert str(once["status"]) == "CANCELLED" and str(weekly["uid"]) == "schedule-7@t.example"

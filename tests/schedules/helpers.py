"""Builders and time helpers of the schedule tests."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

URL = "/api/lms/schedule/schedules/"
BERLIN = ZoneInfo("Europe/Berlin")
DOC_BODY = {"title": "Python Class Session", "description": "Live Q&A session for Python course",
            "scheduled_date": "2024-02-15T14:00:00Z", "duration": 60, "location": "Virtual", "max_attendees": 50}


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def future(days: float = 1, hour: int | None = None) -> datetime:
    moment = datetime.now(timezone.utc) + timedelta(days=days)
    if hour is not None:
        moment = moment.replace(hour=hour)
    return moment.replace(minute=0, second=0, microsecond=0)


def make_schedule(actor, **fields) -> dict:
    body = {**DOC_BODY, "scheduled_date": iso(future(7)), **fields}
    response = actor.post(URL, body)
    assert response.status_code == 201, response.text
    return response.json()


def weekly_across_dst() -> tuple[datetime, list[datetime]]:
    """A start at 18:00 Berlin ten days before the next daylight-saving change (at least two days ahead), and
    the UTC starts of four weekly occurrences from there (two on each side of the change), by zoneinfo."""
    day = datetime.now(timezone.utc).date() + timedelta(days=12)
    while (datetime.combine(day, time(12), BERLIN).utcoffset()
           == datetime.combine(day + timedelta(days=1), time(12), BERLIN).utcoffset()):
        day += timedelta(days=1)
    first = day + timedelta(days=1) - timedelta(days=10)
    local = [datetime.combine(first + timedelta(weeks=i), time(18), BERLIN) for i in range(4)]
    starts = [moment.astimezone(timezone.utc) for moment in local]
    assert starts[0].hour != starts[3].hour  # the change falls between the second and the third
    return starts[0], starts

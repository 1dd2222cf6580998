"""Time zones and recurrence: a session's RRULE is expanded on its own zone's wall clock (python-dateutil's
rrule over zoneinfo-aware datetimes), so a weekly class at 18:00 Berlin stays at 18:00 across daylight-saving
changes (17:00Z in winter, 16:00Z in summer). Everything stored is UTC."""
from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from lms.platform.errors import ValidationError
from lms.platform.validation import parse_datetime  # noqa: F401 (also used by lms.schedules.service)

MAX_OCCURRENCES = 1000
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
INVALID_RULE = "Enter a valid iCalendar RRULE, such as FREQ=WEEKLY;COUNT=10."
UNKNOWN_ZONE = "Unknown time zone; use an IANA name such as Europe/Berlin."


def zone(name: str, field: str = "timezone") -> tzinfo:
    """The IANA zone `name` (UTC as datetime.timezone.utc), else a 400 on `field`."""
    if not isinstance(name, str) or not name or len(name) > 64:
        raise ValidationError({field: [UNKNOWN_ZONE]})
    if name.upper() in ("UTC", "Z", "ETC/UTC"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError({field: [UNKNOWN_ZONE]}) from None


def zone_name(value: tzinfo) -> str:
    return "UTC" if value is timezone.utc else str(value)


def normalise_rule(text: str) -> str:
    """The RRULE's value without a leading `RRULE:`, upper-cased, or "" for none."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.strip().upper()


def parse_rule(text: str, start: datetime, where: tzinfo) -> rrule | None:
    """The recurrence of a session starting at `start` (UTC) in zone `where`; 400 on `recurrence` when the
    rule is not a valid RRULE, recurs more often than daily, has more than MAX_OCCURRENCES occurrences or does
    not start at `start`."""
    text = normalise_rule(text)
    if not text:
        return None
    if "\n" in text or "DTSTART" in text or any("=" not in part for part in text.split(";") if part):
        raise ValidationError({"recurrence": [INVALID_RULE]})
    parts = dict(part.split("=", 1) for part in text.split(";") if part)
    if parts.get("FREQ") not in FREQUENCIES:
        raise ValidationError({"recurrence": [
            f"FREQ must be one of {', '.join(FREQUENCIES)}."]})
    try:
        rule = rrulestr(text, dtstart=start.astimezone(where))
    except (ValueError, TypeError, KeyError, OverflowError):
        raise ValidationError({"recurrence": [INVALID_RULE]}) from None
    if not isinstance(rule, rrule):
        raise ValidationError({"recurrence": [INVALID_RULE]})
    try:
        first = next(iter(rule), None)
    except (ValueError, OverflowError):
        raise ValidationError({"recurrence": [INVALID_RULE]}) from None
    if first is None or first != start:
        raise ValidationError({"recurrence": [
            "The first occurrence of the recurrence must be at scheduled_date (in the session's time zone)."]})
    if "COUNT" in parts or "UNTIL" in parts:
        if len(list(itertools.islice(rule, MAX_OCCURRENCES + 1))) > MAX_OCCURRENCES:
            raise ValidationError({"recurrence": [f"Ensure the recurrence has at most {MAX_OCCURRENCES} occurrences."]})
    return rule


def utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def series_end(rule: rrule | None, text: str, start: datetime, minutes: int) -> datetime | None:
    """End of the last occurrence (UTC), or None when the recurrence (`text`, its RRULE) never ends."""
    if rule is None:
        return start + timedelta(minutes=minutes)
    parts = {part.split("=", 1)[0] for part in normalise_rule(text).split(";") if part}
    if not parts & {"COUNT", "UNTIL"}:
        return None
    last = None
    for last in rule:
        pass
    return utc(last) + timedelta(minutes=minutes)


def occurrences(rule: rrule | None, start: datetime, after: datetime, before: datetime) -> list[datetime]:
    """Starts (UTC) of the occurrences in [after, before]."""
    if rule is None:
        return [start] if after <= start <= before else []
    return [utc(o) for o in rule.between(after, before, inc=True)]


def is_occurrence(rule: rrule | None, start: datetime, moment: datetime) -> bool:
    if rule is None:
        return moment == start
    return moment in occurrences(rule, start, moment, moment)


def parse_moment(value: str, field: str, where: tzinfo, *, end_of_day: bool = False) -> datetime:
    """A filter bound: a date-time (naive: UTC) or a date, whose start (or end) in zone `where` is meant."""
    text = (value or "").strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is not None:
        moment = datetime.combine(day, time.max if end_of_day else time.min).replace(tzinfo=where)
        return utc(moment)
    parsed = parse_datetime(text) if text else None
    if parsed is None:
        raise ValidationError({field: ["Enter a valid date or date and time (ISO 8601)."]})
    return parsed


def local_text(moment: datetime, where: tzinfo) -> str:
    """ISO 8601 with the zone's offset, such as 2024-02-15T15:00:00+01:00."""
    return moment.astimezone(where).isoformat(timespec="seconds")

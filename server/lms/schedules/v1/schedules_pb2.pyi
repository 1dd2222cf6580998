import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Schedule(_message.Message):
    __slots__ = ("id", "title", "description", "scheduled_date", "end_date", "duration", "location", "meeting_url", "max_attendees", "attendee_count", "course", "recurrence", "timezone", "local_scheduled_date", "local_end_date", "display_timezone", "series_start", "series_end", "is_cancelled", "is_registered", "created_by", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    MEETING_URL_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTENDEES_FIELD_NUMBER: _ClassVar[int]
    ATTENDEE_COUNT_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_SCHEDULED_DATE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_END_DATE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    SERIES_START_FIELD_NUMBER: _ClassVar[int]
    SERIES_END_FIELD_NUMBER: _ClassVar[int]
    IS_CANCELLED_FIELD_NUMBER: _ClassVar[int]
    IS_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    scheduled_date: _timestamp_pb2.Timestamp
    end_date: _timestamp_pb2.Timestamp
    duration: int
    location: str
    meeting_url: str
    max_attendees: int
    attendee_count: int
    course: _struct_pb2.Value
    recurrence: str
    timezone: str
    local_scheduled_date: str
    local_end_date: str
    display_timezone: str
    series_start: _timestamp_pb2.Timestamp
    series_end: _struct_pb2.Value
    is_cancelled: bool
    is_registered: bool
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., scheduled_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration: _Optional[int] = ..., location: _Optional[str] = ..., meeting_url: _Optional[str] = ..., max_attendees: _Optional[int] = ..., attendee_count: _Optional[int] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., recurrence: _Optional[str] = ..., timezone: _Optional[str] = ..., local_scheduled_date: _Optional[str] = ..., local_end_date: _Optional[str] = ..., display_timezone: _Optional[str] = ..., series_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., series_end: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_cancelled: _Optional[bool] = ..., is_registered: _Optional[bool] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ScheduleInput(_message.Message):
    __slots__ = ("title", "description", "scheduled_date", "duration", "location", "max_attendees", "course", "meeting_url", "recurrence", "timezone")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_DATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTENDEES_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MEETING_URL_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    title: str
    description: str
    scheduled_date: str
    duration: int
    location: str
    max_attendees: int
    course: _struct_pb2.Value
    meeting_url: str
    recurrence: str
    timezone: str
    def __init__(self, title: _Optional[str] = ..., description: _Optional[str] = ..., scheduled_date: _Optional[str] = ..., duration: _Optional[int] = ..., location: _Optional[str] = ..., max_attendees: _Optional[int] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., meeting_url: _Optional[str] = ..., recurrence: _Optional[str] = ..., timezone: _Optional[str] = ...) -> None: ...

class Registration(_message.Message):
    __slots__ = ("schedule", "user_id", "user_name", "registered_at")
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    schedule: int
    user_id: str
    user_name: str
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, schedule: _Optional[int] = ..., user_id: _Optional[str] = ..., user_name: _Optional[str] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AttendanceRecord(_message.Message):
    __slots__ = ("user_id", "user_name", "attended", "occurrence", "marked_at")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    ATTENDED_FIELD_NUMBER: _ClassVar[int]
    OCCURRENCE_FIELD_NUMBER: _ClassVar[int]
    MARKED_AT_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    user_name: str
    attended: _struct_pb2.Value
    occurrence: _timestamp_pb2.Timestamp
    marked_at: _struct_pb2.Value
    def __init__(self, user_id: _Optional[str] = ..., user_name: _Optional[str] = ..., attended: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., occurrence: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., marked_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class AttendanceInput(_message.Message):
    __slots__ = ("occurrence", "records")
    OCCURRENCE_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    occurrence: str
    records: _struct_pb2.Value
    def __init__(self, occurrence: _Optional[str] = ..., records: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class CalendarFeed(_message.Message):
    __slots__ = ("active", "url", "created_at")
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    active: bool
    url: str
    created_at: _struct_pb2.Value
    def __init__(self, active: _Optional[bool] = ..., url: _Optional[str] = ..., created_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListSchedulesRequest(_message.Message):
    __slots__ = ("course", "date_from", "date_to", "tz", "page", "page_size")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    DATE_FROM_FIELD_NUMBER: _ClassVar[int]
    DATE_TO_FIELD_NUMBER: _ClassVar[int]
    TZ_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    course: int
    date_from: str
    date_to: str
    tz: str
    page: int
    page_size: int
    def __init__(self, course: _Optional[int] = ..., date_from: _Optional[str] = ..., date_to: _Optional[str] = ..., tz: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListUpcomingSchedulesRequest(_message.Message):
    __slots__ = ("course", "days", "tz", "page", "page_size")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    TZ_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    course: int
    days: int
    tz: str
    page: int
    page_size: int
    def __init__(self, course: _Optional[int] = ..., days: _Optional[int] = ..., tz: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListSchedulesResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Schedule]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Schedule, _Mapping]]] = ...) -> None: ...

class CreateScheduleRequest(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: ScheduleInput
    def __init__(self, schedule: _Optional[_Union[ScheduleInput, _Mapping]] = ...) -> None: ...

class GetScheduleRequest(_message.Message):
    __slots__ = ("schedule_id", "tz")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    TZ_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    tz: str
    def __init__(self, schedule_id: _Optional[int] = ..., tz: _Optional[str] = ...) -> None: ...

class ReplaceScheduleRequest(_message.Message):
    __slots__ = ("schedule_id", "schedule")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    schedule: ScheduleInput
    def __init__(self, schedule_id: _Optional[int] = ..., schedule: _Optional[_Union[ScheduleInput, _Mapping]] = ...) -> None: ...

class UpdateScheduleRequest(_message.Message):
    __slots__ = ("schedule_id", "schedule")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    schedule: ScheduleInput
    def __init__(self, schedule_id: _Optional[int] = ..., schedule: _Optional[_Union[ScheduleInput, _Mapping]] = ...) -> None: ...

class DeleteScheduleRequest(_message.Message):
    __slots__ = ("schedule_id",)
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    def __init__(self, schedule_id: _Optional[int] = ...) -> None: ...

class CancelScheduleRequest(_message.Message):
    __slots__ = ("schedule_id",)
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    def __init__(self, schedule_id: _Optional[int] = ...) -> None: ...

class RegisterForScheduleRequest(_message.Message):
    __slots__ = ("schedule_id",)
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    def __init__(self, schedule_id: _Optional[int] = ...) -> None: ...

class UnregisterFromScheduleRequest(_message.Message):
    __slots__ = ("schedule_id",)
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    def __init__(self, schedule_id: _Optional[int] = ...) -> None: ...

class ListAttendanceRequest(_message.Message):
    __slots__ = ("schedule_id", "occurrence", "page", "page_size")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRENCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    occurrence: str
    page: int
    page_size: int
    def __init__(self, schedule_id: _Optional[int] = ..., occurrence: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListAttendanceResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[AttendanceRecord]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[AttendanceRecord, _Mapping]]] = ...) -> None: ...

class MarkAttendanceRequest(_message.Message):
    __slots__ = ("schedule_id", "attendance")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    ATTENDANCE_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    attendance: AttendanceInput
    def __init__(self, schedule_id: _Optional[int] = ..., attendance: _Optional[_Union[AttendanceInput, _Mapping]] = ...) -> None: ...

class MarkAttendanceResponse(_message.Message):
    __slots__ = ("records",)
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[AttendanceRecord]
    def __init__(self, records: _Optional[_Iterable[_Union[AttendanceRecord, _Mapping]]] = ...) -> None: ...

class GetScheduleCalendarRequest(_message.Message):
    __slots__ = ("schedule_id", "tz")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    TZ_FIELD_NUMBER: _ClassVar[int]
    schedule_id: int
    tz: str
    def __init__(self, schedule_id: _Optional[int] = ..., tz: _Optional[str] = ...) -> None: ...

class GetCalendarFeedRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateCalendarFeedRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RevokeCalendarFeedRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetFeedCalendarRequest(_message.Message):
    __slots__ = ("token", "tz")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    TZ_FIELD_NUMBER: _ClassVar[int]
    token: str
    tz: str
    def __init__(self, token: _Optional[str] = ..., tz: _Optional[str] = ...) -> None: ...

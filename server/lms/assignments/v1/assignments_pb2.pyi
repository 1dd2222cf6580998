import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.assignments.v1 import submissions_pb2 as _submissions_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Assignment(_message.Message):
    __slots__ = ("id", "title", "description", "course", "module", "due_date", "course_name", "module_name", "instructions_file_url", "created_at", "max_score", "allow_late", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    COURSE_NAME_FIELD_NUMBER: _ClassVar[int]
    MODULE_NAME_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FILE_URL_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_LATE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    course: int
    module: _struct_pb2.Value
    due_date: _struct_pb2.Value
    course_name: str
    module_name: _struct_pb2.Value
    instructions_file_url: str
    created_at: _timestamp_pb2.Timestamp
    max_score: int
    allow_late: bool
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., course: _Optional[int] = ..., module: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., due_date: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., course_name: _Optional[str] = ..., module_name: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., instructions_file_url: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., max_score: _Optional[int] = ..., allow_late: _Optional[bool] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AssignmentInput(_message.Message):
    __slots__ = ("title", "description", "course", "module", "due_date", "max_score", "allow_late")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_LATE_FIELD_NUMBER: _ClassVar[int]
    title: _struct_pb2.Value
    description: _struct_pb2.Value
    course: _struct_pb2.Value
    module: _struct_pb2.Value
    due_date: _struct_pb2.Value
    max_score: _struct_pb2.Value
    allow_late: _struct_pb2.Value
    def __init__(self, title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., module: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., due_date: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., max_score: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., allow_late: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListAssignmentsRequest(_message.Message):
    __slots__ = ("course", "module")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    course: int
    module: int
    def __init__(self, course: _Optional[int] = ..., module: _Optional[int] = ...) -> None: ...

class ListAssignmentsResponse(_message.Message):
    __slots__ = ("assignments",)
    ASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    assignments: _containers.RepeatedCompositeFieldContainer[Assignment]
    def __init__(self, assignments: _Optional[_Iterable[_Union[Assignment, _Mapping]]] = ...) -> None: ...

class CreateAssignmentRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class ExportGradebookRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: int
    def __init__(self, course: _Optional[int] = ...) -> None: ...

class GetAssignmentRequest(_message.Message):
    __slots__ = ("assignment_id",)
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    assignment_id: int
    def __init__(self, assignment_id: _Optional[int] = ...) -> None: ...

class ReplaceAssignmentRequest(_message.Message):
    __slots__ = ("assignment_id", "body")
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    assignment_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, assignment_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class UpdateAssignmentRequest(_message.Message):
    __slots__ = ("assignment_id", "body")
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    assignment_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, assignment_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DeleteAssignmentRequest(_message.Message):
    __slots__ = ("assignment_id",)
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    assignment_id: int
    def __init__(self, assignment_id: _Optional[int] = ...) -> None: ...

class ListAssignmentSubmissionsRequest(_message.Message):
    __slots__ = ("assignment_id", "page", "page_size", "is_graded", "graded")
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    IS_GRADED_FIELD_NUMBER: _ClassVar[int]
    GRADED_FIELD_NUMBER: _ClassVar[int]
    assignment_id: int
    page: int
    page_size: int
    is_graded: bool
    graded: bool
    def __init__(self, assignment_id: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ..., is_graded: _Optional[bool] = ..., graded: _Optional[bool] = ...) -> None: ...

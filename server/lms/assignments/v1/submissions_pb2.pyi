import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubmissionAssignment(_message.Message):
    __slots__ = ("id", "title", "course_name", "module_name", "course", "max_score", "due_date")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COURSE_NAME_FIELD_NUMBER: _ClassVar[int]
    MODULE_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    course_name: str
    module_name: _struct_pb2.Value
    course: int
    max_score: int
    due_date: _struct_pb2.Value
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., course_name: _Optional[str] = ..., module_name: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., course: _Optional[int] = ..., max_score: _Optional[int] = ..., due_date: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Submission(_message.Message):
    __slots__ = ("id", "assignment", "student_id", "student_name", "submitted_at", "response_text", "submission_file_url", "grade", "feedback", "is_graded", "attempt", "is_late", "graded_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    STUDENT_ID_FIELD_NUMBER: _ClassVar[int]
    STUDENT_NAME_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TEXT_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_FILE_URL_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    IS_GRADED_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    IS_LATE_FIELD_NUMBER: _ClassVar[int]
    GRADED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    assignment: SubmissionAssignment
    student_id: str
    student_name: str
    submitted_at: _timestamp_pb2.Timestamp
    response_text: str
    submission_file_url: str
    grade: _struct_pb2.Value
    feedback: str
    is_graded: bool
    attempt: int
    is_late: bool
    graded_at: _struct_pb2.Value
    def __init__(self, id: _Optional[int] = ..., assignment: _Optional[_Union[SubmissionAssignment, _Mapping]] = ..., student_id: _Optional[str] = ..., student_name: _Optional[str] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., response_text: _Optional[str] = ..., submission_file_url: _Optional[str] = ..., grade: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., feedback: _Optional[str] = ..., is_graded: _Optional[bool] = ..., attempt: _Optional[int] = ..., is_late: _Optional[bool] = ..., graded_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class SubmissionInput(_message.Message):
    __slots__ = ("assignment", "response_text")
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TEXT_FIELD_NUMBER: _ClassVar[int]
    assignment: _struct_pb2.Value
    response_text: _struct_pb2.Value
    def __init__(self, assignment: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., response_text: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListSubmissionsRequest(_message.Message):
    __slots__ = ("page", "page_size", "assignment", "course", "student", "is_graded", "graded")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    STUDENT_FIELD_NUMBER: _ClassVar[int]
    IS_GRADED_FIELD_NUMBER: _ClassVar[int]
    GRADED_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    assignment: int
    course: int
    student: str
    is_graded: bool
    graded: bool
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., assignment: _Optional[int] = ..., course: _Optional[int] = ..., student: _Optional[str] = ..., is_graded: _Optional[bool] = ..., graded: _Optional[bool] = ...) -> None: ...

class ListSubmissionsResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Submission]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Submission, _Mapping]]] = ...) -> None: ...

class CreateSubmissionRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class GetSubmissionRequest(_message.Message):
    __slots__ = ("submission_id",)
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    submission_id: int
    def __init__(self, submission_id: _Optional[int] = ...) -> None: ...

class GradeSubmissionRequest(_message.Message):
    __slots__ = ("submission_id", "grade", "feedback")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    submission_id: int
    grade: _struct_pb2.Value
    feedback: _struct_pb2.Value
    def __init__(self, submission_id: _Optional[int] = ..., grade: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., feedback: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

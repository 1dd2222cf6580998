from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from lms.courses.v1 import courses_pb2 as _courses_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListCourseInstructorsRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class ListCourseInstructorsResponse(_message.Message):
    __slots__ = ("instructors",)
    INSTRUCTORS_FIELD_NUMBER: _ClassVar[int]
    instructors: _containers.RepeatedCompositeFieldContainer[_courses_pb2.CourseInstructor]
    def __init__(self, instructors: _Optional[_Iterable[_Union[_courses_pb2.CourseInstructor, _Mapping]]] = ...) -> None: ...

class AddCourseInstructorRequest(_message.Message):
    __slots__ = ("course_id", "user_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    user_id: str
    def __init__(self, course_id: _Optional[int] = ..., user_id: _Optional[str] = ...) -> None: ...

class RemoveCourseInstructorRequest(_message.Message):
    __slots__ = ("course_id", "user_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    user_id: str
    def __init__(self, course_id: _Optional[int] = ..., user_id: _Optional[str] = ...) -> None: ...

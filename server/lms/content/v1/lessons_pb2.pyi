from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from lms.content.v1 import content_pb2 as _content_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LessonInput(_message.Message):
    __slots__ = ("title", "description", "lesson_type", "duration", "content_url", "content_text", "order", "is_published")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LESSON_TYPE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_URL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TEXT_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    title: _struct_pb2.Value
    description: _struct_pb2.Value
    lesson_type: _struct_pb2.Value
    duration: _struct_pb2.Value
    content_url: _struct_pb2.Value
    content_text: _struct_pb2.Value
    order: _struct_pb2.Value
    is_published: _struct_pb2.Value
    def __init__(self, title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., lesson_type: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., duration: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., content_url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., content_text: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., order: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_published: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListLessonsRequest(_message.Message):
    __slots__ = ("course_id", "module_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ...) -> None: ...

class ListLessonsResponse(_message.Message):
    __slots__ = ("lessons",)
    LESSONS_FIELD_NUMBER: _ClassVar[int]
    lessons: _containers.RepeatedCompositeFieldContainer[_content_pb2.Lesson]
    def __init__(self, lessons: _Optional[_Iterable[_Union[_content_pb2.Lesson, _Mapping]]] = ...) -> None: ...

class CreateLessonRequest(_message.Message):
    __slots__ = ("course_id", "module_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class GetLessonRequest(_message.Message):
    __slots__ = ("course_id", "module_id", "lesson_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    LESSON_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    lesson_id: int
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ..., lesson_id: _Optional[int] = ...) -> None: ...

class ReplaceLessonRequest(_message.Message):
    __slots__ = ("course_id", "module_id", "lesson_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    LESSON_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    lesson_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ..., lesson_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class UpdateLessonRequest(_message.Message):
    __slots__ = ("course_id", "module_id", "lesson_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    LESSON_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    lesson_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ..., lesson_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DeleteLessonRequest(_message.Message):
    __slots__ = ("course_id", "module_id", "lesson_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    LESSON_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    lesson_id: int
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ..., lesson_id: _Optional[int] = ...) -> None: ...

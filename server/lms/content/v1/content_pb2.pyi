from google.protobuf import struct_pb2 as _struct_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Lesson(_message.Message):
    __slots__ = ("id", "title", "description", "lesson_type", "duration", "content_url", "content_file", "content_file_url", "content_text", "order", "is_published")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LESSON_TYPE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_URL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FILE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FILE_URL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TEXT_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    lesson_type: str
    duration: int
    content_url: str
    content_file: str
    content_file_url: str
    content_text: str
    order: int
    is_published: bool
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., lesson_type: _Optional[str] = ..., duration: _Optional[int] = ..., content_url: _Optional[str] = ..., content_file: _Optional[str] = ..., content_file_url: _Optional[str] = ..., content_text: _Optional[str] = ..., order: _Optional[int] = ..., is_published: _Optional[bool] = ...) -> None: ...

class Module(_message.Message):
    __slots__ = ("id", "title", "description", "order", "is_published", "lessons")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    LESSONS_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    order: int
    is_published: bool
    lessons: _containers.RepeatedCompositeFieldContainer[Lesson]
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., order: _Optional[int] = ..., is_published: _Optional[bool] = ..., lessons: _Optional[_Iterable[_Union[Lesson, _Mapping]]] = ...) -> None: ...

class Resource(_message.Message):
    __slots__ = ("id", "title", "resource_type", "url", "file_url", "order")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    FILE_URL_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    resource_type: str
    url: str
    file_url: _struct_pb2.Value
    order: int
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., resource_type: _Optional[str] = ..., url: _Optional[str] = ..., file_url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., order: _Optional[int] = ...) -> None: ...

class Faq(_message.Message):
    __slots__ = ("id", "question", "answer", "order")
    ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    id: int
    question: str
    answer: str
    order: int
    def __init__(self, id: _Optional[int] = ..., question: _Optional[str] = ..., answer: _Optional[str] = ..., order: _Optional[int] = ...) -> None: ...

class LessonSummary(_message.Message):
    __slots__ = ("id", "title", "lesson_type", "duration", "order", "is_published")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LESSON_TYPE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    lesson_type: str
    duration: int
    order: int
    is_published: bool
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., lesson_type: _Optional[str] = ..., duration: _Optional[int] = ..., order: _Optional[int] = ..., is_published: _Optional[bool] = ...) -> None: ...

class ModuleSummary(_message.Message):
    __slots__ = ("id", "title", "description", "order", "is_published", "lessons")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    LESSONS_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    order: int
    is_published: bool
    lessons: _containers.RepeatedCompositeFieldContainer[LessonSummary]
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., order: _Optional[int] = ..., is_published: _Optional[bool] = ..., lessons: _Optional[_Iterable[_Union[LessonSummary, _Mapping]]] = ...) -> None: ...

class OrderItem(_message.Message):
    __slots__ = ("id", "order")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    id: _struct_pb2.Value
    order: _struct_pb2.Value
    def __init__(self, id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., order: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

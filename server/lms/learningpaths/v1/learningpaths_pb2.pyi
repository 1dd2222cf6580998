import datetime

from google.api import annotations_pb2 as _annotations_pb2
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

class PathCourse(_message.Message):
    __slots__ = ("id", "title", "slug", "code", "level", "position", "is_enrolled", "is_completed")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    IS_ENROLLED_FIELD_NUMBER: _ClassVar[int]
    IS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    slug: str
    code: str
    level: str
    position: int
    is_enrolled: bool
    is_completed: bool
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., slug: _Optional[str] = ..., code: _Optional[str] = ..., level: _Optional[str] = ..., position: _Optional[int] = ..., is_enrolled: _Optional[bool] = ..., is_completed: _Optional[bool] = ...) -> None: ...

class PathProgress(_message.Message):
    __slots__ = ("completed_courses", "total_courses", "percent")
    COMPLETED_COURSES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COURSES_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    completed_courses: int
    total_courses: int
    percent: int
    def __init__(self, completed_courses: _Optional[int] = ..., total_courses: _Optional[int] = ..., percent: _Optional[int] = ...) -> None: ...

class LearningPath(_message.Message):
    __slots__ = ("id", "title", "description", "is_active", "order", "course_ids", "courses", "progress", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    COURSE_IDS_FIELD_NUMBER: _ClassVar[int]
    COURSES_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    is_active: bool
    order: int
    course_ids: _containers.RepeatedScalarFieldContainer[int]
    courses: _containers.RepeatedCompositeFieldContainer[PathCourse]
    progress: PathProgress
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., is_active: _Optional[bool] = ..., order: _Optional[int] = ..., course_ids: _Optional[_Iterable[int]] = ..., courses: _Optional[_Iterable[_Union[PathCourse, _Mapping]]] = ..., progress: _Optional[_Union[PathProgress, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LearningPathInput(_message.Message):
    __slots__ = ("title", "description", "course_ids", "is_active", "order")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COURSE_IDS_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    title: _struct_pb2.Value
    description: _struct_pb2.Value
    course_ids: _struct_pb2.Value
    is_active: _struct_pb2.Value
    order: _struct_pb2.Value
    def __init__(self, title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., course_ids: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_active: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., order: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListLearningPathsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListLearningPathsResponse(_message.Message):
    __slots__ = ("learning_paths",)
    LEARNING_PATHS_FIELD_NUMBER: _ClassVar[int]
    learning_paths: _containers.RepeatedCompositeFieldContainer[LearningPath]
    def __init__(self, learning_paths: _Optional[_Iterable[_Union[LearningPath, _Mapping]]] = ...) -> None: ...

class CreateLearningPathRequest(_message.Message):
    __slots__ = ("learning_path",)
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    learning_path: LearningPathInput
    def __init__(self, learning_path: _Optional[_Union[LearningPathInput, _Mapping]] = ...) -> None: ...

class GetLearningPathRequest(_message.Message):
    __slots__ = ("learning_path_id",)
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    learning_path_id: int
    def __init__(self, learning_path_id: _Optional[int] = ...) -> None: ...

class ReplaceLearningPathRequest(_message.Message):
    __slots__ = ("learning_path_id", "learning_path")
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    learning_path_id: int
    learning_path: LearningPathInput
    def __init__(self, learning_path_id: _Optional[int] = ..., learning_path: _Optional[_Union[LearningPathInput, _Mapping]] = ...) -> None: ...

class UpdateLearningPathRequest(_message.Message):
    __slots__ = ("learning_path_id", "learning_path")
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    learning_path_id: int
    learning_path: LearningPathInput
    def __init__(self, learning_path_id: _Optional[int] = ..., learning_path: _Optional[_Union[LearningPathInput, _Mapping]] = ...) -> None: ...

class DeleteLearningPathRequest(_message.Message):
    __slots__ = ("learning_path_id",)
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    learning_path_id: int
    def __init__(self, learning_path_id: _Optional[int] = ...) -> None: ...

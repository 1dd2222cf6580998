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

class EnrolledCourseSummary(_message.Message):
    __slots__ = ("id", "title", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Enrollment(_message.Message):
    __slots__ = ("id", "user_id", "user_name", "course", "course_id", "enrolled_at", "started_at", "completed_at", "is_active", "progress")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    id: int
    user_id: str
    user_name: str
    course: EnrolledCourseSummary
    course_id: int
    enrolled_at: _timestamp_pb2.Timestamp
    started_at: _struct_pb2.Value
    completed_at: _struct_pb2.Value
    is_active: bool
    progress: int
    def __init__(self, id: _Optional[int] = ..., user_id: _Optional[str] = ..., user_name: _Optional[str] = ..., course: _Optional[_Union[EnrolledCourseSummary, _Mapping]] = ..., course_id: _Optional[int] = ..., enrolled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., completed_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_active: _Optional[bool] = ..., progress: _Optional[int] = ...) -> None: ...

class TreeLesson(_message.Message):
    __slots__ = ("id", "title", "type", "duration", "order", "is_published", "content_url", "content_file", "content_file_url", "is_completed")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    CONTENT_URL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FILE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FILE_URL_FIELD_NUMBER: _ClassVar[int]
    IS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    type: str
    duration: int
    order: int
    is_published: bool
    content_url: str
    content_file: str
    content_file_url: str
    is_completed: bool
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., type: _Optional[str] = ..., duration: _Optional[int] = ..., order: _Optional[int] = ..., is_published: _Optional[bool] = ..., content_url: _Optional[str] = ..., content_file: _Optional[str] = ..., content_file_url: _Optional[str] = ..., is_completed: _Optional[bool] = ...) -> None: ...

class TreeModule(_message.Message):
    __slots__ = ("id", "title", "order", "lessons")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    LESSONS_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    order: int
    lessons: _containers.RepeatedCompositeFieldContainer[TreeLesson]
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., order: _Optional[int] = ..., lessons: _Optional[_Iterable[_Union[TreeLesson, _Mapping]]] = ...) -> None: ...

class TreeResource(_message.Message):
    __slots__ = ("id", "title", "type", "url", "file", "file_url", "order")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    FILE_URL_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    type: str
    url: str
    file: str
    file_url: str
    order: int
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., type: _Optional[str] = ..., url: _Optional[str] = ..., file: _Optional[str] = ..., file_url: _Optional[str] = ..., order: _Optional[int] = ...) -> None: ...

class TreeInstructor(_message.Message):
    __slots__ = ("id", "name", "bio")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BIO_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    bio: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., bio: _Optional[str] = ...) -> None: ...

class EnrolledCourse(_message.Message):
    __slots__ = ("id", "title", "description", "thumbnail", "thumbnail_url", "resources", "modules", "instructors")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_URL_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    MODULES_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTORS_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    thumbnail: str
    thumbnail_url: str
    resources: _containers.RepeatedCompositeFieldContainer[TreeResource]
    modules: _containers.RepeatedCompositeFieldContainer[TreeModule]
    instructors: _containers.RepeatedCompositeFieldContainer[TreeInstructor]
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., thumbnail: _Optional[str] = ..., thumbnail_url: _Optional[str] = ..., resources: _Optional[_Iterable[_Union[TreeResource, _Mapping]]] = ..., modules: _Optional[_Iterable[_Union[TreeModule, _Mapping]]] = ..., instructors: _Optional[_Iterable[_Union[TreeInstructor, _Mapping]]] = ...) -> None: ...

class UserEnrollment(_message.Message):
    __slots__ = ("id", "course", "enrolled_at", "completed_at", "progress")
    ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    id: int
    course: EnrolledCourse
    enrolled_at: _timestamp_pb2.Timestamp
    completed_at: _struct_pb2.Value
    progress: int
    def __init__(self, id: _Optional[int] = ..., course: _Optional[_Union[EnrolledCourse, _Mapping]] = ..., enrolled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., progress: _Optional[int] = ...) -> None: ...

class ListMyEnrollmentsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMyEnrollmentsResponse(_message.Message):
    __slots__ = ("enrollments",)
    ENROLLMENTS_FIELD_NUMBER: _ClassVar[int]
    enrollments: _containers.RepeatedCompositeFieldContainer[UserEnrollment]
    def __init__(self, enrollments: _Optional[_Iterable[_Union[UserEnrollment, _Mapping]]] = ...) -> None: ...

class EnrollRequest(_message.Message):
    __slots__ = ("course_id", "user_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    user_id: str
    def __init__(self, course_id: _Optional[int] = ..., user_id: _Optional[str] = ...) -> None: ...

class BulkEnrollRequest(_message.Message):
    __slots__ = ("course_id", "user_ids")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    user_ids: _struct_pb2.Value
    def __init__(self, course_id: _Optional[int] = ..., user_ids: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class BulkEnrollResponse(_message.Message):
    __slots__ = ("detail", "created", "already_enrolled")
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    ALREADY_ENROLLED_FIELD_NUMBER: _ClassVar[int]
    detail: str
    created: int
    already_enrolled: int
    def __init__(self, detail: _Optional[str] = ..., created: _Optional[int] = ..., already_enrolled: _Optional[int] = ...) -> None: ...

class ListCourseEnrollmentsRequest(_message.Message):
    __slots__ = ("course_id", "page", "page_size", "is_active", "completed")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    page: int
    page_size: int
    is_active: bool
    completed: bool
    def __init__(self, course_id: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ..., is_active: _Optional[bool] = ..., completed: _Optional[bool] = ...) -> None: ...

class ListCourseEnrollmentsResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Enrollment]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Enrollment, _Mapping]]] = ...) -> None: ...

class MyCourse(_message.Message):
    __slots__ = ("id", "title", "description", "slug", "level", "thumbnail_url", "progress", "enrolled_at", "completed_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_URL_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    slug: str
    level: str
    thumbnail_url: str
    progress: int
    enrolled_at: _timestamp_pb2.Timestamp
    completed_at: _struct_pb2.Value
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., slug: _Optional[str] = ..., level: _Optional[str] = ..., thumbnail_url: _Optional[str] = ..., progress: _Optional[int] = ..., enrolled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListMyCoursesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMyCoursesResponse(_message.Message):
    __slots__ = ("courses",)
    COURSES_FIELD_NUMBER: _ClassVar[int]
    courses: _containers.RepeatedCompositeFieldContainer[MyCourse]
    def __init__(self, courses: _Optional[_Iterable[_Union[MyCourse, _Mapping]]] = ...) -> None: ...

class CompleteLessonRequest(_message.Message):
    __slots__ = ("lesson",)
    LESSON_FIELD_NUMBER: _ClassVar[int]
    lesson: int
    def __init__(self, lesson: _Optional[int] = ...) -> None: ...

class CompleteLessonResponse(_message.Message):
    __slots__ = ("detail", "progress", "course_completed")
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    COURSE_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    detail: str
    progress: int
    course_completed: bool
    def __init__(self, detail: _Optional[str] = ..., progress: _Optional[int] = ..., course_completed: _Optional[bool] = ...) -> None: ...

class GetProgressRequest(_message.Message):
    __slots__ = ("course", "user")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    course: int
    user: str
    def __init__(self, course: _Optional[int] = ..., user: _Optional[str] = ...) -> None: ...

class Progress(_message.Message):
    __slots__ = ("course", "user", "progress", "completed_lessons", "total_lessons", "completed_lesson_ids", "started_at", "completed_at", "is_active")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_LESSONS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LESSONS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_LESSON_IDS_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    course: int
    user: str
    progress: int
    completed_lessons: int
    total_lessons: int
    completed_lesson_ids: _containers.RepeatedScalarFieldContainer[int]
    started_at: _struct_pb2.Value
    completed_at: _struct_pb2.Value
    is_active: bool
    def __init__(self, course: _Optional[int] = ..., user: _Optional[str] = ..., progress: _Optional[int] = ..., completed_lessons: _Optional[int] = ..., total_lessons: _Optional[int] = ..., completed_lesson_ids: _Optional[_Iterable[int]] = ..., started_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., completed_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_active: _Optional[bool] = ...) -> None: ...

class GetEnrollmentRequest(_message.Message):
    __slots__ = ("enrollment_id",)
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: int
    def __init__(self, enrollment_id: _Optional[int] = ...) -> None: ...

class UpdateEnrollmentRequest(_message.Message):
    __slots__ = ("enrollment_id", "is_active")
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: int
    is_active: bool
    def __init__(self, enrollment_id: _Optional[int] = ..., is_active: _Optional[bool] = ...) -> None: ...

class DeleteEnrollmentRequest(_message.Message):
    __slots__ = ("enrollment_id",)
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: int
    def __init__(self, enrollment_id: _Optional[int] = ...) -> None: ...

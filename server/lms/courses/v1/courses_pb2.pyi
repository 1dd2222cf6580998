import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.certificates.v1 import settings_pb2 as _settings_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from lms.content.v1 import content_pb2 as _content_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CategorySummary(_message.Message):
    __slots__ = ("id", "name", "slug")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    slug: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., slug: _Optional[str] = ...) -> None: ...

class Course(_message.Message):
    __slots__ = ("id", "title", "description", "slug", "code", "level", "status", "is_free", "price", "currency", "thumbnail_url", "category", "total_enrollments", "faq_count", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IS_FREE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_URL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ENROLLMENTS_FIELD_NUMBER: _ClassVar[int]
    FAQ_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    slug: str
    code: str
    level: str
    status: str
    is_free: bool
    price: str
    currency: str
    thumbnail_url: str
    category: CategorySummary
    total_enrollments: int
    faq_count: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., slug: _Optional[str] = ..., code: _Optional[str] = ..., level: _Optional[str] = ..., status: _Optional[str] = ..., is_free: _Optional[bool] = ..., price: _Optional[str] = ..., currency: _Optional[str] = ..., thumbnail_url: _Optional[str] = ..., category: _Optional[_Union[CategorySummary, _Mapping]] = ..., total_enrollments: _Optional[int] = ..., faq_count: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CourseInstructor(_message.Message):
    __slots__ = ("id", "email", "first_name", "last_name", "avatar_url", "phone")
    ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    id: str
    email: str
    first_name: str
    last_name: str
    avatar_url: str
    phone: str
    def __init__(self, id: _Optional[str] = ..., email: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., avatar_url: _Optional[str] = ..., phone: _Optional[str] = ...) -> None: ...

class CourseDetail(_message.Message):
    __slots__ = ("id", "title", "description", "slug", "code", "level", "status", "is_free", "price", "currency", "thumbnail_url", "category", "short_description", "learning_outcomes", "prerequisites", "modules", "resources", "course_instructors", "certificate_settings", "total_enrollments", "faq_count", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IS_FREE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_URL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SHORT_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LEARNING_OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PREREQUISITES_FIELD_NUMBER: _ClassVar[int]
    MODULES_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    COURSE_INSTRUCTORS_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_SETTINGS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ENROLLMENTS_FIELD_NUMBER: _ClassVar[int]
    FAQ_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    slug: str
    code: str
    level: str
    status: str
    is_free: bool
    price: str
    currency: str
    thumbnail_url: str
    category: CategorySummary
    short_description: str
    learning_outcomes: _containers.RepeatedScalarFieldContainer[str]
    prerequisites: _containers.RepeatedScalarFieldContainer[str]
    modules: _containers.RepeatedCompositeFieldContainer[_content_pb2.ModuleSummary]
    resources: _containers.RepeatedCompositeFieldContainer[_content_pb2.Resource]
    course_instructors: _containers.RepeatedCompositeFieldContainer[CourseInstructor]
    certificate_settings: _settings_pb2.CertificateSettings
    total_enrollments: int
    faq_count: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., slug: _Optional[str] = ..., code: _Optional[str] = ..., level: _Optional[str] = ..., status: _Optional[str] = ..., is_free: _Optional[bool] = ..., price: _Optional[str] = ..., currency: _Optional[str] = ..., thumbnail_url: _Optional[str] = ..., category: _Optional[_Union[CategorySummary, _Mapping]] = ..., short_description: _Optional[str] = ..., learning_outcomes: _Optional[_Iterable[str]] = ..., prerequisites: _Optional[_Iterable[str]] = ..., modules: _Optional[_Iterable[_Union[_content_pb2.ModuleSummary, _Mapping]]] = ..., resources: _Optional[_Iterable[_Union[_content_pb2.Resource, _Mapping]]] = ..., course_instructors: _Optional[_Iterable[_Union[CourseInstructor, _Mapping]]] = ..., certificate_settings: _Optional[_Union[_settings_pb2.CertificateSettings, _Mapping]] = ..., total_enrollments: _Optional[int] = ..., faq_count: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CourseInput(_message.Message):
    __slots__ = ("title", "description", "short_description", "category_id", "level", "status", "is_free", "price", "currency", "learning_outcomes", "prerequisites", "code")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SHORT_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IS_FREE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    LEARNING_OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PREREQUISITES_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    title: _struct_pb2.Value
    description: _struct_pb2.Value
    short_description: _struct_pb2.Value
    category_id: _struct_pb2.Value
    level: _struct_pb2.Value
    status: _struct_pb2.Value
    is_free: _struct_pb2.Value
    price: _struct_pb2.Value
    currency: _struct_pb2.Value
    learning_outcomes: _struct_pb2.Value
    prerequisites: _struct_pb2.Value
    code: _struct_pb2.Value
    def __init__(self, title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., short_description: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., category_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., level: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., status: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_free: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., price: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., currency: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., learning_outcomes: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., prerequisites: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., code: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListCoursesRequest(_message.Message):
    __slots__ = ("page", "page_size", "category", "level", "status", "is_free", "search", "ordering")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IS_FREE_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    ORDERING_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    category: int
    level: str
    status: str
    is_free: bool
    search: str
    ordering: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., category: _Optional[int] = ..., level: _Optional[str] = ..., status: _Optional[str] = ..., is_free: _Optional[bool] = ..., search: _Optional[str] = ..., ordering: _Optional[str] = ...) -> None: ...

class ListCoursesResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results", "total_all_enrollments")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ALL_ENROLLMENTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Course]
    total_all_enrollments: int
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Course, _Mapping]]] = ..., total_all_enrollments: _Optional[int] = ...) -> None: ...

class CreateCourseRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: CourseInput
    def __init__(self, course: _Optional[_Union[CourseInput, _Mapping]] = ...) -> None: ...

class GetCourseRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class ReplaceCourseRequest(_message.Message):
    __slots__ = ("course_id", "course")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    course: CourseInput
    def __init__(self, course_id: _Optional[int] = ..., course: _Optional[_Union[CourseInput, _Mapping]] = ...) -> None: ...

class UpdateCourseRequest(_message.Message):
    __slots__ = ("course_id", "course")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    course: CourseInput
    def __init__(self, course_id: _Optional[int] = ..., course: _Optional[_Union[CourseInput, _Mapping]] = ...) -> None: ...

class DeleteCourseRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class GetMostPopularCourseRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetLeastPopularCourseRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PopularCourse(_message.Message):
    __slots__ = ("course", "enrollment_count")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    course: Course
    enrollment_count: int
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ..., enrollment_count: _Optional[int] = ...) -> None: ...

class UploadCourseThumbnailRequest(_message.Message):
    __slots__ = ("course_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DeleteCourseThumbnailRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

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

class Advert(_message.Message):
    __slots__ = ("id", "title", "content", "advert_type", "is_active", "start_date", "end_date", "target_audience", "course", "link_url", "image_url", "is_live", "impressions", "clicks", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ADVERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    TARGET_AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    LINK_URL_FIELD_NUMBER: _ClassVar[int]
    IMAGE_URL_FIELD_NUMBER: _ClassVar[int]
    IS_LIVE_FIELD_NUMBER: _ClassVar[int]
    IMPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    CLICKS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    content: str
    advert_type: str
    is_active: bool
    start_date: _timestamp_pb2.Timestamp
    end_date: _timestamp_pb2.Timestamp
    target_audience: str
    course: _struct_pb2.Value
    link_url: str
    image_url: str
    is_live: bool
    impressions: int
    clicks: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., content: _Optional[str] = ..., advert_type: _Optional[str] = ..., is_active: _Optional[bool] = ..., start_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., target_audience: _Optional[str] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., link_url: _Optional[str] = ..., image_url: _Optional[str] = ..., is_live: _Optional[bool] = ..., impressions: _Optional[int] = ..., clicks: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AdvertInput(_message.Message):
    __slots__ = ("title", "content", "advert_type", "is_active", "start_date", "end_date", "target_audience", "course", "link_url")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ADVERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    TARGET_AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    LINK_URL_FIELD_NUMBER: _ClassVar[int]
    title: str
    content: str
    advert_type: str
    is_active: bool
    start_date: str
    end_date: str
    target_audience: str
    course: _struct_pb2.Value
    link_url: str
    def __init__(self, title: _Optional[str] = ..., content: _Optional[str] = ..., advert_type: _Optional[str] = ..., is_active: _Optional[bool] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., target_audience: _Optional[str] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., link_url: _Optional[str] = ...) -> None: ...

class ListAdvertsRequest(_message.Message):
    __slots__ = ("advert_type", "include_inactive", "page", "page_size")
    ADVERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    advert_type: str
    include_inactive: bool
    page: int
    page_size: int
    def __init__(self, advert_type: _Optional[str] = ..., include_inactive: _Optional[bool] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListAdvertsResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Advert]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Advert, _Mapping]]] = ...) -> None: ...

class CreateAdvertRequest(_message.Message):
    __slots__ = ("advert",)
    ADVERT_FIELD_NUMBER: _ClassVar[int]
    advert: AdvertInput
    def __init__(self, advert: _Optional[_Union[AdvertInput, _Mapping]] = ...) -> None: ...

class GetAdvertRequest(_message.Message):
    __slots__ = ("advert_id",)
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    def __init__(self, advert_id: _Optional[int] = ...) -> None: ...

class ReplaceAdvertRequest(_message.Message):
    __slots__ = ("advert_id", "advert")
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERT_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    advert: AdvertInput
    def __init__(self, advert_id: _Optional[int] = ..., advert: _Optional[_Union[AdvertInput, _Mapping]] = ...) -> None: ...

class UpdateAdvertRequest(_message.Message):
    __slots__ = ("advert_id", "advert")
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERT_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    advert: AdvertInput
    def __init__(self, advert_id: _Optional[int] = ..., advert: _Optional[_Union[AdvertInput, _Mapping]] = ...) -> None: ...

class DeleteAdvertRequest(_message.Message):
    __slots__ = ("advert_id",)
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    def __init__(self, advert_id: _Optional[int] = ...) -> None: ...

class UploadAdvertImageRequest(_message.Message):
    __slots__ = ("advert_id", "body")
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, advert_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DeleteAdvertImageRequest(_message.Message):
    __slots__ = ("advert_id",)
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    def __init__(self, advert_id: _Optional[int] = ...) -> None: ...

class RecordImpressionRequest(_message.Message):
    __slots__ = ("advert_id",)
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    def __init__(self, advert_id: _Optional[int] = ...) -> None: ...

class RecordClickRequest(_message.Message):
    __slots__ = ("advert_id",)
    ADVERT_ID_FIELD_NUMBER: _ClassVar[int]
    advert_id: int
    def __init__(self, advert_id: _Optional[int] = ...) -> None: ...

class RecordImpressionsRequest(_message.Message):
    __slots__ = ("adverts",)
    ADVERTS_FIELD_NUMBER: _ClassVar[int]
    adverts: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, adverts: _Optional[_Iterable[int]] = ...) -> None: ...

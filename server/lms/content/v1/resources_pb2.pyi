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

class ResourceInput(_message.Message):
    __slots__ = ("title", "resource_type", "url", "order")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    title: _struct_pb2.Value
    resource_type: _struct_pb2.Value
    url: _struct_pb2.Value
    order: _struct_pb2.Value
    def __init__(self, title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., resource_type: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., order: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListResourcesRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class ListResourcesResponse(_message.Message):
    __slots__ = ("resources",)
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    resources: _containers.RepeatedCompositeFieldContainer[_content_pb2.Resource]
    def __init__(self, resources: _Optional[_Iterable[_Union[_content_pb2.Resource, _Mapping]]] = ...) -> None: ...

class CreateResourceRequest(_message.Message):
    __slots__ = ("course_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class ReorderResourcesRequest(_message.Message):
    __slots__ = ("course_id", "resources")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    resources: _containers.RepeatedCompositeFieldContainer[_content_pb2.OrderItem]
    def __init__(self, course_id: _Optional[int] = ..., resources: _Optional[_Iterable[_Union[_content_pb2.OrderItem, _Mapping]]] = ...) -> None: ...

class GetResourceRequest(_message.Message):
    __slots__ = ("course_id", "resource_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    resource_id: int
    def __init__(self, course_id: _Optional[int] = ..., resource_id: _Optional[int] = ...) -> None: ...

class ReplaceResourceRequest(_message.Message):
    __slots__ = ("course_id", "resource_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    resource_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., resource_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class UpdateResourceRequest(_message.Message):
    __slots__ = ("course_id", "resource_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    resource_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., resource_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DeleteResourceRequest(_message.Message):
    __slots__ = ("course_id", "resource_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    resource_id: int
    def __init__(self, course_id: _Optional[int] = ..., resource_id: _Optional[int] = ...) -> None: ...

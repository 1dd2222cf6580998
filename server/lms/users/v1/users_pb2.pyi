import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class User(_message.Message):
    __slots__ = ("id", "email", "first_name", "last_name", "avatar_url", "phone", "roles", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    email: str
    first_name: str
    last_name: str
    avatar_url: str
    phone: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., email: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., avatar_url: _Optional[str] = ..., phone: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserInput(_message.Message):
    __slots__ = ("email", "first_name", "last_name", "avatar_url", "phone")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    email: _struct_pb2.Value
    first_name: _struct_pb2.Value
    last_name: _struct_pb2.Value
    avatar_url: _struct_pb2.Value
    phone: _struct_pb2.Value
    def __init__(self, email: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., first_name: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., last_name: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., avatar_url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., phone: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class GetCurrentUserRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ("page", "page_size", "search")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    search: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., search: _Optional[str] = ...) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[User]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[User, _Mapping]]] = ...) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class SetUserRequest(_message.Message):
    __slots__ = ("user_id", "user")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    user: UserInput
    def __init__(self, user_id: _Optional[str] = ..., user: _Optional[_Union[UserInput, _Mapping]] = ...) -> None: ...

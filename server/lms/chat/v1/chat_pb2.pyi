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

class RoomMessage(_message.Message):
    __slots__ = ("id", "room", "message", "sender", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    room: str
    message: str
    sender: ChatSender
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., room: _Optional[str] = ..., message: _Optional[str] = ..., sender: _Optional[_Union[ChatSender, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChatSender(_message.Message):
    __slots__ = ("id", "first_name", "last_name", "avatar_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    first_name: str
    last_name: str
    avatar_url: str
    def __init__(self, id: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., avatar_url: _Optional[str] = ...) -> None: ...

class RoomMessageInput(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _struct_pb2.Value
    def __init__(self, message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class PostRoomMessageRequest(_message.Message):
    __slots__ = ("room", "message")
    ROOM_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    room: str
    message: RoomMessageInput
    def __init__(self, room: _Optional[str] = ..., message: _Optional[_Union[RoomMessageInput, _Mapping]] = ...) -> None: ...

class ListRoomMessagesRequest(_message.Message):
    __slots__ = ("room", "page", "page_size")
    ROOM_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    room: str
    page: int
    page_size: int
    def __init__(self, room: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListRoomMessagesResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[RoomMessage]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[RoomMessage, _Mapping]]] = ...) -> None: ...

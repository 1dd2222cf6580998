from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CloseCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLOSE_CODE_UNSPECIFIED: _ClassVar[CloseCode]
    CLOSE_CODE_UNAUTHENTICATED: _ClassVar[CloseCode]
    CLOSE_CODE_SLOW_CONSUMER: _ClassVar[CloseCode]
    CLOSE_CODE_TOO_MANY_MESSAGES: _ClassVar[CloseCode]
    CLOSE_CODE_SERVICE_RESTART: _ClassVar[CloseCode]
    CLOSE_CODE_TRY_AGAIN_LATER: _ClassVar[CloseCode]
CLOSE_CODE_UNSPECIFIED: CloseCode
CLOSE_CODE_UNAUTHENTICATED: CloseCode
CLOSE_CODE_SLOW_CONSUMER: CloseCode
CLOSE_CODE_TOO_MANY_MESSAGES: CloseCode
CLOSE_CODE_SERVICE_RESTART: CloseCode
CLOSE_CODE_TRY_AGAIN_LATER: CloseCode

class ClientMessage(_message.Message):
    __slots__ = ("type", "room", "rooms", "last_event_id", "message", "token", "ref")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    ROOMS_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    type: str
    room: str
    rooms: _containers.RepeatedScalarFieldContainer[str]
    last_event_id: int
    message: str
    token: str
    ref: _struct_pb2.Value
    def __init__(self, type: _Optional[str] = ..., room: _Optional[str] = ..., rooms: _Optional[_Iterable[str]] = ..., last_event_id: _Optional[int] = ..., message: _Optional[str] = ..., token: _Optional[str] = ..., ref: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("type", "room", "id", "data", "created_at")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    type: str
    room: str
    id: int
    data: _struct_pb2.Struct
    created_at: str
    def __init__(self, type: _Optional[str] = ..., room: _Optional[str] = ..., id: _Optional[int] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., created_at: _Optional[str] = ...) -> None: ...

class Connected(_message.Message):
    __slots__ = ("type", "user_id", "tenant_id", "rooms", "last_event_id", "refused", "reconnect_jitter_ms")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ROOMS_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REFUSED_FIELD_NUMBER: _ClassVar[int]
    RECONNECT_JITTER_MS_FIELD_NUMBER: _ClassVar[int]
    type: str
    user_id: str
    tenant_id: str
    rooms: _containers.RepeatedScalarFieldContainer[str]
    last_event_id: int
    refused: _containers.RepeatedCompositeFieldContainer[RefusedRoom]
    reconnect_jitter_ms: int
    def __init__(self, type: _Optional[str] = ..., user_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., rooms: _Optional[_Iterable[str]] = ..., last_event_id: _Optional[int] = ..., refused: _Optional[_Iterable[_Union[RefusedRoom, _Mapping]]] = ..., reconnect_jitter_ms: _Optional[int] = ...) -> None: ...

class RefusedRoom(_message.Message):
    __slots__ = ("room", "code", "reason")
    ROOM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    room: str
    code: str
    reason: str
    def __init__(self, room: _Optional[str] = ..., code: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class Subscribed(_message.Message):
    __slots__ = ("type", "room", "last_event_id", "ref")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    type: str
    room: str
    last_event_id: int
    ref: _struct_pb2.Value
    def __init__(self, type: _Optional[str] = ..., room: _Optional[str] = ..., last_event_id: _Optional[int] = ..., ref: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Unsubscribed(_message.Message):
    __slots__ = ("type", "room", "reason", "ref")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    type: str
    room: str
    reason: str
    ref: _struct_pb2.Value
    def __init__(self, type: _Optional[str] = ..., room: _Optional[str] = ..., reason: _Optional[str] = ..., ref: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Resumed(_message.Message):
    __slots__ = ("type", "from_event_id", "last_event_id", "replayed", "ref")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FROM_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    type: str
    from_event_id: int
    last_event_id: int
    replayed: int
    ref: _struct_pb2.Value
    def __init__(self, type: _Optional[str] = ..., from_event_id: _Optional[int] = ..., last_event_id: _Optional[int] = ..., replayed: _Optional[int] = ..., ref: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Ack(_message.Message):
    __slots__ = ("type", "action", "data", "ref")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    type: str
    action: str
    data: _struct_pb2.Struct
    ref: _struct_pb2.Value
    def __init__(self, type: _Optional[str] = ..., action: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., ref: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Pong(_message.Message):
    __slots__ = ("type", "ref")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    type: str
    ref: _struct_pb2.Value
    def __init__(self, type: _Optional[str] = ..., ref: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("type", "code", "reason", "room", "errors", "ref")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    type: str
    code: str
    reason: str
    room: str
    errors: _struct_pb2.Struct
    ref: _struct_pb2.Value
    def __init__(self, type: _Optional[str] = ..., code: _Optional[str] = ..., reason: _Optional[str] = ..., room: _Optional[str] = ..., errors: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., ref: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Restarting(_message.Message):
    __slots__ = ("type", "last_event_id", "reconnect_after_ms")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    RECONNECT_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    type: str
    last_event_id: int
    reconnect_after_ms: int
    def __init__(self, type: _Optional[str] = ..., last_event_id: _Optional[int] = ..., reconnect_after_ms: _Optional[int] = ...) -> None: ...

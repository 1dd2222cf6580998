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

class Message(_message.Message):
    __slots__ = ("id", "sender", "sender_name", "recipient", "recipient_name", "subject", "content", "message_type", "course", "reply_to", "thread", "is_read", "read_at", "created_at", "folder", "recipient_count")
    ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    SENDER_NAME_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    THREAD_FIELD_NUMBER: _ClassVar[int]
    IS_READ_FIELD_NUMBER: _ClassVar[int]
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FOLDER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    id: int
    sender: str
    sender_name: str
    recipient: str
    recipient_name: str
    subject: str
    content: str
    message_type: str
    course: _struct_pb2.Value
    reply_to: _struct_pb2.Value
    thread: int
    is_read: bool
    read_at: _struct_pb2.Value
    created_at: _timestamp_pb2.Timestamp
    folder: str
    recipient_count: int
    def __init__(self, id: _Optional[int] = ..., sender: _Optional[str] = ..., sender_name: _Optional[str] = ..., recipient: _Optional[str] = ..., recipient_name: _Optional[str] = ..., subject: _Optional[str] = ..., content: _Optional[str] = ..., message_type: _Optional[str] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., reply_to: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., thread: _Optional[int] = ..., is_read: _Optional[bool] = ..., read_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., folder: _Optional[str] = ..., recipient_count: _Optional[int] = ...) -> None: ...

class MessageInput(_message.Message):
    __slots__ = ("recipient", "subject", "content", "message_type", "course", "reply_to")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    recipient: _struct_pb2.Value
    subject: _struct_pb2.Value
    content: _struct_pb2.Value
    message_type: _struct_pb2.Value
    course: _struct_pb2.Value
    reply_to: _struct_pb2.Value
    def __init__(self, recipient: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., subject: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., content: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., message_type: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., reply_to: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("folder", "unread", "message_type", "thread", "page", "page_size")
    FOLDER_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    THREAD_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    folder: str
    unread: bool
    message_type: str
    thread: int
    page: int
    page_size: int
    def __init__(self, folder: _Optional[str] = ..., unread: _Optional[bool] = ..., message_type: _Optional[str] = ..., thread: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Message]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Message, _Mapping]]] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: MessageInput
    def __init__(self, message: _Optional[_Union[MessageInput, _Mapping]] = ...) -> None: ...

class GetMessageRequest(_message.Message):
    __slots__ = ("message_id",)
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: int
    def __init__(self, message_id: _Optional[int] = ...) -> None: ...

class DeleteMessageRequest(_message.Message):
    __slots__ = ("message_id",)
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: int
    def __init__(self, message_id: _Optional[int] = ...) -> None: ...

class MarkReadRequest(_message.Message):
    __slots__ = ("message_id",)
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: int
    def __init__(self, message_id: _Optional[int] = ...) -> None: ...

class MarkUnreadRequest(_message.Message):
    __slots__ = ("message_id",)
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: int
    def __init__(self, message_id: _Optional[int] = ...) -> None: ...

class MarkAllReadRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetUnreadCountRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnreadCount(_message.Message):
    __slots__ = ("unread_count",)
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    unread_count: int
    def __init__(self, unread_count: _Optional[int] = ...) -> None: ...

class MessageType(_message.Message):
    __slots__ = ("value", "label", "description", "sendable")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SENDABLE_FIELD_NUMBER: _ClassVar[int]
    value: str
    label: str
    description: str
    sendable: bool
    def __init__(self, value: _Optional[str] = ..., label: _Optional[str] = ..., description: _Optional[str] = ..., sendable: _Optional[bool] = ...) -> None: ...

class ListMessageTypesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMessageTypesResponse(_message.Message):
    __slots__ = ("types",)
    TYPES_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedCompositeFieldContainer[MessageType]
    def __init__(self, types: _Optional[_Iterable[_Union[MessageType, _Mapping]]] = ...) -> None: ...

class MessagingSettings(_message.Message):
    __slots__ = ("student_recipients",)
    STUDENT_RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    student_recipients: str
    def __init__(self, student_recipients: _Optional[str] = ...) -> None: ...

class MessagingSettingsInput(_message.Message):
    __slots__ = ("student_recipients",)
    STUDENT_RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    student_recipients: _struct_pb2.Value
    def __init__(self, student_recipients: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class GetMessagingSettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateMessagingSettingsRequest(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: MessagingSettingsInput
    def __init__(self, settings: _Optional[_Union[MessagingSettingsInput, _Mapping]] = ...) -> None: ...

from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor
HTTP_RESPONSE_FIELD_NUMBER: _ClassVar[int]
http_response: _descriptor.FieldDescriptor
ACCESS_FIELD_NUMBER: _ClassVar[int]
access: _descriptor.FieldDescriptor
UPLOAD_FORM_FIELD_NUMBER: _ClassVar[int]
upload_form: _descriptor.FieldDescriptor
NULLABLE_TYPE_FIELD_NUMBER: _ClassVar[int]
nullable_type: _descriptor.FieldDescriptor
RULES_FIELD_NUMBER: _ClassVar[int]
rules: _descriptor.FieldDescriptor

class HttpResponse(_message.Message):
    __slots__ = ("status", "bare_array_field")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BARE_ARRAY_FIELD_FIELD_NUMBER: _ClassVar[int]
    status: int
    bare_array_field: str
    def __init__(self, status: _Optional[int] = ..., bare_array_field: _Optional[str] = ...) -> None: ...

class Access(_message.Message):
    __slots__ = ("allow_anonymous", "rate_limit_bucket", "unthrottled")
    ALLOW_ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    RATE_LIMIT_BUCKET_FIELD_NUMBER: _ClassVar[int]
    UNTHROTTLED_FIELD_NUMBER: _ClassVar[int]
    allow_anonymous: bool
    rate_limit_bucket: str
    unthrottled: bool
    def __init__(self, allow_anonymous: _Optional[bool] = ..., rate_limit_bucket: _Optional[str] = ..., unthrottled: _Optional[bool] = ...) -> None: ...

class UploadForm(_message.Message):
    __slots__ = ("fields", "files")
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    fields: str
    files: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, fields: _Optional[str] = ..., files: _Optional[_Iterable[str]] = ...) -> None: ...

class FieldRules(_message.Message):
    __slots__ = ("type", "max_length", "min_length", "minimum", "maximum", "choices", "required", "nullable", "items", "max_items", "format", "item_max_length")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MIN_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    NULLABLE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ITEM_MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    type: str
    max_length: int
    min_length: int
    minimum: int
    maximum: int
    choices: _containers.RepeatedScalarFieldContainer[str]
    required: bool
    nullable: bool
    items: str
    max_items: int
    format: str
    item_max_length: int
    def __init__(self, type: _Optional[str] = ..., max_length: _Optional[int] = ..., min_length: _Optional[int] = ..., minimum: _Optional[int] = ..., maximum: _Optional[int] = ..., choices: _Optional[_Iterable[str]] = ..., required: _Optional[bool] = ..., nullable: _Optional[bool] = ..., items: _Optional[str] = ..., max_items: _Optional[int] = ..., format: _Optional[str] = ..., item_max_length: _Optional[int] = ...) -> None: ...

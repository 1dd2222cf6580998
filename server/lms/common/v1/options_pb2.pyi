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

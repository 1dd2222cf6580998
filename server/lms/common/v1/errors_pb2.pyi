from google.protobuf import struct_pb2 as _struct_pb2
from google.rpc import error_details_pb2 as _error_details_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorDetails(_message.Message):
    __slots__ = ("body", "info", "bad_request", "retry_info")
    BODY_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    BAD_REQUEST_FIELD_NUMBER: _ClassVar[int]
    RETRY_INFO_FIELD_NUMBER: _ClassVar[int]
    body: _struct_pb2.Struct
    info: _error_details_pb2.ErrorInfo
    bad_request: _error_details_pb2.BadRequest
    retry_info: _error_details_pb2.RetryInfo
    def __init__(self, body: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., info: _Optional[_Union[_error_details_pb2.ErrorInfo, _Mapping]] = ..., bad_request: _Optional[_Union[_error_details_pb2.BadRequest, _Mapping]] = ..., retry_info: _Optional[_Union[_error_details_pb2.RetryInfo, _Mapping]] = ...) -> None: ...

import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.certificates.v1 import settings_pb2 as _settings_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Certificate(_message.Message):
    __slots__ = ("id", "enrollment", "course_title", "issued_at", "certificate_id", "pdf_file_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    PDF_FILE_URL_FIELD_NUMBER: _ClassVar[int]
    id: int
    enrollment: int
    course_title: str
    issued_at: _timestamp_pb2.Timestamp
    certificate_id: str
    pdf_file_url: str
    def __init__(self, id: _Optional[int] = ..., enrollment: _Optional[int] = ..., course_title: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., certificate_id: _Optional[str] = ..., pdf_file_url: _Optional[str] = ...) -> None: ...

class CertificateSettingsInput(_message.Message):
    __slots__ = ("is_active", "template", "custom_text", "show_date", "show_course_name", "show_completion_hours", "min_score", "require_all_modules")
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_TEXT_FIELD_NUMBER: _ClassVar[int]
    SHOW_DATE_FIELD_NUMBER: _ClassVar[int]
    SHOW_COURSE_NAME_FIELD_NUMBER: _ClassVar[int]
    SHOW_COMPLETION_HOURS_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_ALL_MODULES_FIELD_NUMBER: _ClassVar[int]
    is_active: _struct_pb2.Value
    template: _struct_pb2.Value
    custom_text: _struct_pb2.Value
    show_date: _struct_pb2.Value
    show_course_name: _struct_pb2.Value
    show_completion_hours: _struct_pb2.Value
    min_score: _struct_pb2.Value
    require_all_modules: _struct_pb2.Value
    def __init__(self, is_active: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., template: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., custom_text: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., show_date: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., show_course_name: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., show_completion_hours: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., min_score: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., require_all_modules: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListMyCertificatesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMyCertificatesResponse(_message.Message):
    __slots__ = ("certificates",)
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    certificates: _containers.RepeatedCompositeFieldContainer[Certificate]
    def __init__(self, certificates: _Optional[_Iterable[_Union[Certificate, _Mapping]]] = ...) -> None: ...

class GetCertificateTemplateRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class UpdateCertificateTemplateRequest(_message.Message):
    __slots__ = ("course_id", "template")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    template: CertificateSettingsInput
    def __init__(self, course_id: _Optional[int] = ..., template: _Optional[_Union[CertificateSettingsInput, _Mapping]] = ...) -> None: ...

class VerifyCertificateRequest(_message.Message):
    __slots__ = ("certificate_id",)
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    def __init__(self, certificate_id: _Optional[str] = ...) -> None: ...

class CertificateVerification(_message.Message):
    __slots__ = ("certificate_id", "valid", "learner_name", "course_title", "issued_at")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    LEARNER_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    valid: bool
    learner_name: str
    course_title: str
    issued_at: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., valid: _Optional[bool] = ..., learner_name: _Optional[str] = ..., course_title: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

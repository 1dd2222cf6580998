from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UploadPackageRequest(_message.Message):
    __slots__ = ("course_id", "body")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, course_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class Sco(_message.Message):
    __slots__ = ("identifier", "title", "launch_path", "scorm_type", "parameters", "mastery_score", "prerequisites", "resource_identifier")
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_PATH_FIELD_NUMBER: _ClassVar[int]
    SCORM_TYPE_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    MASTERY_SCORE_FIELD_NUMBER: _ClassVar[int]
    PREREQUISITES_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    identifier: str
    title: str
    launch_path: str
    scorm_type: str
    parameters: str
    mastery_score: _struct_pb2.Value
    prerequisites: str
    resource_identifier: str
    def __init__(self, identifier: _Optional[str] = ..., title: _Optional[str] = ..., launch_path: _Optional[str] = ..., scorm_type: _Optional[str] = ..., parameters: _Optional[str] = ..., mastery_score: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., prerequisites: _Optional[str] = ..., resource_identifier: _Optional[str] = ...) -> None: ...

class ScormPackage(_message.Message):
    __slots__ = ("id", "course_id", "version", "title", "identifier", "default_organization", "organizations", "scos", "file_count", "size")
    ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATIONS_FIELD_NUMBER: _ClassVar[int]
    SCOS_FIELD_NUMBER: _ClassVar[int]
    FILE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    id: int
    course_id: int
    version: str
    title: str
    identifier: str
    default_organization: str
    organizations: _struct_pb2.ListValue
    scos: _containers.RepeatedCompositeFieldContainer[Sco]
    file_count: int
    size: int
    def __init__(self, id: _Optional[int] = ..., course_id: _Optional[int] = ..., version: _Optional[str] = ..., title: _Optional[str] = ..., identifier: _Optional[str] = ..., default_organization: _Optional[str] = ..., organizations: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., scos: _Optional[_Iterable[_Union[Sco, _Mapping]]] = ..., file_count: _Optional[int] = ..., size: _Optional[int] = ...) -> None: ...

class LaunchPackageRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class LaunchSco(_message.Message):
    __slots__ = ("identifier", "title", "launch_url", "status")
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_URL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    identifier: str
    title: str
    launch_url: str
    status: str
    def __init__(self, identifier: _Optional[str] = ..., title: _Optional[str] = ..., launch_url: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class Launch(_message.Message):
    __slots__ = ("launch_url", "version", "scos", "package_id", "title", "expires_at")
    LAUNCH_URL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCOS_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    launch_url: str
    version: str
    scos: _containers.RepeatedCompositeFieldContainer[LaunchSco]
    package_id: int
    title: str
    expires_at: str
    def __init__(self, launch_url: _Optional[str] = ..., version: _Optional[str] = ..., scos: _Optional[_Iterable[_Union[LaunchSco, _Mapping]]] = ..., package_id: _Optional[int] = ..., title: _Optional[str] = ..., expires_at: _Optional[str] = ...) -> None: ...

class TrackInput(_message.Message):
    __slots__ = ("progress", "score", "completed", "sco", "cmi")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    SCO_FIELD_NUMBER: _ClassVar[int]
    CMI_FIELD_NUMBER: _ClassVar[int]
    progress: _struct_pb2.Value
    score: _struct_pb2.Value
    completed: _struct_pb2.Value
    sco: _struct_pb2.Value
    cmi: _struct_pb2.Value
    def __init__(self, progress: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., score: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., completed: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., sco: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., cmi: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class TrackProgressRequest(_message.Message):
    __slots__ = ("course_id", "track")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    TRACK_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    track: TrackInput
    def __init__(self, course_id: _Optional[int] = ..., track: _Optional[_Union[TrackInput, _Mapping]] = ...) -> None: ...

class Tracking(_message.Message):
    __slots__ = ("sco", "attempt", "completion_status", "success_status", "progress", "score", "location", "total_time_seconds", "package_completed")
    SCO_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_STATUS_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_STATUS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    sco: str
    attempt: int
    completion_status: str
    success_status: str
    progress: int
    score: _struct_pb2.Value
    location: str
    total_time_seconds: int
    package_completed: bool
    def __init__(self, sco: _Optional[str] = ..., attempt: _Optional[int] = ..., completion_status: _Optional[str] = ..., success_status: _Optional[str] = ..., progress: _Optional[int] = ..., score: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., location: _Optional[str] = ..., total_time_seconds: _Optional[int] = ..., package_completed: _Optional[bool] = ...) -> None: ...

class ExportCourseRequest(_message.Message):
    __slots__ = ("course_id", "version")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    version: str
    def __init__(self, course_id: _Optional[int] = ..., version: _Optional[str] = ...) -> None: ...

class GetPlayerRequest(_message.Message):
    __slots__ = ("tenant", "session", "sco")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    SCO_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    session: str
    sco: str
    def __init__(self, tenant: _Optional[str] = ..., session: _Optional[str] = ..., sco: _Optional[str] = ...) -> None: ...

class GetRuntimeRequest(_message.Message):
    __slots__ = ("tenant", "session", "name")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    session: str
    name: str
    def __init__(self, tenant: _Optional[str] = ..., session: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class GetContentRequest(_message.Message):
    __slots__ = ("tenant", "session", "path")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    session: str
    path: str
    def __init__(self, tenant: _Optional[str] = ..., session: _Optional[str] = ..., path: _Optional[str] = ...) -> None: ...

class CommitRequest(_message.Message):
    __slots__ = ("tenant", "session", "sco", "data", "attempt", "finished")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    SCO_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    session: str
    sco: str
    data: CommitData
    attempt: int
    finished: bool
    def __init__(self, tenant: _Optional[str] = ..., session: _Optional[str] = ..., sco: _Optional[str] = ..., data: _Optional[_Union[CommitData, _Mapping]] = ..., attempt: _Optional[int] = ..., finished: _Optional[bool] = ...) -> None: ...

class CommitData(_message.Message):
    __slots__ = ("cmi",)
    CMI_FIELD_NUMBER: _ClassVar[int]
    cmi: _struct_pb2.Value
    def __init__(self, cmi: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class CommitResult(_message.Message):
    __slots__ = ("result", "error_code", "package_completed")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    result: bool
    error_code: int
    package_completed: bool
    def __init__(self, result: _Optional[bool] = ..., error_code: _Optional[int] = ..., package_completed: _Optional[bool] = ...) -> None: ...

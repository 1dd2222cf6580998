from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class CertificateSettings(_message.Message):
    __slots__ = ("id", "is_active", "template", "custom_text", "show_date", "show_course_name", "show_completion_hours", "min_score", "require_all_modules")
    ID_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_TEXT_FIELD_NUMBER: _ClassVar[int]
    SHOW_DATE_FIELD_NUMBER: _ClassVar[int]
    SHOW_COURSE_NAME_FIELD_NUMBER: _ClassVar[int]
    SHOW_COMPLETION_HOURS_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_ALL_MODULES_FIELD_NUMBER: _ClassVar[int]
    id: int
    is_active: bool
    template: str
    custom_text: str
    show_date: bool
    show_course_name: bool
    show_completion_hours: bool
    min_score: int
    require_all_modules: bool
    def __init__(self, id: _Optional[int] = ..., is_active: _Optional[bool] = ..., template: _Optional[str] = ..., custom_text: _Optional[str] = ..., show_date: _Optional[bool] = ..., show_course_name: _Optional[bool] = ..., show_completion_hours: _Optional[bool] = ..., min_score: _Optional[int] = ..., require_all_modules: _Optional[bool] = ...) -> None: ...

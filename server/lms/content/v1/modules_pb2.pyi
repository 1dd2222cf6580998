from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from lms.content.v1 import content_pb2 as _content_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ModuleInput(_message.Message):
    __slots__ = ("title", "description", "order", "is_published")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    title: _struct_pb2.Value
    description: _struct_pb2.Value
    order: _struct_pb2.Value
    is_published: _struct_pb2.Value
    def __init__(self, title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., order: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_published: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListModulesRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class ListModulesResponse(_message.Message):
    __slots__ = ("modules",)
    MODULES_FIELD_NUMBER: _ClassVar[int]
    modules: _containers.RepeatedCompositeFieldContainer[_content_pb2.Module]
    def __init__(self, modules: _Optional[_Iterable[_Union[_content_pb2.Module, _Mapping]]] = ...) -> None: ...

class CreateModuleRequest(_message.Message):
    __slots__ = ("course_id", "module")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module: ModuleInput
    def __init__(self, course_id: _Optional[int] = ..., module: _Optional[_Union[ModuleInput, _Mapping]] = ...) -> None: ...

class GetModuleRequest(_message.Message):
    __slots__ = ("course_id", "module_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ...) -> None: ...

class ReplaceModuleRequest(_message.Message):
    __slots__ = ("course_id", "module_id", "module")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    module: ModuleInput
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ..., module: _Optional[_Union[ModuleInput, _Mapping]] = ...) -> None: ...

class UpdateModuleRequest(_message.Message):
    __slots__ = ("course_id", "module_id", "module")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    module: ModuleInput
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ..., module: _Optional[_Union[ModuleInput, _Mapping]] = ...) -> None: ...

class DeleteModuleRequest(_message.Message):
    __slots__ = ("course_id", "module_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    module_id: int
    def __init__(self, course_id: _Optional[int] = ..., module_id: _Optional[int] = ...) -> None: ...

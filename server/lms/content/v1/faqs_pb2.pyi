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

class FaqInput(_message.Message):
    __slots__ = ("question", "answer", "order")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    question: _struct_pb2.Value
    answer: _struct_pb2.Value
    order: _struct_pb2.Value
    def __init__(self, question: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., answer: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., order: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ListFaqsRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    def __init__(self, course_id: _Optional[int] = ...) -> None: ...

class ListFaqsResponse(_message.Message):
    __slots__ = ("faqs",)
    FAQS_FIELD_NUMBER: _ClassVar[int]
    faqs: _containers.RepeatedCompositeFieldContainer[_content_pb2.Faq]
    def __init__(self, faqs: _Optional[_Iterable[_Union[_content_pb2.Faq, _Mapping]]] = ...) -> None: ...

class CreateFaqRequest(_message.Message):
    __slots__ = ("course_id", "faq")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    FAQ_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    faq: FaqInput
    def __init__(self, course_id: _Optional[int] = ..., faq: _Optional[_Union[FaqInput, _Mapping]] = ...) -> None: ...

class ReorderFaqsRequest(_message.Message):
    __slots__ = ("course_id", "faqs")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    FAQS_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    faqs: _containers.RepeatedCompositeFieldContainer[_content_pb2.OrderItem]
    def __init__(self, course_id: _Optional[int] = ..., faqs: _Optional[_Iterable[_Union[_content_pb2.OrderItem, _Mapping]]] = ...) -> None: ...

class GetFaqRequest(_message.Message):
    __slots__ = ("course_id", "faq_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    FAQ_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    faq_id: int
    def __init__(self, course_id: _Optional[int] = ..., faq_id: _Optional[int] = ...) -> None: ...

class ReplaceFaqRequest(_message.Message):
    __slots__ = ("course_id", "faq_id", "faq")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    FAQ_ID_FIELD_NUMBER: _ClassVar[int]
    FAQ_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    faq_id: int
    faq: FaqInput
    def __init__(self, course_id: _Optional[int] = ..., faq_id: _Optional[int] = ..., faq: _Optional[_Union[FaqInput, _Mapping]] = ...) -> None: ...

class UpdateFaqRequest(_message.Message):
    __slots__ = ("course_id", "faq_id", "faq")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    FAQ_ID_FIELD_NUMBER: _ClassVar[int]
    FAQ_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    faq_id: int
    faq: FaqInput
    def __init__(self, course_id: _Optional[int] = ..., faq_id: _Optional[int] = ..., faq: _Optional[_Union[FaqInput, _Mapping]] = ...) -> None: ...

class DeleteFaqRequest(_message.Message):
    __slots__ = ("course_id", "faq_id")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    FAQ_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    faq_id: int
    def __init__(self, course_id: _Optional[int] = ..., faq_id: _Optional[int] = ...) -> None: ...

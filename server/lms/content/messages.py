"""Content rows to the protobuf messages the API documents (shared by the content and course servicers)."""
from __future__ import annotations

from lms.content.models import Faq, Lesson, Module, Resource
from lms.content.v1 import content_pb2
from lms.platform.context import Call
from lms.platform.protos import nullable_string
from lms.platform.storage import file_url, stored_filename


def lesson_message(call: Call, lesson: Lesson) -> content_pb2.Lesson:
    return content_pb2.Lesson(
        id=lesson.id, title=lesson.title, description=lesson.description, lesson_type=lesson.lesson_type,
        duration=lesson.duration, content_url=lesson.content_url,
        content_file=stored_filename(lesson.content_file),
        content_file_url=file_url(call, lesson.content_file), content_text=lesson.content_text,
        order=lesson.order, is_published=lesson.is_published)


def module_message(call: Call, module: Module, lessons: list[Lesson]) -> content_pb2.Module:
    return content_pb2.Module(
        id=module.id, title=module.title, description=module.description, order=module.order,
        is_published=module.is_published, lessons=[lesson_message(call, lesson) for lesson in lessons])


def resource_message(call: Call, resource: Resource) -> content_pb2.Resource:
    return content_pb2.Resource(
        id=resource.id, title=resource.title, resource_type=resource.resource_type, url=resource.url,
        file_url=nullable_string(file_url(call, resource.file) or None), order=resource.order)


def faq_message(faq: Faq) -> content_pb2.Faq:
    return content_pb2.Faq(id=faq.id, question=faq.question, answer=faq.answer, order=faq.order)

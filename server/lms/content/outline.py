"""The content part of a course detail (lms.courses.detail): modules with lesson outlines, and resources.

Statements built once: every value is a bound parameter and every tenant-owned table is filtered by
`:tenant` (row-level security checks the same on PostgreSQL). Learners see the published outline only
(`lms.courses.policy.published_outline_clause`); the course's own visibility is decided by the detail.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, bindparam, select, true

from lms.content.messages import resource_message
from lms.content.models import Lesson, Module, Resource
from lms.content.v1 import content_pb2
from lms.courses.public import ContentOutline, published_outline_clause
from lms.platform.context import Call
from lms.platform.db import row_type

_TENANT = bindparam("tenant")
_COURSE = bindparam("course_id")


def _modules_and_lessons(published_only: bool):
    lesson_join = [Lesson.module_id == Module.id, Lesson.tenant_id == _TENANT]
    module_filter = [Module.course_id == _COURSE, Module.tenant_id == _TENANT]
    if published_only:
        lesson_join.append(published_outline_clause(Module, Lesson))
        module_filter.append(published_outline_clause(Module))
    return (
        select(Module.id.label("module_id"), Module.title, Module.description, Module.order, Module.is_published,
               Lesson.id.label("lesson_id"), Lesson.title.label("lesson_title"), Lesson.lesson_type,
               Lesson.duration, Lesson.order.label("lesson_order"),
               Lesson.is_published.label("lesson_is_published"))
        .select_from(Module).outerjoin(Lesson, and_(*lesson_join) if lesson_join else true())
        .where(*module_filter).order_by(Module.order, Lesson.order)
    )


MODULES = {False: _modules_and_lessons(False), True: _modules_and_lessons(True)}  # by "published only"
ModuleRow = row_type(MODULES[False], "ModuleRow")
RESOURCES = (
    select(Resource.id, Resource.title, Resource.resource_type, Resource.url, Resource.file, Resource.order)
    .where(Resource.course_id == _COURSE, Resource.tenant_id == _TENANT).order_by(Resource.order)
)
ResourceRow = row_type(RESOURCES, "ResourceRow")  # as `resource_message` reads it


def _resource_messages(call: Call, rows: list) -> list:
    return [resource_message(call, row) for row in rows]


async def course_outline(call: Call, course_id: int, published_only: bool) -> ContentOutline:
    """The course's modules with their lessons and its resources: two statements."""
    params = {"course_id": course_id}
    modules: dict[int, content_pb2.ModuleSummary] = {}
    lessons = defaultdict(list)
    for row in map(ModuleRow._make, await call.read(MODULES[published_only], params)):
        if row.module_id not in modules:
            modules[row.module_id] = content_pb2.ModuleSummary(
                id=row.module_id, title=row.title, description=row.description, order=row.order,
                is_published=row.is_published)
        if row.lesson_id is not None:
            lessons[row.module_id].append(content_pb2.LessonSummary(
                id=row.lesson_id, title=row.lesson_title, lesson_type=row.lesson_type, duration=row.duration,
                order=row.lesson_order, is_published=row.lesson_is_published))
    for module_id, module in modules.items():
        module.lessons.extend(lessons[module_id])
    resources = [ResourceRow._make(row) for row in await call.read(RESOURCES, params)]
    return ContentOutline(modules=list(modules.values()), resources=resources, resource_messages=_resource_messages)

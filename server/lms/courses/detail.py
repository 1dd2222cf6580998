"""The course detail: the course row with its outline, in a fixed number of queries, cached per process.

A detail is the course row (with its category and certificate settings) plus an outline: modules
with their lesson outlines, resources and instructors with their directory profiles. The course row
is read on every request, one statement that also carries `courses.content_version`, which database
triggers change in the same transaction as any change to the outline (migration courses_0002). Each
server process keeps the outlines it built, keyed by tenant, course and audience (staff see
unpublished modules and lessons, students do not), and reuses one only while the version it was
built from is still the course's: a change is visible to the very next request, in every process.

The cache is filled and used only on the read path (`Call.read` outside a session, PostgreSQL),
which sees committed data only; inside a unit of work (a PUT/PATCH answering with the detail, or
SQLite) the outline is read in the call's session, where it may include the call's own changes.
Misses cost three more statements (modules with lessons, resources, instructors).
"""
from __future__ import annotations

import dataclasses
import typing
from collections import defaultdict

from sqlalchemy import DateTime, and_, bindparam, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from lms.certificates.models import CertificateSettings
from lms.certificates.v1 import settings_pb2
from lms.content.messages import resource_message
from lms.content.models import Lesson, Module, Resource
from lms.content.v1 import content_pb2
from lms.courses.models import PUBLISHED, Category, Course, CourseCounter, CourseInstructor
from lms.courses.v1 import courses_pb2
from lms.platform.context import Call
from lms.platform.errors import NotFound
from lms.platform.protos import money, set_timestamp
from lms.platform.storage import file_url
from lms.users.models import DirectoryUser

CACHE_SIZE = 4096  # outlines kept per process (a few kB each)


@dataclasses.dataclass
class InstructorProfile:
    user_id: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    avatar_url: str = ""
    phone: str = ""


async def load_instructors(session: AsyncSession, course_id: int) -> list[InstructorProfile]:
    """The course's instructors with their directory profiles, in assignment order: one query."""
    rows = await session.execute(
        select(CourseInstructor.user_id, DirectoryUser)
        .outerjoin(DirectoryUser, (DirectoryUser.user_id == CourseInstructor.user_id)
                   & (DirectoryUser.tenant_id == CourseInstructor.tenant_id))
        .where(CourseInstructor.course_id == course_id)
        .order_by(CourseInstructor.id))
    return [
        InstructorProfile(user_id, profile.email, profile.first_name, profile.last_name, profile.avatar_url,
                          profile.phone) if profile else InstructorProfile(user_id)
        for user_id, profile in rows
    ]


# Statements, built once: every value is a bound parameter and every tenant-owned table is filtered by
# `:tenant` (row-level security checks the same on PostgreSQL).

_TENANT = bindparam("tenant")
_COURSE = bindparam("course_id")
_SETTINGS_COLUMNS = (
    CertificateSettings.id, CertificateSettings.is_active, CertificateSettings.template,
    CertificateSettings.custom_text, CertificateSettings.show_date, CertificateSettings.show_course_name,
    CertificateSettings.show_completion_hours, CertificateSettings.min_score,
    CertificateSettings.require_all_modules,
)
HEAD = (
    select(
        Course.id, Course.title, Course.description, Course.slug, Course.code, Course.level, Course.status,
        Course.is_free, Course.price, Course.currency, Course.thumbnail, Course.short_description,
        Course.learning_outcomes, Course.prerequisites, CourseCounter.total_enrollments, Course.faq_count,
        type_coerce(Course.created_at, DateTime(timezone=True)),
        type_coerce(Course.updated_at, DateTime(timezone=True)),
        Course.content_version, Category.id, Category.name, Category.slug, *_SETTINGS_COLUMNS)
    .select_from(Course)
    .join(CourseCounter, and_(CourseCounter.course_id == Course.id, CourseCounter.tenant_id == _TENANT))
    .join(Category, and_(Category.id == Course.category_id,
                         or_(Category.tenant_id == _TENANT, Category.tenant_id.is_(None))))
    .outerjoin(CertificateSettings, and_(CertificateSettings.course_id == Course.id,
                                         CertificateSettings.tenant_id == _TENANT))
    .where(Course.id == _COURSE, Course.tenant_id == _TENANT)
)


def _modules_and_lessons(published_only: bool):
    lesson_join = [Lesson.module_id == Module.id, Lesson.tenant_id == _TENANT]
    module_filter = [Module.course_id == _COURSE, Module.tenant_id == _TENANT]
    if published_only:
        lesson_join.append(Lesson.is_published.is_(True))
        module_filter.append(Module.is_published.is_(True))
    return (
        select(Module.id, Module.title, Module.description, Module.order, Module.is_published,
               Lesson.id, Lesson.title, Lesson.lesson_type, Lesson.duration, Lesson.order, Lesson.is_published)
        .select_from(Module).outerjoin(Lesson, and_(*lesson_join))
        .where(*module_filter).order_by(Module.order, Lesson.order)
    )


MODULES = {False: _modules_and_lessons(False), True: _modules_and_lessons(True)}  # by "published only"
RESOURCES = (
    select(Resource.id, Resource.title, Resource.resource_type, Resource.url, Resource.file, Resource.order)
    .where(Resource.course_id == _COURSE, Resource.tenant_id == _TENANT).order_by(Resource.order)
)
INSTRUCTORS = (
    select(CourseInstructor.user_id, DirectoryUser.email, DirectoryUser.first_name, DirectoryUser.last_name,
           DirectoryUser.avatar_url, DirectoryUser.phone)
    .select_from(CourseInstructor)
    .outerjoin(DirectoryUser, and_(DirectoryUser.user_id == CourseInstructor.user_id,
                                   DirectoryUser.tenant_id == CourseInstructor.tenant_id))
    .where(CourseInstructor.course_id == _COURSE, CourseInstructor.tenant_id == _TENANT)
    .order_by(CourseInstructor.id)
)


class _ResourceRow(typing.NamedTuple):  # a row of RESOURCES, as `content.messages.resource_message` reads it
    id: int
    title: str
    resource_type: str
    url: str
    file: str
    order: int


@dataclasses.dataclass(frozen=True)
class Outline:
    version: tuple  # (content_version, created_at) of the course row it was built from
    modules: list  # content_pb2.ModuleSummary
    resources: list  # rows of RESOURCES (their file URLs depend on the caller: built per request)
    instructors: list  # courses_pb2.CourseInstructor


_outlines: dict[tuple, Outline] = {}


def clear_cache() -> None:
    _outlines.clear()


async def _load_outline(call: Call, course_id: int, published_only: bool, version: tuple) -> Outline:
    params = {"course_id": course_id}
    modules: dict[int, content_pb2.ModuleSummary] = {}
    lessons = defaultdict(list)
    for (module_id, title, description, order, is_published, lesson_id, lesson_title, lesson_type, duration,
         lesson_order, lesson_published) in await call.read(MODULES[published_only], params):
        if module_id not in modules:
            modules[module_id] = content_pb2.ModuleSummary(
                id=module_id, title=title, description=description, order=order, is_published=is_published)
        if lesson_id is not None:
            lessons[module_id].append(content_pb2.LessonSummary(
                id=lesson_id, title=lesson_title, lesson_type=lesson_type, duration=duration, order=lesson_order,
                is_published=lesson_published))
    for module_id, module in modules.items():
        module.lessons.extend(lessons[module_id])
    resources = (await call.read(RESOURCES, params)).all()
    instructors = [
        courses_pb2.CourseInstructor(id=user_id, email=email or "", first_name=first or "", last_name=last or "",
                                     avatar_url=avatar or "", phone=phone or "")
        for user_id, email, first, last, avatar, phone in await call.read(INSTRUCTORS, params)]
    return Outline(version=version, modules=list(modules.values()), resources=resources, instructors=instructors)


async def course_detail(call: Call, course_id: int) -> courses_pb2.CourseDetail:
    """The detail of a course the caller may see, else 404 (drafts are staff-only)."""
    call.require_tenant()
    head = (await call.read(HEAD, {"course_id": course_id})).first()
    if head is None or (not call.is_staff and head[6] != PUBLISHED):
        raise NotFound()
    (_, title, description, slug, code, level, status, is_free, price, currency, thumbnail, short_description,
     learning_outcomes, prerequisites, total_enrollments, faq_count, created_at, updated_at, content_version,
     category_id, category_name, category_slug, settings_id, *settings) = head
    published_only = not call.is_staff
    version = (content_version, created_at)
    cacheable = call.reads_committed_data
    key = (call.tenant_id, course_id, published_only)
    outline = _outlines.get(key) if cacheable else None
    if outline is None or outline.version != version:
        outline = await _load_outline(call, course_id, published_only, version)
        if cacheable:
            if len(_outlines) >= CACHE_SIZE:
                del _outlines[next(iter(_outlines))]
            _outlines[key] = outline
    message = courses_pb2.CourseDetail(
        id=course_id, title=title, description=description, slug=slug, code=code, level=level, status=status,
        is_free=is_free, price=money(price), currency=currency, thumbnail_url=file_url(call, thumbnail),
        short_description=short_description, learning_outcomes=learning_outcomes or [],
        prerequisites=prerequisites or [], total_enrollments=total_enrollments, faq_count=faq_count,
        modules=outline.modules, course_instructors=outline.instructors,
        resources=[resource_message(call, _ResourceRow(*row)) for row in outline.resources])
    category = message.category
    category.id, category.name, category.slug = category_id, category_name, category_slug
    if settings_id is not None:
        (is_active, template, custom_text, show_date, show_course_name, show_completion_hours, min_score,
         require_all_modules) = settings
        message.certificate_settings.CopyFrom(settings_pb2.CertificateSettings(
            id=settings_id, is_active=is_active, template=template, custom_text=custom_text, show_date=show_date,
            show_course_name=show_course_name, show_completion_hours=show_completion_hours, min_score=min_score,
            require_all_modules=require_all_modules))
    set_timestamp(message.created_at, created_at)
    set_timestamp(message.updated_at, updated_at)
    return message

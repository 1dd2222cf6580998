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

The content domain builds on this one, so it provides the modules, lessons and resources of the
outline (`provide_outline`, called by lms.content.public) rather than being imported here.
"""
from __future__ import annotations

import dataclasses
from typing import Awaitable, Callable

from sqlalchemy import DateTime, and_, bindparam, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from lms.certificates.v1 import settings_pb2
from lms.courses import policy
from lms.courses.models import Category, CertificateSettings, Course, CourseCounter, CourseInstructor
from lms.courses.v1 import courses_pb2
from lms.platform.context import Call
from lms.platform.db import row_type
from lms.platform.errors import NotFound
from lms.platform.protos import money, set_timestamp
from lms.platform.storage import file_url
from lms.users.public import DirectoryUser

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
_HEAD_COLUMNS = {  # name -> column: rows of HEAD are read by these names (`HeadRow`), never by position
    "id": Course.id, "title": Course.title, "description": Course.description, "slug": Course.slug,
    "code": Course.code, "level": Course.level, "status": Course.status, "is_free": Course.is_free,
    "price": Course.price, "currency": Course.currency, "thumbnail": Course.thumbnail,
    "short_description": Course.short_description, "learning_outcomes": Course.learning_outcomes,
    "prerequisites": Course.prerequisites, "total_enrollments": CourseCounter.total_enrollments,
    "faq_count": Course.faq_count,
    "created_at": type_coerce(Course.created_at, DateTime(timezone=True)),
    "updated_at": type_coerce(Course.updated_at, DateTime(timezone=True)),
    "content_version": Course.content_version, "category_id": Category.id, "category_name": Category.name,
    "category_slug": Category.slug,
    "settings_id": CertificateSettings.id, "settings_is_active": CertificateSettings.is_active,
    "settings_template": CertificateSettings.template, "settings_custom_text": CertificateSettings.custom_text,
    "settings_show_date": CertificateSettings.show_date,
    "settings_show_course_name": CertificateSettings.show_course_name,
    "settings_show_completion_hours": CertificateSettings.show_completion_hours,
    "settings_min_score": CertificateSettings.min_score,
    "settings_require_all_modules": CertificateSettings.require_all_modules,
}
HEAD = (
    select(*[column.label(name) for name, column in _HEAD_COLUMNS.items()])
    .select_from(Course)
    .join(CourseCounter, and_(CourseCounter.course_id == Course.id, CourseCounter.tenant_id == _TENANT))
    .join(Category, and_(Category.id == Course.category_id,
                         or_(Category.tenant_id == _TENANT, Category.tenant_id.is_(None))))
    .outerjoin(CertificateSettings, and_(CertificateSettings.course_id == Course.id,
                                         CertificateSettings.tenant_id == _TENANT))
    .where(Course.id == _COURSE, Course.tenant_id == _TENANT)
)
HeadRow = row_type(HEAD, "HeadRow")  # the 31 columns of HEAD by name
INSTRUCTORS = (
    select(CourseInstructor.user_id, DirectoryUser.email, DirectoryUser.first_name, DirectoryUser.last_name,
           DirectoryUser.avatar_url, DirectoryUser.phone)
    .select_from(CourseInstructor)
    .outerjoin(DirectoryUser, and_(DirectoryUser.user_id == CourseInstructor.user_id,
                                   DirectoryUser.tenant_id == CourseInstructor.tenant_id))
    .where(CourseInstructor.course_id == _COURSE, CourseInstructor.tenant_id == _TENANT)
    .order_by(CourseInstructor.id)
)
InstructorRow = row_type(INSTRUCTORS, "InstructorRow")


@dataclasses.dataclass(frozen=True)
class ContentOutline:
    """What the content domain contributes to a course detail (`provide_outline`)."""

    modules: list  # content_pb2.ModuleSummary, built once per version
    resources: list  # rows; their messages depend on the caller (file URLs): `resource_messages(call, rows)`
    resource_messages: Callable[[Call, list], list]


# The content domain (above this one) provides the outline: (call, course_id, published_only) -> ContentOutline.
OutlineLoader = Callable[[Call, int, bool], Awaitable[ContentOutline]]
_outline_loader: OutlineLoader | None = None


def provide_outline(loader: OutlineLoader) -> OutlineLoader:
    """Called by the content domain when it is imported: the modules, lessons and resources of a detail."""
    global _outline_loader
    _outline_loader = loader
    return loader


@dataclasses.dataclass(frozen=True)
class Outline:
    version: tuple  # (content_version, created_at) of the course row it was built from
    content: ContentOutline
    instructors: list  # courses_pb2.CourseInstructor


_outlines: dict[tuple, Outline] = {}


def clear_cache() -> None:
    _outlines.clear()


async def _load_outline(call: Call, course_id: int, published_only: bool, version: tuple) -> Outline:
    if _outline_loader is None:
        raise RuntimeError("no outline provider: the content domain is not loaded (lms.content.public)")
    content = await _outline_loader(call, course_id, published_only)
    instructors = [
        courses_pb2.CourseInstructor(id=row.user_id, email=row.email or "", first_name=row.first_name or "",
                                     last_name=row.last_name or "", avatar_url=row.avatar_url or "",
                                     phone=row.phone or "")
        for row in map(InstructorRow._make, await call.read(INSTRUCTORS, {"course_id": course_id}))]
    return Outline(version=version, content=content, instructors=instructors)


async def course_detail(call: Call, course_id: int) -> courses_pb2.CourseDetail:
    """The detail of a course the caller may see, else 404 (drafts are staff-only)."""
    actor = call.actor
    first = (await call.read(HEAD, {"course_id": course_id})).first()
    head = None if first is None else HeadRow._make(first)
    if head is None or not policy.is_visible_status(actor, head.status):
        raise NotFound()
    published_only = not policy.sees_unpublished_content(actor)
    version = (head.content_version, head.created_at)
    cacheable = call.reads_committed_data
    key = (call.tenant_id, course_id, published_only)
    outline = _outlines.get(key) if cacheable else None
    if outline is None or outline.version != version:
        outline = await _load_outline(call, course_id, published_only, version)
        if cacheable:
            if len(_outlines) >= CACHE_SIZE:
                del _outlines[next(iter(_outlines))]
            _outlines[key] = outline
    content = outline.content
    message = courses_pb2.CourseDetail(
        id=course_id, title=head.title, description=head.description, slug=head.slug, code=head.code,
        level=head.level, status=head.status, is_free=head.is_free, price=money(head.price),
        currency=head.currency, thumbnail_url=file_url(call, head.thumbnail),
        short_description=head.short_description, learning_outcomes=head.learning_outcomes or [],
        prerequisites=head.prerequisites or [], total_enrollments=head.total_enrollments,
        faq_count=head.faq_count, modules=content.modules, course_instructors=outline.instructors,
        resources=content.resource_messages(call, content.resources))
    category = message.category
    category.id, category.name, category.slug = head.category_id, head.category_name, head.category_slug
    if head.settings_id is not None:
        message.certificate_settings.CopyFrom(settings_pb2.CertificateSettings(
            id=head.settings_id, is_active=head.settings_is_active, template=head.settings_template,
            custom_text=head.settings_custom_text, show_date=head.settings_show_date,
            show_course_name=head.settings_show_course_name,
            show_completion_hours=head.settings_show_completion_hours, min_score=head.settings_min_score,
            require_all_modules=head.settings_require_all_modules))
    set_timestamp(message.created_at, head.created_at)
    set_timestamp(message.updated_at, head.updated_at)
    return message

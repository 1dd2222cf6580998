"""Assembles a course's full detail tree with a fixed number of queries, whatever its size."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.certificates.models import CertificateSettings
from lms.content import service as content
from lms.courses.models import Category, Course, CourseInstructor
from lms.platform.context import Call
from lms.users.models import DirectoryUser


@dataclasses.dataclass
class InstructorProfile:
    user_id: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    avatar_url: str = ""
    phone: str = ""


@dataclasses.dataclass
class CourseTree:
    course: Course
    category: Category
    settings: CertificateSettings | None
    instructors: list[InstructorProfile]
    modules: list = dataclasses.field(default_factory=list)  # (Module, lesson outline rows), ordered
    resources: list = dataclasses.field(default_factory=list)  # Resource rows, ordered


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


async def load_course_tree(session: AsyncSession, call: Call, course: Course) -> CourseTree:
    """The detail of a course the caller may see (checked by the caller of this function).

    Five queries whatever the course holds: category and certificate settings, instructors,
    modules, lesson outlines and resources (students get published modules and lessons only).
    """
    category, settings = (await session.execute(
        select(Category, CertificateSettings)
        .select_from(Course)
        .join(Category, Course.category_id == Category.id)
        .outerjoin(CertificateSettings, CertificateSettings.course_id == Course.id)
        .where(Course.id == course.id)
    )).one()
    instructors = await load_instructors(session, course.id)
    outline = await content.course_outline(session, call, course.id)
    return CourseTree(course=course, category=category, settings=settings, instructors=instructors,
                      modules=outline.modules, resources=outline.resources)

"""Who teaches a course: admins assign people from the tenant's directory and remove them.

Instructors assigned here may change the course and its content (`course_for_change`); the
course detail shows them with their directory profiles.
"""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses.detail import InstructorProfile, load_instructors
from lms.courses.models import CourseInstructor
from lms.courses.policy import teaches, visible_course
from lms.platform.context import Call
from lms.platform.errors import AlreadyExists, NotFound, PermissionDenied, ValidationError
from lms.platform.validation import Fields, Str
from lms.users.public import DirectoryUser

INSTRUCTOR_FIELDS = Fields(user_id=Str(max_length=128, required=True))
TEACHING_ROLES = {"instructor", "admin"}


async def _course_for_admin(session: AsyncSession, call: Call, course_id: int):
    """The course if the caller is an admin who can see it: 404 first (as for anyone), then 403."""
    user = call.require_user()
    course = await visible_course(session, call.actor, course_id)
    if not user.is_admin:
        raise PermissionDenied()
    return course


async def list_instructors(session: AsyncSession, call: Call, course_id: int) -> list[InstructorProfile]:
    course = await visible_course(session, call.actor, course_id)
    return await load_instructors(session, course.id)


async def add_instructor(session: AsyncSession, call: Call, course_id: int, data: dict) -> InstructorProfile:
    """Assigns a directory user who (as far as their last token showed) is an instructor or admin."""
    course = await _course_for_admin(session, call, course_id)
    user_id = INSTRUCTOR_FIELDS.validate(data)["user_id"]
    entry = await session.scalar(select(DirectoryUser).where(DirectoryUser.user_id == user_id))
    if entry is None:
        raise ValidationError({"user_id": [f'Invalid pk "{user_id}" - object does not exist.']})
    roles = set(entry.roles.split())
    if roles and not roles & TEACHING_ROLES:
        raise ValidationError({"user_id": ["This user is not an instructor."]})
    if await teaches(session, user_id, course.id):
        raise AlreadyExists({"user_id": ["This user already teaches this course."]})
    session.add(CourseInstructor(course_id=course.id, user_id=user_id))
    await session.flush()
    return InstructorProfile(user_id, entry.email, entry.first_name, entry.last_name, entry.avatar_url, entry.phone)


async def remove_instructor(session: AsyncSession, call: Call, course_id: int, user_id: str) -> None:
    course = await _course_for_admin(session, call, course_id)
    result = await session.execute(
        delete(CourseInstructor).where(CourseInstructor.course_id == course.id, CourseInstructor.user_id == user_id))
    if result.rowcount == 0:
        raise NotFound()

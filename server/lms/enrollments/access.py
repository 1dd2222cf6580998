"""Who may study a course: the one rule other domains ask before showing course content."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses.models import Course
from lms.courses.service import visible_course
from lms.enrollments.models import Enrollment
from lms.platform.context import Call
from lms.platform.errors import PermissionDenied

NOT_ENROLLED = "You are not enrolled in this course."


async def is_enrolled(session: AsyncSession, course_id: int, user_id: str) -> bool:
    return bool(await session.scalar(select(exists().where(
        Enrollment.course_id == course_id, Enrollment.user_id == user_id, Enrollment.is_active.is_(True)))))


async def learning_course(session: AsyncSession, call: Call, course_id: int) -> Course:
    """The course if the caller may read its content: the tenant's staff, or an active enrollment
    (a deactivated learner loses access; the catalogue detail stays public)."""
    course = await visible_course(session, call, course_id)
    if not call.is_staff:
        user = call.require_user()
        if not await is_enrolled(session, course.id, user.user_id):
            raise PermissionDenied(NOT_ENROLLED)
    return course

"""The course-access policy: the one place that answers who may see, learn in, change or join a course.

Every domain asks here, never re-derives the rules. Each rule exists as a Python predicate over loaded
values and, where statements need it, as a SQLAlchemy clause, built from the same definitions.

| question            | answer                                                                          |
|---------------------|---------------------------------------------------------------------------------|
| visible             | the tenant's staff (any instructor or admin): every course; others: Published   |
| learner of          | an active enrollment of the user in the course                                  |
| staff of            | the tenant's admins, and the instructors who teach the course                    |
| may learn           | staff of the tenant, or learner of a visible course                              |
| may enroll (self)   | Published, free (or bought), not already enrolled                               |
| published content   | a published lesson of a published module of a Published course                  |

Other tenants' courses do not exist for a caller (404, never 403).
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses.models import PUBLISHED, Course, CourseInstructor
from lms.enrollments.models import Enrollment
from lms.platform.actor import Actor
from lms.platform.errors import NotFound, PermissionDenied

NOT_ENROLLED = "You are not enrolled in this course."
MUST_PURCHASE = "This course must be purchased before enrolling. Add it to your cart at /api/lms/carts/cart/."


# Predicates over loaded values ----------------------------------------------------------------

def is_published(status: str) -> bool:
    return status == PUBLISHED


def is_visible(actor: Actor, course: Course) -> bool:
    """Whether the actor may see the course at all (catalogue, detail)."""
    return course.tenant_id == actor.tenant_id and (actor.is_staff or is_published(course.status))


def is_published_content(course_status: str, module_is_published: bool, lesson_is_published: bool = True) -> bool:
    """A lesson learners may see: published, in a published module, in a Published course."""
    return is_published(course_status) and module_is_published and lesson_is_published


# Clauses for statements ---------------------------------------------------------------------------

def visible_clause(actor: Actor, course=Course) -> ColumnElement[bool]:
    """Courses the actor may see (the tenant is applied by the session's scoping)."""
    return true() if actor.is_staff else course.status == PUBLISHED


def published_clause(course=Course) -> ColumnElement[bool]:
    return course.status == PUBLISHED


def published_content_clause(module, lesson=None, course=Course) -> ColumnElement[bool]:
    """Lessons (and their modules) learners may see; pass the mapped classes (or aliases) joined."""
    parts = [course.status == PUBLISHED, module.is_published.is_(True)]
    if lesson is not None:
        parts.append(lesson.is_published.is_(True))
    return and_(*parts)


def learner_clause(user_id: str | None, course_id=Course.id) -> ColumnElement[bool]:
    """The user holds an active enrollment in the course whose id is `course_id` (a column or value)."""
    if user_id is None:
        return false()
    return exists().where(Enrollment.course_id == course_id, Enrollment.user_id == user_id,
                          Enrollment.is_active.is_(True))


def teaches_clause(user_id: str | None, course_id=Course.id) -> ColumnElement[bool]:
    if user_id is None:
        return false()
    return exists().where(CourseInstructor.course_id == course_id, CourseInstructor.user_id == user_id)


def staff_clause(actor: Actor, course_id=Course.id) -> ColumnElement[bool]:
    """The actor is staff of the course: an admin of the tenant, or an instructor teaching it."""
    if actor.is_admin:
        return true()
    if not actor.is_instructor:
        return false()
    return teaches_clause(actor.user_id, course_id)


def may_learn_clause(actor: Actor, course=Course) -> ColumnElement[bool]:
    """Courses whose content the actor may read: the tenant's staff, or active learners of a
    Published course."""
    if actor.is_staff:
        return true()
    return and_(course.status == PUBLISHED, learner_clause(actor.user_id, course.id))


# Questions answered with the database ---------------------------------------------------------------

async def is_learner(session: AsyncSession, course_id: int, user_id: str | None) -> bool:
    if user_id is None:
        return False
    return bool(await session.scalar(select(learner_clause(user_id, course_id))))


async def is_course_staff(session: AsyncSession, actor: Actor, course_id: int) -> bool:
    if actor.is_admin:
        return True
    if not actor.is_instructor:
        return False
    return bool(await session.scalar(select(teaches_clause(actor.user_id, course_id))))


async def visible_course(session: AsyncSession, actor: Actor, course_id: int) -> Course:
    """The course if the actor may see it, else 404 (drafts and other tenants' courses alike)."""
    course = await session.get(Course, course_id)
    if course is None or not is_visible(actor, course):
        raise NotFound()
    return course


async def learning_course(session: AsyncSession, actor: Actor, course_id: int) -> Course:
    """The course if the actor may read its content: the tenant's staff, or an active enrollment
    (a deactivated learner loses access; the catalogue detail stays public). 404 if invisible, 403
    (`You are not enrolled in this course.`) if visible but not theirs."""
    course = await visible_course(session, actor, course_id)
    if not actor.is_staff:
        if actor.user_id is None or not await is_learner(session, course.id, actor.user_id):
            raise PermissionDenied(NOT_ENROLLED)
    return course


async def course_for_change(session: AsyncSession, actor: Actor, course_id: int) -> Course:
    """The course if the actor is staff of it (admins, its instructors); 404 if invisible, else 403."""
    course = await visible_course(session, actor, course_id)
    if not await is_course_staff(session, actor, course.id):
        raise PermissionDenied()
    return course


async def require_course_staff(session: AsyncSession, actor: Actor, course_id: int) -> None:
    if not await is_course_staff(session, actor, course_id):
        raise PermissionDenied()

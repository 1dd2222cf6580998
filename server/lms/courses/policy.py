"""The course-access policy: the one place that answers who may see, learn in, change or join a course.

Every domain asks here, never re-derives the rules. Each rule is written once, as a function of its
operands over a small `Logic` (all / any / not / equals); evaluated with Python values it is the
predicate, with SQLAlchemy columns and bound parameters it is the clause of a statement. The two
readings cannot drift apart: they are the same code (tests/courses/test_policy.py checks every
combination of operands on both).

| question            | answer                                                                          |
|---------------------|---------------------------------------------------------------------------------|
| visible             | the tenant's staff (any instructor or admin): every course; others: published   |
| learner of          | an active enrollment of the user in the course                                  |
| staff of            | the tenant's admins, and the instructors who teach the course                    |
| may learn           | staff of the tenant, or learner of a visible course                              |
| may enroll          | admins anyone; instructors anyone in a course they teach; a student themself in  |
|                     | a published free course (bought courses: commerce); duplicates are refused       |
| published content   | a published lesson of a published module of a published course                  |

"Staff" is one word with two scopes, used the same way everywhere: *tenant staff* (`Actor.is_staff`:
any instructor or admin) see drafts and every learner's content; *course staff* (`is_course_staff`:
the tenant's admins and the course's own instructors) change a course, enroll others and see its
learners' work. Other tenants' courses do not exist for a caller (404, never 403).
"""
from __future__ import annotations

import operator
from typing import Any, Callable

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import True_

from lms.courses.models import PUBLISHED, Course, CourseInstructor, Enrollment
from lms.platform.actor import Actor
from lms.platform.errors import AlreadyExists, NotAuthenticated, NotFound, PermissionDenied

NOT_ENROLLED = "You are not enrolled in this course."
MUST_PURCHASE = "This course must be purchased before enrolling. Add it to your cart at /api/lms/carts/cart/."
ALREADY_ENROLLED = "User is already enrolled in this course."


# The rules, once -------------------------------------------------------------------------------------

class Logic:
    """How a rule combines its operands: Python's operators, or SQL's (`SQL`)."""

    @staticmethod
    def all(*parts) -> Any:
        return all(parts)

    @staticmethod
    def any(*parts) -> Any:
        return any(parts)

    @staticmethod
    def not_(part) -> Any:
        return not part

    equals = staticmethod(operator.eq)


class _SqlLogic(Logic):
    """SQL's operators; operands already known in Python (the caller's roles) are decided here, so a
    clause keeps only what the database must check (`true()`/`false()` when nothing is left)."""

    @staticmethod
    def all(*parts) -> Any:
        if any(p is False for p in parts):
            return false()
        rest = [p for p in parts if p is not True]
        return and_(*rest) if len(rest) > 1 else rest[0] if rest else true()

    @staticmethod
    def any(*parts) -> Any:
        if any(p is True for p in parts):
            return true()
        rest = [p for p in parts if p is not False]
        return or_(*rest) if len(rest) > 1 else rest[0] if rest else false()

    @staticmethod
    def not_(part) -> Any:
        return (not part) if isinstance(part, bool) else not_(part)


PY = Logic()
SQL = _SqlLogic()


def visible_rule(L: Logic, *, is_tenant_staff, status):
    """A course is visible to the tenant's staff, and to everyone else once published."""
    return L.any(is_tenant_staff, L.equals(status, PUBLISHED))


def enroll_rule(L: Logic, *, is_admin, is_instructor, teaches, is_self, status, is_free):
    """Whether an enrollment of a user in a course may be made (duplicates aside): by an admin; by an
    instructor in a course they teach; or by a student for themself in a published free course."""
    return L.any(
        is_admin,
        L.all(is_instructor, teaches),
        L.all(L.not_(L.any(is_admin, is_instructor)), is_self, L.equals(status, PUBLISHED), is_free),
    )


def published_content_rule(L: Logic, *, course_status, module_is_published, lesson_is_published=True):
    """A lesson learners may see: published, in a published module, in a published course."""
    return L.all(L.equals(course_status, PUBLISHED), module_is_published, lesson_is_published)


# Predicates over loaded values ----------------------------------------------------------------

def is_published(status: str) -> bool:
    return status == PUBLISHED


def is_visible(actor: Actor, course: Course) -> bool:
    """Whether the actor may see the course at all (catalogue, detail)."""
    return course.tenant_id == actor.tenant_id and is_visible_status(actor, course.status)


def is_visible_status(actor: Actor, status: str) -> bool:
    """Visibility of a course of the actor's tenant, from its status alone (rows of prebuilt statements)."""
    return visible_rule(PY, is_tenant_staff=actor.is_staff, status=status)


def is_published_content(course_status: str, module_is_published: bool, lesson_is_published: bool = True) -> bool:
    """A lesson learners may see: published, in a published module, in a Published course."""
    return published_content_rule(PY, course_status=course_status, module_is_published=module_is_published,
                                  lesson_is_published=lesson_is_published)


def sees_unpublished_content(actor: Actor) -> bool:
    """The tenant's staff see unpublished modules and lessons (and drafts); learners do not."""
    return actor.is_staff


def may_enroll(actor: Actor, user_id: str, status: str, is_free: bool, teaches: bool) -> bool:
    """Whether the actor may enroll `user_id` in a course of this status and price (duplicates aside)."""
    return enroll_rule(PY, is_admin=actor.is_admin, is_instructor=actor.is_instructor, teaches=teaches,
                       is_self=user_id == actor.user_id, status=status, is_free=is_free)


def enroll_refusal(actor: Actor, user_id: str, status: str, is_free: bool, teaches: bool) -> Exception:
    """Why an enrollment the rules allow was not made, or why the rules refuse it, in the order the rules
    are stated (404 before 403): a draft is invisible to students, a student enrolls only themself, a paid
    course must be bought first; anything the rules allow was refused as a duplicate."""
    if may_enroll(actor, user_id, status, is_free, teaches):
        return AlreadyExists(ALREADY_ENROLLED)
    if not is_visible_status(actor, status):
        return NotFound()
    if actor.is_staff or user_id != actor.user_id or is_free:
        return PermissionDenied()
    return PermissionDenied(MUST_PURCHASE)


# Clauses for statements ---------------------------------------------------------------------------

def conditions(*clauses) -> list:
    """The clauses that restrict anything (an answer the policy knew in Python, `true()`, is left out), for
    `.where(*conditions(...))`: a staff member's statement carries no `AND true`."""
    return [clause for clause in clauses if not isinstance(clause, True_)]


def visible_clause(actor: Actor, course=Course) -> ColumnElement[bool]:
    """Courses the actor may see (the tenant is applied by the session's scoping)."""
    return visible_rule(SQL, is_tenant_staff=actor.is_staff, status=course.status)


# Courses bought: the commerce domain, above this one, provides who holds a paid order line of a course
# (lms.payments.public, connected when the public faces load). Until it does, nothing is bought.
_purchases: list[Callable[[Any, Any], ColumnElement[bool]]] = []


def provide_purchases(clause: Callable[[Any, Any], ColumnElement[bool]]) -> None:
    """Connects `clause(course_id, user_id)`: the user bought the course."""
    _purchases[:] = [clause]


def purchased_clause(course_id, user_id) -> ColumnElement[bool]:
    return _purchases[0](course_id, user_id) if _purchases else false()


def entitled_clause(user_id, course=Course) -> ColumnElement[bool]:
    """Free, or bought by the user: what a student's own enrollment needs (the `is_free` operand of the enroll
    rule, "free or bought")."""
    return or_(course.is_free, purchased_clause(course.id, user_id))


def published_clause(course=Course) -> ColumnElement[bool]:
    return course.status == PUBLISHED


def published_content_clause(module, lesson=None, course=Course) -> ColumnElement[bool]:
    """Lessons (and their modules) learners may see; pass the mapped classes (or aliases) joined."""
    return published_content_rule(SQL, course_status=course.status, module_is_published=module.is_published.is_(True),
                                   lesson_is_published=True if lesson is None else lesson.is_published.is_(True))


def published_outline_clause(module, lesson=None) -> ColumnElement[bool]:
    """The module (and lesson) parts of `published_content_clause`, for statements that have already
    decided the course is visible (the course's own status is checked where the course is loaded)."""
    return published_content_rule(SQL, course_status=PUBLISHED, module_is_published=module.is_published.is_(True),
                                  lesson_is_published=True if lesson is None else lesson.is_published.is_(True))


def enroll_clause(*, is_admin, is_instructor, teaches, is_self, status, is_free) -> ColumnElement[bool]:
    """`may_enroll` as a clause over columns or bound parameters (the enroll statements)."""
    return enroll_rule(SQL, is_admin=is_admin, is_instructor=is_instructor, teaches=teaches, is_self=is_self,
                       status=status, is_free=is_free)


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


async def teaches(session: AsyncSession, user_id: str, course_id: int) -> bool:
    """Whether the user is one of the course's instructors."""
    return bool(await session.scalar(select(teaches_clause(user_id, course_id))))


async def is_course_staff(session: AsyncSession, actor: Actor, course_id: int) -> bool:
    if actor.is_admin:
        return True
    if not actor.is_instructor:
        return False
    return await teaches(session, actor.user_id, course_id)


async def visible_course(session: AsyncSession, actor: Actor, course_id: int) -> Course:
    """The course if the actor may see it, else 404 (drafts and other tenants' courses alike)."""
    course = await session.get(Course, course_id)
    if course is None or not is_visible(actor, course):
        raise NotFound()
    return course


async def learning_course(session: AsyncSession, actor: Actor, course_id: int) -> Course:
    """The course if the actor may read its content: the tenant's staff, or an active enrollment
    (a deactivated learner loses access; the catalogue detail stays public). 404 if invisible, 401 for
    anonymous callers, 403 (`You are not enrolled in this course.`) if visible but not theirs."""
    course = await visible_course(session, actor, course_id)
    if not actor.is_staff:
        if actor.user_id is None:
            raise NotAuthenticated()
        if not await is_learner(session, course.id, actor.user_id):
            raise PermissionDenied(NOT_ENROLLED)
    return course


async def course_for_change(session: AsyncSession, actor: Actor, course_id: int) -> Course:
    """The course if the actor is staff of it (admins, its instructors); 401 for anonymous callers, 404 if
    invisible, else 403."""
    if actor.user_id is None:
        raise NotAuthenticated()
    course = await visible_course(session, actor, course_id)
    if not await is_course_staff(session, actor, course.id):
        raise PermissionDenied()
    return course


async def require_course_staff(session: AsyncSession, actor: Actor, course_id: int) -> None:
    if not await is_course_staff(session, actor, course_id):
        raise PermissionDenied()

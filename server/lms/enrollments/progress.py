"""Progress: published lessons completed out of the course's published lessons, in fixed queries."""
from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.content.public import Lesson, Module
from lms.courses.public import published_outline_clause
from lms.enrollments.models import Enrollment, LessonCompletion


@dataclasses.dataclass(frozen=True)
class ProgressFigures:
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return 100 * self.completed // self.total if self.total else 0


def published_lessons():
    """Lessons students can see: published lessons of published modules."""
    return select(Lesson.id, Module.course_id).join(Module, Module.id == Lesson.module_id).where(
        published_outline_clause(Module, Lesson))


async def progress_of(session: AsyncSession, enrollments: list[Enrollment]) -> dict[int, ProgressFigures]:
    """enrollment id -> figures, with two queries for any number of enrollments."""
    if not enrollments:
        return {}
    course_ids = {e.course_id for e in enrollments}
    visible = published_lessons().where(Module.course_id.in_(course_ids)).subquery()
    totals = dict((await session.execute(
        select(visible.c.course_id, func.count()).group_by(visible.c.course_id))).all())
    done = dict((await session.execute(
        select(LessonCompletion.enrollment_id, func.count())
        .join(visible, visible.c.id == LessonCompletion.lesson_id)
        .where(LessonCompletion.enrollment_id.in_([e.id for e in enrollments]))
        .group_by(LessonCompletion.enrollment_id))).all())
    return {e.id: ProgressFigures(done.get(e.id, 0), totals.get(e.course_id, 0)) for e in enrollments}


async def completed_lesson_ids(session: AsyncSession, enrollment: Enrollment) -> list[int]:
    visible = published_lessons().where(Module.course_id == enrollment.course_id).subquery()
    return list(await session.scalars(
        select(LessonCompletion.lesson_id).join(visible, visible.c.id == LessonCompletion.lesson_id)
        .where(LessonCompletion.enrollment_id == enrollment.id).order_by(LessonCompletion.lesson_id)))

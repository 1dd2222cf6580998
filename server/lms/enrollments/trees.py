"""What a learner's enrollment list shows of each course: its published outline, resources, instructors and
which lessons the learner completed, in five queries for any number of courses."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.content.public import Lesson, Module, Resource
from lms.courses.public import CourseInstructor, published_outline_clause
from lms.enrollments.models import LessonCompletion
from lms.users.public import display_names


@dataclasses.dataclass(frozen=True)
class CourseTrees:
    modules: list  # published modules of the courses, by course and order
    lessons: list  # their published lessons, by module and order
    resources: list
    instructors: list  # (course id, user id), in assignment order
    names: dict  # user id -> display name (instructors)
    completed: set  # ids of lessons the enrollments completed


async def course_trees(session: AsyncSession, course_ids: list[int], enrollment_ids: list[int]) -> CourseTrees:
    modules = list(await session.scalars(select(Module).where(
        Module.course_id.in_(course_ids), published_outline_clause(Module)).order_by(Module.course_id, Module.order)))
    lessons = list(await session.scalars(select(Lesson).join(Module, Module.id == Lesson.module_id).where(
        Lesson.module_id.in_([m.id for m in modules]), published_outline_clause(Module, Lesson))
        .order_by(Lesson.module_id, Lesson.order))) if modules else []
    resources = list(await session.scalars(select(Resource).where(Resource.course_id.in_(course_ids))
                                           .order_by(Resource.course_id, Resource.order)))
    instructors = (await session.execute(select(CourseInstructor.course_id, CourseInstructor.user_id).where(
        CourseInstructor.course_id.in_(course_ids)).order_by(CourseInstructor.id))).all()
    names = await display_names(session, [user_id for _, user_id in instructors])
    completed = set(await session.scalars(select(LessonCompletion.lesson_id).where(
        LessonCompletion.enrollment_id.in_(enrollment_ids)))) if enrollment_ids else set()
    return CourseTrees(modules, lessons, resources, instructors, names, completed)

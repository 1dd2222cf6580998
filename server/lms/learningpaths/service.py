"""Learning path rules: courses of the tenant in a fixed order, progress of the caller along them."""
from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses.public import Course, Enrollment, is_visible
from lms.learningpaths.models import LearningPath, LearningPathCourse
from lms.platform.context import Call
from lms.platform.errors import NotFound, ValidationError
from lms.platform.validation import Bool, Field, Fields, Int, Str, int32_value, not_a_list


class CourseIds(Field):
    """A JSON array of distinct positive course ids."""

    def convert(self, value):
        if not isinstance(value, list):
            raise ValidationError([not_a_list(value)])
        if not value:
            raise ValidationError(["This list may not be empty."])
        if len(value) > 200:
            raise ValidationError(["Ensure this field has no more than 200 elements."])
        ids = []
        for item in value:
            if isinstance(item, str) or int32_value(item) < 1:
                raise ValidationError(["A valid integer is required."])
            ids.append(int32_value(item))
        if len(set(ids)) != len(ids):
            raise ValidationError(["A course may appear only once in a learning path."])
        return ids


PATH_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    description=Str(allow_blank=True),
    course_ids=CourseIds(required=True),
    is_active=Bool(default=True),
    order=Int(min_value=0, default=0),
).declares("lms.learningpaths.v1.LearningPathInput")


@dataclasses.dataclass
class PathView:
    path: LearningPath
    course_ids: list[int]
    courses: list  # (position, Course, is_enrolled, is_completed), visible to the caller


async def _check_courses(session: AsyncSession, course_ids: list[int]) -> None:
    found = set(await session.scalars(select(Course.id).where(Course.id.in_(course_ids))))
    missing = [c for c in course_ids if c not in found]
    if missing:
        raise ValidationError({"course_ids": [f'Invalid pk "{missing[0]}" - object does not exist.']})


async def _set_courses(session: AsyncSession, path: LearningPath, course_ids: list[int]) -> None:
    await _check_courses(session, course_ids)
    await session.execute(delete(LearningPathCourse).where(LearningPathCourse.learning_path_id == path.id))
    session.add_all(LearningPathCourse(learning_path_id=path.id, course_id=c, position=i)
                    for i, c in enumerate(course_ids, start=1))
    await session.flush()


async def views(session: AsyncSession, call: Call, paths: list[LearningPath]) -> list[PathView]:
    """The paths with their courses and the caller's state, in three queries whatever their number."""
    if not paths:
        return []
    ids = [p.id for p in paths]
    rows = (await session.execute(
        select(LearningPathCourse.learning_path_id, LearningPathCourse.position, Course)
        .join(Course, Course.id == LearningPathCourse.course_id)
        .where(LearningPathCourse.learning_path_id.in_(ids))
        .order_by(LearningPathCourse.learning_path_id, LearningPathCourse.position))).all()
    course_ids = {course.id for _, _, course in rows}
    states: dict[int, bool] = {}
    if call.principal is not None and course_ids:
        for course_id, completed_at in await session.execute(
                select(Enrollment.course_id, Enrollment.completed_at).where(
                    Enrollment.user_id == call.principal.user_id, Enrollment.course_id.in_(course_ids),
                    Enrollment.is_active.is_(True))):
            states[course_id] = completed_at is not None
    result = {p.id: PathView(p, [], []) for p in paths}
    for path_id, position, course in rows:
        view = result[path_id]
        view.course_ids.append(course.id)
        if is_visible(call.actor, course):
            view.courses.append((position, course, course.id in states, states.get(course.id, False)))
    return [result[p.id] for p in paths]


async def list_paths(session: AsyncSession, call: Call) -> list[PathView]:
    call.require_user()
    query = select(LearningPath).order_by(LearningPath.order, LearningPath.id)
    if not call.is_staff:
        query = query.where(LearningPath.is_active.is_(True))
    return await views(session, call, list(await session.scalars(query)))


async def _path(session: AsyncSession, call: Call, path_id: int) -> LearningPath:
    call.require_user()
    path = await session.get(LearningPath, path_id)
    if path is None or (not path.is_active and not call.is_staff):
        raise NotFound()
    return path


async def get_path(session: AsyncSession, call: Call, path_id: int) -> PathView:
    return (await views(session, call, [await _path(session, call, path_id)]))[0]


async def create_path(session: AsyncSession, call: Call, data: dict) -> PathView:
    call.require_staff()
    values = PATH_FIELDS.validate(data)
    course_ids = values.pop("course_ids")
    await _check_courses(session, course_ids)
    path = LearningPath(**values)
    session.add(path)
    await session.flush()
    await _set_courses(session, path, course_ids)
    return (await views(session, call, [path]))[0]


async def change_path(session: AsyncSession, call: Call, path_id: int, data: dict, *, partial: bool) -> PathView:
    call.require_staff()
    path = await _path(session, call, path_id)
    values = PATH_FIELDS.validate(data, partial=partial)
    course_ids = values.pop("course_ids", None)
    for name, value in values.items():
        setattr(path, name, value)
    if course_ids is not None:
        await _set_courses(session, path, course_ids)
    await session.flush()
    return (await views(session, call, [path]))[0]


async def delete_path(session: AsyncSession, call: Call, path_id: int) -> None:
    call.require_staff()
    path = await _path(session, call, path_id)
    await session.execute(delete(LearningPath).where(LearningPath.id == path.id))

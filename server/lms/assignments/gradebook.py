"""The course gradebook as CSV: one row per actively enrolled student, one column per assignment.

Built a batch of students at a time (two queries per batch), so a course of any size streams in
bounded memory: the header, then the students in enrollment order. A cell holds the grade
("85", "92.5"), or nothing when the student has no graded submission to that assignment;
`average_percent` is the mean of grade/max_score over the graded ones (the figure the certificate
`min_score` rule compares), blank without any.

Every text cell is CSV-quoted as needed, and one that a spreadsheet would run as a formula (it
starts with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.assignments.models import Assignment, Submission
from lms.assignments.scores import average, percentage, plain_number
from lms.courses.public import Course
from lms.courses.public import course_for_change
from lms.enrollments.public import Enrollment
from lms.platform.context import Call
from lms.platform.errors import MSG_REQUIRED, ValidationError
from lms.users.public import DirectoryUser, full_name

BATCH = 1000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_cell(value: str) -> str:
    """A text cell no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_text(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


async def start(session: AsyncSession, call: Call, course_id: int | None) -> tuple[Course, list[Assignment]]:
    """The course (staff of it only) and its assignments, in column order."""
    if course_id is None:
        call.require_staff()
        raise ValidationError({"course": [MSG_REQUIRED]})
    course = await course_for_change(session, call.actor, course_id)
    assignments = list(await session.scalars(
        select(Assignment).where(Assignment.course_id == course.id).order_by(Assignment.id)))
    return course, assignments


def header(assignments: list[Assignment]) -> bytes:
    columns = ["student_id", "student_name", "email"]
    columns += [safe_cell(f"{a.title} (#{a.id}, max {a.max_score})") for a in assignments]
    return csv_text([columns + ["average_percent"]])


async def rows_after(session: AsyncSession, course: Course, assignments: list[Assignment], after: int,
                     limit: int = BATCH) -> tuple[bytes, int | None]:
    """The CSV rows of up to `limit` students enrolled after enrollment id `after`, and the last id
    (None when there are no more)."""
    students = (await session.execute(
        select(Enrollment.id, Enrollment.user_id, DirectoryUser.first_name, DirectoryUser.last_name,
               DirectoryUser.email)
        .outerjoin(DirectoryUser, DirectoryUser.user_id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id, Enrollment.is_active.is_(True), Enrollment.id > after)
        .order_by(Enrollment.id).limit(limit))).all()
    if not students:
        return b"", None
    grades: dict[str, dict[int, object]] = defaultdict(dict)
    if assignments:
        # The batch's students are named by their enrollment id range, not by a list of ids: the statement
        # stays the same size (and plan) whatever the batch, and reads the submissions by student.
        batch = select(Enrollment.user_id).where(
            Enrollment.course_id == course.id, Enrollment.is_active.is_(True), Enrollment.id > after,
            Enrollment.id <= students[-1].id)
        graded = await session.execute(
            select(Submission.student_id, Submission.assignment_id, Submission.grade)
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .where(Assignment.course_id == course.id, Submission.grade.is_not(None), Submission.student_id.in_(batch)))
        for student_id, assignment_id, grade in graded:
            grades[student_id][assignment_id] = grade
    rows = []
    for student in students:
        mine = grades.get(student.user_id, {})
        name = full_name(student.first_name or "", student.last_name or "", student.email or "", student.user_id)
        cells = [safe_cell(student.user_id), safe_cell(name), safe_cell(student.email or "")]
        cells += [plain_number(mine[a.id]) if a.id in mine else "" for a in assignments]
        mean = average([percentage(mine[a.id], a.max_score) for a in assignments if a.id in mine])
        cells.append("" if mean is None else f"{mean:.2f}")
        rows.append(cells)
    return csv_text(rows), students[-1].id


def disposition(course: Course) -> str:
    return f'attachment; filename="gradebook-{course.slug}.csv"'

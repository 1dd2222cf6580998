"""Assignment rules: who sees and changes which assignment, who submits, grading and the gradebook.

- Reading an assignment follows the course's content rules (`learning_course`): the tenant's staff,
  or a student actively enrolled in the published course (403 otherwise); assignments under an
  unpublished module are 404 to students. Changing needs `course_for_change` (admins, or
  instructors teaching the course); students are 403 before anything is looked up.
- Submitting needs an active enrollment in the assignment's course, whoever calls. An assignment
  the caller cannot see is an invalid `assignment` (400, as DRF answers an unknown primary key).
  One submission per student and assignment: a resubmission before grading replaces the answer (and
  its file) and counts up `attempt`; a graded submission cannot change. After the due date only
  assignments with `allow_late` accept work, flagged `is_late`.
- Grading (staff of the course) sets `grade` (0..max_score, two decimals) and `feedback`, records
  `submission.graded` for the student and checks the student's certificate (its `min_score` rule
  averages the graded work, `lms.assignments.scores`), all in the grading transaction.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.assignments.models import Assignment, Submission
from lms.assignments.scores import plain_number
from lms.content.public import Module
from lms.courses.public import (
    NOT_ENROLLED, Course, course_for_change, is_learner, is_visible, learning_course, may_learn_clause,
    published_outline_clause, require_course_staff, sees_unpublished_content, staff_clause, visible_course,
)
from lms.enrollments.public import active_enrollment
from lms.platform import files, hooks, rooms
from lms.platform.context import Call
from lms.platform.db import dialect_insert
from lms.platform.errors import MSG_REQUIRED, FailedPrecondition, NotFound, PermissionDenied, ValidationError
from lms.platform.events import SUBMISSION_CREATED, SUBMISSION_GRADED, emit
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.uploads import MSG_NOT_A_FILE
from lms.platform.validation import Bool, DateTime, DecimalStr, Fields, Int, Str

ASSIGNMENT_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    description=Str(allow_blank=True),
    course=Int(required=True),
    module=Int(allow_null=True, default=None),
    due_date=DateTime(allow_null=True, default=None),
    max_score=Int(min_value=1, max_value=1000, default=100),
    allow_late=Bool(default=False),
).declares("lms.assignments.v1.AssignmentInput")
SUBMISSION_FIELDS = Fields(
    assignment=Int(required=True),
    response_text=Str(allow_blank=True, trim=False, max_length=100_000),
).declares("lms.assignments.v1.SubmissionInput")
GRADE_FIELDS = Fields(
    grade=DecimalStr(max_digits=6, decimal_places=2, min_value=Decimal(0)),
    feedback=Str(allow_blank=True, trim=False, max_length=10_000),
).declares("lms.assignments.v1.GradeSubmissionRequest")
# Fields whose empty form value ("" in multipart or urlencoded bodies) means null, as DRF reads HTML forms.
FORM_NULLABLE = ("module", "due_date", "assignment", "course")

MSG_FIELD_BEFORE_FILE = "This field is required and must come before the file in the form."
MSG_NO_ANSWER = "Provide a response text or a submission file."
MSG_PAST_DUE = "The due date of this assignment has passed."
MSG_GRADED = "This submission has been graded and can no longer be changed."
MSG_COURSE_FIXED = "The course of an assignment cannot be changed."
MSG_ONE_TARGET = "Send one value: the file was stored for the first one."


def invalid_pk(value) -> str:
    return f'Invalid pk "{value}" - object does not exist.'


def form_values(fields: dict, media_type: str) -> dict:
    """The body's fields, with empty form values of nullable fields read as null (JSON is as sent)."""
    if media_type == "application/json":
        return dict(fields)
    return {k: (None if k in FORM_NULLABLE and v == "" else v) for k, v in fields.items()}


def _validate(spec: Fields, data: dict, *, partial: bool, errors: dict | None = None) -> dict:
    """`spec.validate`, with `errors` found beforehand reported together with the fields' own."""
    errors = dict(errors or {})
    try:
        values = spec.validate(data, partial=partial)
    except ValidationError as exc:
        errors = {**exc.errors, **errors}
        values = {}
    if errors:
        raise ValidationError(errors)
    return values


def _file_in_json(data: dict, name: str) -> dict:
    """A JSON body cannot carry a file: a value other than null is DRF's "not a file" error."""
    if data.get(name) is not None:
        return {name: [MSG_NOT_A_FILE]}
    return {}


def _one_field(spec: Fields, name: str, raw) -> int:
    """One field of `spec` validated on its own (the field a multipart form names before its file)."""
    if raw is None:
        raise ValidationError({name: [MSG_FIELD_BEFORE_FILE]})
    return spec.validate({name: raw}, partial=True)[name]


# Assignments ------------------------------------------------------------------------------------

@dataclasses.dataclass
class AssignmentRow:
    assignment: Assignment
    course_name: str
    module_name: str | None


async def _course_to_change(session: AsyncSession, call: Call, course_id: int) -> Course:
    """The course named in a body: unknown (or another tenant's) is an invalid pk, not teaching it 403."""
    course = await session.get(Course, course_id)
    if course is None or course.tenant_id != call.actor.tenant_id:
        raise ValidationError({"course": [invalid_pk(course_id)]})
    await require_course_staff(session, call.actor, course.id)
    return course


async def locate_new_assignment(session: AsyncSession, call: Call, raw_course) -> Course:
    """The course a multipart create names before its instructions file (rights checked first)."""
    call.require_staff()
    return await _course_to_change(session, call, _one_field(ASSIGNMENT_FIELDS, "course", raw_course))


async def _check_module(session: AsyncSession, course_id: int, module_id: int | None) -> Module | None:
    if module_id is None:
        return None
    module = await session.scalar(select(Module).where(Module.id == module_id, Module.course_id == course_id))
    if module is None:
        raise ValidationError({"module": [invalid_pk(module_id)]})
    return module


async def assignment_row(session: AsyncSession, assignment: Assignment) -> AssignmentRow:
    course_name = await session.scalar(select(Course.title).where(Course.id == assignment.course_id))
    module_name = None
    if assignment.module_id is not None:
        module_name = await session.scalar(select(Module.title).where(Module.id == assignment.module_id))
    return AssignmentRow(assignment, course_name or "", module_name)


async def create_assignment(session: AsyncSession, call: Call, data: dict, *, instructions_file: str = "",
                            file_course_id: int | None = None) -> AssignmentRow:
    """A new assignment; `instructions_file` is the key of a file uploaded with it (stored for
    `file_course_id`, the course the form named before the file)."""
    call.require_staff()
    values = _validate(ASSIGNMENT_FIELDS, data, partial=False, errors=_file_in_json(data, "instructions_file"))
    if instructions_file and values["course"] != file_course_id:
        raise ValidationError({"course": [MSG_ONE_TARGET]})
    course = await _course_to_change(session, call, values["course"])
    module = await _check_module(session, course.id, values["module"])
    assignment = Assignment(
        course_id=course.id, module_id=module.id if module else None, title=values["title"],
        description=values["description"], due_date=values["due_date"], max_score=values["max_score"],
        allow_late=values["allow_late"], instructions_file=instructions_file)
    session.add(assignment)
    await session.flush()
    return AssignmentRow(assignment, course.title, module.title if module else None)


async def assignment_for_change(session: AsyncSession, call: Call, assignment_id: int) -> tuple[Assignment, Course]:
    """The assignment (locked) if the caller may change it: students 403, unknown 404, not teaching 403."""
    call.require_staff()
    assignment = await session.scalar(select(Assignment).where(Assignment.id == assignment_id).with_for_update())
    if assignment is None:
        raise NotFound()
    course = await course_for_change(session, call.actor, assignment.course_id)
    return assignment, course


async def change_assignment(session: AsyncSession, call: Call, assignment_id: int, data: dict, *, partial: bool,
                            instructions_file: str | None = None) -> AssignmentRow:
    """PUT (partial=False: title and course required, other fields back to their defaults) or PATCH.

    A new `instructions_file` key replaces the stored file; JSON `"instructions_file": null` removes
    it. The replaced file is deleted once the change has committed.
    """
    assignment, course = await assignment_for_change(session, call, assignment_id)
    clear_file = data.get("instructions_file", "") is None and instructions_file is None
    values = _validate(ASSIGNMENT_FIELDS, data, partial=partial, errors=_file_in_json(data, "instructions_file"))
    errors = {}
    if "course" in values and values["course"] != assignment.course_id:
        errors["course"] = [MSG_COURSE_FIXED]
    if "max_score" in values:
        highest = await session.scalar(select(func.max(Submission.grade)).where(
            Submission.assignment_id == assignment.id))
        if highest is not None and highest > values["max_score"]:
            errors["max_score"] = [
                f"Ensure this value is greater than or equal to the highest grade given ({plain_number(highest)})."]
    if errors:
        raise ValidationError(errors)
    if "module" in values:
        await _check_module(session, course.id, values["module"])
        assignment.module_id = values["module"]
    for name in ("title", "description", "due_date", "max_score", "allow_late"):
        if name in values:
            setattr(assignment, name, values[name])
    if instructions_file is not None or clear_file:
        await files.replace(session, call, assignment, "instructions_file", instructions_file or "")
    await session.flush()
    return await assignment_row(session, assignment)


async def delete_assignment(session: AsyncSession, call: Call, assignment_id: int) -> None:
    """Deletes the assignment and (by cascade) its submissions; their files go after the commit."""
    assignment, _ = await assignment_for_change(session, call, assignment_id)
    keys = list(await session.scalars(select(Submission.submission_file).where(
        Submission.assignment_id == assignment.id, Submission.submission_file != "")))
    await files.discard(session, call, [assignment.instructions_file, *keys])
    await session.execute(delete(Assignment).where(Assignment.id == assignment.id))


async def get_assignment(session: AsyncSession, call: Call, assignment_id: int) -> AssignmentRow:
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound()
    await learning_course(session, call.actor, assignment.course_id)
    row = await assignment_row(session, assignment)
    if not sees_unpublished_content(call.actor) and assignment.module_id is not None:
        published = await session.scalar(select(Module.is_published).where(Module.id == assignment.module_id))
        if not published:
            raise NotFound()
    return row


async def list_assignments(session: AsyncSession, call: Call, course_id: int = 0,
                           module_id: int = 0) -> list[AssignmentRow]:
    """The caller's assignments in one query: students' of their active enrollments in published
    courses (published modules only), instructors' of the courses they teach, admins' all."""
    call.require_user()
    actor = call.actor
    query = (select(Assignment, Course.title, Module.title)
             .join(Course, Course.id == Assignment.course_id)
             .outerjoin(Module, Module.id == Assignment.module_id))
    if not actor.is_staff:  # learners: courses they may learn in, published modules
        query = query.where(may_learn_clause(actor),
                            or_(Assignment.module_id.is_(None), published_outline_clause(Module)))
    else:  # staff: the courses they are staff of
        query = query.where(staff_clause(actor, Assignment.course_id))
    if course_id:
        query = query.where(Assignment.course_id == course_id)
    if module_id:
        query = query.where(Assignment.module_id == module_id)
    rows = await session.execute(query.order_by(Assignment.id))
    return [AssignmentRow(a, course_name, module_name) for a, course_name, module_name in rows]


# Submissions ------------------------------------------------------------------------------------

@dataclasses.dataclass
class SubmissionRow:
    submission: Submission
    assignment: Assignment
    course_name: str
    module_name: str | None


async def submission_target(session: AsyncSession, call: Call, raw_assignment) -> tuple[Assignment, Course]:
    """The assignment named by a submission, if the caller may submit to it: one they cannot see is an
    invalid pk (400), one of a course they are not actively enrolled in is 403."""
    user = call.require_user()
    assignment_id = _one_field(SUBMISSION_FIELDS, "assignment", raw_assignment) \
        if not isinstance(raw_assignment, int) else raw_assignment
    assignment = await session.get(Assignment, assignment_id)
    course = await session.get(Course, assignment.course_id) if assignment is not None else None
    if course is None or not is_visible(call.actor, course):
        raise ValidationError({"assignment": [invalid_pk(assignment_id)]})
    if not sees_unpublished_content(call.actor) and assignment.module_id is not None:
        if not await session.scalar(select(Module.is_published).where(Module.id == assignment.module_id)):
            raise ValidationError({"assignment": [invalid_pk(assignment_id)]})
    if not await is_learner(session, course.id, user.user_id):
        raise PermissionDenied(NOT_ENROLLED)
    return assignment, course


def _lateness(assignment: Assignment, now) -> bool:
    """Whether work submitted `now` is late; past the due date without `allow_late` it is refused."""
    late = assignment.due_date is not None and now > assignment.due_date
    if late and not assignment.allow_late:
        raise FailedPrecondition(MSG_PAST_DUE)
    return late


async def check_can_submit(session: AsyncSession, call: Call, assignment: Assignment) -> None:
    """Refuses early (before a file streams in) what `submit` would refuse: past due, already graded."""
    _lateness(assignment, utcnow())
    graded = await session.scalar(select(Submission.grade.is_not(None)).where(
        Submission.assignment_id == assignment.id, Submission.student_id == call.require_user().user_id))
    if graded:
        raise FailedPrecondition(MSG_GRADED)


async def submit(session: AsyncSession, call: Call, data: dict, *, submission_file: str = "",
                 file_course_id: int | None = None) -> tuple[SubmissionRow, bool]:
    """Records the caller's answer; returns it and whether it is the first (False: a resubmission)."""
    user = call.require_user()
    values = _validate(SUBMISSION_FIELDS, data, partial=False, errors=_file_in_json(data, "submission_file"))
    assignment, course = await submission_target(session, call, values["assignment"])
    if submission_file and course.id != file_course_id:
        raise ValidationError({"assignment": [MSG_ONE_TARGET]})
    text = values.get("response_text", "")
    if not text.strip() and not submission_file:
        raise ValidationError(MSG_NO_ANSWER)
    now = utcnow()
    late = _lateness(assignment, now)
    inserted = await session.scalar(
        dialect_insert(session, Submission).values(
            tenant_id=call.tenant_id, assignment_id=assignment.id, student_id=user.user_id, attempt=1,
            response_text=text, submission_file=submission_file, submitted_at=now, is_late=late, feedback="",
            graded_by="")
        .on_conflict_do_nothing(index_elements=[Submission.assignment_id, Submission.student_id])
        .returning(Submission.id))
    if inserted is not None:
        submission = await session.get(Submission, inserted)
    else:
        # A resubmission: the row is locked, so grading and other resubmissions wait for this one.
        submission = await session.scalar(select(Submission).where(
            Submission.assignment_id == assignment.id, Submission.student_id == user.user_id)
            .with_for_update().execution_options(populate_existing=True))
        if submission.grade is not None:
            raise FailedPrecondition(MSG_GRADED)
        submission.attempt += 1
        submission.response_text = text
        submission.submitted_at = now
        submission.is_late = late
        await files.replace(session, call, submission, "submission_file", submission_file)
    await session.flush()
    emit(session, SUBMISSION_CREATED, rooms.learner_rooms(user.user_id, course.id), {
        "submission_id": submission.id, "assignment_id": assignment.id, "course_id": course.id,
        "student_id": user.user_id, "attempt": submission.attempt, "is_late": late})
    module_name = await session.scalar(select(Module.title).where(Module.id == assignment.module_id)) \
        if assignment.module_id is not None else None
    return SubmissionRow(submission, assignment, course.title, module_name), inserted is not None


def _submission_query():
    return (select(Submission, Assignment, Course.title, Module.title)
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .join(Course, Course.id == Assignment.course_id)
            .outerjoin(Module, Module.id == Assignment.module_id))


async def _submission_row(session: AsyncSession, submission_id: int, *, lock: bool = False) -> SubmissionRow:
    query = _submission_query().where(Submission.id == submission_id)
    if lock:
        query = query.with_for_update(of=Submission)
    row = (await session.execute(query.execution_options(populate_existing=True))).first()
    if row is None:
        raise NotFound()
    return SubmissionRow(*row)


async def get_submission(session: AsyncSession, call: Call, submission_id: int) -> SubmissionRow:
    """Its student, or staff of the course (other students 404, instructors not teaching it 403)."""
    user = call.require_user()
    row = await _submission_row(session, submission_id)
    if row.submission.student_id != user.user_id:
        if not user.is_staff:
            raise NotFound()
        await require_course_staff(session, call.actor, row.assignment.course_id)
    return row


@dataclasses.dataclass
class SubmissionFilters:
    assignment: int = 0
    course: int = 0
    student: str = ""
    graded: bool | None = None


async def list_submissions(session: AsyncSession, call: Call, filters: SubmissionFilters,
                           page: PageRequest) -> tuple[list[SubmissionRow], int]:
    """One page (two queries): students their own, instructors those of the courses they teach, admins all."""
    user = call.require_user()
    conditions = []
    if not user.is_staff:
        conditions.append(Submission.student_id == user.user_id)
    else:
        conditions.append(staff_clause(call.actor, Assignment.course_id))
    if filters.assignment:
        conditions.append(Submission.assignment_id == filters.assignment)
    if filters.course:
        conditions.append(Assignment.course_id == filters.course)
    if filters.student:
        conditions.append(Submission.student_id == filters.student)
    if filters.graded is not None:
        conditions.append(Submission.grade.is_not(None) if filters.graded else Submission.grade.is_(None))
    total = await session.scalar(select(func.count(Submission.id))
                                 .join(Assignment, Assignment.id == Submission.assignment_id).where(*conditions))
    rows = await session.execute(_submission_query().where(*conditions).order_by(Submission.id)
                                 .limit(page.size).offset(page.offset))
    return [SubmissionRow(*row) for row in rows], total


async def assignment_submissions(session: AsyncSession, call: Call, assignment_id: int, graded: bool | None,
                                 page: PageRequest) -> tuple[list[SubmissionRow], int]:
    """Submissions to one assignment: all for staff of its course (others 403), their own for students."""
    user = call.require_user()
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound()
    await visible_course(session, call.actor, assignment.course_id)
    if user.is_staff:
        await require_course_staff(session, call.actor, assignment.course_id)
    return await list_submissions(session, call, SubmissionFilters(assignment=assignment.id, graded=graded), page)


async def grade_submission(session: AsyncSession, call: Call, submission_id: int, data: dict) -> SubmissionRow:
    """Sets the grade and feedback sent (staff of the course), tells the student, checks their certificate."""
    user = call.require_staff()
    row = await _submission_row(session, submission_id, lock=True)
    await course_for_change(session, call.actor, row.assignment.course_id)
    submission, assignment = row.submission, row.assignment
    values = _validate(GRADE_FIELDS, data, partial=True)
    if "grade" not in values and submission.grade is None:
        raise ValidationError({"grade": [MSG_REQUIRED]})
    if values.get("grade") is not None and values["grade"] > assignment.max_score:
        raise ValidationError({"grade": [f"Ensure this value is less than or equal to {assignment.max_score}."]})
    if "grade" in values:
        submission.grade = values["grade"]
    if "feedback" in values:
        submission.feedback = values["feedback"]
    submission.graded_at = utcnow()
    submission.graded_by = user.user_id
    await session.flush()
    emit(session, SUBMISSION_GRADED, rooms.learner_rooms(submission.student_id, assignment.course_id), {
        "submission_id": submission.id, "assignment_id": assignment.id, "course_id": assignment.course_id,
        "grade": float(submission.grade), "max_score": assignment.max_score})
    enrollment = await active_enrollment(session, assignment.course_id, submission.student_id)
    if enrollment is not None:
        await hooks.progress_changed.fire(session, call, enrollment)
    return row

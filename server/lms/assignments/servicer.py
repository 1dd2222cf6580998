"""gRPC servicers of assignments and submissions: parse the request, call the service, build the message."""
from __future__ import annotations

from google.api import httpbody_pb2
from google.protobuf import empty_pb2

from lms.assignments import gradebook, service
from lms.assignments.models import INSTRUCTIONS_KIND, SUBMISSIONS_KIND
from lms.assignments.v1 import assignments_pb2, assignments_pb2_grpc, submissions_pb2, submissions_pb2_grpc
from lms.courses.public import Course
from lms.platform.context import Call
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, nullable_string, nullable_timestamp, timestamp
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.uploads import ALL_TYPES, DOCUMENTS, IMAGES, FileField, Upload
from lms.platform.textfiles import CODE_AND_TEXT_TYPES
from lms.platform.validation import present
from lms.users.public import display_names

INSTRUCTIONS_FILE = FileField(INSTRUCTIONS_KIND, DOCUMENTS + IMAGES, required=False)
# Students' work: documents, images, videos, zip archives (of code, say) and source code or plain text.
SUBMISSION_FILE = FileField(SUBMISSIONS_KIND, ALL_TYPES + CODE_AND_TEXT_TYPES, required=False)


def assignment_message(call: Call, row: service.AssignmentRow) -> assignments_pb2.Assignment:
    a = row.assignment
    return assignments_pb2.Assignment(
        id=a.id, title=a.title, description=a.description, course=a.course_id,
        module=nullable_number(a.module_id), due_date=nullable_timestamp(a.due_date), course_name=row.course_name,
        module_name=nullable_string(row.module_name), instructions_file_url=file_url(call, a.instructions_file),
        created_at=timestamp(a.created_at), max_score=a.max_score, allow_late=a.allow_late,
        updated_at=timestamp(a.updated_at))


def submission_message(call: Call, row: service.SubmissionRow, student_name: str) -> submissions_pb2.Submission:
    s, a = row.submission, row.assignment
    return submissions_pb2.Submission(
        id=s.id,
        assignment=submissions_pb2.SubmissionAssignment(
            id=a.id, title=a.title, course_name=row.course_name, module_name=nullable_string(row.module_name),
            course=a.course_id, max_score=a.max_score, due_date=nullable_timestamp(a.due_date)),
        student_id=s.student_id, student_name=student_name, submitted_at=timestamp(s.submitted_at),
        response_text=s.response_text, submission_file_url=file_url(call, s.submission_file),
        grade=nullable_number(s.grade), feedback=s.feedback, is_graded=s.grade is not None, attempt=s.attempt,
        is_late=s.is_late, graded_at=nullable_timestamp(s.graded_at))


async def submission_messages(call: Call, session, rows: list[service.SubmissionRow]) -> list:
    names = await display_names(session, [row.submission.student_id for row in rows])
    return [submission_message(call, row, names[row.submission.student_id]) for row in rows]


def _graded_filter(request) -> bool | None:
    if request.HasField("is_graded"):
        return request.is_graded
    if request.HasField("graded"):
        return request.graded
    return None


class AssignmentServicer(assignments_pb2_grpc.AssignmentServiceServicer):
    @rpc
    async def ListAssignments(self, request, call, session):
        rows = await service.list_assignments(session, call, request.course, request.module)
        return assignments_pb2.ListAssignmentsResponse(assignments=[assignment_message(call, r) for r in rows])

    @rpc
    async def CreateAssignment(self, request_iterator, call):
        call.require_staff()
        upload = await Upload.open(request_iterator)
        located: list[Course] = []

        async def locate(fields: dict) -> tuple[int, str]:
            course = await service.locate_new_assignment(await call.session(), call, fields.get("course"))
            located.append(course)
            return course.id, course.slug

        form = await upload.read(call, files={"instructions_file": INSTRUCTIONS_FILE}, locate=locate)
        stored = form.files.get("instructions_file")
        row = await service.create_assignment(
            await call.session(), call, service.form_values(form.fields, form.media_type),
            instructions_file=stored.key if stored else "", file_course_id=located[0].id if located else None)
        return assignment_message(call, row)

    @rpc
    async def ExportGradebook(self, request, call):  # (a session per batch: no `session` parameter)
        course, assignments = await gradebook.start(
            await call.session(), call, request.course if request.HasField("course") else None)
        call.add_response_headers([("content-disposition", gradebook.disposition(course))])
        # The first message carries the content type; the interceptor commits and sends the headers.
        yield httpbody_pb2.HttpBody(content_type=gradebook.CONTENT_TYPE, data=gradebook.header(assignments))
        after = 0
        while True:
            # Each batch reads in its own short transaction, released before the batch is sent, so a
            # slow client never holds a database connection.
            data, after = await gradebook.rows_after(await call.session(), course, assignments, after)
            await call.release_session()
            if after is None:
                return
            yield httpbody_pb2.HttpBody(data=data)

    @rpc
    async def GetAssignment(self, request, call, session):
        return assignment_message(call, await service.get_assignment(session, call,
                                                                     request.assignment_id))

    async def ReplaceAssignment(self, request_iterator, context):
        return await self._change(request_iterator, partial=False)

    async def UpdateAssignment(self, request_iterator, context):
        return await self._change(request_iterator, partial=True)

    @rpc
    async def _change(self, request_iterator, call, *, partial: bool):
        call.require_staff()
        upload = await Upload.open(request_iterator)
        assignment_id = upload.request.assignment_id
        _, course = await service.assignment_for_change(await call.session(), call, assignment_id)
        form = await upload.read(call, files={"instructions_file": INSTRUCTIONS_FILE}, course_id=course.id,
                                 course_slug=course.slug)
        stored = form.files.get("instructions_file")
        row = await service.change_assignment(
            await call.session(), call, assignment_id, service.form_values(form.fields, form.media_type),
            partial=partial, instructions_file=stored.key if stored else None)
        return assignment_message(call, row)

    @rpc
    async def DeleteAssignment(self, request, call, session):
        await service.delete_assignment(session, call, request.assignment_id)
        return empty_pb2.Empty()

    @rpc
    async def ListAssignmentSubmissions(self, request, call, session):
        page = PageRequest.from_request(request)
        rows, total = await service.assignment_submissions(session, call, request.assignment_id,
                                                           _graded_filter(request), page)
        return submissions_pb2.ListSubmissionsResponse(
            **page_envelope(call, request, page, total), results=await submission_messages(call, session, rows))


class SubmissionServicer(submissions_pb2_grpc.SubmissionServiceServicer):
    @rpc
    async def ListSubmissions(self, request, call, session):
        page = PageRequest.from_request(request)
        filters = service.SubmissionFilters(assignment=request.assignment, course=request.course,
                                            student=request.student.strip(), graded=_graded_filter(request))
        rows, total = await service.list_submissions(session, call, filters, page)
        return submissions_pb2.ListSubmissionsResponse(
            **page_envelope(call, request, page, total), results=await submission_messages(call, session, rows))

    @rpc
    async def CreateSubmission(self, request_iterator, call):
        call.require_user()
        upload = await Upload.open(request_iterator)
        located: list[Course] = []

        async def locate(fields: dict) -> tuple[int, str]:
            session = await call.session()
            assignment, course = await service.submission_target(session, call, fields.get("assignment"))
            await service.check_can_submit(session, call, assignment)
            located.append(course)
            return course.id, course.slug

        form = await upload.read(call, files={"submission_file": SUBMISSION_FILE}, locate=locate)
        stored = form.files.get("submission_file")
        session = await call.session()
        row, created = await service.submit(
            session, call, service.form_values(form.fields, form.media_type),
            submission_file=stored.key if stored else "", file_course_id=located[0].id if located else None)
        if created:
            call.set_http_status(201)
        return (await submission_messages(call, session, [row]))[0]

    @rpc
    async def GetSubmission(self, request, call, session):
        row = await service.get_submission(session, call, request.submission_id)
        return (await submission_messages(call, session, [row]))[0]

    @rpc
    async def GradeSubmission(self, request, call, session):
        data = present(request)
        data.pop("submission_id", None)
        row = await service.grade_submission(session, call, request.submission_id, data)
        return (await submission_messages(call, session, [row]))[0]

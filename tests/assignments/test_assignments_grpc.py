"""Assignments over a real gRPC channel: streamed bodies, canonical codes with structured details."""
import json

import grpc
import pytest
from google.api import httpbody_pb2
from google.rpc import error_details_pb2, status_pb2

from lms.assignments.v1 import assignments_pb2, assignments_pb2_grpc, submissions_pb2, submissions_pb2_grpc
from tests.assignments.helpers import classroom
from tests.files import samples
from lms.platform.protos import json_values


def _json_body(message_type, data: dict, **path):
    body = httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(data).encode())
    return iter([message_type(body=body, **path)])


def _details(error: grpc.RpcError):
    status = status_pb2.Status.FromString(dict(error.trailing_metadata())["grpc-status-details-bin"])
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return [(v.field, v.description) for v in bad.field_violations]
    return []


def test_create_submit_grade_and_export_over_grpc(tenant, stack):
    teacher, course, module, student = classroom(tenant)
    with stack.channel() as channel:
        assignments = assignments_pb2_grpc.AssignmentServiceStub(channel)
        submissions = submissions_pb2_grpc.SubmissionServiceStub(channel)
        created = assignments.CreateAssignment(_json_body(
            assignments_pb2.CreateAssignmentRequest,
            {"title": "Python Variables Exercise", "course": course["id"], "module": module["id"], "max_score": 10}),
            metadata=teacher.metadata)
        assert (created.course, created.module.number_value, created.max_score) == (course["id"], module["id"], 10)
        assert created.due_date.WhichOneof("kind") == "null_value"
        listed = assignments.ListAssignments(assignments_pb2.ListAssignmentsRequest(course=course["id"]),
                                             metadata=student.metadata)
        assert [a.id for a in listed.assignments] == [created.id]

        boundary = "grpc-boundary"
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"assignment\"\r\n\r\n{created.id}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"submission_file\"; filename=\"a.pdf\"\r\n"
                f"\r\n").encode() + samples.pdf(300_000) + f"\r\n--{boundary}--\r\n".encode()
        pieces = [form[i:i + 65536] for i in range(0, len(form), 65536)]
        requests = [submissions_pb2.CreateSubmissionRequest(body=httpbody_pb2.HttpBody(
            content_type=f"multipart/form-data; boundary={boundary}" if i == 0 else "", data=piece))
            for i, piece in enumerate(pieces)]
        submission = submissions.CreateSubmission(iter(requests), metadata=student.metadata)
        assert submission.attempt == 1 and submission.submission_file_url.endswith("_a.pdf")
        assert submission.grade.WhichOneof("kind") == "null_value"

        with pytest.raises(grpc.RpcError) as too_high:
            submissions.GradeSubmission(submissions_pb2.GradeSubmissionRequest(
                submission_id=submission.id, grade={"number_value": 11}), metadata=teacher.metadata)
        assert too_high.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert _details(too_high.value) == [("grade", "Ensure this value is less than or equal to 10.")]
        with pytest.raises(grpc.RpcError) as denied:
            submissions.GradeSubmission(submissions_pb2.GradeSubmissionRequest(
                submission_id=submission.id, grade={"number_value": 5}), metadata=student.metadata)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
        graded = submissions.GradeSubmission(submissions_pb2.GradeSubmissionRequest(
            submission_id=submission.id, grade={"string_value": "9.5"}, **json_values(feedback="Nice")),
            metadata=teacher.metadata)
        assert (graded.grade.number_value, graded.feedback, graded.is_graded) == (9.5, "Nice", True)

        page = submissions.ListSubmissions(submissions_pb2.ListSubmissionsRequest(is_graded=True),
                                           metadata=student.metadata)
        assert page.count == 1 and page.results[0].id == submission.id
        assert page.next.WhichOneof("kind") == "null_value"

        chunks = list(assignments.ExportGradebook(assignments_pb2.ExportGradebookRequest(course=course["id"]),
                                                  metadata=teacher.metadata))
        assert chunks[0].content_type == "text/csv; charset=utf-8"
        text = b"".join(c.data for c in chunks).decode()
        assert text.splitlines()[1] == f"{student.user_id},Jane Smith,,9.5,95.00"
        with pytest.raises(grpc.RpcError) as missing:
            list(assignments.ExportGradebook(assignments_pb2.ExportGradebookRequest(), metadata=teacher.metadata))
        assert missing.value.code() == grpc.StatusCode.INVALID_ARGUMENT

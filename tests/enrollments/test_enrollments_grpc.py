"""Enrollments over a real gRPC channel: the same rules and canonical codes."""
import grpc
import pytest

from lms.enrollments.v1 import enrollments_pb2, enrollments_pb2_grpc
from tests.helpers import make_course, make_lesson, make_module
from lms.platform.protos import json_values


def test_enroll_complete_and_read_progress_over_grpc(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    student = tenant.student(first_name="Ada", last_name="Lovelace")
    with stack.channel() as channel:
        stub = enrollments_pb2_grpc.EnrollmentServiceStub(channel)
        enrollment = stub.Enroll(enrollments_pb2.EnrollRequest(course_id=course["id"]), metadata=student.metadata)
        assert enrollment.user_name == "Ada Lovelace" and enrollment.is_active
        assert enrollment.started_at.WhichOneof("kind") == "null_value"
        with pytest.raises(grpc.RpcError) as duplicate:
            stub.Enroll(enrollments_pb2.EnrollRequest(course_id=course["id"]), metadata=student.metadata)
        assert duplicate.value.code() == grpc.StatusCode.ALREADY_EXISTS
        done = stub.CompleteLesson(enrollments_pb2.CompleteLessonRequest(lesson=lesson["id"]),
                                   metadata=student.metadata)
        assert done.progress == 100 and done.course_completed
        progress = stub.GetProgress(enrollments_pb2.GetProgressRequest(course=course["id"]),
                                    metadata=student.metadata)
        assert (progress.completed_lessons, progress.total_lessons) == (1, 1)
        assert progress.completed_at.string_value.endswith("Z")
        bulk = stub.BulkEnroll(enrollments_pb2.BulkEnrollRequest(course_id=course["id"],
                                                                 **json_values(user_ids=["a", "b"])),
                               metadata=admin.metadata)
        assert (bulk.created, bulk.already_enrolled, bulk.detail) == (2, 0, "Enrolled 2 users")
        with pytest.raises(grpc.RpcError) as denied:
            stub.BulkEnroll(enrollments_pb2.BulkEnrollRequest(course_id=course["id"], **json_values(user_ids=["c"])),
                            metadata=student.metadata)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

"""The catalogue over a real gRPC channel: same rules, canonical codes, rich error details."""
import grpc
import pytest
from google.protobuf import struct_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from lms.courses.v1 import categories_pb2, categories_pb2_grpc, courses_pb2, courses_pb2_grpc
from lms.platform.protos import json_values


def rich(error: grpc.RpcError) -> dict:
    status: status_pb2.Status = rpc_status.from_call(error)
    details = {}
    for detail in status.details:
        for kind in (struct_pb2.Struct, error_details_pb2.ErrorInfo, error_details_pb2.BadRequest,
                     error_details_pb2.RetryInfo):
            if detail.Is(kind.DESCRIPTOR):
                message = kind()
                detail.Unpack(message)
                details[kind.__name__] = message
    return details


@pytest.fixture
def grpc_stubs(stack):
    with stack.channel() as channel:
        yield categories_pb2_grpc.CategoryServiceStub(channel), courses_pb2_grpc.CourseServiceStub(channel)


def test_create_and_read_a_course_over_grpc(tenant, grpc_stubs):
    categories, courses = grpc_stubs
    admin = tenant.admin()
    category = categories.CreateCategory(
        categories_pb2.CreateCategoryRequest(category=categories_pb2.CategoryInput(**json_values(name="Programming"))),
        metadata=admin.metadata)
    created = courses.CreateCourse(courses_pb2.CreateCourseRequest(course=courses_pb2.CourseInput(**json_values(
        title="Introduction to Python Programming", description="Learn", category_id=category.id,
        status="Published", learning_outcomes=["Write scripts"]))), metadata=admin.metadata)
    assert created.code == "PY101" and created.category.slug == "programming"
    detail = courses.GetCourse(courses_pb2.GetCourseRequest(course_id=created.id), metadata=admin.metadata)
    assert list(detail.learning_outcomes) == ["Write scripts"]
    page = courses.ListCourses(courses_pb2.ListCoursesRequest(page_size=1), metadata=admin.metadata)
    assert page.count == 1 and page.results[0].id == created.id
    assert page.next.WhichOneof("kind") == "null_value"
    # Anonymous callers name their tenant with x-tenant-id.
    anonymous = courses.ListCourses(courses_pb2.ListCoursesRequest(), metadata=(("x-tenant-id", tenant.id),))
    assert anonymous.count == 1


def test_grpc_errors_carry_canonical_codes_and_details(tenant, grpc_stubs):
    _, courses = grpc_stubs
    admin = tenant.admin()
    with pytest.raises(grpc.RpcError) as invalid:
        courses.CreateCourse(courses_pb2.CreateCourseRequest(course=courses_pb2.CourseInput(**json_values(title=""))),
                             metadata=admin.metadata)
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = rich(invalid.value)
    violations = {(v.field, v.description) for v in details["BadRequest"].field_violations}
    assert ("title", "This field may not be blank.") in violations
    assert ("category_id", "This field is required.") in violations
    assert details["ErrorInfo"].reason == "INVALID_ARGUMENT"
    assert details["ErrorInfo"].metadata["http_status"] == "400"

    with pytest.raises(grpc.RpcError) as missing:
        courses.GetCourse(courses_pb2.GetCourseRequest(course_id=987654), metadata=admin.metadata)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert missing.value.details() == "Not found."

    with pytest.raises(grpc.RpcError) as denied:
        courses.CreateCourse(courses_pb2.CreateCourseRequest(), metadata=tenant.student().metadata)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    with pytest.raises(grpc.RpcError) as anonymous:
        courses.CreateCourse(courses_pb2.CreateCourseRequest())
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert rich(anonymous.value)["ErrorInfo"].reason == "NOT_AUTHENTICATED"


def test_native_grpc_passes_through_the_edge_untouched(tenant, stack):
    admin = tenant.admin()
    with grpc.insecure_channel(f"127.0.0.1:{stack.edge_port}") as channel:
        categories = categories_pb2_grpc.CategoryServiceStub(channel)
        created, call = categories.CreateCategory.with_call(
            categories_pb2.CreateCategoryRequest(
                category=categories_pb2.CategoryInput(**json_values(name="Through edge"))),
            metadata=admin.metadata)
        assert created.name == "Through edge"
        listed = categories.ListCategories(categories_pb2.ListCategoriesRequest(), metadata=admin.metadata)
        assert [c.name for c in listed.categories] == ["Through edge"]
        with pytest.raises(grpc.RpcError) as missing:
            categories.GetCategory(categories_pb2.GetCategoryRequest(category_id=99999999),
                                   metadata=admin.metadata)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        assert rich(missing.value)["ErrorInfo"].reason == "NOT_FOUND"

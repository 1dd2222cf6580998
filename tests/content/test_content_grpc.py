"""Course content over a real gRPC channel: same rules as the edge, canonical codes and rich details."""
import json

import grpc
import pytest
from google.api import httpbody_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from lms.content.v1 import (
    content_pb2, faqs_pb2, faqs_pb2_grpc, lessons_pb2, lessons_pb2_grpc, modules_pb2, modules_pb2_grpc,
    resources_pb2, resources_pb2_grpc,
)
from lms.courses.v1 import courses_pb2, courses_pb2_grpc, instructors_pb2, instructors_pb2_grpc
from lms.platform.protos import json_values
from tests.files import samples
from tests.files.test_parser import BOUNDARY, form
from tests.helpers import make_course


class Stubs:
    def __init__(self, channel):
        self.modules = modules_pb2_grpc.ModuleServiceStub(channel)
        self.lessons = lessons_pb2_grpc.LessonServiceStub(channel)
        self.resources = resources_pb2_grpc.ResourceServiceStub(channel)
        self.faqs = faqs_pb2_grpc.FaqServiceStub(channel)
        self.courses = courses_pb2_grpc.CourseServiceStub(channel)
        self.instructors = instructors_pb2_grpc.CourseInstructorServiceStub(channel)


@pytest.fixture
def stubs(stack):
    with stack.channel() as channel:
        yield Stubs(channel)


def body(request_class, content: dict | bytes, content_type: str = "application/json", **ids):
    """The request stream of a create or change: the ids and the body (here in one message)."""
    data = json.dumps(content).encode() if isinstance(content, dict) else content
    return iter([request_class(body=httpbody_pb2.HttpBody(content_type=content_type, data=data), **ids)])


def violations(error: grpc.RpcError) -> set[tuple[str, str]]:
    status = rpc_status.from_call(error)
    found = set()
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            found |= {(v.field, v.description) for v in bad_request.field_violations}
    return found


def test_content_crud_and_the_course_outline_over_grpc(tenant, stubs):
    admin = tenant.admin()
    md = admin.metadata
    course = make_course(admin)
    module = stubs.modules.CreateModule(modules_pb2.CreateModuleRequest(
        course_id=course["id"], module=modules_pb2.ModuleInput(**json_values(title="Getting Started"))), metadata=md)
    assert (module.order, module.is_published, list(module.lessons)) == (1, True, [])
    lesson = stubs.lessons.CreateLesson(body(
        lessons_pb2.CreateLessonRequest, {"title": "Installing Python", "lesson_type": "video",
                                          "content_url": "https://example.com/v.mp4", "duration": 15},
        course_id=course["id"], module_id=module.id), metadata=md)
    assert (lesson.lesson_type, lesson.duration, lesson.order) == ("video", 15, 1)
    second = stubs.modules.CreateModule(modules_pb2.CreateModuleRequest(
        course_id=course["id"], module=modules_pb2.ModuleInput(**json_values(title="First now", order=1))), metadata=md)
    listed = stubs.modules.ListModules(modules_pb2.ListModulesRequest(course_id=course["id"]), metadata=md)
    assert [(m.id, m.order) for m in listed.modules] == [(second.id, 1), (module.id, 2)]
    assert [lesson.id for lesson in listed.modules[1].lessons] == [lesson.id]
    patched = stubs.lessons.UpdateLesson(body(lessons_pb2.UpdateLessonRequest, {"duration": 0},
                                              course_id=course["id"], module_id=module.id, lesson_id=lesson.id),
                                         metadata=md)
    assert (patched.duration, patched.content_url) == (0, "https://example.com/v.mp4")

    links = [stubs.resources.CreateResource(body(
        resources_pb2.CreateResourceRequest, {"title": f"R{n}", "resource_type": "link",
                                              "url": f"https://example.com/{n}"}, course_id=course["id"]),
        metadata=md) for n in range(3)]
    reordered = stubs.resources.ReorderResources(resources_pb2.ReorderResourcesRequest(
        course_id=course["id"], resources=[content_pb2.OrderItem(**json_values(id=links[2].id, order=1))]), metadata=md)
    assert [(r.title, r.order) for r in reordered.resources] == [("R2", 1), ("R0", 2), ("R1", 3)]
    faq = stubs.faqs.CreateFaq(faqs_pb2.CreateFaqRequest(
        course_id=course["id"], faq=faqs_pb2.FaqInput(**json_values(question="Q?", answer="A."))), metadata=md)

    detail, call = stubs.courses.GetCourse.with_call(courses_pb2.GetCourseRequest(course_id=course["id"]),
                                                     metadata=md)
    assert [m.id for m in detail.modules] == [second.id, module.id]
    assert detail.modules[1].lessons[0] == content_pb2.LessonSummary(
        id=lesson.id, title="Installing Python", lesson_type="video", duration=0, order=1, is_published=True)
    assert [r.title for r in detail.resources] == ["R2", "R0", "R1"] and detail.faq_count == 1
    assert int(dict(call.initial_metadata())["x-lms-query-count"]) >= 1

    stubs.faqs.DeleteFaq(faqs_pb2.DeleteFaqRequest(course_id=course["id"], faq_id=faq.id), metadata=md)
    stubs.modules.DeleteModule(modules_pb2.DeleteModuleRequest(course_id=course["id"], module_id=second.id),
                               metadata=md)
    after = stubs.courses.GetCourse(courses_pb2.GetCourseRequest(course_id=course["id"]), metadata=md)
    assert [(m.id, m.order) for m in after.modules] == [(module.id, 1)] and after.faq_count == 0


def test_grpc_errors_use_canonical_codes(tenant, other_tenant, stubs):
    admin = tenant.admin()
    course = make_course(admin)
    module = stubs.modules.CreateModule(modules_pb2.CreateModuleRequest(
        course_id=course["id"], module=modules_pb2.ModuleInput(**json_values(title="M"))), metadata=admin.metadata)

    with pytest.raises(grpc.RpcError) as invalid:
        stubs.lessons.CreateLesson(body(lessons_pb2.CreateLessonRequest,
                                        {"title": "L", "lesson_type": "podcast", "duration": -1},
                                        course_id=course["id"], module_id=module.id), metadata=admin.metadata)
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(invalid.value) == {("lesson_type", '"podcast" is not a valid choice.'),
                                         ("duration", "Ensure this value is greater than or equal to 0.")}

    with pytest.raises(grpc.RpcError) as duplicate:
        stubs.faqs.ReorderFaqs(faqs_pb2.ReorderFaqsRequest(course_id=course["id"]), metadata=admin.metadata)
    assert duplicate.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(duplicate.value) == {("faqs", "This list may not be empty.")}

    other_course = make_course(admin)
    with pytest.raises(grpc.RpcError) as wrong_parent:
        stubs.modules.GetModule(modules_pb2.GetModuleRequest(course_id=other_course["id"], module_id=module.id),
                                metadata=admin.metadata)
    assert wrong_parent.value.code() == grpc.StatusCode.NOT_FOUND

    with pytest.raises(grpc.RpcError) as foreign:
        stubs.modules.UpdateModule(modules_pb2.UpdateModuleRequest(
            course_id=course["id"], module_id=module.id, module=modules_pb2.ModuleInput(**json_values(title="x"))),
            metadata=other_tenant.admin().metadata)
    assert foreign.value.code() == grpc.StatusCode.NOT_FOUND

    with pytest.raises(grpc.RpcError) as denied:
        stubs.instructors.AddCourseInstructor(instructors_pb2.AddCourseInstructorRequest(
            course_id=course["id"], user_id="someone"), metadata=tenant.instructor().metadata)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    with pytest.raises(grpc.RpcError) as anonymous:
        stubs.modules.ListModules(modules_pb2.ListModulesRequest(course_id=course["id"]))
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_file_resources_stream_over_grpc_and_are_deleted_with_their_row(tenant, stubs):
    admin = tenant.admin()
    course = make_course(admin)
    data = samples.pdf(2_500_000)
    payload = form([("title", None, b"Course Manual"), ("resource_type", None, b"file"),
                    ("file", "manual.pdf", data)])

    def pieces():  # the way the edge sends it: the ids and content type first, then the body in pieces
        for index, start in enumerate(range(0, len(payload), 300_000)):
            request = resources_pb2.CreateResourceRequest(body=httpbody_pb2.HttpBody(
                data=payload[start:start + 300_000]))
            if index == 0:
                request.course_id = course["id"]
                request.body.content_type = f"multipart/form-data; boundary={BOUNDARY}"
            yield request

    resource = stubs.resources.CreateResource(pieces(), metadata=admin.metadata)
    assert (resource.title, resource.resource_type, resource.order) == ("Course Manual", "file", 1)
    key = resource.file_url.string_value.split("/api/lms/files/", 1)[1]
    assert admin.get(f"/api/lms/files/{key}").content == data
    with pytest.raises(grpc.RpcError) as link_with_file:
        stubs.resources.CreateResource(body(
            resources_pb2.CreateResourceRequest,
            form([("title", None, b"L"), ("resource_type", None, b"link"), ("url", None, b"https://x.example.com"),
                  ("file", "a.png", samples.png())]),
            f"multipart/form-data; boundary={BOUNDARY}", course_id=course["id"]), metadata=admin.metadata)
    assert violations(link_with_file.value) == {
        ("file", "A link resource cannot have an uploaded file; only file resources can.")}
    stubs.resources.DeleteResource(resources_pb2.DeleteResourceRequest(course_id=course["id"],
                                                                       resource_id=resource.id),
                                   metadata=admin.metadata)
    assert tenant.stack.sql("SELECT key FROM stored_files WHERE tenant_id = :t", t=tenant.id) == []
    assert admin.get(f"/api/lms/files/{key}").status_code == 404

"""The upload rate limit (50/h per user by default, 2/h here), and uploads over native gRPC."""
import uuid

import grpc
import pytest
from google.api import httpbody_pb2
from google.rpc import error_details_pb2, status_pb2

from lms.files.v1 import files_pb2, files_pb2_grpc
from tests.files import samples
from tests.files.helpers import upload_media, upload_thumbnail
from tests.files.test_parser import BOUNDARY, form
from tests.helpers import assert_error, make_course
from tests.stack import make_stack


@pytest.fixture(scope="module")
def limited_stack(tmp_path_factory):
    stack = make_stack("sqlite", tmp_path_factory.mktemp("upload-limits"), LMS_RATE_LIMIT_UPLOAD="2/h")
    stack.start()
    yield stack
    stack.stop()


def test_uploads_are_limited_per_user_with_retry_after(limited_stack):
    stack = limited_stack
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    admin = stack.client(stack.token("uploader", tenant, ["admin"]))
    course = make_course(admin)
    assert upload_media(admin, course["id"], samples.pdf(), "a.pdf").status_code == 201
    assert upload_thumbnail(admin, course["id"], samples.png()).status_code == 200
    throttled = upload_media(admin, course["id"], samples.pdf(), "c.pdf")
    data = assert_error(throttled, 429)
    wait = int(throttled.headers["retry-after"])
    assert 0 < wait <= 3600
    assert data == {"detail": f"Request was throttled. Expected available in {wait} seconds."}
    assert_error(upload_thumbnail(admin, course["id"], samples.png()), 429)
    # Requests that carry no file are not uploads: the general budget still applies, not this one.
    assert_error(admin.post(f"/api/lms/courses/{course['id']}/files/", {"title": "link"}), 400,
                 {"file": ["No file was submitted."]})
    assert admin.get("/api/lms/courses/").status_code == 200
    # Another user has a budget of their own.
    other = stack.client(stack.token("other", tenant, ["admin"]))
    assert upload_media(other, course["id"], samples.pdf(), "d.pdf").status_code == 201


def test_mixed_routes_charge_the_upload_budget_only_for_bodies_with_a_file(limited_stack):
    """Resources take links as JSON or form fields and files as multipart: only files are uploads."""
    stack = limited_stack
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    admin = stack.client(stack.token("mixed", tenant, ["admin"]))
    course = make_course(admin)
    url = f"/api/lms/courses/{course['id']}/resources/"
    link = {"title": "Docs", "resource_type": "link", "url": "https://docs.python.org/3/"}
    empty_file_input = form([(name, None, value.encode()) for name, value in link.items()] + [("file", "", b"")])
    for _ in range(3):  # more than the budget of 2, none of them an upload
        assert admin.post(url, link).status_code == 201
        assert admin.post(url, data=link).status_code == 201
        assert admin.post(url, content=empty_file_input,
                          headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"}).status_code == 201
    file_resource = {"title": "Manual", "resource_type": "file"}
    assert admin.post(url, data=file_resource, files={"file": ("a.pdf", samples.pdf())}).status_code == 201
    # A refused file was still sent: it counts.
    assert_error(admin.post(url, data=file_resource, files={"file": ("a.exe", b"MZ" + bytes(100))}), 400)
    assert_error(admin.post(url, data=file_resource, files={"file": ("b.pdf", samples.pdf())}), 429)
    assert admin.post(url, link).status_code == 201
    assert stack.sql("SELECT count(*) FROM stored_files WHERE tenant_id = :t", t=tenant) == [(1,)]


def _requests(course_id: int, body: bytes, chunk: int = 100_000):
    for index, start in enumerate(range(0, len(body), chunk)):
        request = files_pb2.UploadCourseFileRequest(body=httpbody_pb2.HttpBody(data=body[start:start + chunk]))
        if index == 0:
            request.course_id = course_id
            request.body.content_type = f"multipart/form-data; boundary={BOUNDARY}"
        yield request


def test_uploads_and_downloads_over_native_grpc(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    data = samples.mp4(2_500_000)
    with tenant.stack.channel() as channel:
        stub = files_pb2_grpc.FileServiceStub(channel)
        stored = stub.UploadCourseFile(_requests(course["id"], form([("file", "talk.mp4", data)])),
                                       metadata=admin.metadata)
        assert (stored.filename, stored.content_type, stored.size) == ("talk.mp4", "video/mp4", len(data))
        assert stored.url.endswith(f"/api/lms/files/{stored.key}")
        pieces = list(stub.GetFile(files_pb2.GetFileRequest(key=stored.key),
                                   metadata=admin.metadata + (("range", "bytes=100-199999"),)))
        assert pieces[0].content_type == "video/mp4"
        assert b"".join(p.data for p in pieces) == data[100:200000]

        with pytest.raises(grpc.RpcError) as caught:
            stub.UploadCourseFile(_requests(course["id"], form([("file", "big.png", samples.png(6 * 1024 * 1024))])),
                                  metadata=admin.metadata)
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = status_pb2.Status.FromString(dict(error.trailing_metadata())["grpc-status-details-bin"])
    info = error_details_pb2.ErrorInfo()
    assert any(d.Unpack(info) for d in status.details if d.Is(info.DESCRIPTOR))
    assert (info.reason, info.metadata["http_status"]) == ("PAYLOAD_TOO_LARGE", "413")

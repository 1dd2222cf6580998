"""Regression tests of the attack run of issue 13, through the transport each attack used.

Tokens and tenants (Envoy JSON and gRPC), names never lost (Envoy), certificate ids (Envoy), hosts and
absolute URLs (Envoy, gRPC), uploads cancelled mid-stream (a raw HTTP connection to the edge). The
gRPC port's trust and the verification rate limit need their own stack (tests/core/test_trust.py).
"""
from __future__ import annotations

import re
import socket
import time
import uuid

import grpc
import jwt
import pytest

from lms.certificates.issuing import new_certificate_id
from lms.courses.v1 import courses_pb2, courses_pb2_grpc
from lms.platform.auth import principal_from_claims
from lms.platform.config import Settings
from lms.platform.errors import AuthenticationFailed
from tests.files import samples
from tests.files.helpers import register_rows
from tests.helpers import BAD_TOKEN, NOT_FOUND, assert_error, enroll, make_course, make_lesson, make_module
from tests.stack import SECRET

INVALID_HOST = {"detail": "Invalid host header."}


def _token(tenant_id, **overrides) -> str:
    now = int(time.time())
    claims = {"sub": f"u-{uuid.uuid4().hex[:8]}", "tenant_id": tenant_id, "roles": ["admin"], "iat": now,
              "exp": now + 600, **overrides}
    claims = {k: v for k, v in claims.items() if v is not ...}
    return jwt.encode(claims, SECRET, algorithm="HS256")


# Tenant claim ---------------------------------------------------------------------------------------

BAD_TENANTS = ["*", "%", "", " t1", "t1 ", "t1\n", "-t1", "a/b", "x" * 65, None, 7, ["t1"]]


def test_a_token_naming_no_real_tenant_is_401_through_the_edge(stack, tenant):
    make_course(tenant.admin())  # something the all-tenants mode would have shown
    for bad in BAD_TENANTS:
        client = stack.client(_token(bad))
        assert_error(client.get("/api/lms/courses/"), 401, BAD_TOKEN)
        assert_error(client.post("/api/lms/categories/", {"name": "Everywhere"}), 401, BAD_TOKEN)
    # Nothing was stamped with the marker; the catalogue still answers.
    assert stack.sql("SELECT count(*) FROM categories WHERE tenant_id = '*'") == [(0,)]
    assert stack.client(_token(tenant.id)).get("/api/lms/courses/").status_code == 200


def test_a_token_naming_no_real_tenant_is_401_over_grpc(stack):
    with stack.channel() as channel:
        stub = courses_pb2_grpc.CourseServiceStub(channel)
        for bad in ("*", "a b", ""):
            with pytest.raises(grpc.RpcError) as error:
                stub.ListCourses(courses_pb2.ListCoursesRequest(),
                                 metadata=(("authorization", f"Bearer {_token(bad)}"),))
            assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED, bad
        with pytest.raises(grpc.RpcError) as error:  # the header of anonymous callers has the same rule
            stub.ListCourses(courses_pb2.ListCoursesRequest(), metadata=(("x-tenant-id", "*"),))
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_no_request_reaches_the_all_tenants_mode(stack, tenant):
    assert_error(stack.client(tenant="*").get("/api/lms/courses/"), 400, fields=["X-Tenant-ID"])
    # A file key names its tenant: `*` there is no tenant either (anonymous callers take the key's tenant).
    assert_error(stack.client().get("/api/lms/files/certificates/*/CERT-X.pdf"), 404, NOT_FOUND)
    assert_error(stack.client().get("/api/lms/files/courses/*/slug/thumbnails/x.png"), 404, NOT_FOUND)


# Roles and the other claims ------------------------------------------------------------------------

BAD_CLAIMS = {
    "roles object": {"roles": {"admin": False}},
    "roles string": {"roles": "admin"},
    "unknown role": {"roles": ["superuser"]},
    "upper case": {"roles": ["ADMIN"]},
    "junk roles": {"roles": [None, 1, {}]},
    "roles number": {"roles": 5},
    "roles null": {"roles": None},
    "known and unknown": {"roles": ["student", "root"]},
    "exp string": {"exp": str(int(time.time()) + 600)},
    "nbf string": {"nbf": "0"},
    "iat string": {"iat": str(int(time.time()))},
    "exp bool": {"exp": True},
    "sub with NUL": {"sub": "mallory\x00admin"},
    "first name with NUL": {"first_name": "Mal\x00lory"},
    "last name with NUL": {"last_name": "x\x00"},
}


def test_malformed_claims_are_401_not_a_guess(stack, tenant):
    for name, overrides in BAD_CLAIMS.items():
        response = stack.client(_token(tenant.id, **overrides)).get("/api/lms/courses/")
        assert response.status_code == 401, (name, response.text)
        assert response.json() == BAD_TOKEN, name
    # What remains valid: no roles claim or an empty list (a student), known names.
    student = stack.client(_token(tenant.id, roles=...))
    assert student.get("/api/lms/courses/").status_code == 200
    assert_error(student.post("/api/lms/categories/", {"name": "x"}), 403)
    assert_error(stack.client(_token(tenant.id, roles=[])).post("/api/lms/categories/", {"name": "x"}), 403)
    assert stack.client(_token(tenant.id, roles=["student", "admin"])).post(
        "/api/lms/categories/", {"name": "Allowed"}).status_code == 201


def test_malformed_roles_are_401_over_grpc(stack, tenant):
    with stack.channel() as channel:
        stub = courses_pb2_grpc.CourseServiceStub(channel)
        for roles in ({"admin": False}, "admin", 5):
            with pytest.raises(grpc.RpcError) as error:
                stub.ListCourses(courses_pb2.ListCoursesRequest(),
                                 metadata=(("authorization", f"Bearer {_token(tenant.id, roles=roles)}"),))
            assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert error.value.details() == BAD_TOKEN["detail"]


def test_claim_rules_without_transport():
    base = {"sub": "u1", "tenant_id": "t1", "exp": 2_000_000_000}
    assert principal_from_claims(base).roles == {"student"}
    assert principal_from_claims({**base, "roles": ["instructor"]}).roles == {"instructor"}
    for overrides in BAD_CLAIMS.values():
        with pytest.raises(AuthenticationFailed):
            principal_from_claims({**base, **overrides})
    for bad in BAD_TENANTS:
        with pytest.raises(AuthenticationFailed):
            principal_from_claims({**base, "tenant_id": bad})


# Names are never lost --------------------------------------------------------------------------------

def test_a_failed_first_request_does_not_lose_the_callers_name(tenant):
    """Issue 13's reproduction: the first request of a named student fails (404); the directory still gets
    their name with their next request, so admins see it and may make them instructors."""
    admin = tenant.admin()
    student = tenant.student(first_name="Nora", last_name="Lost")
    assert_error(student.get("/api/lms/courses/999999/"), 404, NOT_FOUND)
    assert_error(student.post("/api/lms/categories/", {"name": "x"}), 403)  # a second failure
    assert student.get("/api/lms/courses/").status_code == 200  # the first success records them
    found = admin.get(f"/api/lms/users/{student.user_id}/")
    assert found.status_code == 200, found.text
    assert (found.json()["first_name"], found.json()["last_name"]) == ("Nora", "Lost")


def test_the_name_is_recorded_by_the_first_successful_request_even_after_failures(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    make_lesson(admin, course["id"], module["id"])
    student = tenant.student(first_name="Ada", last_name="Lovelace")
    assert_error(student.get("/api/lms/courses/999999/"), 404, NOT_FOUND)
    enrollment = enroll(student, course["id"])  # a write after the failed read
    assert enrollment["user_name"] == "Ada Lovelace"


# Certificate ids ------------------------------------------------------------------------------------

CERTIFICATE_ID = re.compile(r"^CERT-(?P<code>[A-Z0-9]+)-(?P<random>[A-Z2-7]{4}(-[A-Z2-7]{4}){3})$")


def test_certificate_ids_carry_80_random_bits():
    ids = {new_certificate_id("PY101") for _ in range(2000)}
    assert len(ids) == 2000
    for value in ids:
        match = CERTIFICATE_ID.match(value)
        assert match and match["code"] == "PY101"
        assert len(match["random"].replace("-", "")) * 5 >= 64  # base32: 5 bits a character
        assert len(value) <= 64 - 15  # a course code of up to 20 characters still fits the column


def test_issued_ids_cannot_be_walked_and_unknown_ids_are_404(stack, tenant, other_tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    issued = []
    for _ in range(2):
        student = tenant.student(first_name="Walk", last_name="Er")
        enroll(student, course["id"])
        assert student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson["id"]}).status_code == 201
        issued.append(student.get("/api/lms/certificates/").json()[0]["certificate_id"])
    first, second = issued
    assert CERTIFICATE_ID.match(first) and CERTIFICATE_ID.match(second)
    assert first.split("-")[1] == second.split("-")[1] and first[:-19] == second[:-19]  # the course code only
    anonymous = stack.client()
    for certificate_id in issued:
        verified = anonymous.get(f"/api/lms/certificates/verify/{certificate_id}/")
        assert verified.status_code == 200 and verified.json()["learner_name"] == "Walk Er"
    # Another tenant's caller verifies too (ids are public), and the old numbering finds nothing.
    assert other_tenant.student().get(f"/api/lms/certificates/verify/{first}/").status_code == 200
    code = first.split("-")[1]
    guesses = (f"CERT-{code}-001", f"CERT-{code}-002", f"CERT-{code}-001-AAAAA", first[:-1] + "Q", first.lower())
    for guess in guesses:
        if guess != first:
            assert_error(anonymous.get(f"/api/lms/certificates/verify/{guess}/"), 404, NOT_FOUND)


# Hosts and absolute URLs -----------------------------------------------------------------------------

def test_a_host_not_allowed_is_400_and_never_reaches_a_url(stack, tenant):
    admin = tenant.admin()
    for _ in range(3):
        make_course(admin)
    for host in ("evil.example", "evil.example:9090", "localhost.evil.example", "127.0.0.1.evil", "[::2]"):
        response = admin.get("/api/lms/courses/?page_size=1", headers={"Host": host})
        assert_error(response, 400, INVALID_HOST)
        assert_error(stack.client().get("/api/health/", headers={"Host": host}), 400, INVALID_HOST)
    # Allowed hosts answer, and absolute URLs come from LMS_PUBLIC_URL whatever Host the client used.
    port = stack.edge_url.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", "LOCALHOST", f"127.0.0.1:{port}", f"[::1]:{port}", f"api.localhost:{port}"):
        page = admin.get("/api/lms/courses/?page_size=1", headers={"Host": host})
        assert page.status_code == 200, (host, page.text)
        assert page.json()["next"].startswith(stack.edge_url + "/api/lms/courses/"), page.json()["next"]


def test_grpc_urls_come_from_the_public_url(stack, tenant):
    admin = tenant.admin()
    for _ in range(2):
        make_course(admin)
    with stack.channel() as channel:
        stub = courses_pb2_grpc.CourseServiceStub(channel)
        page = stub.ListCourses(courses_pb2.ListCoursesRequest(page_size=1), metadata=admin.metadata)
        assert page.next.string_value.startswith(stack.edge_url + "/api/lms/courses/")
        # The edge's metadata from a trusted peer (loopback) is checked like the edge's own.
        with pytest.raises(grpc.RpcError) as error:
            stub.ListCourses(courses_pb2.ListCoursesRequest(), metadata=admin.metadata + (
                ("x-forwarded-host", "evil.example"),))
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_the_public_url_follows_the_edge_port(monkeypatch):
    for name in ("LMS_PUBLIC_URL", "LMS_ALLOWED_HOSTS", "LMS_TRUSTED_PROXIES", "LMS_GRPC_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LMS_EDGE_PORT", "19090")
    settings = Settings.from_env()
    assert settings.public_url == "http://localhost:19090"
    assert settings.grpc_host == "127.0.0.1"
    assert settings.trusted_proxies == ("127.0.0.0/8", "::1/128")
    monkeypatch.setenv("LMS_PUBLIC_URL", "https://lms.example.com/")
    monkeypatch.setenv("LMS_ALLOWED_HOSTS", "lms.example.com, .example.org")
    settings = Settings.from_env()
    assert settings.public_url == "https://lms.example.com"
    assert settings.allowed_hosts == ("lms.example.com", ".example.org")


# Uploads cancelled mid-stream -------------------------------------------------------------------------

def test_an_upload_cancelled_mid_stream_leaves_no_pending_row(stack, tenant):
    admin = tenant.admin()
    course = make_course(admin)
    boundary = "cancelled-upload-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode()
    body_start = head + samples.pdf(3_000_000)[:600_000]
    host, port = stack.edge_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall((f"POST /api/lms/courses/{course['id']}/files/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
                      f"Authorization: Bearer {admin.token}\r\n"
                      f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                      f"Content-Length: {len(head) + 3_000_000 + 64}\r\n\r\n").encode() + body_start)
        deadline = time.monotonic() + 10
        while not [r for r in register_rows(stack, tenant.id) if r[1] == "pending"]:
            assert time.monotonic() < deadline, "the upload never started"
            time.sleep(0.05)
    # The client went away mid-file: the register forgets the upload (and storage holds nothing of it).
    deadline = time.monotonic() + 10
    while register_rows(stack, tenant.id):
        assert time.monotonic() < deadline, register_rows(stack, tenant.id)
        time.sleep(0.05)

"""Idempotency keys (lms.platform.idempotency): a keyed write sent again gets the first answer and is done
once, through the edge and over gRPC, also when the repeats arrive at the same time."""
import asyncio
import uuid

import grpc
import httpx
import pytest

from lms.enrollments.v1 import enrollments_pb2, enrollments_pb2_grpc
from tests.helpers import assert_error, make_course


def _key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _categories(stack, tenant_id: str, name: str) -> int:
    return stack.sql("SELECT count(*) FROM categories WHERE tenant_id = :t AND name = :n", t=tenant_id, n=name)[0][0]


def test_a_repeated_keyed_post_gets_the_first_answer_and_creates_once(tenant, stack):
    admin = tenant.admin()
    key = _key()
    first = admin.post("/api/lms/categories/", {"name": "Once"}, headers=key)
    again = admin.post("/api/lms/categories/", {"name": "Once"}, headers=key)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _categories(stack, tenant.id, "Once") == 1
    # with another key the same body is a new request: here, a duplicate name
    assert_error(admin.post("/api/lms/categories/", {"name": "Once"}, headers=_key()), 400, fields=["name"])


def test_a_key_reused_for_another_request_is_400_and_changes_nothing(tenant, stack):
    admin = tenant.admin()
    key = _key()
    assert admin.post("/api/lms/categories/", {"name": "First"}, headers=key).status_code == 201
    reused = admin.post("/api/lms/categories/", {"name": "Second"}, headers=key)
    assert_error(reused, 400, {"detail": "Keys for idempotent requests can only be used with the same parameters "
                                         "they were first used with; use another Idempotency-Key for a different "
                                         "request."})
    assert _categories(stack, tenant.id, "Second") == 0


def test_keys_belong_to_their_user(tenant, stack):
    key = _key()
    one, other = tenant.admin(), tenant.admin()
    assert one.post("/api/lms/categories/", {"name": "Mine"}, headers=key).status_code == 201
    assert other.post("/api/lms/categories/", {"name": "Theirs"}, headers=key).status_code == 201
    assert _categories(stack, tenant.id, "Theirs") == 1


def test_a_failed_request_stores_nothing_so_its_repeat_runs_again(tenant):
    admin = tenant.admin()
    key = _key()
    assert admin.post("/api/lms/categories/", {"name": ""}, headers=key).status_code == 400
    assert admin.post("/api/lms/categories/", {"name": "Fixed"}, headers=key).status_code == 201


def test_a_keyed_answer_keeps_its_status_and_a_malformed_key_is_400(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    student = tenant.student()
    key = _key()
    first = student.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {}, headers=key)
    again = student.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201) and again.json() == first.json()
    # without the key, enrolling again is the documented refusal
    assert student.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {}).status_code == 400
    response = admin.post("/api/lms/categories/", {"name": "n"}, headers={"Idempotency-Key": "x" * 256})
    assert_error(response, 400, {"Idempotency-Key": ["Enter 1 to 255 printable ASCII characters."]})


@pytest.mark.asyncio
async def test_concurrent_repeats_are_done_once(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    student = tenant.student()
    key = _key()
    async with httpx.AsyncClient(base_url=stack.edge_url, timeout=30,
                                 headers={"authorization": f"Bearer {student.token}", **key}) as http:
        answers = await asyncio.gather(*(http.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", json={})
                                         for _ in range(6)))
    statuses = sorted(a.status_code for a in answers)
    # each repeat got the first answer, or (SQLite: while the first was still being written) a 409 to retry
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    rows = stack.sql("SELECT count(*) FROM enrollments WHERE course_id = :c", c=course["id"])[0][0]
    assert rows == 1


def test_over_grpc_the_key_is_metadata(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    student = tenant.student()
    metadata = student.metadata + (("idempotency-key", str(uuid.uuid4())),)
    with stack.channel() as channel:
        stub = enrollments_pb2_grpc.EnrollmentServiceStub(channel)
        first = stub.Enroll(enrollments_pb2.EnrollRequest(course_id=course["id"]), metadata=metadata)
        again = stub.Enroll(enrollments_pb2.EnrollRequest(course_id=course["id"]), metadata=metadata)
        assert again == first
        with pytest.raises(grpc.RpcError) as reused:
            stub.Enroll(enrollments_pb2.EnrollRequest(course_id=course["id"] + 1000), metadata=metadata)
        assert reused.value.code() == grpc.StatusCode.INVALID_ARGUMENT

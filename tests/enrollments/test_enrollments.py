"""Enrolling through the edge: who may enroll whom, duplicates (also concurrent), bulk, lists, deactivation."""
import re
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, enroll, make_category, make_course

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?Z$")
ENROLLMENT_KEYS = {"id", "user_id", "user_name", "course", "course_id", "enrolled_at", "started_at",
                   "completed_at", "is_active", "progress"}


def test_a_student_enrolls_in_a_free_published_course(tenant):
    course = make_course(tenant.admin(), title="Introduction to Python Programming", description="Learn the basics")
    student = tenant.student(first_name="Jane", last_name="Smith")
    response = student.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {"user_id": student.user_id})
    assert response.status_code == 201, response.text
    enrollment = response.json()
    assert set(enrollment) == ENROLLMENT_KEYS
    assert enrollment["user_id"] == student.user_id and enrollment["user_name"] == "Jane Smith"
    assert enrollment["course"] == {"id": course["id"], "title": "Introduction to Python Programming",
                                    "description": "Learn the basics"}
    assert enrollment["course_id"] == course["id"] and RFC3339.match(enrollment["enrolled_at"])
    assert (enrollment["started_at"], enrollment["completed_at"], enrollment["is_active"]) == (None, None, True)
    assert tenant.admin().get(f"/api/lms/courses/{course['id']}/").json()["total_enrollments"] == 1


def test_enrolling_twice_is_a_400_and_never_a_second_row(tenant, stack):
    course = make_course(tenant.admin())
    student = tenant.student()
    enroll(student, course["id"])
    assert_error(student.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {}), 400,
                 {"non_field_errors": ["User is already enrolled in this course."]})
    assert stack.sql("SELECT count(*) FROM enrollments WHERE course_id = :c", c=course["id"]) == [(1,)]
    assert tenant.student().get(f"/api/lms/courses/{course['id']}/").json()["total_enrollments"] == 1


def test_concurrent_duplicate_enrollments_make_one_row(tenant, stack):
    course = make_course(tenant.admin())
    student = tenant.student()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(
            lambda _: student.stack.client(student.token).post(
                f"/api/lms/enrollments/course/{course['id']}/enroll/", json={}).status_code, range(16)))
    assert sorted(statuses) == [201] + [400] * 15
    assert stack.sql("SELECT count(*) FROM enrollments WHERE course_id = :c", c=course["id"]) == [(1,)]
    assert stack.sql("SELECT total_enrollments FROM course_counters WHERE course_id = :c", c=course["id"]) == [(1,)]


def test_who_may_enroll_whom(tenant, other_tenant):
    admin = tenant.admin()
    teacher = tenant.instructor()
    category = make_category(admin)
    free = make_course(teacher, category["id"])
    draft = make_course(admin, category["id"], status="Draft")
    paid = make_course(admin, category["id"], is_free=False, price="49.00")
    student = tenant.student()
    assert_error(student.post(f"/api/lms/enrollments/course/{free['id']}/enroll/", {"user_id": "someone-else"}),
                 403, FORBIDDEN)
    assert_error(student.post(f"/api/lms/enrollments/course/{draft['id']}/enroll/", {}), 404, NOT_FOUND)
    assert_error(student.post(f"/api/lms/enrollments/course/{paid['id']}/enroll/", {}), 403,
                 {"detail": "This course must be purchased before enrolling."})
    assert_error(student.post("/api/lms/enrollments/course/987654/enroll/", {}), 404, NOT_FOUND)
    assert_error(other_tenant.student().post(f"/api/lms/enrollments/course/{free['id']}/enroll/", {}), 404,
                 NOT_FOUND)
    # The course's instructor and admins enroll anyone, in drafts and paid courses too.
    assert enroll(teacher, free["id"], "learner-1")["user_id"] == "learner-1"
    assert enroll(admin, draft["id"], "learner-1")["course_id"] == draft["id"]
    assert enroll(admin, paid["id"], "learner-2")["course_id"] == paid["id"]
    assert_error(tenant.instructor().post(f"/api/lms/enrollments/course/{free['id']}/enroll/",
                                          {"user_id": "learner-3"}), 403, FORBIDDEN)
    assert_error(admin.post(f"/api/lms/enrollments/course/{free['id']}/enroll/", {"user_id": "bad id!"}), 400,
                 {"user_id": ["Enter a valid user id."]})


def test_bulk_enroll_counts_and_is_idempotent(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    enroll(admin, course["id"], "user101")
    url = f"/api/lms/enrollments/course/{course['id']}/bulk/"
    response = admin.post(url, {"user_ids": ["user456", "user789", "user101", "user456"]})
    assert response.status_code == 200, response.text
    assert response.json() == {"detail": "Enrolled 2 users", "created": 2, "already_enrolled": 1}
    assert admin.post(url, {"user_ids": ["user456", "user789"]}).json() == {
        "detail": "Enrolled 0 users", "created": 0, "already_enrolled": 2}
    assert stack.sql("SELECT count(*) FROM enrollments WHERE course_id = :c", c=course["id"]) == [(3,)]
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["total_enrollments"] == 3
    assert_error(admin.post(url, {"user_ids": []}), 400, {"user_ids": ["This list may not be empty."]})
    assert_error(admin.post(url, {"user_ids": ["ok", "not ok"]}), 400, {"user_ids": ["Enter a valid user id."]})
    assert_error(tenant.student().post(url, {"user_ids": ["x"]}), 403, FORBIDDEN)
    assert stack.sql("SELECT count(*) FROM outbox_events WHERE type = 'enrollment.created' AND room = 'user_user789'"
                     " AND tenant_id = :t", t=tenant.id) == [(1,)]


def test_course_enrollments_are_paginated_for_staff(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    admin.post(f"/api/lms/enrollments/course/{course['id']}/bulk/", {"user_ids": [f"u{i}" for i in range(12)]})
    url = f"/api/lms/enrollments/course/{course['id']}/"
    page = admin.get(url).json()
    assert list(page) == ["count", "next", "previous", "results"]
    assert page["count"] == 12 and len(page["results"]) == 10 and page["next"].endswith("?page=2")
    assert set(page["results"][0]) == ENROLLMENT_KEYS
    first = page["results"][0]
    assert admin.patch(f"/api/lms/enrollments/{first['id']}/", {"is_active": False}).json()["is_active"] is False
    assert admin.get(url + "?is_active=false").json()["count"] == 1
    assert admin.get(url + "?is_active=true&page_size=100").json()["count"] == 11
    assert admin.get(url + "?completed=true").json()["count"] == 0
    assert_error(tenant.student().get(url), 403, FORBIDDEN)
    assert_error(tenant.instructor().get(url), 403, FORBIDDEN)


def test_deactivation_keeps_history_and_removes_access(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    student = tenant.student()
    enrollment = enroll(student, course["id"])
    assert [c["id"] for c in student.get("/api/lms/enrollments/my-courses/").json()] == [course["id"]]
    response = admin.delete(f"/api/lms/enrollments/{enrollment['id']}/")
    assert response.status_code == 204 and response.content == b""
    assert student.get("/api/lms/enrollments/my-courses/").json() == []
    assert student.get("/api/lms/enrollments/for/user/").json() == []
    assert_error(student.get(f"/api/lms/courses/{course['id']}/modules/"), 403,
                 {"detail": "You are not enrolled in this course."})
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["total_enrollments"] == 0
    assert stack.sql("SELECT is_active FROM enrollments WHERE id = :e", e=enrollment["id"]) in ([(False,)], [(0,)])
    assert_error(student.patch(f"/api/lms/enrollments/{enrollment['id']}/", {"is_active": True}), 403, FORBIDDEN)
    assert_error(student.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {}), 400,
                 {"non_field_errors": ["User is already enrolled in this course."]})
    reactivated = admin.patch(f"/api/lms/enrollments/{enrollment['id']}/", {"is_active": True})
    assert reactivated.status_code == 200 and reactivated.json()["is_active"] is True
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["total_enrollments"] == 1
    assert_error(admin.delete("/api/lms/enrollments/999999/"), 404, NOT_FOUND)

"""Assignments through the edge: the documented shapes, who sees and changes what, and bad input."""
import re

from tests.assignments.helpers import (
    ASSIGNMENT_KEYS, DATETIME_FORMAT, NOT_ENROLLED, classroom, make_assignment, submit,
)
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, make_course, make_module

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_create_then_list_has_the_documented_shape(tenant):
    teacher, course, module, student = classroom(tenant)
    response = teacher.post("/api/lms/assignments/", {
        "title": "Python Variables Exercise", "description": "Practice creating and using variables in Python",
        "course": course["id"], "module": module["id"], "due_date": "2024-02-15T23:59:59Z"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == ASSIGNMENT_KEYS
    assert {k: created[k] for k in ("title", "description", "course", "module", "due_date", "course_name",
                                    "module_name", "instructions_file_url", "max_score", "allow_late")} == {
        "title": "Python Variables Exercise", "description": "Practice creating and using variables in Python",
        "course": course["id"], "module": module["id"], "due_date": "2024-02-15T23:59:59Z",
        "course_name": "Introduction to Python Programming", "module_name": "Variables and Data Types",
        "instructions_file_url": "", "max_score": 100, "allow_late": False}
    assert isinstance(created["id"], int) and RFC3339.match(created["created_at"])

    listed = student.get("/api/lms/assignments/")
    assert listed.status_code == 200 and listed.json() == [created]
    assert teacher.get("/api/lms/assignments").json() == [created]  # without the trailing slash too
    assert student.get(f"/api/lms/assignments/{created['id']}/").json() == created


def test_course_wide_assignment_has_null_module_and_deadline(tenant):
    teacher, course, _, student = classroom(tenant)
    created = make_assignment(teacher, course["id"], title="Capstone", max_score=50, allow_late=True)
    assert (created["module"], created["module_name"], created["due_date"]) == (None, None, None)
    assert (created["max_score"], created["allow_late"]) == (50, True)
    assert student.get(f"/api/lms/assignments/{created['id']}/").json()["module"] is None


def test_list_is_scoped_to_the_caller_and_filtered(tenant):
    teacher, course, module, student = classroom(tenant)
    other_module = make_module(teacher, course["id"])
    first = make_assignment(teacher, course["id"], module=module["id"])
    second = make_assignment(teacher, course["id"], module=other_module["id"])
    third = make_assignment(teacher, course["id"])
    other_teacher = tenant.instructor()
    other_course = make_course(other_teacher)
    elsewhere = make_assignment(other_teacher, other_course["id"])
    admin = tenant.admin()

    ids = lambda response: [a["id"] for a in response.json()]  # noqa: E731
    assert ids(student.get("/api/lms/assignments/")) == [first["id"], second["id"], third["id"]]
    assert ids(teacher.get("/api/lms/assignments/")) == [first["id"], second["id"], third["id"]]
    assert ids(other_teacher.get("/api/lms/assignments/")) == [elsewhere["id"]]
    assert ids(admin.get("/api/lms/assignments/")) == [first["id"], second["id"], third["id"], elsewhere["id"]]
    assert ids(admin.get(f"/api/lms/assignments/?course={other_course['id']}")) == [elsewhere["id"]]
    assert ids(student.get(f"/api/lms/assignments/?module={other_module['id']}")) == [second["id"]]
    assert ids(student.get(f"/api/lms/assignments/?course={course['id']}&module={module['id']}")) == [first["id"]]
    assert student.get(f"/api/lms/assignments/?course={other_course['id']}").json() == []
    assert tenant.student().get("/api/lms/assignments/").json() == []  # enrolled nowhere
    assert_error(student.get("/api/lms/assignments/?course=abc"), 400, {"course": ["A valid integer is required."]})
    assert_error(tenant.anonymous().get("/api/lms/assignments/"), 401, UNAUTHENTICATED)


def test_students_do_not_see_unpublished_modules_draft_courses_or_lapsed_enrollments(tenant):
    teacher, course, module, student = classroom(tenant)
    hidden_module = make_module(teacher, course["id"], is_published=False)
    visible = make_assignment(teacher, course["id"], module=module["id"])
    hidden = make_assignment(teacher, course["id"], module=hidden_module["id"])
    assert [a["id"] for a in student.get("/api/lms/assignments/").json()] == [visible["id"]]
    assert_error(student.get(f"/api/lms/assignments/{hidden['id']}/"), 404, NOT_FOUND)
    assert teacher.get(f"/api/lms/assignments/{hidden['id']}/").status_code == 200

    assert_error(tenant.student().get(f"/api/lms/assignments/{visible['id']}/"), 403, NOT_ENROLLED)
    assert teacher.patch(f"/api/lms/courses/{course['id']}/", {"status": "Draft"}).status_code == 200
    assert student.get("/api/lms/assignments/").json() == []
    assert_error(student.get(f"/api/lms/assignments/{visible['id']}/"), 404, NOT_FOUND)
    assert teacher.patch(f"/api/lms/courses/{course['id']}/", {"status": "Published"}).status_code == 200
    enrollment = [e for e in teacher.get(f"/api/lms/enrollments/course/{course['id']}/").json()["results"]
                  if e["user_id"] == student.user_id][0]
    assert teacher.delete(f"/api/lms/enrollments/{enrollment['id']}/").status_code == 204
    assert student.get("/api/lms/assignments/").json() == []
    assert_error(student.get(f"/api/lms/assignments/{visible['id']}/"), 403, NOT_ENROLLED)


def test_create_validates_like_drf_and_changes_nothing(tenant, other_tenant):
    teacher, course, module, student = classroom(tenant)
    other_course = make_course(tenant.admin())
    foreign = make_course(other_tenant.admin())
    foreign_module = make_module(tenant.admin(), other_course["id"])
    url = "/api/lms/assignments/"
    assert_error(teacher.post(url, {}), 400, {"title": ["This field is required."],
                                              "course": ["This field is required."]})
    assert_error(teacher.post(url, {"title": "x" * 201, "course": course["id"]}), 400,
                 {"title": ["Ensure this field has no more than 200 characters."]})
    assert_error(teacher.post(url, {"title": "T", "course": "abc"}), 400, {"course": ["A valid integer is required."]})
    assert_error(teacher.post(url, {"title": "T", "course": 999999}), 400,
                 {"course": ['Invalid pk "999999" - object does not exist.']})
    assert_error(teacher.post(url, {"title": "T", "course": foreign["id"]}), 400,
                 {"course": [f'Invalid pk "{foreign["id"]}" - object does not exist.']})
    assert_error(teacher.post(url, {"title": "T", "course": course["id"], "module": foreign_module["id"]}), 400,
                 {"module": [f'Invalid pk "{foreign_module["id"]}" - object does not exist.']})
    assert_error(teacher.post(url, {"title": "T", "course": course["id"], "due_date": "next friday"}), 400,
                 {"due_date": [DATETIME_FORMAT]})
    assert_error(teacher.post(url, {"title": "T", "course": course["id"], "due_date": ""}), 400,
                 {"due_date": [DATETIME_FORMAT]})
    assert_error(teacher.post(url, {"title": "T", "course": course["id"], "max_score": 0}), 400,
                 {"max_score": ["Ensure this value is greater than or equal to 1."]})
    assert_error(teacher.post(url, {"title": "T", "course": course["id"], "allow_late": "maybe"}), 400,
                 {"allow_late": ["Must be a valid boolean."]})
    assert_error(teacher.post(url, {"title": "T", "course": course["id"], "instructions_file": "a.pdf"}), 400,
                 {"instructions_file": ["The submitted data was not a file. Check the encoding type on the form."]})
    assert_error(teacher.post(url, content=b"{bad", headers={"content-type": "application/json"}), 400,
                 fields=["detail"])
    assert_error(teacher.post(url, {"title": "T", "course": other_course["id"]}), 403, FORBIDDEN)
    assert_error(student.post(url, {"title": "T", "course": course["id"]}), 403, FORBIDDEN)
    assert_error(tenant.anonymous().post(url, {"title": "T", "course": course["id"]}), 401, UNAUTHENTICATED)
    assert tenant.admin().get("/api/lms/assignments/").json() == []


def test_naive_and_offset_deadlines_are_stored_in_utc(tenant):
    teacher, course, _, _ = classroom(tenant)
    assert make_assignment(teacher, course["id"], due_date="2024-02-20 23:59")["due_date"] == "2024-02-20T23:59:00Z"
    assert make_assignment(teacher, course["id"], due_date="2024-02-21T01:30:00+02:00")["due_date"] == \
        "2024-02-20T23:30:00Z"
    assert make_assignment(teacher, course["id"], due_date=None)["due_date"] is None


def test_put_patch_and_delete(tenant, stack):
    teacher, course, module, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"], module=module["id"], due_date="2024-02-20T23:59:59Z",
                                 max_score=20)
    url = f"/api/lms/assignments/{assignment['id']}/"
    patched = teacher.patch(url, {"title": "Functions Practice", "due_date": None})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["title"], body["due_date"], body["module"], body["max_score"]) == (
        "Functions Practice", None, module["id"], 20)
    assert_error(teacher.put(url, {"title": "Only a title"}), 400, {"course": ["This field is required."]})
    replaced = teacher.put(url, {"title": "Replaced", "course": course["id"]})
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["title"], body["description"], body["module"], body["max_score"], body["allow_late"]) == (
        "Replaced", "", None, 100, False)
    other = make_course(teacher)
    assert_error(teacher.patch(url, {"course": other["id"]}), 400,
                 {"course": ["The course of an assignment cannot be changed."]})
    assert_error(student.patch(url, {"title": "Mine now"}), 403, FORBIDDEN)
    assert_error(tenant.instructor().patch(url, {"title": "Mine now"}), 403, FORBIDDEN)
    assert_error(teacher.patch("/api/lms/assignments/999999/", {"title": "x"}), 404, NOT_FOUND)
    assert teacher.get(url).json()["title"] == "Replaced"

    submission = submit(student, assignment["id"])
    assert_error(student.delete(url), 403, FORBIDDEN)
    assert teacher.delete(url).status_code == 204
    assert_error(teacher.get(url), 404, NOT_FOUND)
    assert_error(student.get(f"/api/lms/assignment-submissions/{submission['id']}/"), 404, NOT_FOUND)
    assert stack.sql("SELECT count(*) FROM assignment_submissions WHERE tenant_id = :t", t=tenant.id) == [(0,)]


def test_max_score_cannot_drop_below_a_given_grade(tenant):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    submission = submit(student, assignment["id"])
    assert teacher.patch(f"/api/lms/assignment-submissions/{submission['id']}/grade/",
                         {"grade": 85.5}).status_code == 200
    url = f"/api/lms/assignments/{assignment['id']}/"
    assert_error(teacher.patch(url, {"max_score": 80}), 400,
                 {"max_score": ["Ensure this value is greater than or equal to the highest grade given (85.5)."]})
    assert teacher.patch(url, {"max_score": 90}).json()["max_score"] == 90


def test_deleting_a_module_keeps_its_assignments_course_wide(tenant):
    teacher, course, module, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"], module=module["id"])
    assert teacher.delete(f"/api/lms/courses/{course['id']}/modules/{module['id']}/").status_code == 204
    shown = student.get(f"/api/lms/assignments/{assignment['id']}/").json()
    assert (shown["module"], shown["module_name"]) == (None, None)


def test_other_tenants_assignments_are_404(tenant, other_tenant):
    teacher, course, _, _ = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    intruder = other_tenant.admin()
    url = f"/api/lms/assignments/{assignment['id']}/"
    assert_error(intruder.get(url), 404, NOT_FOUND)
    assert_error(intruder.patch(url, {"title": "Hacked"}), 404, NOT_FOUND)
    assert_error(intruder.delete(url), 404, NOT_FOUND)
    assert intruder.get("/api/lms/assignments/").json() == []
    assert teacher.get(url).json()["title"] == assignment["title"]


def test_course_deletion_takes_its_assignments(tenant, stack):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    submit(student, assignment["id"])
    assert teacher.delete(f"/api/lms/courses/{course['id']}/").status_code == 204
    assert stack.sql("SELECT count(*) FROM assignments WHERE tenant_id = :t", t=tenant.id) == [(0,)]
    assert stack.sql("SELECT count(*) FROM assignment_submissions WHERE tenant_id = :t", t=tenant.id) == [(0,)]

"""Submissions through the edge: JSON and multipart on one route, resubmission, deadlines, files, bad input."""
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from tests.assignments.helpers import (
    NESTED_ASSIGNMENT_KEYS, NOT_ENROLLED, SUBMISSION_KEYS, classroom, events, make_assignment, multipart, submit,
)
from tests.files import samples
from tests.files.helpers import local_objects, path_of, register_rows
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course, make_module

URL = "/api/lms/assignment-submissions/"
NOT_A_FILE = "The submitted data was not a file. Check the encoding type on the form."
KEY = re.compile(r"^courses/(?P<tenant>[^/]+)/(?P<slug>[a-z0-9-]+)/assignments/submissions/[0-9a-f]{16}_(?P<name>.+)$")


def _future(days: int = 7) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_json_submission_has_the_documented_shape(tenant, stack):
    teacher, course, module, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"], title="Python Variables Exercise", module=module["id"],
                                 due_date=_future())
    response = student.post(URL, {"assignment": assignment["id"], "response_text": "Here is my solution..."})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == SUBMISSION_KEYS and set(body["assignment"]) == NESTED_ASSIGNMENT_KEYS
    assert body["assignment"] == {
        "id": assignment["id"], "title": "Python Variables Exercise",
        "course_name": "Introduction to Python Programming", "module_name": "Variables and Data Types",
        "course": course["id"], "max_score": 100, "due_date": assignment["due_date"]}
    assert {k: body[k] for k in ("student_id", "student_name", "response_text", "submission_file_url", "grade",
                                 "feedback", "is_graded", "attempt", "is_late", "graded_at")} == {
        "student_id": student.user_id, "student_name": "Jane Smith", "response_text": "Here is my solution...",
        "submission_file_url": "", "grade": None, "feedback": "", "is_graded": False, "attempt": 1,
        "is_late": False, "graded_at": None}
    assert body["submitted_at"].endswith("Z")
    assert student.get(f"{URL}{body['id']}/").json() == body
    assert teacher.get(f"{URL}{body['id']}/").json() == body
    created = events(stack, tenant.id, "submission.created")
    assert sorted(room for room, _ in created) == sorted([f"course_staff_{course['id']}", f"user_{student.user_id}"])


def test_multipart_submission_stores_a_private_file(tenant, stack):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    data = samples.pdf()
    response = student.post(URL, data={"assignment": str(assignment["id"]), "response_text": "See the PDF"},
                            files={"submission_file": ("solution.pdf", data, "application/pdf")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["response_text"] == "See the PDF" and body["attempt"] == 1
    key = body["submission_file_url"].split("/api/lms/files/", 1)[1]
    match = KEY.match(key)
    assert match and (match["tenant"], match["slug"], match["name"]) == (
        tenant.id, "introduction-to-python-programming", "solution.pdf")
    assert local_objects(stack, tenant.id) == [key]
    assert register_rows(stack, tenant.id) == [(key, "active")]
    assert student.get(path_of(body["submission_file_url"])).content == data
    assert teacher.get(path_of(body["submission_file_url"])).content == data
    classmate = tenant.student()
    enroll(classmate, course["id"])
    assert_error(classmate.get(path_of(body["submission_file_url"])), 404, NOT_FOUND)

    # A file alone is an answer too.
    other = make_assignment(teacher, course["id"])
    alone = student.post(URL, data={"assignment": str(other["id"])},
                         files={"submission_file": ("essay.docx", samples.docx(), "application/octet-stream")})
    assert alone.status_code == 201, alone.text
    assert alone.json()["response_text"] == "" and alone.json()["submission_file_url"].endswith("_essay.docx")


def test_resubmission_replaces_the_attempt_and_its_file(tenant, stack):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    first = student.post(URL, data={"assignment": str(assignment["id"])},
                         files={"submission_file": ("draft.pdf", samples.pdf(), "application/pdf")}).json()
    first_key = first["submission_file_url"].split("/api/lms/files/", 1)[1]
    second = submit(student, assignment["id"], "Final answer", status=200)
    assert (second["id"], second["attempt"], second["response_text"], second["submission_file_url"]) == (
        first["id"], 2, "Final answer", "")
    assert local_objects(stack, tenant.id) == [] and register_rows(stack, tenant.id) == []
    assert_error(student.get(path_of(first["submission_file_url"])), 404, NOT_FOUND)
    third = submit(student, assignment["id"], "Really final", status=200)
    assert third["attempt"] == 3
    listed = student.get(URL).json()
    assert listed["count"] == 1 and listed["results"][0]["attempt"] == 3
    assert first_key not in str(stack.sql("SELECT key FROM stored_files"))
    assert [data["attempt"] for _, data in events(stack, tenant.id, "submission.created")][::2] == [1, 2, 3]

    assert teacher.patch(f"{URL}{first['id']}/grade/", {"grade": 70}).status_code == 200
    assert_error(student.post(URL, {"assignment": assignment["id"], "response_text": "One more"}), 400,
                 {"non_field_errors": ["This submission has been graded and can no longer be changed."]})
    assert_error(student.post(URL, data={"assignment": str(assignment["id"])},
                              files={"submission_file": ("late.pdf", samples.pdf(), "application/pdf")}), 400,
                 {"non_field_errors": ["This submission has been graded and can no longer be changed."]})
    assert student.get(f"{URL}{first['id']}/").json()["response_text"] == "Really final"
    assert local_objects(stack, tenant.id) == []


def test_deadlines_refuse_or_flag_late_work(tenant):
    teacher, course, _, student = classroom(tenant)
    closed = make_assignment(teacher, course["id"], due_date="2020-01-01T00:00:00Z")
    late_ok = make_assignment(teacher, course["id"], due_date="2020-01-01T00:00:00Z", allow_late=True)
    open_ = make_assignment(teacher, course["id"], due_date=_future())
    assert_error(student.post(URL, {"assignment": closed["id"], "response_text": "Sorry"}), 400,
                 {"non_field_errors": ["The due date of this assignment has passed."]})
    assert_error(student.post(URL, data={"assignment": str(closed["id"])},
                              files={"submission_file": ("a.pdf", samples.pdf(), "application/pdf")}), 400,
                 {"non_field_errors": ["The due date of this assignment has passed."]})
    assert submit(student, late_ok["id"])["is_late"] is True
    assert submit(student, open_["id"])["is_late"] is False
    # Moving the deadline into the past refuses further attempts.
    assert teacher.patch(f"/api/lms/assignments/{open_['id']}/", {"due_date": "2021-01-01T00:00:00Z"}).status_code \
        == 200
    assert_error(student.post(URL, {"assignment": open_["id"], "response_text": "v2"}), 400,
                 {"non_field_errors": ["The due date of this assignment has passed."]})
    assert student.get(URL).json()["count"] == 2


def test_bad_submissions_get_documented_errors_and_change_nothing(tenant, other_tenant, stack):
    teacher, course, module, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    other_course = make_course(teacher)
    elsewhere = make_assignment(teacher, other_course["id"])
    draft = make_course(teacher, status="Draft")
    enroll(teacher, draft["id"], student.user_id)
    in_draft = make_assignment(teacher, draft["id"])
    hidden_module = make_module(teacher, course["id"], is_published=False)
    hidden = make_assignment(teacher, course["id"], module=hidden_module["id"])
    foreign_admin = other_tenant.admin()
    foreign = make_assignment(foreign_admin, make_course(foreign_admin)["id"])

    def invalid(pk):
        return {"assignment": [f'Invalid pk "{pk}" - object does not exist.']}

    assert_error(student.post(URL, {"assignment": 999999, "response_text": "x"}), 400, invalid(999999))
    assert_error(student.post(URL, {"assignment": foreign["id"], "response_text": "x"}), 400, invalid(foreign["id"]))
    assert_error(student.post(URL, {"assignment": in_draft["id"], "response_text": "x"}), 400,
                 invalid(in_draft["id"]))
    assert_error(student.post(URL, {"assignment": hidden["id"], "response_text": "x"}), 400, invalid(hidden["id"]))
    assert_error(student.post(URL, {"assignment": elsewhere["id"], "response_text": "x"}), 403, NOT_ENROLLED)
    assert_error(tenant.student().post(URL, {"assignment": assignment["id"], "response_text": "x"}), 403,
                 NOT_ENROLLED)
    assert_error(teacher.post(URL, {"assignment": assignment["id"], "response_text": "x"}), 403, NOT_ENROLLED)
    assert_error(student.post(URL, {"assignment": assignment["id"]}), 400,
                 {"non_field_errors": ["Provide a response text or a submission file."]})
    assert_error(student.post(URL, {"assignment": assignment["id"], "response_text": "   "}), 400,
                 {"non_field_errors": ["Provide a response text or a submission file."]})
    assert_error(student.post(URL, {"response_text": "x"}), 400, {"assignment": ["This field is required."]})
    assert_error(student.post(URL, {"assignment": "one", "response_text": "x"}), 400,
                 {"assignment": ["A valid integer is required."]})
    assert_error(student.post(URL, {"assignment": None, "response_text": "x"}), 400,
                 {"assignment": ["This field may not be null."]})
    assert_error(student.post(URL, {"assignment": assignment["id"], "response_text": [5]}), 400,
                 {"response_text": ["Not a valid string."]})
    assert_error(student.post(URL, {"assignment": assignment["id"], "submission_file": "solution.py"}), 400,
                 {"submission_file": [NOT_A_FILE]})
    assert_error(student.post(URL, content=b"[1, 2]", headers={"content-type": "application/json"}), 400,
                 {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
    assert_error(student.post(URL, content=b"{", headers={"content-type": "application/json"}), 400,
                 fields=["detail"])
    assert_error(student.post(URL, content=b"a", headers={"content-type": "text/plain"}), 415,
                 {"detail": 'Unsupported media type "text/plain" in request.'})
    assert_error(tenant.anonymous().post(URL, {"assignment": assignment["id"], "response_text": "x"}), 401,
                 UNAUTHENTICATED)
    # Multipart: a wrong file type (binary is not code, whatever its name), a text value for the file, a file
    # before the assignment it belongs to.
    assert_error(student.post(URL, data={"assignment": str(assignment["id"])},
                              files={"submission_file": ("solution.py", b"\x7fELF\x02\x01\x01\x00" + bytes(64))}), 400,
                 fields=["submission_file"])
    assert_error(student.post(URL, data={"assignment": str(assignment["id"]), "submission_file": "solution.py"}),
                 400, {"submission_file": [NOT_A_FILE]})
    body, content_type = multipart([("submission_file", "a.pdf", samples.pdf(5000)),
                                    ("assignment", None, str(assignment["id"]).encode())])
    assert_error(student.post(URL, content=body, headers={"content-type": content_type}),
                 400, {"assignment": ["This field is required and must come before the file in the form."]})
    assert_error(tenant.student().post(URL, data={"assignment": str(assignment["id"])},
                                       files={"submission_file": ("a.pdf", samples.pdf(), "application/pdf")}),
                 403, NOT_ENROLLED)
    assert_error(student.post(URL, data={"assignment": str(elsewhere["id"])},
                              files={"submission_file": ("a.pdf", samples.pdf(), "application/pdf")}),
                 403, NOT_ENROLLED)
    assert stack.sql("SELECT count(*) FROM assignment_submissions WHERE tenant_id = :t", t=tenant.id) == [(0,)]
    assert local_objects(stack, tenant.id) == [] and register_rows(stack, tenant.id) == []
    assert events(stack, tenant.id, "submission.created") == []


def test_students_list_and_read_only_their_own(tenant, other_tenant):
    teacher, course, _, student = classroom(tenant)
    classmate = tenant.student()
    enroll(classmate, course["id"])
    first, second = make_assignment(teacher, course["id"]), make_assignment(teacher, course["id"])
    mine = [submit(student, first["id"]), submit(student, second["id"])]
    theirs = submit(classmate, first["id"])
    listed = student.get(URL).json()
    assert set(listed) == {"count", "next", "previous", "results"}
    assert (listed["count"], listed["next"], listed["previous"]) == (2, None, None)
    assert [s["id"] for s in listed["results"]] == [s["id"] for s in mine]
    assert [s["id"] for s in student.get(f"{URL}?assignment={first['id']}").json()["results"]] == [mine[0]["id"]]
    assert student.get(f"{URL}?student={classmate.user_id}").json()["count"] == 0
    assert_error(student.get(f"{URL}{theirs['id']}/"), 404, NOT_FOUND)
    assert_error(tenant.instructor().get(f"{URL}{theirs['id']}/"), 403, FORBIDDEN)
    assert_error(other_tenant.admin().get(f"{URL}{theirs['id']}/"), 404, NOT_FOUND)
    assert other_tenant.admin().get(URL).json()["count"] == 0
    assert_error(student.get(f"{URL}999999/"), 404, NOT_FOUND)


def test_the_longest_user_ids_submit_and_get_their_events(tenant, stack):
    teacher, course, _, _ = classroom(tenant)
    student = tenant.actor("student", user_id="s" * 128)
    enroll(student, course["id"])
    assignment = make_assignment(teacher, course["id"])
    submission = submit(student, assignment["id"])
    assert submission["student_id"] == "s" * 128
    assert teacher.patch(f"{URL}{submission['id']}/grade/", {"grade": 90}).status_code == 200
    assert f"user_{'s' * 128}" in [room for room, _ in events(stack, tenant.id, "submission.graded")]


def test_concurrent_submissions_of_one_student_keep_one_row_and_count_every_attempt(tenant, stack):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])

    def send(n):
        return student.post(URL, {"assignment": assignment["id"], "response_text": f"attempt {n}"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(8)))
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201], [r.text for r in responses]
    assert sorted(r.json()["attempt"] for r in responses) == list(range(1, 9))
    assert len({r.json()["id"] for r in responses}) == 1
    assert stack.sql("SELECT count(*), max(attempt) FROM assignment_submissions WHERE tenant_id = :t",
                     t=tenant.id) == [(1, 8)]

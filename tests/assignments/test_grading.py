"""Grading through the edge: bounds, rights, listing by state, events, and the certificate min_score rule."""
from tests.assignments.helpers import classroom, events, grade, make_assignment, submit
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_lesson

URL = "/api/lms/assignment-submissions/"


def test_staff_grade_and_the_student_sees_it(tenant, stack):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"], max_score=20)
    submission = submit(student, assignment["id"])
    graded = grade(teacher, submission["id"], 17.5, "Good use of variables")
    assert (graded["grade"], graded["feedback"], graded["is_graded"]) == (17.5, "Good use of variables", True)
    assert graded["graded_at"].endswith("Z") and graded["attempt"] == 1
    assert student.get(f"{URL}{submission['id']}/").json() == graded
    # Feedback alone may change later; a grade of a decimal string is read exactly.
    assert teacher.patch(f"{URL}{submission['id']}/grade/", {"feedback": "Well done"}).json()["grade"] == 17.5
    assert teacher.patch(f"{URL}{submission['id']}/grade/", {"grade": "20"}).json()["grade"] == 20
    assert tenant.admin().patch(f"{URL}{submission['id']}/grade", {"grade": 0}).json()["grade"] == 0
    assert stack.sql("SELECT grade FROM assignment_submissions WHERE id = :i", i=submission["id"])[0][0] in (0, 0.0)
    graded_events = events(stack, tenant.id, "submission.graded")
    assert [room for room, _ in graded_events] == [f"user_{student.user_id}", f"course_staff_{course['id']}"] * 4
    assert graded_events[0][1] == graded_events[1][1] == {
        "submission_id": submission["id"], "assignment_id": assignment["id"], "course_id": course["id"],
        "grade": 17.5, "max_score": 20}


def test_bad_grades_and_wrong_graders_change_nothing(tenant, other_tenant, stack):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"], max_score=50)
    submission = submit(student, assignment["id"])
    url = f"{URL}{submission['id']}/grade/"
    assert_error(teacher.patch(url, {"grade": 50.01}), 400,
                 {"grade": ["Ensure this value is less than or equal to 50."]})
    assert_error(teacher.patch(url, {"grade": -1}), 400,
                 {"grade": ["Ensure this value is greater than or equal to 0."]})
    assert_error(teacher.patch(url, {"grade": 10.123}), 400,
                 {"grade": ["Ensure that there are no more than 2 decimal places."]})
    assert_error(teacher.patch(url, {"grade": "ten"}), 400, {"grade": ["A valid number is required."]})
    assert_error(teacher.patch(url, {"grade": None}), 400, {"grade": ["This field may not be null."]})
    assert_error(teacher.patch(url, {"feedback": "No grade yet"}), 400, {"grade": ["This field is required."]})
    assert_error(teacher.patch(url, {"grade": 10, "feedback": "x" * 10001}), 400,
                 {"feedback": ["Ensure this field has no more than 10000 characters."]})
    assert_error(student.patch(url, {"grade": 50}), 403, FORBIDDEN)
    assert_error(student.patch(f"{URL}999999/grade/", {"grade": 50}), 403, FORBIDDEN)
    assert_error(tenant.instructor().patch(url, {"grade": 50}), 403, FORBIDDEN)
    assert_error(other_tenant.admin().patch(url, {"grade": 50}), 404, NOT_FOUND)
    assert_error(teacher.patch(f"{URL}999999/grade/", {"grade": 50}), 404, NOT_FOUND)
    assert_error(tenant.anonymous().patch(url, {"grade": 50}), 401, UNAUTHENTICATED)
    shown = student.get(f"{URL}{submission['id']}/").json()
    assert (shown["grade"], shown["feedback"], shown["is_graded"], shown["graded_at"]) == (None, "", False, None)
    assert events(stack, tenant.id, "submission.graded") == []


def test_staff_list_submissions_per_assignment_by_state_and_page(tenant):
    teacher, course, _, _ = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    other = make_assignment(teacher, course["id"])
    students = [tenant.student() for _ in range(12)]
    submissions = []
    for learner in students:
        enroll(learner, course["id"])
        submissions.append(submit(learner, assignment["id"]))
    submit(students[0], other["id"])
    for submission in submissions[:5]:
        grade(teacher, submission["id"], 60)

    nested = f"/api/lms/assignments/{assignment['id']}/submissions/"
    page = teacher.get(nested).json()
    assert (page["count"], page["previous"]) == (12, None)
    assert page["next"] == f"{tenant.stack.edge_url}{nested}?page=2"
    assert [s["id"] for s in page["results"]] == [s["id"] for s in submissions[:10]]
    second = teacher.get(f"{nested}?page=2").json()
    assert [s["id"] for s in second["results"]] == [s["id"] for s in submissions[10:]]
    assert second["previous"] == f"{tenant.stack.edge_url}{nested}" and second["next"] is None
    ungraded = teacher.get(f"{nested}?is_graded=false&page_size=100").json()
    assert [s["id"] for s in ungraded["results"]] == [s["id"] for s in submissions[5:]]
    assert teacher.get(f"{nested}?graded=true").json()["count"] == 5
    assert teacher.get(f"{URL}?assignment={assignment['id']}&is_graded=true").json()["count"] == 5
    assert teacher.get(f"{URL}?course={course['id']}").json()["count"] == 13
    assert teacher.get(f"{URL}?student={students[0].user_id}").json()["count"] == 2
    assert [s["id"] for s in students[3].get(nested).json()["results"]] == [submissions[3]["id"]]
    assert_error(teacher.get(f"{nested}?page=9"), 404, {"detail": "Invalid page."})
    assert len(teacher.get(f"{nested}?page_size=0").json()["results"]) == 10  # DRF: an unusable size is the default
    assert_error(tenant.instructor().get(nested), 403, FORBIDDEN)
    assert tenant.instructor().get(URL).json()["count"] == 0
    assert_error(teacher.get("/api/lms/assignments/999999/submissions/"), 404, NOT_FOUND)


def test_grades_earn_the_certificate_once_the_average_reaches_min_score(tenant, stack):
    teacher, course, module, student = classroom(tenant)
    lessons = [make_lesson(teacher, course["id"], module["id"]) for _ in range(2)]
    template = f"/api/lms/certificates/course/{course['id']}/template/"
    assert teacher.patch(template, {"min_score": 80, "require_all_modules": True}).status_code == 200
    first, second = make_assignment(teacher, course["id"]), make_assignment(teacher, course["id"], max_score=20)
    one, two = submit(student, first["id"]), submit(student, second["id"])

    for lesson in lessons:
        assert student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson["id"]}).status_code == 201
    assert student.get("/api/lms/certificates/").json() == []  # completed, but nothing graded yet

    grade(teacher, one["id"], 60)
    assert student.get("/api/lms/certificates/").json() == []  # average 60 %
    grade(teacher, two["id"], 18)
    assert student.get("/api/lms/certificates/").json() == []  # (60 + 90) / 2 = 75 %
    grade(teacher, one["id"], 69)
    assert student.get("/api/lms/certificates/").json() == []  # 79.5 %
    grade(teacher, one["id"], 75)  # (75 + 90) / 2 = 82.5 %
    certificates = student.get("/api/lms/certificates/").json()
    assert len(certificates) == 1 and certificates[0]["course_title"] == "Introduction to Python Programming"
    grade(teacher, one["id"], 100)
    assert len(student.get("/api/lms/certificates/").json()) == 1
    issued = events(stack, tenant.id, "certificate.issued")
    assert [room for room, _ in issued] == [f"user_{student.user_id}", f"course_staff_{course['id']}"]


def test_a_graded_learner_earns_the_certificate_on_completing_the_last_lesson(tenant):
    teacher, course, module, student = classroom(tenant)
    lesson = make_lesson(teacher, course["id"], module["id"])
    teacher.patch(f"/api/lms/certificates/course/{course['id']}/template/", {"min_score": 60})
    grade(teacher, submit(student, make_assignment(teacher, course["id"])["id"])["id"], 65)
    assert student.get("/api/lms/certificates/").json() == []  # graded, but the course is not complete
    assert student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson["id"]}).status_code == 201
    assert len(student.get("/api/lms/certificates/").json()) == 1


def test_without_require_all_modules_a_qualifying_grade_alone_earns_it(tenant):
    teacher, course, module, student = classroom(tenant)
    make_lesson(teacher, course["id"], module["id"])
    teacher.patch(f"/api/lms/certificates/course/{course['id']}/template/",
                  {"min_score": 90, "require_all_modules": False})
    submission = submit(student, make_assignment(teacher, course["id"])["id"])
    grade(teacher, submission["id"], 89.99)
    assert student.get("/api/lms/certificates/").json() == []
    grade(teacher, submission["id"], 90)
    assert len(student.get("/api/lms/certificates/").json()) == 1


def _queries(actor, path: str) -> int:
    response = actor.get(path)
    assert response.status_code == 200, response.text
    return int(response.headers["x-lms-query-count"])


def test_lists_cost_the_same_queries_for_one_row_or_many(tenant):
    teacher, course, module, student = classroom(tenant)
    first = make_assignment(teacher, course["id"], module=module["id"])
    grade(teacher, submit(student, first["id"])["id"], 50)
    one = (_queries(student, "/api/lms/assignments/"), _queries(teacher, URL), _queries(student, URL))
    for _ in range(5):
        assignment = make_assignment(teacher, course["id"], module=module["id"])
        learner = tenant.student()
        enroll(learner, course["id"])
        grade(teacher, submit(learner, assignment["id"])["id"], 70)
        submit(student, assignment["id"])
    assert (_queries(student, "/api/lms/assignments/"), _queries(teacher, URL), _queries(student, URL)) == one

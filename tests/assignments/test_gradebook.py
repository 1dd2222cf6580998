"""The gradebook CSV through the edge: content, escaping, rights, and streaming past the edge's buffer."""
import csv
import io

from tests.assignments.helpers import classroom, grade, make_assignment, submit
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, enroll

URL = "/api/lms/assignments/gradebook/"


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_one_row_per_enrolled_student_and_one_column_per_assignment(tenant):
    teacher, course, _, student = classroom(tenant)
    student_two = tenant.student(first_name="=cmd|' /C calc'!A0", last_name="Müller, \"Jr\"", email="j@example.com")
    enroll(student_two, course["id"])
    quiet = tenant.student(first_name="Quiet", last_name="Learner")
    enroll(quiet, course["id"])
    first = make_assignment(teacher, course["id"], title="Python Variables Exercise")
    second = make_assignment(teacher, course["id"], title="@SUM(1+1)", max_score=20)
    grade(teacher, submit(student, first["id"])["id"], 85.5)
    grade(teacher, submit(student, second["id"])["id"], 18)
    grade(teacher, submit(student_two, first["id"])["id"], 40)
    submit(student_two, second["id"])  # submitted, not graded: blank

    response = teacher.get(f"{URL}?course={course['id']}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == \
        'attachment; filename="gradebook-introduction-to-python-programming.csv"'
    assert response.content.endswith(b"\r\n")
    assert _rows(response) == [
        ["student_id", "student_name", "email", f"Python Variables Exercise (#{first['id']}, max 100)",
         f"'@SUM(1+1) (#{second['id']}, max 20)", "average_percent"],
        [student.user_id, "Jane Smith", "", "85.5", "18", "87.75"],
        [student_two.user_id, "'=cmd|' /C calc'!A0 Müller, \"Jr\"", "j@example.com", "40", "", "40.00"],
        [quiet.user_id, "Quiet Learner", "", "", "", ""],
    ]
    assert tenant.admin().get(f"{URL}?course={course['id']}").content == response.content
    assert teacher.get(f"/api/lms/assignments/gradebook?course={course['id']}").status_code == 200


def test_gradebook_rights_and_bad_input(tenant, other_tenant):
    teacher, course, _, student = classroom(tenant)
    assert_error(teacher.get(URL), 400, {"course": ["This field is required."]})
    assert_error(teacher.get(f"{URL}?course=abc"), 400, {"course": ["A valid integer is required."]})
    assert_error(teacher.get(f"{URL}?course=999999"), 404, NOT_FOUND)
    assert_error(student.get(f"{URL}?course={course['id']}"), 403, FORBIDDEN)
    assert_error(student.get(URL), 403, FORBIDDEN)
    assert_error(tenant.instructor().get(f"{URL}?course={course['id']}"), 403, FORBIDDEN)
    assert_error(other_tenant.admin().get(f"{URL}?course={course['id']}"), 404, NOT_FOUND)


def test_a_gradebook_larger_than_the_edge_buffer_streams_whole(tenant, stack):
    teacher, course, _, _ = classroom(tenant)
    assignments = [make_assignment(teacher, course["id"]) for _ in range(3)]
    # 9,000 students with long ids: about 2.3 MB of CSV, well past the edge's 1 MiB unary buffer.
    user_ids = [f"learner-{n:05d}-" + "x" * 110 for n in range(9000)]
    for start in range(0, len(user_ids), 3000):
        bulk = teacher.post(f"/api/lms/enrollments/course/{course['id']}/bulk/",
                            {"user_ids": user_ids[start:start + 3000]})
        assert bulk.status_code == 200, bulk.text
    # Grades of students in later batches (the export reads 1,000 students at a time).
    hundredths = stack.backend == "sqlite"  # the two-place decimal is integer hundredths on SQLite
    for index, value in ((4500, 42.5), (8999, 7)):
        stack.sql("INSERT INTO assignment_submissions (tenant_id, assignment_id, student_id, attempt, response_text, "
                  "submission_file, submitted_at, is_late, grade, feedback, graded_by) VALUES (:t, :a, :s, 1, 'x', "
                  "'', CURRENT_TIMESTAMP, false, :g, '', 'test')", t=tenant.id, a=assignments[1]["id"],
                  s=user_ids[index], g=int(value * 100) if hundredths else value)
    response = teacher.get(f"{URL}?course={course['id']}")
    assert response.status_code == 200, response.text[:500]
    assert len(response.content) > 2 * 1024 * 1024
    rows = _rows(response)
    assert len(rows) == 1 + 1 + 9000  # header, the classroom's student, the bulk-enrolled ones
    assert [row[0] for row in rows[2:]] == user_ids
    assert all(len(row) == 3 + len(assignments) + 1 for row in rows)
    assert rows[2 + 4500][3:] == ["", "42.5", "", "42.50"] and rows[2 + 8999][3:] == ["", "7", "", "7.00"]
    assert sum(1 for row in rows[2:] if row[-1]) == 2

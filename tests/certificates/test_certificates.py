"""Certificates: settings per course, issued once on completion with a real PDF, verified without a token."""
import re
import shutil
import subprocess

import pytest

from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, enroll, make_course, make_lesson, make_module

SETTINGS_KEYS = {"id", "is_active", "template", "custom_text", "show_date", "show_course_name",
                 "show_completion_hours", "min_score", "require_all_modules"}


def _complete_course(student, lessons):
    for lesson in lessons:
        response = student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson["id"]})
        assert response.status_code in (200, 201), response.text


def _course(admin, **fields):
    course = make_course(admin, title="Introduction to Python Programming", **fields)
    module = make_module(admin, course["id"])
    lessons = [make_lesson(admin, course["id"], module["id"], duration=90) for _ in range(2)]
    return course, lessons


def test_template_settings_are_read_and_patched_with_validation(tenant):
    teacher = tenant.instructor()
    course, _ = _course(teacher)
    url = f"/api/lms/certificates/course/{course['id']}/template/"
    settings = teacher.get(url).json()
    assert set(settings) == SETTINGS_KEYS and settings["is_active"] is True
    patched = teacher.patch(url, {"custom_text": "Congratulations on successfully completing this course!",
                                  "min_score": 85, "require_all_modules": True})
    assert patched.status_code == 200, patched.text
    assert patched.json()["min_score"] == 85 and patched.json()["template"] == "default"
    assert_error(teacher.patch(url, {"min_score": 101}), 400,
                 {"min_score": ["Ensure this value is less than or equal to 100."]})
    assert_error(teacher.patch(url, {"min_score": -1}), 400,
                 {"min_score": ["Ensure this value is greater than or equal to 0."]})
    assert_error(teacher.patch(url, {"template": "fancy"}), 400, {"template": ['"fancy" is not a valid choice.']})
    assert_error(tenant.student().patch(url, {"min_score": 1}), 403, FORBIDDEN)
    assert_error(tenant.instructor().patch(url, {"min_score": 1}), 403, FORBIDDEN)
    assert teacher.get(url).json()["min_score"] == 85
    assert teacher.get(f"/api/lms/courses/{course['id']}/").json()["certificate_settings"]["min_score"] == 85


def test_completing_a_course_issues_one_certificate_with_a_pdf(tenant, stack):
    admin = tenant.admin()
    course, lessons = _course(admin)
    admin.patch(f"/api/lms/certificates/course/{course['id']}/template/", {"custom_text": "Well done!"})
    student = tenant.student(first_name="Zoë", last_name="Müller")
    enrollment = enroll(student, course["id"])
    assert student.get("/api/lms/certificates/").json() == []
    _complete_course(student, lessons)
    _complete_course(student, lessons)  # repeating completions never issues a second certificate
    certificates = student.get("/api/lms/certificates/").json()
    assert len(certificates) == 1
    certificate = certificates[0]
    assert set(certificate) == {"id", "enrollment", "course_title", "issued_at", "certificate_id", "pdf_file_url"}
    assert certificate["enrollment"] == enrollment["id"]
    assert certificate["course_title"] == "Introduction to Python Programming"
    assert re.fullmatch(r"CERT-PY\d{3}-[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", certificate["certificate_id"])
    assert certificate["pdf_file_url"].startswith(stack.edge_url)
    assert stack.sql("SELECT count(*) FROM certificates WHERE enrollment_id = :e", e=enrollment["id"]) == [(1,)]

    pdf_path = stack.data_dir / "files" / "certificates" / tenant.id / f"{certificate['certificate_id']}.pdf"
    assert pdf_path.read_bytes().startswith(b"%PDF")
    download = student.get(certificate["pdf_file_url"].removeprefix(stack.edge_url))
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert download.content == pdf_path.read_bytes()
    assert admin.get(certificate["pdf_file_url"].removeprefix(stack.edge_url)).status_code == 200
    assert_error(tenant.student().get(certificate["pdf_file_url"].removeprefix(stack.edge_url)), 404, NOT_FOUND)
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required; .ci/run installs it")
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True).stdout
    assert "Zoë Müller" in text and "Introduction to Python Programming" in text
    assert "Well done!" in text and "3 hours of learning" in text and certificate["certificate_id"] in text

    anonymous = stack.client()  # no token, no tenant header
    verified = anonymous.get(f"/api/lms/certificates/verify/{certificate['certificate_id']}/")
    assert verified.status_code == 200, verified.text
    assert verified.json() == {"certificate_id": certificate["certificate_id"], "valid": True,
                               "learner_name": "Zoë Müller", "course_title": "Introduction to Python Programming",
                               "issued_at": certificate["issued_at"]}
    assert_error(anonymous.get("/api/lms/certificates/verify/CERT-NOPE-001/"), 404, NOT_FOUND)
    assert stack.sql("SELECT room FROM outbox_events WHERE type = 'certificate.issued' AND tenant_id = :t "
                     "ORDER BY room", t=tenant.id) == [(f"course_staff_{course['id']}",), (f"user_{student.user_id}",)]


def test_no_certificate_when_the_course_does_not_issue_them(tenant, stack):
    admin = tenant.admin()
    course, lessons = _course(admin)
    admin.patch(f"/api/lms/certificates/course/{course['id']}/template/", {"is_active": False})
    student = tenant.student()
    enroll(student, course["id"])
    _complete_course(student, lessons)
    assert student.get(f"/api/lms/enrollments/progress/?course={course['id']}").json()["progress"] == 100
    assert student.get("/api/lms/certificates/").json() == []

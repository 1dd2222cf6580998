"""Builders of the assignment tests, through the edge."""
from __future__ import annotations

import itertools
import json

from tests.helpers import enroll, make_course, make_module

_counter = itertools.count(1)
ASSIGNMENT_KEYS = {"id", "title", "description", "course", "module", "due_date", "course_name", "module_name",
                   "instructions_file_url", "created_at", "max_score", "allow_late", "updated_at"}
SUBMISSION_KEYS = {"id", "assignment", "student_id", "student_name", "submitted_at", "response_text",
                   "submission_file_url", "grade", "feedback", "is_graded", "attempt", "is_late", "graded_at"}
NESTED_ASSIGNMENT_KEYS = {"id", "title", "course_name", "module_name", "course", "max_score", "due_date"}
NOT_ENROLLED = {"detail": "You are not enrolled in this course."}
DATETIME_FORMAT = ("Datetime has wrong format. Use one of these formats instead: "
                   "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")


def make_assignment(actor, course_id: int, **fields) -> dict:
    body = {"title": f"Exercise {next(_counter)}", "description": "Practice", "course": course_id, **fields}
    response = actor.post("/api/lms/assignments/", body)
    assert response.status_code == 201, response.text
    return response.json()


def submit(actor, assignment_id: int, text: str = "Here is my solution...", status: int = 201, **fields) -> dict:
    response = actor.post("/api/lms/assignment-submissions/",
                          {"assignment": assignment_id, "response_text": text, **fields})
    assert response.status_code == status, response.text
    return response.json()


def grade(actor, submission_id: int, value, feedback: str = "", status: int = 200):
    response = actor.patch(f"/api/lms/assignment-submissions/{submission_id}/grade/",
                           {"grade": value, "feedback": feedback})
    assert response.status_code == status, response.text
    return response.json()


def classroom(tenant, **course_fields):
    """A published course with a module taught by an instructor, and an enrolled student."""
    teacher = tenant.instructor(first_name="Grace", last_name="Hopper")
    course = make_course(teacher, title="Introduction to Python Programming", **course_fields)
    module = make_module(teacher, course["id"], title="Variables and Data Types")
    student = tenant.student(first_name="Jane", last_name="Smith")
    enroll(student, course["id"])
    return teacher, course, module, student


def events(stack, tenant_id: str, event_type: str) -> list[tuple[str, dict]]:
    """(room, data) of the tenant's outbox events of one type, in order."""
    rows = stack.sql("SELECT room, data FROM outbox_events WHERE tenant_id = :t AND type = :e ORDER BY seq",
                     t=tenant_id, e=event_type)
    return [(room, json.loads(data) if isinstance(data, str) else data) for room, data in rows]


def multipart(parts: list[tuple[str, str | None, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body with the parts in this order, and its content type."""
    boundary = "----assignment-test-boundary"
    out = []
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"

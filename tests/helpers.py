"""Builders of test data through the public API, and assertions on the documented shapes."""
from __future__ import annotations

import itertools

_counter = itertools.count(1)


def make_category(actor, name: str | None = None) -> dict:
    response = actor.post("/api/lms/categories/", {"name": name or f"Category {next(_counter)}",
                                                   "description": "Test category"})
    assert response.status_code == 201, response.text
    return response.json()


def make_course(actor, category_id: int | None = None, **fields) -> dict:
    if category_id is None:
        category_id = make_category(actor)["id"]
    body = {"title": f"Course {next(_counter)}", "description": "A test course", "category_id": category_id,
            "status": "Published", **fields}
    response = actor.post("/api/lms/courses/", body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_error(response, status: int, body: dict | None = None, fields: list[str] | None = None) -> dict:
    """The response is a DRF-shaped JSON error with this status (and exactly this body, or these fields)."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.headers
    data = response.json()
    if body is not None:
        assert data == body
    if fields is not None:
        assert sorted(data) == sorted(fields), data
        for key, messages in data.items():
            if key == "detail":
                assert isinstance(messages, str) and messages, data
            else:
                assert isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages), data
    return data


NOT_FOUND = {"detail": "Not found."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
FORBIDDEN_NOT_ENROLLED = {"detail": "You are not enrolled in this course."}
UNAUTHENTICATED = {"detail": "Authentication credentials were not provided."}
BAD_TOKEN = {"detail": "Given token not valid for any token type"}


def make_module(actor, course_id: int, **fields) -> dict:
    body = {"title": f"Module {next(_counter)}", "description": "", "is_published": True, **fields}
    response = actor.post(f"/api/lms/courses/{course_id}/modules/", body)
    assert response.status_code == 201, response.text
    return response.json()


def make_lesson(actor, course_id: int, module_id: int, **fields) -> dict:
    body = {"title": f"Lesson {next(_counter)}", "lesson_type": "text", "content_text": "Read this.",
            "duration": 30, "is_published": True, **fields}
    response = actor.post(f"/api/lms/courses/{course_id}/modules/{module_id}/lessons/", body)
    assert response.status_code == 201, response.text
    return response.json()


def enroll(actor, course_id: int, user_id: str | None = None) -> dict:
    response = actor.post(f"/api/lms/enrollments/course/{course_id}/enroll/",
                          {"user_id": user_id} if user_id else {})
    assert response.status_code == 201, response.text
    return response.json()


def assign_instructor(admin, instructor, course_id: int) -> None:
    """Makes `instructor` one of the course's instructors (their first request records them in the directory)."""
    assert instructor.get("/api/lms/courses/").status_code == 200
    response = admin.post(f"/api/lms/courses/{course_id}/instructors/", {"user_id": instructor.user_id})
    assert response.status_code == 201, response.text

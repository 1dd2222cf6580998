"""Builders and waits of the gamification tests (awards are made by the background consumer)."""
from __future__ import annotations

import time

from tests.helpers import enroll, make_course, make_lesson, make_module


def wait_for(check, timeout: float = 15.0, interval: float = 0.1):
    """Polls `check` until it returns a truthy value (awards follow their events by up to a second or so)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def points(actor, **params) -> dict:
    response = actor.get("/api/lms/user-points/", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def wait_for_total(actor, total: int, **params) -> dict:
    body = wait_for(lambda: (lambda b: b if b["total_points"] >= total else None)(points(actor, **params)))
    assert body, points(actor, **params)
    return body


def course_with_lessons(admin, count: int = 2, **fields):
    course = make_course(admin, title="Introduction to Python Programming", **fields)
    module = make_module(admin, course["id"])
    lessons = [make_lesson(admin, course["id"], module["id"]) for _ in range(count)]
    return course, lessons


def complete(student, lesson_id: int) -> None:
    response = student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson_id})
    assert response.status_code in (200, 201), response.text


def learner_of(tenant, course: dict, **profile):
    student = tenant.student(**profile)
    enroll(student, course["id"])
    return student


def make_badge(admin, **fields) -> dict:
    body = {"name": f"Badge {time.monotonic_ns()}", "description": "For trying", "criteria_type": "manual", **fields}
    response = admin.post("/api/lms/badges/", body)
    assert response.status_code == 201, response.text
    return response.json()

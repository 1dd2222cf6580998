"""Builders and waits of the gamification tests (awards are made by the background consumer)."""
from __future__ import annotations

import time

from tests.helpers import enroll, make_course, make_lesson, make_module


# Moves the awards consumer's cursor back to the start and frees its lease: every event is read again.
REPLAY = ("UPDATE outbox_consumers SET last_id = 0, lease_owner = '', lease_until = '2000-01-01 00:00:00' "
          "WHERE name = 'gamification'")


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
    """The caller's points once their total reached `total` and the ledger page shows every award (PostgreSQL
    reads the total and the page in separate statements, so a poll may fall between two awards)."""
    def check():
        body = points(actor, **params)
        settled = body["total_points"] >= total and sum(e["points"] for e in body["results"]) == body["total_points"]
        return body if settled or (body["total_points"] >= total and body["next"] is not None) else None
    body = wait_for(check)
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

"""Learners' activity stays private on the live channel (issue 13).

Two students and an instructor of another course are connected to every room they may join; one student
enrolls, completes a lesson (finishing the course, earning a certificate) and submits work; the other
student and the other instructor receive nothing about it, the course's instructor receives all of it.
Everything goes through the real producers (the edge's JSON routes) and the real WebSocket server.
"""
import asyncio

import pytest

from lms.platform import events as ev
from lms.platform import rooms
from tests.assignments.helpers import make_assignment, submit
from tests.helpers import assign_instructor, enroll, make_course, make_lesson, make_module
from tests.realtime.client import clients, produce
from tests.realtime.client import enroll as enroll_row

LEARNER_EVENTS = {"enrollment.created", "lesson.completed", "progress.updated", "course.completed",
                  "certificate.issued", "submission.created"}


async def _joinable(client, candidates: list[str]) -> list[str]:
    """Subscribes to every candidate room; returns those the server let the client join."""
    joined = []
    for frame in await client.subscribe(*candidates):
        if frame["type"] == "subscribed":
            joined.append(frame["room"])
    return joined


async def _until_marker(client, marker_id: int) -> list[dict]:
    frames = []
    while True:
        frame = await client.recv()
        if frame.get("type") == "test.marker" and frame["id"] == marker_id:
            return frames
        frames.append(frame)


async def test_a_learners_activity_reaches_only_them_and_the_courses_staff(stack, tenant):
    admin = tenant.admin()
    course = make_course(admin)
    other_course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    assignment = make_assignment(admin, course["id"])
    learner, classmate = tenant.student(), tenant.student()
    teacher, other_teacher = tenant.instructor(), tenant.instructor()
    assign_instructor(admin, teacher, course["id"])
    assign_instructor(admin, other_teacher, other_course["id"])
    enroll_row(stack, tenant.id, course["id"], classmate.user_id)  # a classmate: may join the course room
    every_room = [f"course_{course['id']}", f"course_staff_{course['id']}", f"course_{other_course['id']}",
                  f"course_staff_{other_course['id']}", f"user_{learner.user_id}", f"user_{classmate.user_id}",
                  f"user_{teacher.user_id}", f"user_{other_teacher.user_id}"]
    async with clients(stack, learner, classmate, teacher, other_teacher) as (
            c_learner, c_classmate, c_teacher, c_other):
        assert await _joinable(c_classmate, every_room) == [f"course_{course['id']}", f"user_{classmate.user_id}"]
        assert await _joinable(c_other, every_room) == [f"course_{other_course['id']}",
                                                        f"course_staff_{other_course['id']}",
                                                        f"user_{other_teacher.user_id}"]
        assert await _joinable(c_teacher, every_room) == [f"course_{course['id']}", f"course_staff_{course['id']}",
                                                          f"user_{teacher.user_id}"]
        # (the learner is not enrolled yet: only their own room, already joined)

        await asyncio.to_thread(enroll, learner, course["id"])
        completed = await asyncio.to_thread(learner.post, "/api/lms/enrollments/lesson-completion/",
                                            {"lesson": lesson["id"]})
        assert completed.status_code == 201, completed.text
        await asyncio.to_thread(submit, learner, assignment["id"])

        # Whatever a client got before its own marker is everything it got.
        got = {}
        for name, client, actor in (("learner", c_learner, learner), ("classmate", c_classmate, classmate),
                                    ("teacher", c_teacher, teacher), ("other", c_other, other_teacher)):
            (marker,) = await produce(stack, tenant.id, "test.marker", rooms.user_room(actor.user_id), {})
            got[name] = await _until_marker(client, marker)
        about_learner = lambda frames: [f for f in frames if f.get("type") in LEARNER_EVENTS]  # noqa: E731
        assert {f["type"] for f in about_learner(got["learner"])} == LEARNER_EVENTS
        assert {f["room"] for f in got["learner"]} == {f"user_{learner.user_id}"}
        assert about_learner(got["classmate"]) == [] and got["classmate"] == []
        assert got["other"] == []
        staff = about_learner(got["teacher"])
        assert {f["type"] for f in staff} == LEARNER_EVENTS
        assert {f["room"] for f in staff} == {f"course_staff_{course['id']}"}
        assert all(f["data"]["course_id"] == course["id"] for f in staff)

    # Every event those requests stored went only to rooms its type is declared for (the PostgreSQL
    # enroll statement builds its rooms in SQL: this checks it too).
    stored = stack.sql("SELECT type, room FROM outbox_events WHERE tenant_id = :t", t=tenant.id)
    assert stored and all(rooms.kind_of(room) in ev.EVENT_ROOMS[kind] for kind, room in stored), stored


def test_emitting_an_event_to_a_room_its_declaration_does_not_list_fails():
    """The declaration is enforced where events are recorded (no database needed to see it)."""
    from sqlalchemy.orm import Session

    session = Session()
    with pytest.raises(ev.UndeclaredRoom):
        ev.emit(session, ev.PROGRESS_UPDATED, [rooms.user_room("u1"), rooms.course_room(5)], {})
    with pytest.raises(ev.UndeclaredRoom):
        ev.emit_each(session, ev.ENROLLMENT_CREATED, [(rooms.course_room(5), {})])
    with pytest.raises(ev.UndeclaredRoom, match="not declared"):
        ev.emit(session, "test.never_declared", rooms.user_room("u1"), {})
    assert ev.emit(session, ev.PROGRESS_UPDATED, rooms.learner_rooms("u1", 5), {})
    assert ev.emit(session, ev.CHAT_MESSAGE, rooms.course_room(5), {})
    assert ev.EVENT_ROOMS[ev.SUBMISSION_CREATED] == {rooms.USER, rooms.COURSE_STAFF}


def test_room_names_are_spelled_only_by_the_rooms_module():
    """No producer writes `f"user_{...}"`, `"course_" ...` or the like: names come from lms.platform.rooms."""
    import pathlib
    import re

    server = pathlib.Path(__file__).resolve().parents[2] / "server" / "lms"
    kinds = "|".join(sorted(rooms.KINDS, key=len, reverse=True))
    spelled = re.compile(rf"""f?["']({kinds})_(\{{|["'])""")
    offenders = []
    for path in server.rglob("*.py"):
        if path.name.endswith(("_pb2.py", "_pb2_grpc.py")) or path == server / "platform" / "rooms.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if spelled.search(line):
                offenders.append(f"{path.relative_to(server)}:{number}: {line.strip()}")
    assert offenders == []

"""Points through the edge: every rule pays once per cause, also when events are replayed or handled twice."""
from __future__ import annotations

import asyncio

import pytest

from tests.assignments.helpers import classroom, grade, make_assignment, submit
from tests.gamification.helpers import (
    REPLAY, complete, course_with_lessons, learner_of, points, wait_for, wait_for_total,
)
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error

ENTRY_KEYS = {"id", "rule", "points", "cause_type", "cause_id", "course", "description", "created_at"}


def test_lessons_courses_and_certificates_pay_their_rules(tenant, stack):
    admin = tenant.admin()
    course, lessons = course_with_lessons(admin, count=2)
    student = learner_of(tenant, course, first_name="Ada", last_name="Lovelace")
    complete(student, lessons[0]["id"])
    body = wait_for_total(student, 10)
    assert body["total_points"] == 10 and body["user_id"] == student.user_id
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    entry = body["results"][0]
    assert set(entry) == ENTRY_KEYS
    assert (entry["rule"], entry["points"], entry["cause_type"], entry["cause_id"], entry["course"]) == (
        "lesson_completed", 10, "lesson.completed", f"lesson:{lessons[0]['id']}", course["id"])
    complete(student, lessons[0]["id"])  # completing again is no new cause
    complete(student, lessons[1]["id"])  # the last lesson completes the course, which issues the certificate
    body = wait_for_total(student, 10 + 10 + 100 + 50)
    assert body["total_points"] == 170
    assert sorted(e["rule"] for e in body["results"]) == [
        "certificate_issued", "course_completed", "lesson_completed", "lesson_completed"]
    assert [e["id"] for e in body["results"]] == sorted((e["id"] for e in body["results"]), reverse=True)
    # Staff may read a learner's ledger; a classmate may not.
    assert points(admin, user_id=student.user_id)["total_points"] == 170
    assert_error(learner_of(tenant, course).get("/api/lms/user-points/", params={"user_id": student.user_id}),
                 403, FORBIDDEN)
    # The learner was told, in their own room.
    rooms = stack.sql("SELECT DISTINCT room FROM outbox_events WHERE tenant_id = :t AND type = 'points.awarded'",
                      t=tenant.id)
    assert rooms == [(f"user_{student.user_id}",)]


def test_assignments_pay_on_submission_and_scaled_by_grade(tenant):
    teacher, course, _, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"], max_score=20)
    submission = submit(student, assignment["id"])
    submit(student, assignment["id"], text="A better solution", status=200)  # a resubmission pays nothing more
    wait_for_total(student, 5)
    grade(teacher, submission["id"], 15)  # 75 % of 20 points
    body = wait_for_total(student, 5 + 15)
    assert body["total_points"] == 20
    graded = [e for e in body["results"] if e["rule"] == "assignment_graded"]
    assert [(e["points"], e["cause_id"]) for e in graded] == [(15, f"submission:{submission['id']}")]


def test_admins_set_rule_points_and_turn_rules_off(tenant):
    admin = tenant.admin()
    rules = admin.get("/api/lms/points-rules/")
    assert rules.status_code == 200, rules.text
    names = [r["rule"] for r in rules.json()]
    assert names == ["lesson_completed", "course_completed", "assignment_submitted", "assignment_graded",
                     "certificate_issued", "forum_post_approved", "scorm_completed"]
    assert rules.json()[0] == {"rule": "lesson_completed", "event_type": "lesson.completed", "points": 10,
                               "is_active": True, "description": "A lesson completed."}
    changed = admin.patch("/api/lms/points-rules/lesson_completed/", {"points": 3})
    assert changed.status_code == 200 and changed.json()["points"] == 3
    assert admin.patch("/api/lms/points-rules/certificate_issued", {"is_active": False}).json()["is_active"] is False
    assert_error(admin.patch("/api/lms/points-rules/lesson_completed/", {"points": -1}), 400,
                 {"points": ["Ensure this value is greater than or equal to 0."]})
    assert_error(admin.patch("/api/lms/points-rules/nothing/", {"points": 1}), 404, NOT_FOUND)
    assert_error(tenant.instructor().get("/api/lms/points-rules/"), 403, FORBIDDEN)
    assert_error(tenant.student().patch("/api/lms/points-rules/lesson_completed/", {"points": 99}), 403, FORBIDDEN)

    course, lessons = course_with_lessons(admin, count=1)
    student = learner_of(tenant, course)
    complete(student, lessons[0]["id"])
    body = wait_for_total(student, 103)  # 3 for the lesson, 100 for the course, nothing for the certificate
    assert body["total_points"] == 103
    assert "certificate_issued" not in {e["rule"] for e in body["results"]}


def test_replayed_events_pay_nothing_twice(tenant, stack):
    admin = tenant.admin()
    course, lessons = course_with_lessons(admin, count=3)
    student = learner_of(tenant, course)
    for lesson in lessons[:2]:
        complete(student, lesson["id"])
    wait_for_total(student, 20)
    ledger = stack.sql("SELECT count(*) FROM points_ledger WHERE tenant_id = :t", t=tenant.id)
    # Replay the whole outbox: the consumer reads every event again.
    stack.sql(REPLAY)
    complete(student, lessons[2]["id"])
    body = wait_for_total(student, 30 + 100 + 50)
    assert body["total_points"] == 180  # exactly: the replayed lessons paid nothing more
    wait_for(lambda: stack.sql("SELECT last_id FROM outbox_consumers WHERE name = 'gamification'")[0][0] > 0)
    assert stack.sql("SELECT count(*) FROM points_ledger WHERE tenant_id = :t", t=tenant.id)[0][0] == ledger[0][0] + 3
    totals = stack.sql("SELECT scope, total_points FROM points_totals WHERE tenant_id = :t ORDER BY scope", t=tenant.id)
    assert totals == [(0, 180), (course["id"], 180)]
    assert_rank_counts_match_totals(stack, tenant.id)  # the user left each earlier total's count


def test_the_same_events_handled_concurrently_pay_once(tenant, stack):
    """Two handlers of the same events at once (two workers after a lease expired): one award each."""
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from lms.gamification import awards
    from lms.platform.consumers import ConsumedEvent
    from lms.platform.db import unit_of_work
    from lms.platform.models import utcnow

    student = tenant.student()
    url = stack.database_url.replace("postgresql://", "postgresql+psycopg_async://", 1).replace(
        "sqlite:///", "sqlite+aiosqlite:///", 1)
    events = [ConsumedEvent(i, "lesson.completed", f"user_{student.user_id}",
                            {"course_id": 7, "lesson_id": 100 + i % 5, "user_id": student.user_id}, utcnow())
              for i in range(20)]

    async def run() -> None:
        engine = create_async_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
        sessions = async_sessionmaker(engine, expire_on_commit=False)

        async def once():
            async with unit_of_work(sessions, tenant.id) as session:
                await awards.handle(session, tenant.id, events)

        try:
            await asyncio.gather(*(once() for _ in range(4)), return_exceptions=False)
        finally:
            await engine.dispose()

    if stack.backend == "sqlite":
        pytest.importorskip("aiosqlite")
    asyncio.run(run())
    assert stack.sql("SELECT count(*), sum(points) FROM points_ledger WHERE tenant_id = :t", t=tenant.id) == [(5, 50)]
    assert stack.sql("SELECT scope, total_points FROM points_totals WHERE tenant_id = :t ORDER BY scope",
                     t=tenant.id) == [(0, 50), (7, 50)]
    assert_rank_counts_match_totals(stack, tenant.id)


def test_points_of_other_tenants_and_anonymous_callers(tenant, other_tenant):
    admin = tenant.admin()
    course, lessons = course_with_lessons(admin, count=1)
    student = learner_of(tenant, course)
    complete(student, lessons[0]["id"])
    wait_for_total(student, 10)
    stranger = other_tenant.admin()
    assert points(stranger, user_id=student.user_id)["total_points"] == 0
    assert points(stranger, user_id=student.user_id)["results"] == []
    assert_error(tenant.anonymous().get("/api/lms/user-points/"), 401)


def test_one_batch_of_many_learners_pays_each_cause_once_and_checks_their_badges(tenant, stack):
    """A consumer pass awards a tenant's events as one batch: several learners, rules and courses at once,
    a cause repeated inside the batch, then the same batch again (a replay)."""
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from lms.gamification import awards
    from lms.platform.consumers import ConsumedEvent
    from lms.platform.db import unit_of_work
    from lms.platform.models import utcnow
    from tests.gamification.helpers import make_badge

    admin = tenant.admin()
    make_badge(admin, name="Three lessons", criteria_type="lessons_completed", threshold=3)
    make_badge(admin, name="Forty points", criteria_type="points_total", threshold=40)
    ada, bob, cyd = (f"learner-{name}-{tenant.id}" for name in ("ada", "bob", "cyd"))
    facts = [(ada, 1, 11), (ada, 1, 12), (ada, 2, 21), (ada, 1, 11), (bob, 1, 11), (bob, 2, 22), (cyd, 2, 23)]
    events = [ConsumedEvent(n, "lesson.completed", f"user_{user}",
                            {"course_id": course, "lesson_id": lesson, "user_id": user}, utcnow())
              for n, (user, course, lesson) in enumerate(facts)]
    events.append(ConsumedEvent(99, "course.completed", f"user_{bob}", {"course_id": 2, "user_id": bob}, utcnow()))
    url = stack.database_url.replace("postgresql://", "postgresql+psycopg_async://", 1).replace(
        "sqlite:///", "sqlite+aiosqlite:///", 1)

    async def run() -> None:
        engine = create_async_engine(url)
        try:
            for _ in range(2):  # the second pass is a replay: nothing new
                async with unit_of_work(async_sessionmaker(engine, expire_on_commit=False), tenant.id) as session:
                    await awards.handle(session, tenant.id, events)
        finally:
            await engine.dispose()

    if stack.backend == "sqlite":
        pytest.importorskip("aiosqlite")
    asyncio.run(run())
    ledger = stack.sql("SELECT user_id, count(*), sum(points) FROM points_ledger WHERE tenant_id = :t "
                       "GROUP BY user_id ORDER BY user_id", t=tenant.id)
    assert ledger == [(ada, 3, 30), (bob, 3, 120), (cyd, 1, 10)]
    totals = stack.sql("SELECT user_id, scope, total_points FROM points_totals WHERE tenant_id = :t "
                       "ORDER BY user_id, scope", t=tenant.id)
    assert totals == [(ada, 0, 30), (ada, 1, 20), (ada, 2, 10), (bob, 0, 120), (bob, 1, 10), (bob, 2, 110),
                      (cyd, 0, 10), (cyd, 2, 10)]
    held = stack.sql("SELECT ub.user_id, b.name FROM user_badges ub JOIN badges b ON b.id = ub.badge_id "
                     "WHERE ub.tenant_id = :t ORDER BY ub.user_id, b.name", t=tenant.id)
    assert held == [(ada, "Three lessons"), (bob, "Forty points")]
    told = stack.sql("SELECT room, count(*) FROM outbox_events WHERE tenant_id = :t AND type = 'points.awarded' "
                     "GROUP BY room ORDER BY room", t=tenant.id)
    assert told == sorted([(f"user_{ada}", 3), (f"user_{bob}", 3), (f"user_{cyd}", 1)])
    assert_rank_counts_match_totals(stack, tenant.id)


def assert_rank_counts_match_totals(stack, tenant_id: str) -> None:
    """The users per total that ranks are read from agree with the totals themselves."""
    counted = stack.sql("SELECT scope, total_points, users FROM points_rank_counts WHERE tenant_id = :t "
                        "AND users <> 0 ORDER BY scope, total_points", t=tenant_id)
    assert counted == stack.sql("SELECT scope, total_points, count(*) FROM points_totals WHERE tenant_id = :t "
                                "GROUP BY scope, total_points ORDER BY scope, total_points", t=tenant_id)
    assert counted

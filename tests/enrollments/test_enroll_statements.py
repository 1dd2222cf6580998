"""The enroll statements ask the policy's rule (no transports: an in-memory SQLite database, and the
PostgreSQL statement as compiled). The end-to-end tests in test_enrollments.py run both paths for real."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import create_engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from lms.courses import policy
from lms.courses.models import Course, CourseInstructor
from lms.enrollments import service
from lms.migrations.models import all_metadata
from lms.platform.actor import Actor

TENANT = "t1"


@pytest.fixture(scope="module")
def connection():
    engine = create_engine("sqlite://")
    all_metadata().create_all(engine)
    with engine.connect() as connection:
        yield connection


def _course(connection, status: str, is_free: bool, teacher: str | None) -> int:
    with Session(bind=connection) as session:
        session.info["tenant_id"] = TENANT
        slug = f"c-{status}-{is_free}-{teacher}"
        course = Course(tenant_id=TENANT, title="C", slug=slug, code=slug[:20],
                        category_id=1, status=status, is_free=is_free, price=0 if is_free else 10)
        session.add(course)
        session.flush()
        if teacher:
            session.add(CourseInstructor(tenant_id=TENANT, course_id=course.id, user_id=teacher))
        session.flush()
        course_id = course.id
        session.commit()
    return course_id


def test_session_path_asks_the_policy(connection):
    actors = [Actor(TENANT, "me", frozenset({role})) for role in ("student", "instructor", "admin")]
    for status, is_free, teaches in itertools.product(("Draft", "Published", "Archived"), (True, False),
                                                      (True, False)):
        course_id = _course(connection, status, is_free, "me" if teaches else None)
        for actor, target in itertools.product(actors, ("me", "someone")):
            row = connection.execute(service.enroll_target_statement(), {
                "tenant": TENANT, "course_id": course_id, "user_id": target, "caller": actor.user_id,
                "is_admin": actor.is_admin, "is_instructor": actor.is_instructor,
                "is_self": target == actor.user_id}).one()
            assert bool(row.teaches) == teaches
            assert bool(row.allowed) == policy.may_enroll(actor, target, status, is_free, teaches), \
                (sorted(actor.roles), target, status, is_free, teaches)


def test_batch_statement_is_built_from_the_same_clause():
    sql = str(service.enroll_many_statement().compile(dialect=postgresql.dialect()))
    assert "ON CONFLICT (course_id, user_id) DO NOTHING" in sql
    assert "target.is_admin OR target.is_instructor AND target.teaches OR NOT (target.is_admin OR " \
           "target.is_instructor) AND target.is_self AND target.status = " in sql
    assert "'Published'" not in sql  # the status comes from the policy, as a bound parameter

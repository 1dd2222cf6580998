"""The course-access policy without transports: plain values in, answers out (runs in about a second).

Each rule of lms.courses.policy is written once and read two ways (a Python predicate, an SQL clause);
these tests check the two readings agree for every combination of operands, by evaluating the clause on
an in-memory SQLite database, and pin the answers the API documents.
"""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import create_engine, literal, select
from sqlalchemy.dialects import postgresql

from lms.courses import policy
from lms.courses.models import Course, STATUSES
from lms.platform.actor import Actor
from lms.platform.errors import AlreadyExists, NotFound, PermissionDenied

ROLES = {"anonymous": (None, frozenset()), "student": ("me", frozenset({"student"})),
         "instructor": ("me", frozenset({"instructor"})), "admin": ("me", frozenset({"admin"}))}


def actor(role: str) -> Actor:
    user_id, roles = ROLES[role]
    return Actor("t1", user_id, roles)


@pytest.fixture(scope="module")
def evaluate():
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        yield lambda clause: bool(connection.execute(select(clause)).scalar())


def test_visibility_clause_agrees_with_predicate(evaluate):
    for role, status in itertools.product(ROLES, STATUSES):
        who = actor(role)
        expected = policy.is_visible_status(who, status)
        assert evaluate(policy.visible_rule(policy.SQL, is_tenant_staff=who.is_staff, status=literal(status))) \
            == expected, (role, status)
        assert policy.is_visible(who, Course(tenant_id="t1", status=status)) == expected
        assert not policy.is_visible(who, Course(tenant_id="t2", status=status))  # other tenants: never


def test_visibility_answers():
    assert policy.is_visible_status(actor("anonymous"), "Published")
    assert not policy.is_visible_status(actor("student"), "Draft")
    assert not policy.is_visible_status(actor("student"), "Archived")
    assert policy.is_visible_status(actor("instructor"), "Draft")  # the tenant's staff see every course
    assert policy.is_visible_status(actor("admin"), "Archived")


def test_enroll_clause_agrees_with_predicate(evaluate):
    for role, is_self, status, is_free, teaches in itertools.product(
            ["student", "instructor", "admin"], [True, False], STATUSES, [True, False], [True, False]):
        who = actor(role)
        user_id = who.user_id if is_self else "someone-else"
        expected = policy.may_enroll(who, user_id, status, is_free, teaches)
        clause = policy.enroll_clause(is_admin=literal(who.is_admin), is_instructor=literal(who.is_instructor),
                                      teaches=literal(teaches), is_self=literal(is_self), status=literal(status),
                                      is_free=literal(is_free))
        assert evaluate(clause) == expected, (role, is_self, status, is_free, teaches)


@pytest.mark.parametrize("role, is_self, status, is_free, teaches, answer", [
    ("student", True, "Published", True, False, AlreadyExists),  # allowed: refused only as a duplicate
    ("student", True, "Draft", True, False, NotFound),  # drafts are invisible to students
    ("student", False, "Published", True, False, PermissionDenied),  # students enroll themselves only
    ("student", True, "Published", False, False, policy.MUST_PURCHASE),  # paid courses are bought first
    ("instructor", False, "Draft", False, True, AlreadyExists),  # their own course: anyone, any status
    ("instructor", False, "Published", True, False, PermissionDenied),  # not their course
    ("instructor", True, "Published", True, False, PermissionDenied),  # ... not even themselves
    ("admin", False, "Archived", False, False, AlreadyExists),  # admins: anyone in any course
])
def test_enroll_refusals(role, is_self, status, is_free, teaches, answer):
    who = actor(role)
    refusal = policy.enroll_refusal(who, who.user_id if is_self else "other", status, is_free, teaches)
    if isinstance(answer, str):
        assert isinstance(refusal, PermissionDenied) and answer in str(refusal.detail)
    else:
        assert type(refusal) is answer


def test_published_content(evaluate):
    for status, module, lesson in itertools.product(STATUSES, [True, False], [True, False]):
        expected = status == "Published" and module and lesson
        assert policy.is_published_content(status, module, lesson) == expected
        assert evaluate(policy.published_content_rule(policy.SQL, course_status=literal(status),
                                                      module_is_published=literal(module),
                                                      lesson_is_published=literal(lesson))) == expected


def test_clauses_collapse_for_staff():
    """Answers known in Python leave no column test in the statement."""
    assert "status" not in str(policy.visible_clause(actor("admin")).compile(dialect=postgresql.dialect()))
    assert str(policy.visible_clause(actor("admin")).compile(dialect=postgresql.dialect())) == "true"
    assert "courses.status" in str(policy.visible_clause(actor("student")).compile(dialect=postgresql.dialect()))
    assert str(policy.staff_clause(actor("student")).compile(dialect=postgresql.dialect())) == "false"

"""PostgreSQL: the passages' lexeme rows (ai_chat_passage_terms) that the search matches by equality, kept by a
trigger, and a search plan that an index serves under the row-level security the service runs with."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect

from lms.ai_chat.retrieval import match_groups, search_parameters, search_statement
from lms.platform.actor import Actor
from tests.helpers import make_course, make_lesson, make_module


@pytest.fixture
def postgresql_stack(stack):
    if stack.backend != "postgresql":
        pytest.skip("the lexeme rows exist for PostgreSQL's search (SQLite searches FTS5)")
    return stack


def _terms(stack, lesson_id: int) -> set[str]:
    return {term for (term,) in stack.sql(
        "SELECT t.term FROM ai_chat_passage_terms t JOIN ai_chat_passages p ON p.id = t.passage_id "
        "WHERE p.lesson_id = :lesson", lesson=lesson_id)}


def test_lexeme_rows_follow_every_change_of_the_passage(tenant, postgresql_stack):
    stack, admin = postgresql_stack, tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"], title="Quokka husbandry",
                         content_text="Feeding quokkas leaves daily.")
    assert {"quokka", "husbandri", "feed", "leav", "daili"} <= _terms(stack, lesson["id"])
    url = f"/api/lms/courses/{course['id']}/modules/{module['id']}/lessons/{lesson['id']}/"
    assert admin.patch(url, {"title": "Wombat care"}).status_code == 200
    terms = _terms(stack, lesson["id"])
    assert "wombat" in terms and "husbandri" not in terms and "quokka" in terms  # (still in the body)
    assert admin.delete(url).status_code == 204
    assert _terms(stack, lesson["id"]) == set()
    assert stack.sql("SELECT count(*) FROM ai_chat_passage_terms t WHERE NOT EXISTS "
                     "(SELECT 1 FROM ai_chat_passages p WHERE p.id = t.passage_id)") == [(0,)]


def test_the_search_is_served_by_indexes_under_row_level_security(tenant, postgresql_stack):
    """As the service's own role, with the tenant set: with sequential scans priced out, the plan still finds the
    passages through the lexeme rows' index (a `tsv @@ query` match could not: PostgreSQL would scan)."""
    actor = Actor(tenant.id, "someone", frozenset({"student"}))
    compiled = search_statement("postgresql", actor, None).params(
        **search_parameters("postgresql", match_groups(["create", "list", "python"])[0])).compile(
        dialect=psycopg_dialect.dialect(), compile_kwargs={"render_postcompile": True})
    with psycopg.connect(postgresql_stack.database_url) as connection:
        connection.execute("SELECT set_config('app.tenant_id', %s, false)", (tenant.id,))
        connection.execute("SET enable_seqscan = off")
        plan = "\n".join(row[0] for row in connection.execute("EXPLAIN " + str(compiled), compiled.params))
    assert "ai_chat_passage_terms" in plan
    assert "Seq Scan on ai_chat_passage_terms" not in plan and "Seq Scan on ai_chat_passages" not in plan, plan

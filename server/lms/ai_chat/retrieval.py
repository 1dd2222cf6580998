"""Retrieval: the passages of course content that best answer a question, among those the caller may see.

One statement per question, ranked by the database over its full-text index (`ai_chat_passages`, kept by
triggers: see lms.ai_chat.models): PostgreSQL matches `tsv @@ websearch_to_tsquery('english', 't1 or t2 ...')`
through the GIN index and orders by `ts_rank`; SQLite matches the FTS5 table with `"t1" OR "t2" ...` and
orders by `bm25()` (titles weigh more than bodies on both). The statement joins each candidate to its
course (and a lesson to its lesson and module) and keeps only what the caller may see under
`lms.courses.policy`:

| content              | who finds it                                                                   |
|----------------------|--------------------------------------------------------------------------------|
| course description   | whoever may see the course (catalogue: `visible_clause`)                       |
| FAQ                  | whoever may see the course (FAQs are on the public course page)                |
| resource             | whoever may learn in the course (`may_learn_clause`: staff, active learners)   |
| lesson               | whoever may learn in the course, and for learners only published content      |
|                      | (`published_content_clause`: published lesson, module and course)              |

The tenant is the session's (every ORM entity of the statement is scoped to it, and row-level security holds
on PostgreSQL), so another tenant's content is never a candidate. The best `CANDIDATES` come back; Python
keeps the relevant ones (lms.ai_chat.text) and quotes their best sentences.
"""
from __future__ import annotations

import dataclasses

from sqlalchemy import and_, bindparam, column, func, literal_column, or_, select, table, true
from sqlalchemy.ext.asyncio import AsyncSession

from lms.ai_chat import text as words
from lms.ai_chat.models import FTS_TABLE, Passage
from lms.content.models import Lesson, Module
from lms.courses.models import Course
from lms.courses.policy import may_learn_clause, published_content_clause, visible_clause
from lms.platform.actor import Actor

CANDIDATES = 8  # ranked passages read per question
MAX_SOURCES = 4  # relevant passages an answer cites at most

_fts = table(FTS_TABLE, column("rowid"))
_fts_match = literal_column(FTS_TABLE).op("MATCH")(bindparam("match"))
_bm25 = func.bm25(literal_column(FTS_TABLE), 4.0, 1.0)  # title, body weights; lower is better
_tsquery = func.websearch_to_tsquery(literal_column("'english'::regconfig"), bindparam("match"))
_ts_rank = func.ts_rank(Passage.tsv, _tsquery)


@dataclasses.dataclass
class Found:
    """A ranked passage the caller may see."""

    kind: str
    id: int  # of the lesson, FAQ, resource or course
    title: str
    course_id: int
    course_title: str
    body: str
    rank: float
    coverage: float = 0.0
    excerpt: str = ""

    def source(self) -> dict:
        return {"type": self.kind, "id": self.id, "title": self.title, "course": self.course_id}


def match_expression(dialect: str, term_list: list[str]) -> str:
    """The full-text query of the terms as alternatives (terms are `\\w+` words: nothing to escape)."""
    if dialect == "postgresql":
        return " or ".join(term_list)
    return " OR ".join(f'"{t}"' for t in term_list)


def visibility_clause(actor: Actor):
    """Which passages the actor may find (the table in the module docstring), from the policy's clauses."""
    lesson_ok = true() if actor.is_staff else published_content_clause(Module, Lesson, Course)
    return or_(
        and_(Passage.kind.in_(("course", "faq")), visible_clause(actor, Course)),
        and_(Passage.kind == "resource", may_learn_clause(actor, Course)),
        and_(Passage.kind == "lesson", may_learn_clause(actor, Course), lesson_ok),
    )


def search_statement(dialect: str, actor: Actor, course_id: int | None):
    source_id = func.coalesce(Passage.lesson_id, Passage.faq_id, Passage.resource_id, Passage.course_id)
    rank = _ts_rank if dialect == "postgresql" else -_bm25
    query = (select(Passage.kind, source_id, Passage.title, Passage.course_id, Course.title, Passage.body,
                    rank.label("rank"))
             .select_from(Passage)
             .join(Course, Course.id == Passage.course_id)
             .outerjoin(Lesson, Lesson.id == Passage.lesson_id)
             .outerjoin(Module, Module.id == Lesson.module_id))
    if dialect == "postgresql":
        query = query.where(Passage.tsv.op("@@")(_tsquery))
    else:
        query = query.join(_fts, _fts.c.rowid == Passage.id).where(_fts_match)
    if course_id is not None:
        query = query.where(Passage.course_id == course_id)
    return query.where(visibility_clause(actor)).order_by(rank.desc(), Passage.id).limit(CANDIDATES)


async def search(session: AsyncSession, actor: Actor, question: str, course_id: int | None = None) -> list[Found]:
    """The relevant passages for `question`, best first (at most MAX_SOURCES), each with its excerpt."""
    term_list = words.terms(question)
    if not term_list:
        return []
    dialect = session.get_bind().dialect.name
    rows = await session.execute(search_statement(dialect, actor, course_id),
                                 {"match": match_expression(dialect, term_list)})
    found = []
    for kind, source_id, title, course, course_title, body, rank in rows:
        item = Found(kind, source_id, title, course, course_title, body, float(rank))
        item.coverage = words.coverage(term_list, title, body)
        if round(item.coverage * len(term_list)) < words.needed(len(term_list)):
            continue
        item.excerpt = words.excerpt(term_list, body)
        found.append(item)
    # The database's rank orders; a passage holding more of the question's terms goes first.
    found.sort(key=lambda f: -f.coverage)
    return found[:MAX_SOURCES]

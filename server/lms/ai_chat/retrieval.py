"""Retrieval: the passages of course content that best answer a question, among those the caller may see.

Ranked by the database over its full-text index (`ai_chat_passages`, kept by triggers: see
lms.ai_chat.models): PostgreSQL matches the question's lexemes in `ai_chat_passage_terms` (an index serves that
under row-level security, where it could not serve `tsv @@ query`) and orders by `ts_rank`; SQLite matches the
FTS5 table and orders by `bm25()` (titles weigh more than bodies
on both). A question is at most two searches: passages holding every term of the question, then (only if
fewer than MAX_SOURCES relevant ones were found) passages holding enough of them to be relevant at all (any
half of the first COMBINED_TERMS terms: an OR of AND groups). Each search ranks a bounded pool: the first
POOL matching passages the caller may see (so a question made of words found in every lesson costs the same
with 10,000 lessons as with 500; with more than POOL passages holding every term, the best of the first POOL
found are cited). The statement joins each candidate to its
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
import itertools
import re

from sqlalchemy import Integer, and_, any_, bindparam, column, func, literal_column, or_, select, table, text, true
from sqlalchemy.ext.asyncio import AsyncSession

from lms.ai_chat import text as words
from lms.ai_chat.models import FTS_TABLE, Passage, PassageTerm
from lms.content.public import Lesson, Module
from lms.courses.public import Course
from lms.courses.policy import may_learn_clause, published_content_clause, visible_clause
from lms.platform.actor import Actor

CANDIDATES = 8  # ranked passages read per search
MAX_SOURCES = 4  # relevant passages an answer cites at most
POOL = 200  # matching passages ranked per search (the first found)
COMBINED_TERMS = 6  # terms whose combinations the second search tries

_fts = table(FTS_TABLE, column("rowid"))
_fts_match = literal_column(FTS_TABLE).op("MATCH")(bindparam("match"))
_bm25 = func.bm25(literal_column(FTS_TABLE), 4.0, 1.0, 0.0)  # title, body, scope weights; lower is better
MAX_SCOPE_COURSES = 200  # SQLite: a learner's courses named in the full-text query (beyond: the tenant's)
_tsquery = func.websearch_to_tsquery(literal_column("'english'::regconfig"), bindparam("match"))
_ts_rank = func.ts_rank(Passage.tsv, _tsquery)
# The lexemes of the search's words (stemmed, stop words dropped) as `tsv` holds them.
_lexemes = func.tsvector_to_array(func.to_tsvector(literal_column("'english'::regconfig"), bindparam("words")))


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


def match_groups(term_list: list[str]) -> list[list[list[str]]]:
    """The searches to run, in order: every term (AND), then, for more than one term, any `needed` of the first
    `COMBINED_TERMS` terms (an OR of AND groups: what a relevant passage must hold anyway)."""
    stages = [[term_list]]
    head = term_list[:COMBINED_TERMS]
    need = words.needed(len(head))
    if len(term_list) > 1 and need < len(term_list):
        stages.append([list(group) for group in itertools.combinations(head, need)])
    return stages


def match_expression(dialect: str, groups: list[list[str]], scope: str = "") -> str:
    """The full-text query of an OR of AND groups of terms (terms are `\\w+` words: nothing to escape); on
    SQLite within `scope` (see `fts_scope`)."""
    if dialect == "postgresql":  # websearch syntax: juxtaposition is AND, binding tighter than "or"
        return " or ".join(" ".join(group) for group in groups)
    terms = " OR ".join("(" + " AND ".join(f'"{t}"' for t in group) + ")" for group in groups)
    return f"({scope}) AND {{title body}} : ({terms})" if scope else f"{{title body}} : ({terms})"


def search_parameters(dialect: str, groups: list[list[str]], scope: str = "") -> dict:
    """The statement's parameters for an OR of AND groups of terms. On PostgreSQL the groups are every term
    (one group) or every `needed`-sized combination of the first terms: either way "at least `needed` of these
    words", which is what `search_statement` matches (the websearch query itself only ranks)."""
    parameters = {"match": match_expression(dialect, groups, scope)}
    if dialect == "postgresql":
        words_in_order = list(dict.fromkeys(term for group in groups for term in group))
        parameters.update(words=" ".join(words_in_order), needed=len(groups[0]))
    return parameters


def _token(prefix: str, value) -> str:
    return '"' + prefix + re.sub(r"[-.:_]", "", str(value)) + '"'


def fts_scope(actor: Actor, course_id: int | None, learning: list[int] | None) -> str:
    """SQLite: the part of the FTS5 query that keeps to the session's course, or to the tenant and (for learners)
    the courses whose lessons and resources they may read, with the scope tokens the migration indexes (course
    ids are unique across tenants, so a course token implies its tenant). It only narrows the candidates inside
    the index; what the caller may see is decided by the statement's joins, which check the tenant exactly."""
    tenant = f"scope : {_token('t', actor.tenant_id)}"
    if course_id is not None:
        return f"scope : {_token('c', course_id)}"
    if learning is None or len(learning) > MAX_SCOPE_COURSES:
        return tenant
    catalogue = f"{tenant} AND scope : ({_token('k', 'course')} OR {_token('k', 'faq')})"
    if not learning:
        return catalogue
    return f"({catalogue}) OR scope : ({' OR '.join(_token('c', c) for c in learning)})"


def visibility_clause(actor: Actor):
    """Which passages the actor may find (the table in the module docstring), from the policy's clauses."""
    lesson_ok = true() if actor.is_staff else published_content_clause(Module, Lesson, Course)
    return or_(
        and_(Passage.kind.in_(("course", "faq")), visible_clause(actor, Course)),
        and_(Passage.kind == "resource", may_learn_clause(actor, Course)),
        and_(Passage.kind == "lesson", may_learn_clause(actor, Course), lesson_ok),
    )


def search_statement(dialect: str, actor: Actor, course_id: int | None):
    """The best CANDIDATES among the first POOL matching passages. Ranking happens only for the pool (a
    subquery with a LIMIT and no ORDER BY: the database stops matching there and computes `ts_rank`/`bm25()`
    for the pool's rows alone), so a question's cost is bounded whatever the number of lessons holding its
    words. PostgreSQL's pool holds only passages the actor may see; SQLite's comes from the FTS5 table alone
    (which must drive the search: probed row by row from another table, a MATCH costs milliseconds), narrowed
    by the scope tokens of `fts_scope`, and what the actor may not see is dropped when it is joined."""
    source_id = func.coalesce(Passage.lesson_id, Passage.faq_id, Passage.resource_id, Passage.course_id)
    columns = (Passage.kind, source_id.label("source_id"), Passage.title, Passage.course_id,
               Course.title.label("course_title"), Passage.body)
    if dialect == "postgresql":
        # The matches are the passages holding at least `needed` of the words' lexemes, found by equality in
        # the primary key of `ai_chat_passage_terms` (see PassageTerm: under row-level security `tsv @@ query`
        # cannot use the GIN index). A materialized CTE: joined directly, the planner walked the passages.
        hits = (select(PassageTerm.passage_id.label("id"))
                .where(PassageTerm.tenant_id == actor.tenant_id, PassageTerm.term == any_(_lexemes))
                .group_by(PassageTerm.passage_id)
                .having(func.count() >= func.least(bindparam("needed", type_=Integer), func.cardinality(_lexemes)))
                .cte("hits").prefix_with("MATERIALIZED"))
        pool = _joined(select(Passage.id, *columns, _ts_rank.label("rank")).select_from(hits)
                       .join(Passage, Passage.id == hits.c.id), actor, course_id).limit(POOL).subquery("pool")
        return (select(pool.c.kind, pool.c.source_id, pool.c.title, pool.c.course_id, pool.c.course_title,
                       pool.c.body, pool.c.rank)
                .order_by(pool.c.rank.desc(), pool.c.id).limit(CANDIDATES))
    hits = select(_fts.c.rowid.label("id"), (-_bm25).label("rank")).where(_fts_match).limit(POOL).subquery("hits")
    return (_joined(select(*columns, hits.c.rank).select_from(hits).join(Passage, Passage.id == hits.c.id),
                    actor, course_id)
            .order_by(hits.c.rank.desc(), Passage.id).limit(CANDIDATES))


def _joined(query, actor: Actor, course_id: int | None):
    """`query` (from the passages) joined to their courses, lessons and modules, kept to what the actor may see."""
    query = (query.join(Course, Course.id == Passage.course_id)
             .outerjoin(Lesson, Lesson.id == Passage.lesson_id)
             .outerjoin(Module, Module.id == Lesson.module_id))
    if course_id is not None:
        query = query.where(Passage.course_id == course_id)
    # (The session scopes every entity to its tenant; said once more here, where it matters most.)
    return query.where(Passage.tenant_id == actor.tenant_id, visibility_clause(actor))


# The search statements' cost estimates can pass PostgreSQL's JIT threshold (jit_above_cost 100,000) while they
# run in milliseconds: compiling them took 387 ms of a 424 ms search (EXPLAIN ANALYZE, 10,000 lessons).
_JIT_OFF, _JIT_DEFAULT = text("SET LOCAL jit = off"), text("SET LOCAL jit = DEFAULT")


async def learning_courses(session: AsyncSession, actor: Actor) -> list[int] | None:
    """The courses whose lessons and resources a learner may read (None for staff: all of the tenant's)."""
    if actor.is_staff:
        return None
    return list(await session.scalars(select(Course.id).where(may_learn_clause(actor, Course))
                                      .order_by(Course.id).limit(MAX_SCOPE_COURSES + 1)))


async def search(session: AsyncSession, actor: Actor, question: str, course_id: int | None = None) -> list[Found]:
    """The relevant passages for `question`, best first (at most MAX_SOURCES), each with its excerpt: those
    holding every term first, then, if fewer than MAX_SOURCES did, those holding enough of them."""
    term_list = words.terms(question)
    if not term_list:
        return []
    dialect = session.get_bind().dialect.name
    statement = search_statement(dialect, actor, course_id)
    scope = ""
    if dialect == "sqlite":
        scope = fts_scope(actor, course_id, None if course_id is not None else await learning_courses(session, actor))
    found: list[Found] = []
    seen: set[tuple[str, int]] = set()
    if dialect == "postgresql":
        # (Before the lexeme rows, a `tsv @@` search under row-level security was estimated past the JIT
        # threshold; JIT stays off so that a large tenant's estimates cannot bring compilation back.)
        await session.execute(_JIT_OFF)
    try:
        for groups in match_groups(term_list):
            rows = (await session.execute(statement, search_parameters(dialect, groups, scope))).all()
            for kind, source_id, title, course, course_title, body, rank in rows:
                if (kind, source_id) in seen:
                    continue
                seen.add((kind, source_id))
                item = Found(kind, source_id, title, course, course_title, body, float(rank))
                item.coverage = words.coverage(term_list, title, body)
                if round(item.coverage * len(term_list)) < words.needed(len(term_list)):
                    continue
                item.excerpt = words.excerpt(term_list, body)
                found.append(item)
            if len(found) >= MAX_SOURCES:
                break
    finally:
        if dialect == "postgresql":
            await session.execute(_JIT_DEFAULT)
    # The database's rank orders within a search; a passage holding more of the question's terms goes first.
    found.sort(key=lambda f: -f.coverage)
    return found[:MAX_SOURCES]

"""Opt-in count of the SQL statements each call runs, to prove that a route has no N+1 queries.

With `LMS_DEBUG_QUERY_COUNT=1` the runtime installs a `before_cursor_execute` listener on the
engines that adds one to the current call's `query_count` for every statement sent to the
database (the unit of work's SELECTs, INSERTs, UPDATEs and PostgreSQL's per-transaction
`set_config`; COMMIT and ROLLBACK are not statements; the read path, which sends its statements
through psycopg directly, counts them itself, but not its session tenant setting, which is sent only
when a pooled connection changes tenant). The interceptor then reports the total of a successful call
in the `x-lms-query-count` response header (initial metadata for gRPC callers), which the edge passes
through. It is off by default: production responses never carry it.

It also watches for the N+1 pattern itself: the same query text run again and again in one call,
with different parameters (a lazy load or a query in a loop). When one SELECT runs `REPEAT_LIMIT`
times or more in a call, the response also carries `x-lms-repeated-query: <times>` and the statement
is logged; the test suite's HTTP clients fail the test that made such a request (`tests/stack.py`).

The listener runs inside SQLAlchemy's greenlet, which shares the asyncio task's context, so the
current call is the one whose servicer issued the statement.
"""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from lms.platform.context import Call, current_call_or_none

HEADER = "x-lms-query-count"
REPEATED_HEADER = "x-lms-repeated-query"
REPEAT_LIMIT = 3  # the same SELECT this many times in one call is a query in a loop
log = logging.getLogger("lms.querycount")


def _count_statement(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    call = current_call_or_none()
    if call is not None:
        call.note_statement(statement)


def install(engine: AsyncEngine) -> None:
    """Counts every statement `engine` executes towards the call that runs it."""
    if not event.contains(engine.sync_engine, "before_cursor_execute", _count_statement):
        event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)


def response_headers(call: Call) -> tuple[tuple[str, str], ...]:
    """The headers reporting the call's statement count (and a repeated query), when counting is on."""
    if not call.runtime.settings.debug_query_count:
        return ()
    headers = ((HEADER, str(call.query_count)),)
    if call.statements:
        statement, times = max(call.statements.items(), key=lambda item: item[1])
        if times >= REPEAT_LIMIT:
            log.warning("query repeated in one call (N+1?)", extra={"fields": {
                "method": call.method, "times": times, "statement": str(statement)[:500]}})
            headers += ((REPEATED_HEADER, str(times)),)
    return headers

"""Opt-in count of the SQL statements each call runs, to prove that a route has no N+1 queries.

With `LMS_DEBUG_QUERY_COUNT=1` the runtime installs a `before_cursor_execute` listener on the
engine that adds one to the current call's `query_count` for every statement sent to the
database (the unit of work's SELECTs, INSERTs, UPDATEs and PostgreSQL's per-transaction
`set_config`; COMMIT and ROLLBACK are not statements; the read path counts its statement itself, but
not its session tenant setting, which is sent only when a pooled connection changes tenant). The interceptor then reports the total of
a successful call in the `x-lms-query-count` response header (initial metadata for gRPC callers),
which the edge passes through. It is off by default: production responses never carry it.

The listener runs inside SQLAlchemy's greenlet, which shares the asyncio task's context, so the
current call is the one whose servicer issued the statement.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from lms.platform.context import Call, current_call_or_none

HEADER = "x-lms-query-count"


def _count_statement(_conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
    call = current_call_or_none()
    if call is not None:
        call.query_count += 1


def install(engine: AsyncEngine) -> None:
    """Counts every statement `engine` executes towards the call that runs it."""
    if not event.contains(engine.sync_engine, "before_cursor_execute", _count_statement):
        event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)


def response_headers(call: Call) -> tuple[tuple[str, str], ...]:
    """The header reporting the call's statement count, when counting is on."""
    if call.runtime.settings.debug_query_count:
        return ((HEADER, str(call.query_count)),)
    return ()

"""Turns calls into activity rows, in the same unit of work as the call (see lms.activitylog.catalog).

Connected to the interceptor's hooks by lms.activitylog.public. Successful calls: the row(s) are inserted
into the call's open transaction just before it commits, so an action is logged exactly when it happened
(a rollback takes its rows with it). Refusals (403, 429): the call's own transaction was rolled back, so
their row is written in a short transaction of its own. `LMS_ACTIVITY_LOG=off` records nothing.
"""
from __future__ import annotations

import collections
import hashlib
import logging
import time
from string import Formatter

from sqlalchemy import insert, text

from lms.activitylog.catalog import EVENT_ACTIVITIES, RPC_ACTIVITIES
from lms.activitylog.models import SIGN_IN, ActivityLog
from lms.platform import rooms
from lms.platform.context import Call
from lms.platform.db import dialect_insert, unit_of_work
from lms.platform.errors import PermissionDenied, Throttled
from lms.platform.events import pending_events
from lms.platform.models import utcnow

log = logging.getLogger("lms.activitylog")
DESCRIPTION_MAX = 255
USER_AGENT_MAX = 255
GROUP_ABOVE = 10  # more events of one type than this in one call (bulk enrollment) make one row
SEEN_TOKENS_MAX = 100_000  # tokens whose sign-in a worker remembers having recorded
REFUSAL_INTERVAL = 60.0  # seconds: one rate-limit row per caller per interval and worker
_USER_ROOM = rooms.user_room("")
_TABLE = ActivityLog.__table__
_INSERT = insert(_TABLE)
_seen_tokens: collections.OrderedDict[str, None] = collections.OrderedDict()
_refusals: dict[str, float] = {}


class _Blank(dict):
    def __missing__(self, key):
        return ""


_FORMATTER = Formatter()


def _format(template: str, data: dict) -> str:
    try:
        return _FORMATTER.vformat(template, (), _Blank(data))[:DESCRIPTION_MAX]
    except (ValueError, IndexError, AttributeError, KeyError):
        return template[:DESCRIPTION_MAX]


def _row(call: Call, activity_type: str, object_type: str, object_id, description: str, user_id: str = "",
         now=None) -> dict:
    principal = call.principal
    return {"tenant_id": call.tenant_id, "user_id": principal.user_id if principal is not None else user_id,
            "activity_type": activity_type, "object_type": object_type,
            "object_id": "" if object_id is None else str(object_id)[:255],
            "description": description[:DESCRIPTION_MAX], "ip_address": call.client_address[:64],
            "user_agent": call.metadata.get("user-agent", "")[:USER_AGENT_MAX],
            "request_id": call.request_id[:64], "created_at": now or utcnow()}


def _rpc_rows(call: Call, request, response, now) -> list[dict]:
    entry = RPC_ACTIVITIES.get(call.method)
    if entry is None:
        return []
    if entry.id_field and request is not None:
        object_id = getattr(request, entry.id_field, None)
    else:  # a create's new object; a streamed (multipart) call has no request message: the object it returns
        object_id = getattr(response, entry.response_field, None) if response is not None else None
    title = ""
    for field in ("title", "name", "filename"):
        value = getattr(response, field, None) if response is not None else None
        if isinstance(value, str) and value:
            title = f" \u201c{value[:120]}\u201d"
            break
    description = f"{entry.verb} {entry.object_type.replace('_', ' ')}"
    if object_id not in (None, ""):
        description += f" {object_id}"
    return [_row(call, entry.activity_type, entry.object_type, object_id, description + title, now=now)]


def _event_rows(call: Call, now) -> list[dict]:
    session = call.open_session
    if session is None:
        return []
    by_type: dict[str, list[dict]] = {}
    for event in pending_events(session):
        if event.type in EVENT_ACTIVITIES and event.room.startswith(_USER_ROOM):  # (once per learner)
            by_type.setdefault(event.type, []).append(event.data or {})
    rows = []
    for event_type, datas in by_type.items():
        entry = EVENT_ACTIVITIES[event_type]
        subject = str(datas[0].get("user_id") or datas[0].get("student_id") or "")
        if len(datas) > GROUP_ABOVE:
            group_type, group_key = entry.group
            rows.append(_row(call, entry.activity_type, group_type, datas[0].get(group_key),
                             f"{len(datas)} \u00d7 {event_type} ({group_type} {datas[0].get(group_key, '')})",
                             user_id=subject, now=now))
            continue
        for data in datas:
            rows.append(_row(call, entry.activity_type, entry.object_type, data.get(entry.id_key),
                             _format(entry.template, data),
                             user_id=str(data.get("user_id") or data.get("student_id") or ""), now=now))
    return rows


async def _record_sign_in(call: Call, token: str, now) -> None:
    session = await call.session()
    row = _row(call, SIGN_IN, "token", token, "First request with this token", now=now)
    statement = dialect_insert(session, ActivityLog).values(row).on_conflict_do_nothing(
        index_elements=["tenant_id", "object_id"], index_where=text("activity_type = 'sign_in'"))
    await session.execute(statement)

    async def remember() -> None:
        _seen_tokens[token] = None
        if len(_seen_tokens) > SEEN_TOKENS_MAX:
            _seen_tokens.popitem(last=False)

    call.after_commit(remember)


async def call_succeeded(call: Call, request, response) -> None:
    """Records the call's actions in its unit of work (before the interceptor commits it)."""
    if not call.runtime.settings.activity_log_enabled or not call.tenant_id:
        return
    now = None
    authorization = call.metadata.get("authorization")
    if authorization and call.principal is not None:
        token = hashlib.sha256(authorization.encode()).hexdigest()[:32]
        if token not in _seen_tokens:
            now = utcnow()
            await _record_sign_in(call, token, now)
    if call.method not in RPC_ACTIVITIES and call.open_session is None:
        return  # (no action of its own, no transaction that could hold events: nothing to look at)
    now = now or utcnow()
    rows = _rpc_rows(call, request, response, now) + _event_rows(call, now)
    if rows:
        session = await call.session()
        await session.execute(_INSERT, rows)


async def call_refused(call: Call, error: Exception) -> None:
    """Records a 403 or a 429 in a transaction of its own (the call's was rolled back)."""
    settings = call.runtime.settings
    if not settings.activity_log_enabled or not call.tenant_id:
        return
    if isinstance(error, Throttled):
        activity_type = "rate_limited"
        key = f"{call.tenant_id}:{call.rate_key or call.client_address}"
        now_s = time.monotonic()
        if now_s - _refusals.get(key, -REFUSAL_INTERVAL) < REFUSAL_INTERVAL:
            return
        if len(_refusals) > SEEN_TOKENS_MAX:
            _refusals.clear()
        _refusals[key] = now_s
    elif isinstance(error, PermissionDenied):
        activity_type = "permission_denied"
    else:
        return
    route = call.metadata.get("x-envoy-original-path") or call.http_template or call.method
    method = call.metadata.get("x-envoy-original-method", "")
    short = call.method.rsplit(".", 1)[-1]
    description = f"{'Throttled' if activity_type == 'rate_limited' else 'Denied'}: {method} {route}".replace(
        ":  ", ": ")
    row = _row(call, activity_type, "rpc", short, description)
    async with unit_of_work(call.runtime.sessions, call.tenant_id) as session:
        await session.execute(_INSERT, [row])


# Batched statements ------------------------------------------------------------------------------------------
# A route that writes its action and its events with one statement for many concurrent requests, outside any
# unit of work (the PostgreSQL enroll path, lms.enrollments.service.enroll_many_statement), records its rows in
# the same statement: `batched_insert` adds the INSERT (a CTE), `batch_parameters` the requests' context.

def array_item(name: str, position):
    """`(CAST(:name AS TEXT[]))[position + 1]`: the request's entry of a text-array parameter (arrays count from 1)."""
    from sqlalchemy import ARRAY, Text, bindparam, cast
    from sqlalchemy.sql.elements import Grouping

    return Grouping(cast(bindparam(name), ARRAY(Text)))[position + 1]


def batched_insert(source, position, *, user_id, activity_type: str, object_type: str, object_id, description,
                   created_at):
    """An `INSERT INTO activity_logs ... SELECT` CTE with one row per row of `source` (a FROM clause); `position`
    is the request's index in the batch (its `batch_parameters` entries); the other arguments are SQL
    expressions (or, for the types, constants)."""
    from sqlalchemy import Text, cast, literal, select
    from sqlalchemy.dialects import postgresql

    return postgresql.insert(_TABLE).from_select(
        ["tenant_id", "user_id", "activity_type", "object_type", "object_id", "description", "ip_address",
         "user_agent", "request_id", "created_at"],
        select(array_item("activity_tenants", position), user_id, literal(activity_type, Text),
               literal(object_type, Text), cast(object_id, Text), description, array_item("activity_ips", position),
               array_item("activity_agents", position), array_item("activity_request_ids", position), created_at)
        .select_from(source)).cte("activity")


def batch_parameters(calls: list[Call]) -> dict:
    """The context of each request of a batch, for `batched_insert`."""
    return {"activity_tenants": [c.tenant_id for c in calls],
            "activity_ips": [c.client_address[:64] for c in calls],
            "activity_agents": [c.metadata.get("user-agent", "")[:USER_AGENT_MAX] for c in calls],
            "activity_request_ids": [c.request_id[:64] for c in calls]}


def enabled(call: Call) -> bool:
    return call.runtime.settings.activity_log_enabled

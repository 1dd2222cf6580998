"""The event outbox: domain changes record events in the same transaction as the change.

`emit()` adds events to the request's unit of work, so an event exists exactly when the change
that caused it was committed: a rolled-back transaction (or savepoint) leaves no event behind.

Event ids are a gapless sequence in the order events became visible, given **after** commit by a
sequencer. A producer only inserts its rows (their `seq` is an insertion identity, `id` is NULL):
it takes no shared lock and sends no NOTIFY, so event-producing transactions commit side by side
(both a lock held through commit and a NOTIFY serialise every such commit in the cluster; the
enroll route lost half its throughput to them). `sequence_pending()`, run by the WebSocket
servers' outbox tail, locks the one row of `outbox_sequence`, numbers every committed event that
has no id yet (in `seq` order) after the last id handed out, and commits: one small transaction
per batch, one at a time across replicas. A reader that has seen every event up to N can fetch
"everything after N" at any moment: ids are only visible once their whole block is committed, and
each block is numbered after the previous one committed, so no event can appear later below N.

On PostgreSQL the sequencer's transaction sends `NOTIFY lms_outbox`, which wakes the other
replicas' tails; new events wait for the next poll of some replica (`LMS_WS_POLL_INTERVAL`, one
indexed read of the pending events) to be numbered (see lms.realtime.hub).

Event types are "<thing>.<happened>", each declared once below with the kinds of room it may go to
(`declare`); rooms are the WebSocket rooms the event belongs to, named by `lms.platform.rooms`: one row
per room. `emit`/`emit_each` refuse an undeclared type or a room of a kind its declaration does not list
(`UndeclaredRoom`), so a privacy mistake (a learner's progress in a room classmates can join) fails the
request and its tests instead of reaching anyone. Events about one learner go to `rooms.learner_rooms`:
the learner's room and the course's staff room.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Iterable

from sqlalchemy import (JSON, BigInteger, Index, Integer, String, Text, bindparam, cast, event, func, insert, select,
                        text)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TIMESTAMP
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from lms.platform import rooms
from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

EventId = BigInteger().with_variant(Integer(), "sqlite")
NOTIFY_CHANNEL = "lms_outbox"  # PostgreSQL channel the sequencer notifies; the payload is the last id
MAX_ROOM_LENGTH = 200


class UndeclaredRoom(ValueError):
    """An event of an undeclared type, or for a room whose kind its declaration does not list."""


EVENT_ROOMS: dict[str, frozenset[str]] = {}  # event type -> the room kinds it may be delivered to


def declare(event_type: str, *kinds: str) -> str:
    """Declares an event type and the kinds of room (lms.platform.rooms) it may go to; returns the type."""
    unknown = [k for k in kinds if k not in rooms.KINDS]
    if unknown or not kinds:
        raise ValueError(f"{event_type}: room kinds must be among {sorted(rooms.KINDS)}, got {kinds}")
    if event_type in EVENT_ROOMS and EVENT_ROOMS[event_type] != frozenset(kinds):
        raise ValueError(f"event type {event_type!r} is declared twice")
    EVENT_ROOMS[event_type] = frozenset(kinds)
    return event_type


def check_rooms(event_type: str, names: Iterable[str]) -> None:
    """Raises `UndeclaredRoom` unless every room is of a kind `event_type` is declared for."""
    kinds = EVENT_ROOMS.get(event_type)
    if kinds is None:
        raise UndeclaredRoom(f"event type {event_type!r} is not declared: add "
                             f"`NAME = declare({event_type!r}, rooms.<KIND>, ...)` to lms/platform/events.py")
    for name in names:
        if not name or len(name) > MAX_ROOM_LENGTH:
            raise ValueError(f"invalid room name {name!r}")
        if rooms.kind_of(name) not in kinds:
            raise UndeclaredRoom(f"{event_type} may go to {sorted(kinds)} rooms, not to {name!r}")


# The event types domains emit and the rooms they go to (documented in protos/lms/realtime/v1).
# One line each: `NAME = declare("<thing>.<happened>", <room kinds>)  # what `data` holds / who is told`.
_LEARNER = (rooms.USER, rooms.COURSE_STAFF)  # events about one learner: rooms.learner_rooms(user, course)
ENROLLMENT_CREATED = declare("enrollment.created", *_LEARNER)          # bulk: user_<student> only
ENROLLMENT_ACTIVATED = declare("enrollment.activated", *_LEARNER)
ENROLLMENT_DEACTIVATED = declare("enrollment.deactivated", *_LEARNER)
LESSON_COMPLETED = declare("lesson.completed", *_LEARNER)
PROGRESS_UPDATED = declare("progress.updated", *_LEARNER)
COURSE_COMPLETED = declare("course.completed", *_LEARNER)
SUBMISSION_CREATED = declare("submission.created", *_LEARNER)
SUBMISSION_GRADED = declare("submission.graded", *_LEARNER)
CERTIFICATE_ISSUED = declare("certificate.issued", *_LEARNER)
SCORM_COMPLETED = declare("scorm.completed", *_LEARNER)                # a learner completed a course's SCORM package
FORUM_POST_CREATED = declare("forum.post_created", rooms.FORUM)
FORUM_POST_APPROVED = declare("forum.post_approved", rooms.FORUM, rooms.USER)  # the forum, the author
MESSAGE_RECEIVED = declare("message.received", rooms.USER)                # the recipient
MESSAGE_SENT = declare("message.sent", rooms.USER)                        # the sender (their other sessions)
BADGE_AWARDED = declare("badge.awarded", *_LEARNER)
POINTS_AWARDED = declare("points.awarded", rooms.USER)                    # the learner
CHAT_REPLY = declare("chat.reply", rooms.CHAT, rooms.USER)                # a piece of an AI answer: the session
CHAT_REPLY_COMPLETED = declare("chat.reply_completed", rooms.CHAT, rooms.USER)  # the whole answer after its pieces
GROUP_MEMBER_JOINED = declare("group.member_joined", rooms.GROUP, rooms.USER)          # the group, the member
GROUP_MEMBER_LEFT = declare("group.member_left", rooms.GROUP, rooms.USER)              # left or removed
GROUP_MEMBER_ROLE_CHANGED = declare("group.member_role_changed", rooms.GROUP, rooms.USER)
GROUP_INVITATION_CREATED = declare("group.invitation_created", rooms.USER)             # the invitee
SCHEDULE_UPDATED = declare("schedule.updated", rooms.USER)      # each registered attendee (the session moved)
SCHEDULE_CANCELLED = declare("schedule.cancelled", rooms.USER)  # each registered attendee
ORDER_PAID = declare("order.paid", rooms.USER)          # the buyer
ORDER_REFUNDED = declare("order.refunded", rooms.USER)  # the buyer
CHAT_MESSAGE = declare("chat.message", rooms.COURSE, rooms.COURSE_STAFF, rooms.FORUM, rooms.GROUP, rooms.CHAT,
                       rooms.USER)  # the room it was posted to (any room its sender may join)


def event_types() -> tuple[str, ...]:
    """Every declared event type (declarations appended later included)."""
    return tuple(EVENT_ROOMS)


_PENDING = "lms_outbox_pending"  # session.info key: [(transaction at emit time, event), ...]


class OutboxEvent(TenantScoped, Base):
    """One event for one room: `seq` identifies the row, `id` is its place in delivery order (gapless,
    given by the sequencer after commit; NULL until then)."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_tenant_room_id", "tenant_id", "room", "id"),
        # The events still waiting for an id: what the sequencer and the tails' poll look for.
        Index("ix_outbox_events_pending", "seq", postgresql_where=text("id IS NULL"),
              sqlite_where=text("id IS NULL")),
    )
    __tenant_index__ = False

    seq: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    id: Mapped[int | None] = mapped_column(EventId, unique=True, nullable=True)
    type: Mapped[str] = mapped_column(String(64))
    # a user room: the kind, "_" and a user id of up to 128 characters
    room: Mapped[str] = mapped_column(String(MAX_ROOM_LENGTH))
    data: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OutboxSequence(Base):
    """The single row holding the last event id handed out; locked by the sequencer while it numbers."""

    __tablename__ = "outbox_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(EventId, default=0)
    # Events up to this id may have been deleted by retention (lms.realtime.hub); resuming from
    # before it cannot be complete.
    pruned_id: Mapped[int] = mapped_column(EventId, default=0)


def emit(session: AsyncSession | Session, event_type: str, room_names: str | Iterable[str],
         data: dict) -> list[OutboxEvent]:
    """Records `event_type` for each room in the session's transaction; they are stored when it commits."""
    names = [room_names] if isinstance(room_names, str) else list(dict.fromkeys(room_names))
    check_rooms(event_type, names)
    sync = _sync_session(session)
    now = utcnow()
    events = [OutboxEvent(type=event_type, room=room, data=data, created_at=now) for room in names]
    marker = sync.get_nested_transaction() or sync.get_transaction()
    sync.info.setdefault(_PENDING, []).extend((marker, e) for e in events)
    return events


@dataclasses.dataclass
class _BulkEvent:
    """A pending event of `emit_each`: plain data, so ten thousand of them cost little."""

    type: str
    room: str
    data: dict
    created_at: datetime
    tenant_id: str | None = None


def emit_each(session: AsyncSession | Session, event_type: str, items: list[tuple[str, dict]]) -> None:
    """Records one `event_type` event per (room, data) pair (bulk operations); stored at commit like `emit`."""
    sync = _sync_session(session)
    now = utcnow()
    marker = sync.get_nested_transaction() or sync.get_transaction()
    check_rooms(event_type, dict.fromkeys(room for room, _ in items))
    pending = sync.info.setdefault(_PENDING, [])
    for room, data in items:
        pending.append((marker, _BulkEvent(event_type, room, data, now)))


def pending_events(session: AsyncSession | Session) -> list[OutboxEvent]:
    """Events emitted in the session's open transaction and not yet stored."""
    return [e for _, e in _sync_session(session).info.get(_PENDING, ())]


def _sync_session(session) -> Session:
    return session.sync_session if isinstance(session, AsyncSession) else session


@event.listens_for(Session, "before_flush")
def _route_added_events(session: Session, _context, _instances) -> None:
    # An OutboxEvent added with session.add() instead of emit() is stored at commit like the others.
    for obj in list(session.new):
        if isinstance(obj, OutboxEvent) and obj.seq is None:
            session.expunge(obj)
            marker = session.get_nested_transaction() or session.get_transaction()
            session.info.setdefault(_PENDING, []).append((marker, obj))


@event.listens_for(Session, "before_commit")
def _store_pending_events(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint: the events stay pending until the outer commit
    pending = session.info.pop(_PENDING, None)
    if pending:
        _insert(session, [e for _, e in pending])


_RETURNING_LIMIT = 100  # events of emit() up to this many learn their seq (one multi-row INSERT ... RETURNING)


def _insert(session: Session, events: list) -> None:
    """Stores events without ids (the sequencer numbers them), with Core statements: cheap for one event and
    for ten thousand."""
    tenant = session.info.get("tenant_id")
    rows = [{"tenant_id": e.tenant_id or tenant, "type": e.type, "room": e.room, "data": e.data,
             "created_at": e.created_at} for e in events]
    if any(not row["tenant_id"] or row["tenant_id"] == "*" for row in rows):
        raise ValueError("events need the tenant they belong to")
    table = OutboxEvent.__table__
    if len(rows) <= _RETURNING_LIMIT and all(isinstance(e, OutboxEvent) for e in events):
        seqs = session.execute(insert(table).returning(table.c.seq, sort_by_parameter_order=True), rows).scalars()
        for e, seq in zip(events, seqs):
            e.seq, e.tenant_id = seq, e.tenant_id or tenant
    elif session.get_bind().dialect.name == "postgresql":
        # One statement whatever the number of events: the columns travel as arrays.
        session.execute(_INSERT_ARRAYS, {
            "tenants": [r["tenant_id"] for r in rows], "types": [r["type"] for r in rows],
            "rooms": [r["room"] for r in rows], "data": [json.dumps(r["data"]) for r in rows],
            "created": [r["created_at"] for r in rows]})
    else:
        session.execute(insert(table), rows)  # executemany: batched multi-row INSERTs


def _unnest(name: str, **arrays):
    """PostgreSQL's `unnest(CAST(:a AS type[]), ...) AS name(a, ...)`: bound arrays read as rows."""
    return func.unnest(*(cast(bindparam(key), ARRAY(type_)) for key, type_ in arrays.items())).table_valued(
        *arrays).render_derived(name=name)


_OUTBOX = OutboxEvent.__table__
_NEW_EVENTS = _unnest("e", tenants=Text, types=Text, rooms=Text, data=Text, created=TIMESTAMP(timezone=True))
_INSERT_ARRAYS = insert(_OUTBOX).from_select(
    ["tenant_id", "type", "room", "data", "created_at"],
    select(_NEW_EVENTS.c.tenants, _NEW_EVENTS.c.types, _NEW_EVENTS.c.rooms, cast(_NEW_EVENTS.c.data, JSONB),
           _NEW_EVENTS.c.created))


# The sequencer --------------------------------------------------------------------------------------

SEQUENCE_BATCH = 5000
EVENT_COLUMNS = (OutboxEvent.id, OutboxEvent.tenant_id, OutboxEvent.type, OutboxEvent.room, OutboxEvent.data,
                 OutboxEvent.created_at)  # what readers of the outbox get, in this order
_HAS_PENDING = select(OutboxEvent.seq).where(OutboxEvent.id.is_(None)).limit(1)
# The turn: PostgreSQL locks the row; SQLite takes its write lock at once (a read first could not be
# upgraded once another connection has written).
_LOCK_SEQUENCE = {"postgresql": text("SELECT last_id FROM outbox_sequence WHERE id = 1 FOR UPDATE"),
                  "sqlite": text("UPDATE outbox_sequence SET last_id = last_id WHERE id = 1 RETURNING last_id")}
_PENDING_SEQS = text("SELECT seq FROM outbox_events WHERE id IS NULL ORDER BY seq LIMIT :limit")
# PostgreSQL: one statement for the whole batch, a primary-key lookup per event whatever the statistics say
# (a join against a ranked subquery was planned as a nested loop re-ranking it per row on a fresh table).
_NUMBER_ARRAYS = text(
    "UPDATE outbox_events SET id = numbered.id "
    "FROM unnest(CAST(:seqs AS bigint[]), CAST(:ids AS bigint[])) AS numbered(seq, id) "
    "WHERE outbox_events.seq = numbered.seq "
    "RETURNING outbox_events.id, outbox_events.tenant_id, outbox_events.type, outbox_events.room, "
    "outbox_events.data, outbox_events.created_at")
_NUMBER_ONE = text("UPDATE outbox_events SET id = :id WHERE seq = :seq")
_ADVANCE_SEQUENCE = text("UPDATE outbox_sequence SET last_id = :last WHERE id = 1")
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


async def has_pending(session: AsyncSession) -> bool:
    """Whether committed events are waiting for their ids (one read of a partial index)."""
    return (await session.execute(_HAS_PENDING)).first() is not None


async def sequence_pending(session: AsyncSession, limit: int = SEQUENCE_BATCH) -> list:
    """Numbers up to `limit` committed events that have no id yet, in `seq` order, after the last id
    handed out, and returns them (rows of `EVENT_COLUMNS`, in id order; deliver them only once the
    transaction has committed). Run it in a transaction of its own (a session for all tenants) and commit:
    the sequence row stays locked until then, so sequencers on several replicas take turns, and a turn
    sees every block numbered before it (the lock is granted only once that block committed)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and not await has_pending(session):
        return []  # nothing waits: no lock taken, nothing written
    last = (await session.execute(_LOCK_SEQUENCE[dialect])).scalar_one()
    seqs = list((await session.execute(_PENDING_SEQS, {"limit": limit})).scalars())
    if not seqs:
        return []
    ids = list(range(last + 1, last + 1 + len(seqs)))
    if dialect == "postgresql":
        rows = sorted((await session.execute(_NUMBER_ARRAYS, {"seqs": seqs, "ids": ids})).all(),
                      key=lambda row: row.id)
        await session.execute(_NOTIFY, {"channel": NOTIFY_CHANNEL, "payload": str(ids[-1])})
    else:
        await session.execute(_NUMBER_ONE, [{"seq": seq, "id": id_} for seq, id_ in zip(seqs, ids)])
        rows = list(await session.execute(select(*EVENT_COLUMNS).where(OutboxEvent.id > last)
                                          .order_by(OutboxEvent.id)))
    await session.execute(_ADVANCE_SEQUENCE, {"last": ids[-1]})
    return rows


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back_events(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
        return
    session.info[_PENDING] = [(t, e) for t, e in pending if not _within(t, previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _forget_events_of_ended_transaction(session: Session, transaction: SessionTransaction) -> None:
    # Whatever ends the outermost transaction (commit, rollback, close), nothing stays pending for the next.
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


async def last_event_id(session: AsyncSession) -> int:
    """The id of the newest committed event (0 when there is none)."""
    return int(await session.scalar(select(OutboxSequence.last_id).where(OutboxSequence.id == 1)) or 0)

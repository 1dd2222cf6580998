"""The event outbox: domain changes record events in the same transaction as the change.

`emit()` adds events to the request's unit of work, so an event exists exactly when the change
that caused it was committed: a rolled-back transaction (or savepoint) leaves no event behind.

Event ids are a gapless sequence in **commit order**. The ids are not taken when `emit()` runs
but when the transaction commits: the commit locks the one row of `outbox_sequence`, advances it
by the number of events and inserts them with those ids, and the lock is held until the commit
ends. Two transactions that emit events therefore get their ids in the order they commit, and a
reader that has seen every event up to N can fetch "everything after N" at any moment without
skipping a transaction that committed late (on PostgreSQL, an id taken at insert time by a
transaction that commits after a later one would be skipped). A rollback also undoes its
sequence step, so there are no gaps. The price is that event-producing commits are serialised
for the few milliseconds between that last statement and the end of the commit; nothing else is
locked, so this cannot deadlock. On SQLite, writers are serialised anyway.

On PostgreSQL the same transaction sends `NOTIFY lms_outbox` (delivered only if it commits), so
every WebSocket replica wakes up at once; on SQLite they poll the table (see lms.realtime.hub).

Event types are "<thing>.<happened>" (see `EVENT_TYPES`); rooms are the WebSocket rooms the event
belongs to (`course_<id>`, `user_<id>`, `forum_<id>`, ...): one row per room.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Iterable

from sqlalchemy import JSON, BigInteger, Index, Integer, String, event, insert, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

EventId = BigInteger().with_variant(Integer(), "sqlite")
NOTIFY_CHANNEL = "lms_outbox"  # PostgreSQL channel the commit notifies; the payload is the last id
MAX_ROOM_LENGTH = 200

# The event types domains emit and the rooms they go to (documented in protos/lms/realtime/v1).
ENROLLMENT_CREATED = "enrollment.created"      # user_<student>, course_<course> (bulk: user_<student> only)
ENROLLMENT_ACTIVATED = "enrollment.activated"  # user_<student>, course_<course>
ENROLLMENT_DEACTIVATED = "enrollment.deactivated"  # user_<student>, course_<course>
LESSON_COMPLETED = "lesson.completed"          # user_<student>, course_<course>
PROGRESS_UPDATED = "progress.updated"          # user_<student>, course_<course>
COURSE_COMPLETED = "course.completed"          # user_<student>, course_<course>
SUBMISSION_CREATED = "submission.created"      # user_<student>, user_<each instructor>
SUBMISSION_GRADED = "submission.graded"        # user_<student>
FORUM_POST_CREATED = "forum.post_created"      # forum_<forum>
FORUM_POST_APPROVED = "forum.post_approved"    # forum_<forum>, user_<author>
MESSAGE_RECEIVED = "message.received"          # user_<recipient>
CERTIFICATE_ISSUED = "certificate.issued"      # user_<student>
BADGE_AWARDED = "badge.awarded"                # user_<student>
CHAT_REPLY = "chat.reply"                      # chat_<session>, user_<owner>
CHAT_MESSAGE = "chat.message"                  # the room it was posted to
EVENT_TYPES = (ENROLLMENT_CREATED, ENROLLMENT_ACTIVATED, ENROLLMENT_DEACTIVATED, LESSON_COMPLETED, PROGRESS_UPDATED,
               COURSE_COMPLETED, SUBMISSION_CREATED, SUBMISSION_GRADED, FORUM_POST_CREATED,
               FORUM_POST_APPROVED, MESSAGE_RECEIVED, CERTIFICATE_ISSUED, BADGE_AWARDED, CHAT_REPLY, CHAT_MESSAGE)

_PENDING = "lms_outbox_pending"  # session.info key: [(transaction at emit time, event), ...]


class OutboxEvent(TenantScoped, Base):
    """One event for one room; `id` is its position in commit order (gapless, assigned at commit)."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_tenant_room_id", "tenant_id", "room", "id"),)

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64))
    room: Mapped[str] = mapped_column(String(MAX_ROOM_LENGTH))  # "user_" + a user id of up to 128 characters
    data: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OutboxSequence(Base):
    """The single row holding the last event id handed out; locked by each committing producer."""

    __tablename__ = "outbox_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(EventId, default=0)
    # Events up to this id may have been deleted by retention (lms.realtime.hub); resuming from
    # before it cannot be complete.
    pruned_id: Mapped[int] = mapped_column(EventId, default=0)


def emit(session: AsyncSession | Session, event_type: str, rooms: str | Iterable[str], data: dict) -> list[OutboxEvent]:
    """Records `event_type` for each room in the session's transaction; they are stored when it commits."""
    if isinstance(rooms, str):
        rooms = [rooms]
    sync = _sync_session(session)
    now = utcnow()
    events = [OutboxEvent(type=event_type, room=room, data=data, created_at=now) for room in dict.fromkeys(rooms)]
    for e in events:
        if not e.room or len(e.room) > MAX_ROOM_LENGTH:
            raise ValueError(f"invalid room name {e.room!r}")
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
    id: int | None = None


def emit_each(session: AsyncSession | Session, event_type: str, items: list[tuple[str, dict]]) -> None:
    """Records one `event_type` event per (room, data) pair (bulk operations); stored at commit like `emit`."""
    sync = _sync_session(session)
    now = utcnow()
    marker = sync.get_nested_transaction() or sync.get_transaction()
    pending = sync.info.setdefault(_PENDING, [])
    for room, data in items:
        if not room or len(room) > MAX_ROOM_LENGTH:
            raise ValueError(f"invalid room name {room!r}")
        pending.append((marker, _BulkEvent(event_type, room, data, now)))


def pending_events(session: AsyncSession | Session) -> list[OutboxEvent]:
    """Events emitted in the session's open transaction and not yet stored."""
    return [e for _, e in _sync_session(session).info.get(_PENDING, ())]


def _sync_session(session) -> Session:
    return session.sync_session if isinstance(session, AsyncSession) else session


@event.listens_for(Session, "before_flush")
def _route_added_events(session: Session, _context, _instances) -> None:
    # An OutboxEvent added with session.add() instead of emit() still gets its id at commit.
    for obj in list(session.new):
        if isinstance(obj, OutboxEvent) and obj.id is None:
            session.expunge(obj)
            marker = session.get_nested_transaction() or session.get_transaction()
            session.info.setdefault(_PENDING, []).append((marker, obj))


@event.listens_for(Session, "before_commit")
def _store_pending_events(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint: the events stay pending until the outer commit
    if session.info.get(_PENDING) or any(isinstance(o, OutboxEvent) for o in session.new):
        session.flush()  # everything else first, so the sequence lock is the last thing taken
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    events = [e for _, e in pending]
    last = session.execute(
        update(OutboxSequence).where(OutboxSequence.id == 1)
        .values(last_id=OutboxSequence.last_id + len(events)).returning(OutboxSequence.last_id)).scalar_one()
    first = last - len(events) + 1
    for offset, e in enumerate(events):
        e.id = first + offset
    _insert(session, events)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": NOTIFY_CHANNEL, "payload": str(last)})


def _insert(session: Session, events: list) -> None:
    """Stores the numbered events with Core statements: cheap for one event and for ten thousand."""
    tenant = session.info.get("tenant_id")
    rows = [{"id": e.id, "tenant_id": e.tenant_id or tenant, "type": e.type, "room": e.room, "data": e.data,
             "created_at": e.created_at} for e in events]
    if any(not row["tenant_id"] or row["tenant_id"] == "*" for row in rows):
        raise ValueError("events need the tenant they belong to")
    if session.get_bind().dialect.name == "postgresql" and len(rows) > 1:
        # One statement whatever the number of events: the columns travel as arrays.
        session.execute(text(
            "INSERT INTO outbox_events (id, tenant_id, type, room, data, created_at) "
            "SELECT i, t, y, r, CAST(d AS jsonb), c FROM unnest(CAST(:ids AS bigint[]), CAST(:tenants AS text[]), "
            "CAST(:types AS text[]), CAST(:rooms AS text[]), CAST(:data AS text[]), "
            "CAST(:created AS timestamptz[])) AS e(i, t, y, r, d, c)"),
            {"ids": [r["id"] for r in rows], "tenants": [r["tenant_id"] for r in rows],
             "types": [r["type"] for r in rows], "rooms": [r["room"] for r in rows],
             "data": [json.dumps(r["data"]) for r in rows], "created": [r["created_at"] for r in rows]})
    else:
        session.execute(insert(OutboxEvent.__table__), rows)  # executemany: batched multi-row INSERTs


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

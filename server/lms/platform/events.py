"""The event outbox: domain changes record events in the same transaction as the change.

`emit()` only adds rows to the request's unit of work, so an event exists exactly when the change
that caused it was committed: a rolled-back transaction leaves no event behind. Delivery to
WebSocket clients (and any other consumer) reads the outbox afterwards, in `id` order.

Event types are "<thing>.<happened>" (`lesson.completed`, `submission.graded`, ...); rooms are the
WebSocket room names the event belongs to (`course_<id>`, `user_<id>`, `forum_<id>`, ...).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Iterable

from sqlalchemy import JSON, BigInteger, Index, Integer, String, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

EventId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only


class OutboxEvent(TenantScoped, Base):
    """One event for one room, in commit order of its transaction's id allocation."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_tenant_room_id", "tenant_id", "room", "id"),)

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(64))
    room: Mapped[str] = mapped_column(String(200))  # "user_" + a user id of up to 128 characters
    data: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


def emit(session: AsyncSession, event_type: str, rooms: str | Iterable[str], data: dict) -> list[OutboxEvent]:
    """Records `event_type` for each room in the session's transaction (flushed with it)."""
    if isinstance(rooms, str):
        rooms = [rooms]
    events = [OutboxEvent(type=event_type, room=room, data=data) for room in dict.fromkeys(rooms)]
    session.add_all(events)
    return events


async def emit_each(session: AsyncSession, event_type: str, items: list[tuple[str, dict]]) -> None:
    """Records one `event_type` event per (room, data) with bulk INSERTs (for bulk operations)."""
    if not items:
        return
    tenant = session.info.get("tenant_id")
    now = utcnow()
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        # One statement whatever the number of events: rooms and payloads travel as two arrays.
        await connection.execute(text(
            "INSERT INTO outbox_events (tenant_id, type, room, data, created_at) "
            "SELECT :tenant, :type, r, CAST(d AS jsonb), :now "
            "FROM unnest(CAST(:rooms AS text[]), CAST(:data AS text[])) AS e(r, d)"),
            {"tenant": tenant, "type": event_type, "now": now, "rooms": [room for room, _ in items],
             "data": [json.dumps(data) for _, data in items]})
        return
    # SQLite: a Core executemany, sent as batched multi-row INSERTs.
    await connection.execute(insert(OutboxEvent.__table__), [
        {"tenant_id": tenant, "type": event_type, "room": room, "data": data, "created_at": now}
        for room, data in items])

"""Live delivery of announcements: the `messaging_fanout` outbox consumer (lms.platform.consumers).

Sending an announcement records one `message.sent` event (the sender's room) and no per-recipient work
beyond the INSERT ... SELECT of its deliveries. Every gRPC worker runs this consumer in the background: for
each announcement it writes the `message.received` events of all its recipients (`user_<id>` rooms, the
kind the type is declared for) with one INSERT ... SELECT over the deliveries, in the consumer's unit of
work. The message's `fanned_out` flag is flipped by the same transaction (UPDATE ... WHERE NOT fanned_out),
so an event handled twice (a replay, an expired lease) delivers nothing the second time.
"""
from __future__ import annotations

import json

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.messaging.models import ANNOUNCEMENT, Message
from lms.platform import consumers, rooms
from lms.platform.events import MESSAGE_RECEIVED, MESSAGE_SENT, check_rooms
from lms.platform.models import utcnow

CONSUMER = "messaging_fanout"
_USER_ROOM = rooms.sql_prefix(rooms.USER)
check_rooms(MESSAGE_RECEIVED, [rooms.user_room("recipient")])  # the statement below writes user rooms only

_FAN_OUT = {
    "postgresql": text(
        "INSERT INTO outbox_events (tenant_id, type, room, data, created_at) "
        f"SELECT d.tenant_id, :type, {_USER_ROOM} || d.recipient_id, CAST(:data AS jsonb), :created_at "
        "FROM message_deliveries d WHERE d.tenant_id = :tenant AND d.message_id = :message_id AND NOT d.deleted "
        "ORDER BY d.recipient_id"),
    "sqlite": text(
        "INSERT INTO outbox_events (tenant_id, type, room, data, created_at) "
        f"SELECT d.tenant_id, :type, {_USER_ROOM} || d.recipient_id, :data, :created_at "
        "FROM message_deliveries d WHERE d.tenant_id = :tenant AND d.message_id = :message_id AND NOT d.deleted "
        "ORDER BY d.recipient_id"),
}


async def handle(session: AsyncSession, tenant_id: str, events: list[consumers.ConsumedEvent]) -> None:
    """Writes the recipients' `message.received` events of each announcement sent (once per announcement)."""
    dialect = session.get_bind().dialect.name
    now = utcnow()
    if dialect == "sqlite":  # stored naive, in the format SQLAlchemy's SQLite DATETIME reads back
        now = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    for event in events:
        data = event.data or {}
        if event.type != MESSAGE_SENT or data.get("message_type") != ANNOUNCEMENT:
            continue
        claimed = (await session.execute(
            update(Message).where(Message.id == data["id"], Message.fanned_out.is_(False))
            .values(fanned_out=True).returning(Message.id))).first()
        if claimed is None:
            continue
        await session.execute(_FAN_OUT[dialect], {
            "type": MESSAGE_RECEIVED, "data": json.dumps(data), "created_at": now, "tenant": tenant_id,
            "message_id": data["id"]})


consumers.register(CONSUMER, [MESSAGE_SENT], handle)

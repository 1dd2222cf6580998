"""Outbox consumers: background handlers of committed events, run by every gRPC worker.

A domain that reacts to what other domains did (points for a completed lesson) registers a consumer:
the event types it handles and a handler called with a session of one tenant and that tenant's events,
in id order. Nothing is added to the request that caused the event, and the reaction is decided in
one place instead of in every endpoint.

Each consumer keeps a cursor, the last event id it handled (`outbox_consumers`). A worker leases the
cursor (`LEASE_SECONDS`) before handling the next batch, so normally one worker at a time works on a
consumer; after a crash or an expired lease a batch may be handled again, so handlers must be
idempotent (a unique key on what they record), which also makes a replay (cursor reset) safe.
Events are read from the user rooms only (`user_<id>`): every event about a learner goes there, once.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from sqlalchemy import BigInteger, Integer, String, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.db import ALL_TENANTS, dialect_insert, unit_of_work
from lms.platform.events import OutboxEvent
from lms.platform.models import Base, UtcDateTime, utcnow

log = logging.getLogger("lms.consumers")

BATCH = 500
LEASE_SECONDS = 30
BUSY_INTERVAL = 0.2  # seconds between batches while events keep coming
IDLE_INTERVAL = 1.0  # an idle consumer spaces its polls out to this
MAX_ATTEMPTS = 5  # a batch that fails this often in a row is skipped (and logged), not retried forever
EventId = BigInteger().with_variant(Integer(), "sqlite")


@dataclasses.dataclass(frozen=True)
class ConsumedEvent:
    id: int
    type: str
    room: str
    data: dict
    created_at: datetime


Handler = Callable[[AsyncSession, str, list[ConsumedEvent]], Awaitable[None]]


@dataclasses.dataclass(frozen=True)
class Consumer:
    name: str
    event_types: frozenset[str]
    handle: Handler


class ConsumerCursor(Base):
    """How far one consumer got through the outbox, and which worker holds it until when."""

    __tablename__ = "outbox_consumers"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_id: Mapped[int] = mapped_column(EventId, default=0)
    lease_owner: Mapped[str] = mapped_column(String(64), default="")
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


_CONSUMERS: dict[str, Consumer] = {}


def register(name: str, event_types, handle: Handler) -> Consumer:
    """Registers a consumer (a domain does this when it is imported)."""
    consumer = Consumer(name, frozenset(event_types), handle)
    _CONSUMERS[name] = consumer
    return consumer


def registered() -> list[Consumer]:
    return list(_CONSUMERS.values())


_EVENTS_AFTER = (select(OutboxEvent.id, OutboxEvent.tenant_id, OutboxEvent.type, OutboxEvent.room, OutboxEvent.data,
                        OutboxEvent.created_at)
                 .where(OutboxEvent.id > bindparam("last")).order_by(OutboxEvent.id).limit(bindparam("batch")))


async def _lease(runtime, consumer: Consumer, owner: str) -> int | None:
    """Takes (or renews) the consumer's lease; its last handled id, or None when another worker holds it."""
    now = utcnow()
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        await session.execute(dialect_insert(session, ConsumerCursor).values(
            name=consumer.name, last_id=0, lease_owner="", lease_until=now).on_conflict_do_nothing())
        row = (await session.execute(
            update(ConsumerCursor)
            .where(ConsumerCursor.name == consumer.name,
                   (ConsumerCursor.lease_owner == owner) | (ConsumerCursor.lease_until < now))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=LEASE_SECONDS))
            .returning(ConsumerCursor.last_id))).first()
    return None if row is None else int(row[0])


async def _advance(runtime, consumer: Consumer, owner: str, last_id: int) -> None:
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        await session.execute(update(ConsumerCursor)
                              .where(ConsumerCursor.name == consumer.name, ConsumerCursor.lease_owner == owner)
                              .values(last_id=last_id))


async def run_once(runtime, consumer: Consumer, owner: str, batch: int = BATCH) -> int:
    """Handles the next batch of events after the consumer's cursor; returns how many rows it read."""
    last = await _lease(runtime, consumer, owner)
    if last is None:
        return 0
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        rows = (await session.execute(_EVENTS_AFTER, {"last": last, "batch": batch})).all()
    if not rows:
        return 0
    by_tenant: dict[str, list[ConsumedEvent]] = {}
    for id_, tenant, type_, room, data, created_at in rows:
        if type_ in consumer.event_types and room.startswith("user_"):
            by_tenant.setdefault(tenant, []).append(ConsumedEvent(int(id_), type_, room, data, created_at))
    for tenant, events in by_tenant.items():
        async with unit_of_work(runtime.sessions, tenant) as session:
            await consumer.handle(session, tenant, events)
    await _advance(runtime, consumer, owner, int(rows[-1][0]))
    return len(rows)


async def reset(runtime, name: str, last_id: int = 0) -> None:
    """Moves a consumer's cursor back (replays events from `last_id` on; handlers are idempotent)."""
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        await session.execute(update(ConsumerCursor).where(ConsumerCursor.name == name)
                              .values(last_id=last_id, lease_owner="", lease_until=utcnow()))


async def run_forever(runtime, stop: asyncio.Event) -> None:
    """Runs every registered consumer until `stop` is set (one task per worker)."""
    if not _CONSUMERS or not runtime.settings.consumers_enabled:
        return
    owner = uuid.uuid4().hex
    interval = BUSY_INTERVAL
    failures: dict[str, int] = {}
    while not stop.is_set():
        busy = False
        for consumer in registered():
            try:
                busy |= await run_once(runtime, consumer, owner) > 0
                failures.pop(consumer.name, None)
            except Exception:  # noqa: BLE001 - a failed batch is retried; the loop must go on
                count = failures[consumer.name] = failures.get(consumer.name, 0) + 1
                log.exception("consumer batch failed", extra={"fields": {"consumer": consumer.name,
                                                                         "attempt": count}})
                if count >= MAX_ATTEMPTS:
                    await _skip_batch(runtime, consumer, owner)
                    failures.pop(consumer.name, None)
        interval = BUSY_INTERVAL if busy else min(IDLE_INTERVAL, interval * 2)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass


async def _skip_batch(runtime, consumer: Consumer, owner: str) -> None:
    last = await _lease(runtime, consumer, owner)
    if last is None:
        return
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        rows = (await session.execute(_EVENTS_AFTER, {"last": last, "batch": BATCH})).all()
    if rows:
        log.error("consumer skipped a batch it could not handle",
                  extra={"fields": {"consumer": consumer.name, "first_id": int(rows[0][0]),
                                    "last_id": int(rows[-1][0])}})
        await _advance(runtime, consumer, owner, int(rows[-1][0]))

"""Outbox consumers: background handlers of committed events, run by every gRPC worker.

A domain that reacts to what other domains did (points for a completed lesson) registers a consumer:
the event types it handles and a handler called with a session of one tenant and that tenant's events,
in id order. Nothing is added to the request that caused the event, and the reaction is decided in
one place instead of in every endpoint.

Each consumer keeps a cursor, the last event id it handled (`outbox_consumers`). A worker leases the
cursor (`LEASE_SECONDS`) before handling the next batch, so normally one worker at a time works on a
consumer; after a crash or an expired lease a batch may be handled again, so handlers must be
idempotent (a unique key on what they record), which also makes a replay (cursor reset) safe.
Events are read from the user rooms only (`user_<id>`): every event about a learner goes there, once. Only
numbered events are read (lms.platform.events: ids are final once the sequencer has handed them out).
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

from lms.platform import rooms
from lms.platform.db import ALL_TENANTS, dialect_insert, unit_of_work
from lms.platform.events import OutboxEvent, OutboxSequence
from lms.platform.models import Base, UtcDateTime, utcnow

log = logging.getLogger("lms.consumers")

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


SPAN = 5000  # event ids one read looks through (the matching ones come back: a few, or all of them)
_LAST_NUMBERED = select(OutboxSequence.last_id).where(OutboxSequence.id == 1)
# The consumer's events among ids (last, upto]: the database skips the other types and rooms, so an enrollment
# storm (events no consumer wants) costs the worker one small read per span, not the rows themselves.
_EVENTS_BETWEEN = (select(OutboxEvent.id, OutboxEvent.tenant_id, OutboxEvent.type, OutboxEvent.room, OutboxEvent.data,
                          OutboxEvent.created_at)
                   .where(OutboxEvent.id > bindparam("last"), OutboxEvent.id <= bindparam("upto"),
                          OutboxEvent.type.in_(bindparam("types", expanding=True)),
                          OutboxEvent.room.startswith(rooms.user_room(""), autoescape=True))
                   .order_by(OutboxEvent.id))


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


_CURSORS = select(ConsumerCursor.name, ConsumerCursor.last_id, ConsumerCursor.lease_owner, ConsumerCursor.lease_until)


@dataclasses.dataclass(frozen=True)
class Round:
    """What one round of the loop starts from: the last numbered event id and every consumer's cursor
    (last id, lease owner, lease end), read together in one transaction."""
    numbered: int
    cursors: dict[str, tuple[int, str, datetime]]

    def skips(self, consumer: Consumer, owner: str, now: datetime) -> bool:
        """Whether this round has nothing to do for `consumer` in this worker: another worker's lease is still
        running, or this worker's lease has half its time left and no event is newer than the cursor. An idle
        worker thus runs one short read a round instead of three transactions per consumer."""
        cursor = self.cursors.get(consumer.name)
        if cursor is None:
            return False
        last_id, lease_owner, lease_until = cursor
        if lease_owner != owner:
            return bool(lease_owner) and lease_until > now
        return last_id >= self.numbered and self.held(consumer, owner, now) is not None

    def held(self, consumer: Consumer, owner: str, now: datetime) -> int | None:
        """The consumer's last handled id when this worker's lease on it has more than half its time left
        (its cursor cannot have moved meanwhile), else None: the lease is taken (or renewed) first."""
        cursor = self.cursors.get(consumer.name)
        if cursor is None or cursor[1] != owner or cursor[2] - now <= timedelta(seconds=LEASE_SECONDS / 2):
            return None
        return cursor[0]


async def read_round(runtime) -> Round:
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        numbered = int(await session.scalar(_LAST_NUMBERED) or 0)
        cursors = {name: (int(last_id), lease_owner, lease_until)
                   for name, last_id, lease_owner, lease_until in (await session.execute(_CURSORS)).all()}
    return Round(numbered, cursors)


async def run_once(runtime, consumer: Consumer, owner: str, span: int = SPAN, round_: Round | None = None) -> int:
    """Handles the consumer's events among the next `span` numbered ids; returns how many ids it passed.
    With the round it was read in, a lease this worker holds for a while yet is not taken again."""
    held = round_.held(consumer, owner, utcnow()) if round_ is not None else None
    last = held if held is not None else await _lease(runtime, consumer, owner)
    if last is None:
        return 0
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        numbered = round_.numbered if held is not None else int(await session.scalar(_LAST_NUMBERED) or 0)
        if numbered <= last:
            return 0
        upto = min(numbered, last + span)
        rows = (await session.execute(_EVENTS_BETWEEN, {"last": last, "upto": upto,
                                                        "types": sorted(consumer.event_types)})).all()
    by_tenant: dict[str, list[ConsumedEvent]] = {}
    for id_, tenant, type_, room, data, created_at in rows:
        by_tenant.setdefault(tenant, []).append(ConsumedEvent(int(id_), type_, room, data, created_at))
    for tenant, events in by_tenant.items():
        async with unit_of_work(runtime.sessions, tenant) as session:
            await consumer.handle(session, tenant, events)
    await _advance(runtime, consumer, owner, upto)
    return upto - last


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
        try:
            round_ = await read_round(runtime)
        except Exception:  # noqa: BLE001 - the database is away: every consumer tries (and logs) as before
            round_ = Round(0, {})
        now = utcnow()
        for consumer in registered():
            if round_.skips(consumer, owner, now):
                continue
            try:
                busy |= await run_once(runtime, consumer, owner, round_=round_) > 0
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
        numbered = int(await session.scalar(_LAST_NUMBERED) or 0)
    upto = min(numbered, last + SPAN)
    if upto > last:
        log.error("consumer skipped events it could not handle",
                  extra={"fields": {"consumer": consumer.name, "after_id": last, "upto_id": upto}})
        await _advance(runtime, consumer, owner, upto)

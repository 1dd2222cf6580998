"""Delivery inside one WebSocket server process: number and tail the outbox, fan events out.

Every replica reads the same outbox (the only source of truth) from the newest event at start-up
onwards, so an event reaches every subscribed client whichever gRPC worker committed it and
whichever replica holds the connection. Producers store events without ids; each replica's tail
also runs the sequencer (lms.platform.events.sequence_pending) when it finds events waiting, so ids
are gapless and "everything after the last id read" never skips a late commit.

Wake-ups: every `LMS_WS_POLL_INTERVAL` (default 50 ms) the tail reads what is new and whether events
wait for ids (two indexed reads); while it finds nothing the polls space out to 0.4 s. On PostgreSQL
the sequencer's `NOTIFY lms_outbox` wakes every other replica as soon as a block is numbered, and a
chat message stored by this server wakes its own tail.

Fan-out encodes each event once, as the bytes of a WebSocket frame, and writes them straight
into each subscriber's transport, without a task switch or a re-encoding per client. The
transport's write buffer is the client's queue and is bounded: a client
whose buffer holds more than `LMS_WS_MAX_BUFFER_BYTES` is disconnected (close code 4408) instead
of slowing the others, and can resume where it stopped.

Resume: a paused connection receives no live events; `resume()` sends the stored events it asked
for, then everything it missed while paused, then makes it live again at the exact position the
fan-out has reached (no await between the last check and going live), so nothing is lost or sent
twice.
"""
from __future__ import annotations

import asyncio
import bisect
import logging
import time
from datetime import timedelta
from typing import Iterable, Protocol

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from lms.platform import metrics
from lms.platform.config import Settings
from lms.platform.db import ALL_TENANTS, unit_of_work
from lms.platform.events import (
    EVENT_COLUMNS, NOTIFY_CHANNEL, OutboxEvent, OutboxSequence, has_pending, sequence_pending,
)
from lms.platform.models import utcnow
from lms.realtime.protocol import event_frame

log = logging.getLogger("lms.realtime.hub")
OPEN = State.OPEN
BATCH = 500
DELIVERY_SLICE = 32  # events fanned out between two turns of the event loop
IDLE_POLL_FACTOR = 8  # an idle tail polls every 8 poll intervals at most (0.4 s by default)
PRUNE_EVERY_SECONDS = 3600
RECENT_EVENTS = 4096  # events kept in memory after their fan-out, for resumes (at least this many)
PRUNED_TTL_SECONDS = 60  # how stale the retention horizon a resume is checked against may be


class Member(Protocol):
    """What the hub needs of a connection (lms.realtime.server.Connection)."""

    tenant_id: str
    rooms: dict[str, int]  # room -> events of the room up to this id were not delivered live
    paused: bool
    pause_position: int
    closing: bool
    busy: bool  # set on every event written live (the heartbeat's sign of a connection being fed)
    ws: object

    def kick_slow(self) -> None: ...

    async def send_event(self, frame: bytes) -> None: ...


def wire_frame(payload: bytes) -> bytes:
    """The bytes of one unmasked text frame. Server frames are never masked and the server
    negotiates no extension (compression is off), so the same bytes are valid on every connection
    and are written straight to each transport, whole, between the library's own frames."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False)


class ResumeError(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


class Hub:
    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]):
        self.settings = settings
        self.sessions = sessions
        self.position = 0  # every event up to this id has been fanned out
        self.max_buffer = settings.ws_max_buffer_bytes
        self.delivered = 0
        self._members: dict[tuple[str, str], set[Member]] = {}
        self._wake = asyncio.Event()
        self._numbered_at = 0.0
        self._advanced = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        # The events fanned out lately, in id order, complete after `_recent_from`: a client that resumes from
        # there (every client of a restarted replica, a few events behind) is answered from memory instead of
        # with a query of its own.
        self._recent: list = []
        self._recent_ids: list[int] = []
        self._recent_from = 0
        self._pruned = (0, -1.0)  # (the retention horizon, when it was read)

    # Life cycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        async with unit_of_work(self.sessions, ALL_TENANTS) as session:
            self.position = int(await session.scalar(select(OutboxSequence.last_id)) or 0)
        metrics.ws_delivered(self.position)
        self._recent_from = self.position
        self._tasks.append(asyncio.create_task(self._tail(), name="outbox-tail"))
        if not self.settings.is_sqlite:
            self._tasks.append(asyncio.create_task(self._listen(), name="outbox-listen"))
        if self.settings.outbox_retention_days > 0:
            self._tasks.append(asyncio.create_task(self._prune_periodically(), name="outbox-prune"))
        log.info("hub started", extra={"fields": {"position": self.position}})

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    # Membership --------------------------------------------------------------------------------

    def pause(self, member: Member) -> None:
        """Stops live delivery to `member` until `resume()`."""
        if not member.paused:
            member.paused = True
            member.pause_position = self.position

    def join(self, member: Member, room: str) -> int:
        """Adds `member` to `room`; returns the id after which the room's events reach it."""
        if room not in member.rooms:
            member.rooms[room] = member.pause_position if member.paused else self.position
            self._members.setdefault((member.tenant_id, room), set()).add(member)
            metrics.ws_rooms(len(self._members))
        return member.rooms[room]

    def leave(self, member: Member, room: str) -> None:
        member.rooms.pop(room, None)
        key = (member.tenant_id, room)
        members = self._members.get(key)
        if members is not None:
            members.discard(member)
            if not members:
                del self._members[key]
                metrics.ws_rooms(len(self._members))

    def leave_all(self, member: Member) -> None:
        for room in list(member.rooms):
            self.leave(member, room)

    # Resume ------------------------------------------------------------------------------------

    async def check_resume(self, after: int) -> tuple[int, int]:
        """Raises ResumeError if `after` is ahead of the newest event. Returns (the id from which the
        history is complete: `after`, or the retention horizon if events after it were deleted;
        the newest committed event id, which the resume must reach).

        Without a query when `after` is not past this replica's position (the client cannot have seen an
        event this replica has not read; the later ones come live) and the horizon was read within
        PRUNED_TTL_SECONDS: a restarted replica's clients all resume at once."""
        pruned, read_at = self._pruned
        if after <= self.position and time.monotonic() - read_at < PRUNED_TTL_SECONDS:
            return max(after, pruned), self.position
        async with unit_of_work(self.sessions, ALL_TENANTS) as session:
            last, pruned = (await session.execute(select(OutboxSequence.last_id, OutboxSequence.pruned_id))).one()
        self._pruned = (int(pruned), time.monotonic())
        if after > last:
            raise ResumeError("invalid_resume", f"last_event_id {after} is ahead of the newest event ({last}).")
        return max(after, int(pruned)), int(last)

    async def resume(self, member: Member, after: int | None, rooms: Iterable[str] = (),
                     upto: int = 0) -> tuple[int, int]:
        """Sends the stored events of `rooms` after `after` that `member` has not had, then the events of
        all its rooms it missed while paused, up to at least `upto`, then makes it live.
        Returns (events sent, position)."""
        if not member.paused:
            self.pause(member)
        sent = 0
        if after is not None:
            wanted = {r: member.rooms[r] for r in rooms if r in member.rooms and after < member.rooms[r]}
            cursor = after
            while wanted:
                rows = self._recent_rows(member.tenant_id, cursor, wanted)
                if rows is not None:
                    for row in rows:
                        await member.send_event(event_frame(row.id, row.type, row.room, row.data, row.created_at))
                    sent += len(rows)
                    break
                rows = await self._read(member.tenant_id, or_(*(
                    and_(OutboxEvent.room == room, OutboxEvent.id <= until) for room, until in wanted.items())),
                    cursor)
                for row in rows:
                    await member.send_event(event_frame(row.id, row.type, row.room, row.data, row.created_at))
                sent += len(rows)
                if len(rows) < BATCH:
                    break
                cursor = rows[-1].id
            for room in wanted:
                if room in member.rooms:
                    member.rooms[room] = min(member.rooms[room], after)
        low = max(member.pause_position, after or 0)
        target = max(upto, after or 0)
        while True:
            high = self.position
            if low < high and member.rooms:
                rows = self._recent_rows(member.tenant_id, low, dict.fromkeys(member.rooms, high))
                if rows is not None:
                    for row in rows:
                        await member.send_event(event_frame(row.id, row.type, row.room, row.data, row.created_at))
                    sent += len(rows)
                    low = high
                    continue
                rows = await self._read(member.tenant_id, and_(OutboxEvent.room.in_(list(member.rooms)),
                                                               OutboxEvent.id <= high), low)
                for row in rows:
                    await member.send_event(event_frame(row.id, row.type, row.room, row.data, row.created_at))
                sent += len(rows)
                low = rows[-1].id if len(rows) == BATCH else high
                continue
            if self.position < target and not member.closing:
                # Committed events this replica has not read yet (the client may even have seen them
                # on another replica): wait for the tail rather than deliver them twice (not for a client
                # that is being closed: the tail may be stopping with the server).
                self._wake.set()
                await self._wait_advanced(5.0)
                continue
            break
        # No await since `high` was read: every later event will be delivered live.
        member.paused = False
        return sent, self.position

    def _recent_rows(self, tenant_id: str, after: int, rooms: dict[str, int]) -> list | None:
        """The events of `rooms` (each up to the id given) after `after` from memory, in id order; None when
        memory does not reach back that far."""
        if after < self._recent_from:
            return None
        start = bisect.bisect_right(self._recent_ids, after)
        return [row for row in self._recent[start:] if row.tenant_id == tenant_id and rooms.get(row.room, -1) >= row.id]

    def _remember(self, rows) -> None:
        if rows[0].id != self.position + 1:  # (ids skipped: memory starts again after the gap)
            self._recent.clear()
            self._recent_ids.clear()
            self._recent_from = rows[0].id - 1
        self._recent.extend(rows)
        self._recent_ids.extend(row.id for row in rows)
        if len(self._recent) > 2 * RECENT_EVENTS:
            self._recent_from = self._recent_ids[-RECENT_EVENTS - 1]
            del self._recent[:-RECENT_EVENTS], self._recent_ids[:-RECENT_EVENTS]

    async def _read(self, tenant_id: str, condition, after: int) -> list:
        async with unit_of_work(self.sessions, tenant_id) as session:
            result = await session.execute(select(*EVENT_COLUMNS).where(OutboxEvent.id > after, condition)
                                           .order_by(OutboxEvent.id).limit(BATCH))
            return list(result)

    async def _wait_advanced(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._advanced.wait(), timeout)
        except TimeoutError:
            pass

    # Tail and fan-out --------------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    async def _tail(self) -> None:
        interval = self.settings.outbox_poll_interval
        wait = interval
        while True:
            self._wake.clear()
            try:
                async with unit_of_work(self.sessions, ALL_TENANTS) as session:
                    rows = list(await session.execute(select(*EVENT_COLUMNS).where(OutboxEvent.id > self.position)
                                                      .order_by(OutboxEvent.id).limit(BATCH)))
                    pending = len(rows) < BATCH and await has_pending(session)
                if rows:
                    await self._deliver_in_slices(rows)
                if len(rows) == BATCH or (pending and not await self._number_while_pending()):
                    continue  # more to read (numbered by another replica, too)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep tailing through database hiccups
                log.exception("reading the outbox failed")
                await asyncio.sleep(1)
                continue
            # Idle, the polls space out (each costs a transaction) up to IDLE_POLL_FACTOR intervals; any event
            # found, and any wake-up (a NOTIFY, a chat message stored here), brings them back to one interval.
            wait = interval if rows or pending else min(wait * 2, interval * IDLE_POLL_FACTOR)
            try:
                await asyncio.wait_for(self._wake.wait(), wait)
                wait = interval
            except TimeoutError:
                pass

    async def _number_while_pending(self) -> bool:
        """Numbers waiting events, a block per poll interval while there are any (so a block gathers what
        arrives meanwhile: under any load an event waits about one interval), delivering each block once
        committed. Returns False when a block did not follow this replica's position (another replica
        numbered events in between: read those first)."""
        while True:
            await asyncio.sleep(max(0.0, self._numbered_at + self.settings.outbox_poll_interval - time.monotonic()))
            self._numbered_at = time.monotonic()
            async with unit_of_work(self.sessions, ALL_TENANTS) as session:
                block = await sequence_pending(session)
            if not block:
                return True
            if block[0].id != self.position + 1:
                return False
            await self._deliver_in_slices(block)

    async def _deliver_in_slices(self, rows) -> None:
        """Fans `rows` out DELIVERY_SLICE at a time, letting the loop flush the sockets in between: written in
        one go, a block of a few hundred large events would fill even a fast reader's buffer past
        `LMS_WS_MAX_BUFFER_BYTES` before a byte of it was sent. (The position advances per slice, which is
        what `resume` relies on.)"""
        for start in range(0, len(rows), DELIVERY_SLICE):
            if start:
                await asyncio.sleep(0)
            try:
                self.deliver(rows[start:start + DELIVERY_SLICE])
            except Exception:  # noqa: BLE001 - keep delivering later events
                log.exception("fan-out failed")

    def deliver(self, rows) -> None:
        """Fans committed outbox rows (in id order) out to the live members of their rooms."""
        started = time.perf_counter()
        if rows[0].id != self.position + 1:
            log.warning("outbox ids skip", extra={"fields": {"after": self.position, "next": rows[0].id}})
        slow = []
        self._remember(rows)
        cpu, delivered = time.thread_time(), self.delivered
        try:
            # Consecutive events of one room (a burst of chat messages) go to each member in one write.
            start = 0
            while start < len(rows):
                key = (rows[start].tenant_id, rows[start].room)
                end = start + 1
                while end < len(rows) and (rows[end].tenant_id, rows[end].room) == key:
                    end += 1
                members = self._members.get(key)
                if members:
                    wire = b"".join(wire_frame(event_frame(row.id, row.type, row.room, row.data, row.created_at))
                                    for row in rows[start:end])
                    self._fan_out(wire, end - start, members, slow)
                start = end
        finally:
            # Even if something failed half-way, never go back: a retry would send duplicates.
            self.position = rows[-1].id
            metrics.ws_delivered(self.position)
            metrics.ws_fanned_out(self.delivered - delivered, time.thread_time() - cpu)
            advanced, self._advanced = self._advanced, asyncio.Event()
            advanced.set()
            for member in slow:
                member.kick_slow()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("fan-out", extra={"fields": {"events": len(rows), "position": self.position,
                                                   "ms": round((time.perf_counter() - started) * 1000, 2)}})

    def _fan_out(self, wire: bytes, events: int, members: set[Member], slow: list[Member]) -> None:
        """Writes `wire` (whole frames) into the transport of every live member: per member, a few attribute
        reads and one write (one system call), nothing else (bench/ws_fanout.py measures it)."""
        max_buffer = self.max_buffer
        written = 0
        for member in members:
            if member.paused or member.closing:
                continue
            ws = member.ws
            transport = ws.transport
            if ws.protocol.state is not OPEN or transport.is_closing():
                continue
            if transport.get_write_buffer_size() > max_buffer:
                slow.append(member)
                continue
            try:
                transport.write(wire)
            except Exception:  # noqa: BLE001 - a connection going away; the others must still get it
                log.warning("write failed", exc_info=True)
                continue
            member.busy = True
            written += 1
        self.delivered += written * events

    async def _listen(self) -> None:
        """PostgreSQL: wakes the tail whenever a sequencer (this replica's or another's) numbered events."""
        import psycopg

        url = self.settings.sync_database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._wake.set()  # whatever committed while nobody listened
                    async for _ in connection.notifies():
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the poll keeps delivering meanwhile
                log.exception("listening for outbox notifications failed; retrying")
                await asyncio.sleep(1)

    # Retention ---------------------------------------------------------------------------------

    async def _prune_periodically(self) -> None:
        while True:
            await asyncio.sleep(60)
            try:
                await self.prune()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001
                log.exception("pruning the outbox failed")
            await asyncio.sleep(PRUNE_EVERY_SECONDS - 60)

    async def prune(self) -> int:
        """Deletes events older than the retention period; returns how many."""
        cutoff = utcnow() - timedelta(days=self.settings.outbox_retention_days)
        total = 0
        while True:
            async with unit_of_work(self.sessions, ALL_TENANTS) as session:
                upto = await session.scalar(select(OutboxEvent.id).where(OutboxEvent.created_at < cutoff)
                                            .order_by(OutboxEvent.id.desc()).limit(1))
                if upto is None:
                    return total
                first = await session.scalar(select(OutboxEvent.id).order_by(OutboxEvent.id).limit(1))
                upto = min(upto, first + 5000)
                result = await session.execute(delete(OutboxEvent).where(OutboxEvent.id <= upto)
                                               .execution_options(synchronize_session=False))
                total += result.rowcount
                self._pruned = (max(self._pruned[0], upto), self._pruned[1])
                # Last, so the sequencers wait on the sequence row only for the commit.
                await session.execute(update(OutboxSequence).where(OutboxSequence.pruned_id < upto)
                                      .values(pruned_id=upto))

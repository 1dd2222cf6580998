"""Real WebSocket clients of the running stack, and a producer that commits events like a domain does."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from lms.platform.config import Settings
from lms.platform.db import create_engine, create_sessionmaker, unit_of_work
from lms.platform import rooms as room_names
from lms.platform.events import declare, emit
from tests.stack import Stack

TIMEOUT = 10.0
# Event types only the tests produce (markers, ordering probes): declared like any other, for every kind of room.
for _test_type in ("test.marker", "test.start", "test.old", "test.new"):
    declare(_test_type, *room_names.KINDS)


# Points are awarded in the background from learner events (lms.gamification), so a learner's room also gets
# `points.awarded` some time after a lesson or course event; tests of other events do not wait for them.
REACTIONS = frozenset({"points.awarded"})


def _is_event(frame: dict) -> bool:
    return {"id", "data", "created_at"} <= set(frame)


class Client:
    """One WebSocket connection speaking the JSON protocol (`points.awarded` frames skipped unless asked for)."""

    def __init__(self, ws: ClientConnection, connected: dict | None, *, reactions: bool = False):
        self.ws = ws
        self.connected = connected
        self.reactions = reactions
        self._held: list[dict] = []  # events that arrived while `subscribe` waited for its replies

    async def recv(self, timeout: float = TIMEOUT) -> dict:
        if self._held:
            return self._held.pop(0)
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if self.reactions or frame.get("type") not in REACTIONS:
                return frame

    async def send(self, **message: Any) -> None:
        await self.ws.send(json.dumps(message))

    async def send_raw(self, data) -> None:
        await self.ws.send(data)

    async def request(self, **message: Any) -> dict:
        await self.send(**message)
        return await self.recv()

    async def expect(self, kind: str, timeout: float = TIMEOUT) -> dict:
        frame = await self.recv(timeout)
        assert frame["type"] == kind, frame
        return frame

    async def events(self, count: int, timeout: float = TIMEOUT) -> list[dict]:
        """The next `count` frames, which must all be events."""
        frames = [await self.recv(timeout) for _ in range(count)]
        for frame in frames:
            assert set(frame) == {"type", "room", "id", "data", "created_at"}, frame
        return frames

    async def subscribe(self, *rooms: str, **extra: Any) -> list[dict]:
        """The replies to subscribing to `rooms`, one per room. Events of rooms already joined (the user's own
        room, say) may arrive before them: they are held for the next `recv`, in order."""
        if not rooms:
            return []
        await self.send(type="subscribe", rooms=list(rooms), **extra)
        replies, held = [], []
        while len(replies) < len(rooms):
            frame = await self.recv()
            (held if _is_event(frame) else replies).append(frame)
        self._held = held + self._held
        return replies

    async def closed(self, timeout: float = TIMEOUT) -> tuple[int, str]:
        """Reads until the server closes the connection; returns (code, reason)."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        except ConnectionClosed as exc:
            received = exc.rcvd
            return (received.code, received.reason) if received else (1006, "")

    async def close(self) -> None:
        await self.ws.close()


def ws_url(base: str, token: str | None = None, **query: Any) -> str:
    params = {k: v for k, v in {"token": token, **query}.items() if v is not None}
    return base + ("?" + urlencode(params) if params else "")


async def open_client(url: str, *, expect_connected: bool = True, **connect_kw) -> Client:
    # Envoy waits up to 1 s (delayed_close_timeout) for the client to drop the TCP connection after
    # the closing handshake, while websockets clients wait for the server: close quickly instead.
    connect_kw.setdefault("close_timeout", 0.2)
    ws = await connect(url, open_timeout=TIMEOUT, max_size=None, compression=None, **connect_kw)
    connected = None
    if expect_connected:
        connected = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        assert connected["type"] == "connected", connected
    return Client(ws, connected)


@asynccontextmanager
async def clients(stack: Stack, *actors, base: str | None = None, **query):
    """Connects each actor (through the edge unless `base` is given) and closes them afterwards."""
    opened = []
    try:
        for actor in actors:
            opened.append(await open_client(ws_url(base or stack.ws_url, actor.token, **query)))
        yield opened
    finally:
        for client in opened:
            await client.close()


# Producing events as a domain does: a committed (or rolled back) transaction on the stack's database.

@asynccontextmanager
async def transaction(stack: Stack, tenant_id: str):
    """A unit of work for `tenant_id` on the stack's database, as the service's own role."""
    settings = dataclasses.replace(Settings.from_env(), database_url=stack.database_url, db_pool_size=2)
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant_id) as session:
            yield session
    finally:
        await engine.dispose()


async def produce(stack: Stack, tenant_id: str, event_type: str, rooms, data: dict) -> list[int]:
    """Commits one transaction emitting `event_type` to `rooms`; returns the event ids (once given)."""
    async with transaction(stack, tenant_id) as session:
        events = emit(session, event_type, rooms, data)
    return await numbered(stack, [e.seq for e in events])


async def numbered(stack: Stack, seqs: list[int], timeout: float = TIMEOUT) -> list[int]:
    """The ids of the stored events `seqs`, waiting for the sequencer (the stack's WebSocket servers)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = await asyncio.to_thread(stack.sql, "SELECT seq, id FROM outbox_events WHERE seq BETWEEN :low AND :high",
                                       low=min(seqs), high=max(seqs))
        ids = [dict(rows).get(seq) for seq in seqs]
        if None not in ids:
            return ids
        assert time.monotonic() < deadline, f"events {seqs} were not numbered within {timeout} s"
        await asyncio.sleep(0.02)


def enroll(stack: Stack, tenant_id: str, course_id: int, user_id: str, active: bool = True) -> None:
    """An enrollment row (the enrollment API belongs to another slice)."""
    stack.sql("INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active) "
              "VALUES (:tenant, :course, :user, CURRENT_TIMESTAMP, :active)",
              tenant=tenant_id, course=course_id, user=user_id, active=active)


async def caught_up(stack: Stack, tenant, base: str | None = None) -> int:
    """Returns (the id of a marker event) once the WebSocket server has read every event committed so far."""
    watcher = tenant.actor("student")
    client = await open_client(ws_url(base or stack.ws_url, watcher.token))
    try:
        ids = await produce(stack, tenant.id, "test.marker", f"user_{watcher.user_id}", {})
        (frame,) = await client.events(1)
        assert frame["id"] == ids[0], frame
        return ids[0]
    finally:
        await client.close()

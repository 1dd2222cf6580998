"""The WebSocket server process: live events for web clients at ws://<edge>/ws/lms/?token=<JWT>.

    python -m lms.realtime.server --port 50081      (or `lms ws --port 50081`)

Each connection authenticates with the same JWT verification as the gRPC server, joins its
user's private room, subscribes to rooms it may join (lms.realtime.rooms), receives the events of
those rooms from the outbox (lms.realtime.hub) and may post chat messages, which are stored by
the chat service over gRPC with the client's own token. The protocol is documented in
protos/lms/realtime/v1/realtime.proto and the README.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import random
import math
import resource
import signal
import socket
import time
import uuid
from collections import defaultdict
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import grpc
import uvloop
from google.protobuf import json_format, struct_pb2
from google.rpc import status_pb2
from websockets.asyncio.server import ServerConnection, broadcast, serve, unix_serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request

from lms.chat.v1 import chat_pb2, chat_pb2_grpc
from lms.platform import logs, metrics
from lms.platform.auth import Principal, TokenVerifier
from lms.platform.config import Settings, get_settings
from lms.platform.db import create_engine, create_sessionmaker, unit_of_work
from lms.platform.errors import AuthenticationFailed
from lms.realtime import protocol, rooms
from lms.realtime.hub import Hub, ResumeError
from lms.realtime.protocol import BadMessage

log = logging.getLogger("lms.realtime")
PATHS = ("/ws/lms", "/ws/lms/")
MAX_MESSAGE_BYTES = 64 * 1024  # larger messages get an error frame ...
MAX_FRAME_BYTES = 1024 * 1024  # ... and beyond this the connection is closed with 1009 (the library's limit)
GRPC_TIMEOUT_SECONDS = 10
SLOW_CLOSE_TIMEOUT_SECONDS = 30
RECONNECT_SPREAD_MS = 2000  # clients of a stopping server are told to reconnect within this (at random)
BUCKET_CAPACITY = 60  # messages a client may send in a burst
BUCKET_RATE = 20.0  # ... and per second after that
# Connection cost (bench/ws_fanout.py measures it): incoming frames a connection buffers before it stops
# reading (clients send little; the library's default is 16), and room checks answered by one statement.
MAX_QUEUE = 4
ROOM_CHECK_BATCH = 1000
UNIX_BACKLOG = 4096  # (net.core.somaxconn caps it)
HEARTBEAT_SLICE = 500  # connections pinged between two turns of the event loop
# The connections are pinged in this many groups, one group per 1/HEARTBEAT_GROUPS of the interval: 10,000
# pings at once (and their 10,000 pongs) held back a fan-out that met them by ~450 ms (bench/ws_fanout.py,
# last arrival 684 ms instead of 228 ms); spread out, each second costs the same few milliseconds.
HEARTBEAT_GROUPS = 20
_OPENED = itertools.count()
JITTER_MIN_MS, JITTER_MAX_MS = 1000, 60000
HANDLED_REQUEST = Request("", Headers())


class Connection:
    """One client: its identity, rooms and delivery state (the hub's `Member`)."""

    __slots__ = ("server", "ws", "principal", "token", "tenant_id", "rooms", "paused", "pause_position", "closing",
                 "opened", "_tokens", "_refilled", "_expiry", "_close_task", "pong", "pinged", "busy",
                 "heartbeat_group")

    def __init__(self, server: "RealtimeServer", ws: ServerConnection, principal: Principal, token: str):
        self.server = server
        self.ws = ws
        self.principal = principal
        self.token = token
        self.tenant_id = principal.tenant_id
        self.rooms: dict[str, int] = {}
        self.paused = False
        self.pause_position = 0
        self.closing = False
        self.opened = time.monotonic()
        self._tokens = float(BUCKET_CAPACITY)
        self._refilled = time.monotonic()
        self._expiry: asyncio.TimerHandle | None = None
        self._close_task: asyncio.Task | None = None
        self.pong: asyncio.Future | None = None  # the heartbeat's last ping, until its pong arrives
        self.pinged = self.opened
        self.busy = False  # the hub wrote events to it since the heartbeat last looked
        self.heartbeat_group = next(_OPENED) % HEARTBEAT_GROUPS  # (round robin: the groups stay even)

    @property
    def user_id(self) -> str:
        return self.principal.user_id

    def push(self, frame: str) -> None:
        """Writes a reply now, in order with live events; a client that lets replies pile up is dropped."""
        if self.closing:
            return
        transport = self.ws.transport
        if transport is not None and transport.get_write_buffer_size() > self.server.hub.max_buffer:
            self.kick_slow()
            return
        broadcast([self.ws], frame)

    async def send_event(self, frame: bytes) -> None:
        await self.ws.send(frame, text=True)

    def kick(self, code: int, reason: str) -> None:
        """Closes the connection with `code` (safe to call from the fan-out: never blocks)."""
        if self.closing:
            return
        self.closing = True
        self.server.hub.leave_all(self)
        log.info("closing connection", extra={"fields": {"user": self.user_id, "tenant": self.tenant_id,
                                                         "code": code, "reason": reason}})
        self._close_task = asyncio.get_running_loop().create_task(self.ws.close(code, reason))

    def kick_slow(self) -> None:
        # No more events are written; give the client time to read what is buffered and the reason.
        self.ws.close_timeout = SLOW_CLOSE_TIMEOUT_SECONDS
        self.kick(protocol.CLOSE_SLOW_CONSUMER, protocol.REASON_SLOW)

    def schedule_expiry(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        if self.principal.expires_at is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, self.principal.expires_at - time.time())
            self._expiry = loop.call_later(delay, self.kick, protocol.CLOSE_UNAUTHENTICATED, protocol.REASON_EXPIRED)

    def admit_message(self) -> bool:
        """Token bucket of incoming messages; False if this one must be refused."""
        now = time.monotonic()
        self._tokens = min(BUCKET_CAPACITY, self._tokens + (now - self._refilled) * BUCKET_RATE)
        self._refilled = now
        self._tokens -= 1
        if self._tokens < -BUCKET_CAPACITY:
            self.kick(protocol.CLOSE_TOO_MANY_MESSAGES, protocol.REASON_FLOOD)
        return self._tokens >= 0

    def dispose(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        self.closing = True
        self.server.hub.leave_all(self)


class RoomChecks:
    """Answers "may this principal join this room?" in batches: the questions asked while one batch is being
    answered wait for the next, and each batch takes one transaction per tenant and one statement per course
    room (`rooms.access_many`). When thousands of clients connect at once (a restarted replica's clients come
    back together), that is a few statements instead of a transaction per client."""

    def __init__(self, sessions):
        self.sessions = sessions
        self._pending: list[tuple[Principal, rooms.Room, asyncio.Future]] = []
        self._draining: asyncio.Task | None = None

    async def check_all(self, questions: list[tuple[Principal, rooms.Room]]) -> list[rooms.Access]:
        if not questions:
            return []
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in questions]
        self._pending.extend((p, r, f) for (p, r), f in zip(questions, futures))
        if self._draining is None:
            self._draining = loop.create_task(self._drain(), name="room-checks")
        return list(await asyncio.gather(*futures))

    async def _drain(self) -> None:
        batch: list = []
        try:
            while self._pending:
                batch, self._pending = self._pending[:ROOM_CHECK_BATCH], self._pending[ROOM_CHECK_BATCH:]
                by_tenant: dict[str, list] = defaultdict(list)
                for item in batch:
                    if not item[2].done():  # (its connection went away meanwhile)
                        by_tenant[item[0].tenant_id].append(item)
                for tenant_id, items in by_tenant.items():
                    try:
                        async with unit_of_work(self.sessions, tenant_id) as session:
                            answers = await rooms.access_many(session, [(p, r) for p, r, _ in items])
                    except Exception as exc:  # noqa: BLE001 - each asker gets the error, as from its own query
                        for *_, future in items:
                            if not future.done():
                                future.set_exception(exc)
                        continue
                    for (*_, future), answer in zip(items, answers):
                        if not future.done():
                            future.set_result(answer)
        except asyncio.CancelledError:  # the server stops: nobody gets an answer
            for *_, future in batch + self._pending:
                future.cancel()
            raise
        finally:
            self._draining = None


class RealtimeServer:
    """One WebSocket server process: its connections, its hub and its channel to the gRPC services."""

    def __init__(self, settings: Settings):
        self.settings = settings
        # The outbox fills and empties faster than its statistics follow: planned from stale estimates, the
        # tail's and the sequencer's reads became scans of the whole table and of every dead entry of the
        # pending index (~15 ms a turn); as index scans they also mark those entries dead for the next turn.
        self.engine = create_engine(self.settings, index_scans_only=True)
        self.sessions = create_sessionmaker(self.engine)
        self.verifier = TokenVerifier(self.settings)
        self.hub = Hub(self.settings, self.sessions)
        self.checks = RoomChecks(self.sessions)
        self.connections: set[Connection] = set()
        self.opening = 0  # connections authenticated whose `connected` frame is not sent yet
        self.channel: grpc.aio.Channel | None = None
        self.chat: chat_pb2_grpc.ChatServiceStub | None = None
        self._sweeper: asyncio.Task | None = None
        self.stopping = False
        self._heartbeat_task: asyncio.Task | None = None

    # Life cycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        target = self.settings.grpc_target
        self.channel = grpc.aio.insecure_channel(target, options=[("grpc.lb_policy_name", "round_robin")])
        self.chat = chat_pb2_grpc.ChatServiceStub(self.channel)
        await self.hub.start()
        if self.settings.ws_reauth_seconds > 0:
            self._sweeper = asyncio.create_task(self._recheck_rooms_periodically())
        if self.settings.ws_ping_interval > 0:
            self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="heartbeat")

    async def stop(self) -> None:
        """Tells every client the last event id it has been sent and when to reconnect (a `restarting`
        frame, after every event it refers to), then closes with 1012; /healthz answers 503 from here."""
        self.stopping = True
        for conn in list(self.connections):
            if conn.closing:
                continue
            position = conn.pause_position if conn.paused else self.hub.position
            delay = random.randrange(RECONNECT_SPREAD_MS)  # spreads the reconnections over the other replicas
            conn.push(protocol.reply("restarting", last_event_id=position, reconnect_after_ms=delay))
            conn.kick(protocol.CLOSE_SERVICE_RESTART, protocol.restart_reason(position))
        closing = [c._close_task for c in self.connections if c._close_task is not None]
        if closing:
            await asyncio.wait(closing, timeout=5)
        for task in (self._sweeper, self._heartbeat_task):
            if task is not None:
                task.cancel()
        await self.hub.stop()
        if self.channel is not None:
            await self.channel.close()
        await self.engine.dispose()

    def process_request(self, connection: ServerConnection, request):
        path = urlsplit(request.path).path
        if self.stopping and path in (*PATHS, "/healthz"):
            # A stopping server takes no new clients: the ones it just closed with 1012 come back within a second
            # or two, and one accepted now would wait on a hub that is stopping. Refused, they try again (with
            # their jitter) and reach another replica, or this one restarted.
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "stopping\n")
        if path == "/healthz":
            return connection.respond(HTTPStatus.OK, "ok\n")
        if path not in PATHS:
            response = connection.respond(HTTPStatus.NOT_FOUND, '{"detail": "Not found."}')
            del response.headers["Content-Type"]
            response.headers["Content-Type"] = "application/json"
            return response
        return None

    # Connections -------------------------------------------------------------------------------

    def reconnect_jitter_ms(self) -> int:
        """How long this server's clients should spread their reconnects over when it goes away (or sheds
        them): its connections at LMS_WS_RECONNECT_RATE, within 1 s and 60 s."""
        spread = math.ceil(len(self.connections) * 1000 / max(self.settings.ws_reconnect_rate, 1))
        return min(JITTER_MAX_MS, max(JITTER_MIN_MS, spread))

    def overloaded(self) -> bool:
        return len(self.connections) >= self.settings.ws_max_connections or \
            self.opening >= self.settings.ws_max_opening

    async def handler(self, ws: ServerConnection) -> None:
        if self.overloaded():  # shed before any work: 1013 Try Again Later, with how long to wait
            await ws.close(protocol.CLOSE_TRY_AGAIN_LATER, protocol.busy_reason(self.reconnect_jitter_ms()))
            return
        query = dict(parse_qsl(urlsplit(ws.request.path).query, keep_blank_values=True))
        token = query.get("token", "").strip()
        if not token:
            scheme, _, value = ws.request.headers.get("Authorization", "").partition(" ")
            token = value.strip() if scheme.lower() == "bearer" else ""
        if not token:
            await ws.close(protocol.CLOSE_UNAUTHENTICATED, protocol.REASON_NO_TOKEN)
            return
        try:
            principal = self.verifier.verify(token)
        except AuthenticationFailed as exc:
            log.info("token rejected", extra={"fields": {"why": exc.why}})
            await ws.close(protocol.CLOSE_UNAUTHENTICATED, protocol.REASON_BAD_TOKEN)
            return
        conn = Connection(self, ws, principal, token)
        self.connections.add(conn)
        metrics.ws_connection(1)
        conn.schedule_expiry()
        # The handshake's request and response (headers, the URL with its token) are not needed any more: one
        # shared empty request stands for them (the library only tests that there was one).
        ws.request, ws.response = HANDLED_REQUEST, None
        try:
            self.opening += 1
            try:
                await self._open(conn, query)
            finally:
                self.opening -= 1
            async for raw in ws:
                if conn.closing:
                    break
                await self._dispatch(conn, raw)
        except ConnectionClosed:
            pass
        finally:
            if conn._close_task is not None:  # let the close frame with our code go out first
                await asyncio.gather(conn._close_task, return_exceptions=True)
            conn.dispose()
            self.connections.discard(conn)
            metrics.ws_connection(-1)
            log.info("connection closed", extra={"fields": {
                "user": conn.user_id, "tenant": conn.tenant_id, "code": ws.close_code,
                "seconds": round(time.monotonic() - conn.opened, 1)}})

    async def _open(self, conn: Connection, query: dict) -> None:
        """Joins the user room and ?rooms=, sends `connected`, then replays ?last_event_id= if given."""
        self.hub.pause(conn)
        self.hub.join(conn, rooms.user_room(conn.user_id))
        errors = []
        wanted = [r for r in query.get("rooms", "").split(",") if r.strip()]
        if wanted:
            errors = await self._join(conn, [r.strip() for r in wanted], None, reply=False)
        after = None
        raw_after = query.get("last_event_id", "").strip()
        if raw_after:
            if raw_after.isascii() and raw_after.isdigit():
                after = int(raw_after)
            else:
                errors.append(protocol.error("invalid_resume", "last_event_id must be 0 or more."))
        refused = [{"room": f["room"], "code": f["code"], "reason": f["reason"]}
                   for f in map(json.loads, errors) if "room" in f]
        conn.push(protocol.reply("connected", user_id=conn.user_id, tenant_id=conn.tenant_id,
                                 rooms=list(conn.rooms), last_event_id=conn.pause_position, refused=refused,
                                 reconnect_jitter_ms=self.reconnect_jitter_ms()))
        for frame in errors:
            conn.push(frame)
        await self._resume(conn, after, list(conn.rooms), ref=None)

    async def _resume(self, conn: Connection, after: int | None, room_names: list[str], ref: Any) -> None:
        """Replays what the (paused) client asked for and makes it live; answers `resumed` if it asked."""
        start, upto = after, 0
        try:
            if after is not None:
                try:
                    after, upto = await self.hub.check_resume(after)
                except ResumeError as exc:
                    conn.push(protocol.error(exc.code, exc.reason, ref))
                    after = None
                else:
                    if after != start:
                        conn.push(protocol.error(
                            "history_unavailable", f"Events up to {after} were deleted by retention "
                            f"({self.settings.outbox_retention_days} days); later ones follow.", ref))
            replayed, position = await self.hub.resume(conn, after, room_names, upto)
        except Exception:
            if not conn.closing:
                conn.kick(1011, "Internal error.")
            raise
        if start is not None:
            conn.push(protocol.reply("resumed", ref, from_event_id=start, last_event_id=position, replayed=replayed))

    async def _join(self, conn: Connection, names: list[str], ref: Any, reply: bool = True) -> list[str]:
        """Authorises and joins rooms in order, answering `subscribed` or `error` for each; with
        reply=False the answers are returned instead of sent (and joins are not confirmed)."""
        held = []

        def answer(frame: str) -> None:
            if reply:
                conn.push(frame)
            else:
                held.append(frame)

        wanted = {name: rooms.parse_room(name) for name in dict.fromkeys(names)}
        asked = [name for name, room in wanted.items() if room is not None and name not in conn.rooms]
        asked = asked[:max(0, self.settings.ws_max_rooms - len(conn.rooms))]  # (more could not be joined)
        verdicts = dict(zip(asked, await self.checks.check_all([(conn.principal, wanted[n]) for n in asked])))
        for name, room in wanted.items():
            if room is None:
                answer(protocol.error("invalid_room", f"{name!r} is not a room name.", ref, room=name))
                continue
            if name in conn.rooms:
                verdict = rooms.Access.ALLOWED
            elif len(conn.rooms) >= self.settings.ws_max_rooms or name not in verdicts:
                answer(protocol.error("too_many_rooms", f"A connection may join at most "
                                            f"{self.settings.ws_max_rooms} rooms.", ref, room=name))
                continue
            else:
                verdict = verdicts[name]
            if verdict is rooms.Access.ALLOWED:
                since = self.hub.join(conn, name)
                if reply:
                    conn.push(protocol.reply("subscribed", ref, room=name, last_event_id=since))
            elif verdict is rooms.Access.NOT_FOUND:
                answer(protocol.error("not_found", "Not found.", ref, room=name))
            else:
                answer(protocol.error("forbidden", "You do not have permission to join this room.", ref,
                                            room=name))
        return held

    # Messages ----------------------------------------------------------------------------------

    async def _dispatch(self, conn: Connection, raw) -> None:
        if not conn.admit_message():
            if not conn.closing:
                conn.push(protocol.error("throttled", "Too many messages; slow down."))
            return
        if len(raw) > MAX_MESSAGE_BYTES:
            conn.push(protocol.error("invalid_message", f"Messages are limited to {MAX_MESSAGE_BYTES} bytes."))
            return
        try:
            message, ref, keys = protocol.parse(raw)
            handler = getattr(self, f"_on_{message.type}")
            await handler(conn, message, ref, keys)
        except BadMessage as exc:
            conn.push(protocol.error(exc.code, exc.reason, exc.extra.get("ref"),
                                           **{k: v for k, v in exc.extra.items() if k != "ref"}))

    @staticmethod
    def _room_names(message, ref) -> list[str]:
        names = ([message.room] if message.room else []) + list(message.rooms)
        if not names:
            raise BadMessage("invalid_message", "Name a room with `room` or `rooms`.", ref=ref)
        return names

    async def _on_subscribe(self, conn: Connection, message, ref, keys) -> None:
        names = self._room_names(message, ref)
        history = message.HasField("last_event_id")
        if history:
            self.hub.pause(conn)
        try:
            await self._join(conn, names, ref)
        finally:
            if history:
                await self._resume(conn, message.last_event_id, [n for n in names if n in conn.rooms], ref)

    async def _on_unsubscribe(self, conn: Connection, message, ref, keys) -> None:
        names = self._room_names(message, ref)
        for name in dict.fromkeys(names):
            if rooms.parse_room(name) is None:
                conn.push(protocol.error("invalid_room", f"{name!r} is not a room name.", ref, room=name))
                continue
            self.hub.leave(conn, name)
            conn.push(protocol.reply("unsubscribed", ref, room=name, reason=""))

    async def _on_resume(self, conn: Connection, message, ref, keys) -> None:
        if not message.HasField("last_event_id"):
            raise BadMessage("invalid_resume", "resume needs last_event_id.", ref=ref)
        self.hub.pause(conn)
        await self._resume(conn, message.last_event_id, list(conn.rooms), ref)

    async def _on_ping(self, conn: Connection, message, ref, keys) -> None:
        conn.push(protocol.reply("pong", ref))

    async def _on_authenticate(self, conn: Connection, message, ref, keys) -> None:
        try:
            principal = self.verifier.verify(message.token.strip())
        except AuthenticationFailed as exc:
            log.info("token rejected", extra={"fields": {"why": exc.why}})
            raise BadMessage("invalid_token", protocol.REASON_BAD_TOKEN, ref=ref) from None
        if (principal.user_id, principal.tenant_id) != (conn.user_id, conn.tenant_id):
            raise BadMessage("invalid_token", "The token belongs to another user.", ref=ref)
        conn.principal, conn.token = principal, message.token.strip()
        conn.schedule_expiry()
        conn.push(protocol.reply("ack", ref, action="authenticate", data={}))

    async def _on_chat_message(self, conn: Connection, message, ref, keys) -> None:
        if not message.room:
            raise BadMessage("validation", "The message was not stored.", ref=ref,
                             errors={"room": ["This field is required."]})
        body = chat_pb2.RoomMessageInput(message=json_format.ParseDict(message.message, struct_pb2.Value())) \
            if "message" in keys else chat_pb2.RoomMessageInput()
        request = chat_pb2.PostRoomMessageRequest(room=message.room, message=body)
        metadata = (("authorization", f"Bearer {conn.token}"), ("x-request-id", uuid.uuid4().hex))
        try:
            stored = await self.chat.PostRoomMessage(request, metadata=metadata, timeout=GRPC_TIMEOUT_SECONDS)
        except grpc.aio.AioRpcError as exc:
            await self._chat_failed(conn, exc, message.room, ref)
            return
        self.hub.wake()  # its event is committed: number and deliver it now rather than at the next poll
        data = json_format.MessageToDict(stored, preserving_proto_field_name=True,
                                         always_print_fields_with_no_presence=True)
        conn.push(protocol.reply("ack", ref, action="chat_message", data=data))

    async def _chat_failed(self, conn: Connection, exc: grpc.aio.AioRpcError, room: str, ref) -> None:
        body = _error_body(exc)
        code = exc.code()
        if code == grpc.StatusCode.INVALID_ARGUMENT:
            conn.push(protocol.error("validation", "The message was not stored.", ref, room=room, errors=body))
        elif code == grpc.StatusCode.NOT_FOUND:
            conn.push(protocol.error("not_found", "Not found.", ref, room=room))
        elif code == grpc.StatusCode.PERMISSION_DENIED:
            conn.push(protocol.error("forbidden", body.get("detail", "Forbidden."), ref, room=room))
        elif code == grpc.StatusCode.RESOURCE_EXHAUSTED:
            conn.push(protocol.error("throttled", body.get("detail", "Request was throttled."), ref, room=room))
        elif code == grpc.StatusCode.UNAUTHENTICATED:
            conn.kick(protocol.CLOSE_UNAUTHENTICATED, protocol.REASON_EXPIRED)
        else:
            log.warning("chat message not stored", extra={"fields": {"code": code.name, "user": conn.user_id}})
            conn.push(protocol.error("unavailable", "The message could not be stored; try again.", ref,
                                           room=room))

    # Membership changes ------------------------------------------------------------------------

    async def _recheck_rooms_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.settings.ws_reauth_seconds)
            try:
                await self.recheck_rooms()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001
                log.exception("re-checking room access failed")

    async def recheck_rooms(self) -> None:
        """Removes clients from rooms they may no longer join (unenrolled, course deleted, ...)."""
        held = [(conn, name) for conn in list(self.connections) if not conn.closing
                for name in conn.rooms if name != rooms.user_room(conn.user_id)]
        verdicts = await self.checks.check_all([(conn.principal, rooms.parse_room(name)) for conn, name in held])
        for (conn, name), verdict in zip(held, verdicts):
            if verdict is not rooms.Access.ALLOWED and name in conn.rooms and not conn.closing:
                self.hub.leave(conn, name)
                conn.push(protocol.reply("unsubscribed", room=name, reason="Access to the room was revoked."))

    async def _heartbeat(self) -> None:
        """Pings every connection once each LMS_WS_PING_INTERVAL from this one task (the library's keepalive is a
        task per connection), one group of connections at a time spread over the interval, and closes with 1011
        those that left a ping unanswered for LMS_WS_PING_TIMEOUT. A connection with unsent bytes is not pinged
        (that would wait for it to drain) but is closed once it has answered nothing for an interval and a
        timeout; one the hub is writing events to is not timed out."""
        interval, timeout = self.settings.ws_ping_interval, self.settings.ws_ping_timeout
        group = 0
        while True:
            await asyncio.sleep(interval / HEARTBEAT_GROUPS)
            group = (group + 1) % HEARTBEAT_GROUPS
            now = time.monotonic()
            due = [conn for conn in self.connections if conn.heartbeat_group == group]
            for n, conn in enumerate(due):
                if n % HEARTBEAT_SLICE == HEARTBEAT_SLICE - 1:
                    await asyncio.sleep(0)
                if conn.closing:
                    continue
                busy, conn.busy = conn.busy, False
                if conn.pong is not None and not conn.pong.done():
                    # A client being sent events may have its pong behind them (one that cannot keep up is
                    # the hub's to close, 4408): only an idle one that stopped answering is dead.
                    if timeout > 0 and now - conn.pinged >= timeout and not busy:
                        conn.kick(1011, "keepalive ping timeout")
                    continue
                transport = conn.ws.transport
                if transport is None or transport.get_write_buffer_size() > 0:
                    if timeout > 0 and now - conn.pinged >= interval + timeout and not busy:
                        conn.kick(1011, "keepalive ping timeout")
                    continue
                try:
                    conn.pong = await conn.ws.ping()
                except ConnectionClosed:
                    continue
                conn.pinged = now


def _error_body(exc: grpc.aio.AioRpcError) -> dict:
    """The DRF body the gRPC error carries (the Struct detail of lms.platform.errors)."""
    for key, value in exc.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                if detail.Is(struct_pb2.Struct.DESCRIPTOR):
                    body = struct_pb2.Struct()
                    detail.Unpack(body)
                    return json_format.MessageToDict(body)
    return {}


def raise_fd_limit() -> None:
    """Every client is an open file: the soft limit goes up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard or hard == resource.RLIM_INFINITY:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def bind_unix(name: str) -> socket.socket:
    """A listening Unix socket; a name starting with `@` is in the abstract namespace (Linux: no file to
    remove, and gone with the process), as in Envoy's `pipe` addresses."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind("\0" + name[1:] if name.startswith("@") else name)
    sock.listen(UNIX_BACKLOG)
    sock.setblocking(False)
    return sock


async def serve_forever(settings: Settings, host: str, port: int, stop: asyncio.Event,
                        unix_socket: str | None = None) -> None:
    metrics.setup(settings, f"ws:{port}")
    raise_fd_limit()
    server = RealtimeServer(settings)
    await server.start()
    # Heartbeats are the server's own task (RealtimeServer._heartbeat), not a keepalive task per connection.
    options = dict(process_request=server.process_request, compression=None, max_size=MAX_FRAME_BYTES,
                   max_queue=MAX_QUEUE, ping_interval=None, close_timeout=5, server_header=None)
    async with contextlib.AsyncExitStack() as listeners:
        ws_server = await listeners.enter_async_context(serve(server.handler, host, port, backlog=4096, **options))
        servers = [ws_server]
        if unix_socket:
            # The edge's connections (lms serve: Envoy on the same host). A frame written to a Unix socket costs
            # the kernel less than one through loopback TCP, which also sends acknowledgements back.
            servers.append(await listeners.enter_async_context(
                # backlog: the event loop listens again with its own (100 unless given), and a full Unix accept
                # queue refuses a connect where TCP would have the client retry: 117 of a burst of 10,000 failed.
                unix_serve(server.handler, sock=bind_unix(unix_socket), backlog=UNIX_BACKLOG, **options)))
        log.info("listening", extra={"fields": {"port": port, "unix_socket": unix_socket,
                                                "grpc": settings.grpc_target}})
        await stop.wait()
        await server.stop()
        for listener in servers:
            listener.close(close_connections=True)
    log.info("stopped", extra={"fields": {"port": port}})


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Run one WebSocket server process.")
    parser.add_argument("--host", default=settings.grpc_host)
    parser.add_argument("--port", type=int, default=settings.ws_port)
    parser.add_argument("--unix-socket", help="also listen on this Unix socket (@name: abstract namespace)")
    args = parser.parse_args(argv)
    logs.configure(settings.log_level)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve_forever(settings, args.host, args.port, stop, args.unix_socket)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:  # (as the gRPC workers)
        runner.run(run())


if __name__ == "__main__":
    main()

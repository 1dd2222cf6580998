"""Several replicas behind one edge: two gRPC workers and two WebSocket servers (PostgreSQL + Redis,
and the embedded SQLite mode), plus what protects replicas from bad clients: slow consumers,
dead connections, revoked access, rate limits.

The stack here is tuned so these happen quickly: heartbeats every second, a 64 KiB send buffer
per client, room access re-checked every second, 30 requests per user and hour.
"""
import asyncio
import base64
import os
import socket
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from lms.chat.v1 import chat_pb2, chat_pb2_grpc
from lms.platform import events as ev
from lms.platform.protos import json_values
from tests.conftest import BACKENDS, Tenant
from tests.forums.helpers import forum_rooms
from tests.helpers import make_course
from tests.realtime.client import enroll, numbered, open_client, produce, transaction, ws_url
from tests.stack import make_stack


@pytest.fixture(scope="module", params=BACKENDS)
def replicas(request, tmp_path_factory):
    # (the edge reaches these WebSocket servers over their Unix sockets: that hop is tested here)
    env = {"LMS_WORKERS": "2", "LMS_WS_WORKERS": "2", "LMS_WS_UNIX_SOCKETS": "1", "LMS_WS_PING_INTERVAL": "1",
           "LMS_WS_PING_TIMEOUT": "1",
           "LMS_WS_MAX_BUFFER_BYTES": str(64 * 1024), "LMS_WS_REAUTH_SECONDS": "1", "LMS_RATE_LIMIT_USER": "30/h"}
    if request.param == "postgresql":
        env.update(LMS_REDIS_URL="redis://127.0.0.1:6379/0", LMS_REDIS_NAMESPACE=f"lms-test-{uuid.uuid4().hex[:8]}")
    stack = make_stack(request.param, tmp_path_factory.mktemp(f"replicas-{request.param}"), **env)
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def school(replicas):
    tenant = Tenant(replicas)
    admin = tenant.admin(first_name="Ada")
    course = make_course(admin)
    students = [tenant.student() for _ in range(4)]
    for student in students:
        enroll(replicas, tenant.id, course["id"], student.user_id)
    return {"tenant": tenant, "admin": admin, "room": f"course_{course['id']}", "students": students}


def _post(replicas, worker: int, actor, room: str, text: str) -> chat_pb2.RoomMessage:
    with replicas.channel(worker) as channel:
        return chat_pb2_grpc.ChatServiceStub(channel).PostRoomMessage(chat_pb2.PostRoomMessageRequest(
            room=room, message=chat_pb2.RoomMessageInput(**json_values(message=text))), metadata=actor.metadata)


async def test_events_from_either_grpc_worker_reach_clients_on_either_websocket_replica(replicas, school):
    room, admin, students = school["room"], school["admin"], school["students"]
    assert len({replicas.ws_direct_url(0), replicas.ws_direct_url(1)}) == 2
    on_0 = await open_client(ws_url(replicas.ws_direct_url(0), students[0].token, rooms=room))
    on_1 = await open_client(ws_url(replicas.ws_direct_url(1), students[1].token, rooms=room))
    via_edge = [await open_client(ws_url(replicas.ws_url, s.token, rooms=room)) for s in students[2:]]
    everyone = [on_0, on_1, *via_edge]
    try:
        for client in everyone:
            assert client.connected["rooms"][1:] == [room]
        posted = [_post(replicas, 0, admin, room, "from worker 0"), _post(replicas, 1, admin, room, "from worker 1")]
        # A chat_message sent on one replica is stored by a gRPC worker and heard on the other replica.
        await on_0.send(type="chat_message", room=room, message="from replica 0")
        await on_1.send(type="chat_message", room=room, message="from replica 1")
        expected = [p.message for p in posted] + ["from replica 0", "from replica 1"]
        streams = []
        for client in everyone:
            frames = [f for f in [await client.recv() for _ in range(4 + (client in (on_0, on_1)))]
                      if f["type"] == "chat.message"]
            streams.append([(f["id"], f["data"]["message"]) for f in frames])
        assert all(stream == streams[0] for stream in streams), streams
        assert sorted(m for _, m in streams[0]) == sorted(expected)
        assert [m for _, m in streams[0][:2]] == [p.message for p in posted]
        assert [i for i, _ in streams[0]] == sorted(i for i, _ in streams[0])
    finally:
        for client in everyone:
            await client.close()


async def test_a_client_resumes_on_the_other_replica(replicas, school):
    tenant, student = school["tenant"], school["students"][0]
    user_room = f"user_{student.user_id}"
    first = await open_client(ws_url(replicas.ws_direct_url(0), student.token))
    seen = await produce(replicas, tenant.id, ev.PROGRESS_UPDATED, user_room, {"n": 0})
    assert [f["id"] for f in await first.events(1)] == seen
    await first.close()
    missed = []
    for n in range(1, 4):
        missed += await produce(replicas, tenant.id, ev.PROGRESS_UPDATED, user_room, {"n": n})
    second = await open_client(ws_url(replicas.ws_direct_url(1), student.token, last_event_id=seen[0]))
    assert [f["id"] for f in await second.events(3)] == missed
    assert (await second.recv())["type"] == "resumed"
    await second.close()


async def test_a_slow_consumer_is_disconnected_without_stalling_the_others(replicas, school):
    tenant, slow_user, fast_user = school["tenant"], school["students"][0], school["students"][1]
    (room,) = forum_rooms(replicas, tenant.id)
    # The slow client reads nothing and offers a tiny TCP window, so the server's buffer for it fills
    # once the kernel's buffers are full (a few MB on loopback).
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", replicas.ws_port))
    slow = await open_client(ws_url(replicas.ws_direct_url(0), slow_user.token, rooms=room), sock=sock, max_queue=1)
    fast = await open_client(ws_url(replicas.ws_direct_url(0), fast_user.token, rooms=room))
    blob = "x" * 20_000
    emitted = []
    # The fast client reads while the events are produced (reading only afterwards, its own buffers filled
    # and the server rightly closed it too as slow, on a busy machine).
    fast_reading = asyncio.create_task(fast.events(300))
    for batch in range(6):
        async with transaction(replicas, tenant.id) as session:
            for n in range(50):
                emitted += ev.emit(session, ev.FORUM_POST_CREATED, room, {"n": batch * 50 + n, "blob": blob})
    served = [f["id"] for f in await fast_reading]
    produced = await numbered(replicas, [e.seq for e in emitted])
    assert served == produced  # the others are served in full
    # The slow client gets what was buffered for it, then the close frame with the reason.
    frames = []
    while True:
        try:
            frames.append(await slow.recv(timeout=15))
        except ConnectionClosed:
            break
    assert await slow.closed() == (4408, "Too slow: events were not read fast enough. Reconnect with "
                                          "last_event_id to resume.")
    received = [f["id"] for f in frames]
    assert all(f["type"] == ev.FORUM_POST_CREATED for f in frames)
    assert 0 < len(received) < 300 and received == produced[:len(received)]
    # Resuming from the last event it got brings the rest, once each.
    again = await open_client(ws_url(replicas.ws_url, slow_user.token, rooms=room, last_event_id=received[-1]))
    rest = [f["id"] for f in await again.events(300 - len(received))]
    assert received + rest == produced
    assert (await again.recv())["type"] == "resumed"
    await again.close()
    await fast.close()


async def _raw_websocket(host: str, port: int, path: str):
    """A client that completes the handshake and then never answers pings (a dead peer)."""
    reader, writer = await asyncio.open_connection(host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 101"), head
    return reader, writer


async def _frames_until_eof(reader, timeout: float) -> list[tuple[int, bytes]]:
    frames = []
    while True:
        header = await asyncio.wait_for(reader.read(2), timeout)
        if len(header) < 2:
            return frames
        opcode, length = header[0] & 0x0F, header[1] & 0x7F
        if length == 126:
            length = int.from_bytes(await reader.readexactly(2), "big")
        elif length == 127:
            length = int.from_bytes(await reader.readexactly(8), "big")
        frames.append((opcode, await reader.readexactly(length)))


async def test_heartbeats_close_dead_connections(replicas, school):
    student = school["students"][0]
    alive = await open_client(ws_url(replicas.ws_url, student.token))
    reader, writer = await _raw_websocket("127.0.0.1", replicas.edge_port, f"/ws/lms/?token={student.token}")
    # Returns when the server drops the connection (pings keep coming until then: bound the wait).
    frames = await asyncio.wait_for(_frames_until_eof(reader, timeout=15), 20)
    writer.close()
    opcodes = [opcode for opcode, _ in frames]
    assert opcodes[0] == 0x1 and b'"connected"' in frames[0][1]
    assert 0x9 in opcodes  # it was pinged, did not answer, and was closed
    # A client that answers pings is still connected long after.
    assert await alive.request(type="ping") == {"type": "pong"}
    await alive.close()


async def test_access_revoked_while_connected_removes_the_room(replicas, school):
    tenant, student, room = school["tenant"], school["students"][2], school["room"]
    client = await open_client(ws_url(replicas.ws_url, student.token, rooms=room))
    assert client.connected["rooms"][1:] == [room]
    replicas.sql("UPDATE enrollments SET is_active = :no WHERE user_id = :user", no=False, user=student.user_id)
    assert await client.recv(timeout=10) == {"type": "unsubscribed", "room": room,
                                             "reason": "Access to the room was revoked."}
    await produce(replicas, tenant.id, ev.CHAT_MESSAGE, room, {"after": "revocation"})
    marker = await produce(replicas, tenant.id, "test.marker", f"user_{student.user_id}", {})
    assert [f["id"] for f in await client.events(1)] == marker
    assert (await client.request(type="subscribe", room=room))["code"] == "forbidden"
    await client.close()


async def test_chat_messages_over_websocket_are_rate_limited_like_any_request(replicas, school):
    student, room = school["students"][3], school["room"]
    client = await open_client(ws_url(replicas.ws_url, student.token))
    throttled = None
    for n in range(70):  # 30 per hour; per worker without Redis (SQLite), shared with Redis
        frame = await client.request(type="chat_message", room=room, message=f"#{n}")
        if frame["type"] == "error":
            throttled = frame
            break
        assert frame["type"] == "ack"
    assert throttled is not None and throttled["code"] == "throttled" and throttled["room"] == room
    assert throttled["reason"].startswith("Request was throttled. Expected available in ")
    assert await client.request(type="ping") == {"type": "pong"}
    await client.close()

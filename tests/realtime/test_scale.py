"""The connection path at scale: room checks answered in batches give each client its own answer, the
`connected` frame's reconnect jitter hint, and load shedding with 1013 (bench/ws_fanout.py measures the rest)."""
from __future__ import annotations

import asyncio
import dataclasses

from tests.helpers import assign_instructor, make_course
from tests.realtime.client import enroll, open_client, ws_url

from websockets.datastructures import Headers
from websockets.http11 import Request

from lms.platform.config import Settings
from lms.realtime import protocol
from lms.realtime.server import RealtimeServer


async def test_clients_connecting_together_each_get_their_own_room_answers(stack, tenant, other_tenant):
    """Thirty clients of two tenants ask for the same course rooms at once: one batch of checks answers them
    all, and each gets what `rooms.access` would have said for it alone."""
    admin = tenant.admin()
    course = make_course(admin)
    room, staff_room = f"course_{course['id']}", f"course_staff_{course['id']}"
    learners = [tenant.student() for _ in range(10)]
    for learner in learners[:6]:
        enroll(stack, tenant.id, course["id"], learner.user_id, active=learner is not learners[5])
    teacher, other_teacher = tenant.instructor(), tenant.instructor()
    assign_instructor(admin, teacher, course["id"])
    outsiders = [other_tenant.student() for _ in range(5)] + [other_tenant.admin()]
    actors = [*learners, teacher, other_teacher, tenant.admin(), *outsiders] * 2  # (the same users twice, too)
    opened = await asyncio.gather(*(open_client(ws_url(stack.ws_url, a.token, rooms=f"{room},{staff_room}"))
                                    for a in actors))
    try:
        for actor, client in zip(actors, opened):
            joined = set(client.connected["rooms"]) - {f"user_{actor.user_id}"}
            refused = {r["room"]: r["code"] for r in client.connected["refused"]}
            if actor in outsiders:  # another tenant's course: not found, never forbidden
                expected, expected_refused = set(), {room: "not_found", staff_room: "not_found"}
            elif actor is teacher or "admin" in actor.roles:
                expected, expected_refused = {room, staff_room}, {}
            elif actor in learners[:5]:  # active learners
                expected, expected_refused = {room}, {staff_room: "forbidden"}
            else:  # not enrolled, enrollment inactive, an instructor of other courses
                expected, expected_refused = set(), {room: "forbidden", staff_room: "forbidden"}
            assert (joined, refused) == (expected, expected_refused), actor.user_id
    finally:
        await asyncio.gather(*(c.close() for c in opened))


class _Handshake:
    """What the handler sees of a connection that must be shed before anything else happens."""

    def __init__(self):
        self.closed = None

    async def close(self, code, reason):
        self.closed = (code, reason)


async def test_the_jitter_hint_grows_with_the_connections_and_an_overloaded_server_sheds_with_1013(tmp_path):
    settings = dataclasses.replace(Settings.from_env(), database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                                   ws_reconnect_rate=500, ws_max_connections=3000, ws_max_opening=10)
    server = RealtimeServer(settings)
    try:
        assert server.reconnect_jitter_ms() == 1000  # at least a second
        server.connections.update(object() for _ in range(2000))
        assert server.reconnect_jitter_ms() == 4000  # 2,000 clients at 500 per second
        shed = _Handshake()
        server.opening = 10  # as many opening as allowed: the next one is shed, before its token is read
        await server.handler(shed)
        assert shed.closed == (1013, "Server busy. Reconnect after a random delay of up to 4000 ms, "
                                     "with last_event_id.")
        assert len(shed.closed[1].encode()) <= 123  # (a close reason's limit)
        server.opening = 0
        server.connections.update(object() for _ in range(1000))  # 3,000: full
        await server.handler(shed)
        assert shed.closed[0] == protocol.CLOSE_TRY_AGAIN_LATER == 1013
        server.connections.update(object() for _ in range(200_000))
        assert server.reconnect_jitter_ms() == 60_000  # at most a minute
    finally:
        await server.engine.dispose()


class _Opening:
    """What `process_request` sees of a connection: it only answers through `respond`."""

    def respond(self, status, text):
        return status, text


async def test_a_stopping_server_refuses_new_clients_with_503(tmp_path):
    """Clients closed with 1012 reconnect within a second or two; while the server stops, the handshake is
    refused (a client accepted then would wait on a stopping hub) and they go to another replica."""
    settings = dataclasses.replace(Settings.from_env(), database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    server = RealtimeServer(settings)
    try:
        opening = _Opening()
        assert server.process_request(opening, Request("/ws/lms/?token=t", Headers())) is None  # (handshake goes on)
        server.stopping = True
        for path in ("/ws/lms/?token=t", "/ws/lms?token=t", "/healthz"):
            assert server.process_request(opening, Request(path, Headers())) == (503, "stopping\n"), path
    finally:
        await server.engine.dispose()

"""The live channel matrix: every room kind, every actor of the victim tenant and of the attacker tenant
(including a user with the victim student's user id in the attacker tenant), joining through the edge and
receiving: each actor joins exactly the rooms tests/proof/world.py ROOMS allows and receives exactly their
events; nothing of another tenant, nothing of another learner."""
from __future__ import annotations

import asyncio
import time
import uuid

from lms.platform import rooms as room_names
from tests.proof.world import OPEN_IN_EVERY_TENANT, ROOMS, VICTIM_ACTORS
from tests.realtime.client import open_client, produce, ws_url


def test_every_room_kind_is_in_the_live_matrix():
    missing = sorted(set(room_names.KINDS) - set(ROOMS))
    assert not missing, f"room kinds without an entry in tests/proof/world.py ROOMS: {missing}"


def _actors(world) -> dict:
    if "outsider" not in world.objects:
        world.objects["outsider"] = world.a.student()
    victims = {"admin": world.admin, "instructor": world.instructor, "student": world.student,
               "other_student": world.other_student, "outsider": world.objects["outsider"]}
    attackers = {"b-admin": world.b.admin(), "b-instructor": world.b.instructor(), "b-student": world.b.student(),
                 "b-twin": world.b.actor("student", user_id=world.student.user_id)}
    return {**victims, **attackers}


async def _collect(client, until: float) -> list[dict]:
    frames = []
    while time.monotonic() < until:
        try:
            frames.append(await client.recv(timeout=max(0.05, until - time.monotonic())))
        except (asyncio.TimeoutError, TimeoutError):
            break
    return frames


def test_live_channel_matrix(stack, world):
    actors = _actors(world)
    rooms = {kind: factory(world) for kind, (factory, _) in ROOMS.items()}
    allowed = {kind: members for kind, (_, members) in ROOMS.items()}
    assert set(VICTIM_ACTORS) <= set(actors)

    async def run():
        failures = []
        clients = {}
        for name, actor in actors.items():
            clients[name] = await open_client(ws_url(stack.ws_url, actor.token, rooms=",".join(rooms.values())))
        try:
            for name, client in clients.items():
                joined = set(client.connected["rooms"])
                for kind, room in rooms.items():
                    expected = not name.startswith("b-") and name in allowed[kind]
                    if (kind == "user" and name == "b-twin") or \
                            (kind in OPEN_IN_EVERY_TENANT and name.startswith("b-")):
                        expected = True  # the same-named room of their own tenant
                    if (room in joined) != expected:
                        failures.append(f"{name} {'joined' if room in joined else 'was refused'} {kind} room {room}")
            markers = {}
            for kind, room in rooms.items():
                markers[kind] = f"live-{uuid.uuid4().hex[:8]}"
                await produce(stack, world.a.id, "test.marker", [room], {"marker": markers[kind]})
            until = time.monotonic() + 2
            received = dict(zip(clients, await asyncio.gather(*(_collect(c, until) for c in clients.values()))))
            by_marker = {marker: kind for kind, marker in markers.items()}
            for name, frames in received.items():
                got = {by_marker[f["data"]["marker"]] for f in frames
                       if f.get("type") == "test.marker" and f.get("data", {}).get("marker") in by_marker}
                expected = set() if name.startswith("b-") else {k for k in rooms if name in allowed[k]}
                if got != expected:
                    failures.append(f"{name} received the events of {sorted(got)}, expected {sorted(expected)}")
        finally:
            for client in clients.values():
                await client.close()
        return failures

    failures = asyncio.run(run())
    assert not failures, "\n".join(failures)

"""Resume after a disconnect: every event after N for the client's rooms, in order, exactly once,
then live ones; and event ids that follow commit order, so late commits are never skipped."""
import asyncio
import dataclasses
import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms import migrations
from lms.chat.models import ChatMessage
from lms.platform import events as ev
from lms.platform.config import Settings
from lms.platform.db import ALL_TENANTS, create_engine, create_sessionmaker, unit_of_work
from lms.platform.models import utcnow
from lms.realtime.hub import Hub, ResumeError
from tests.helpers import make_course
from tests.realtime.client import caught_up, clients, enroll, open_client, produce, transaction, ws_url
from tests.stack import create_pg_database, drop_pg_database


@pytest.fixture
def classroom(stack, tenant):
    admin = tenant.admin()
    course = make_course(admin)
    student = tenant.student()
    enroll(stack, tenant.id, course["id"], student.user_id)
    return {"student": student, "course_room": f"course_{course['id']}", "user_room": f"user_{student.user_id}"}


async def test_reconnecting_with_last_event_id_replays_what_was_missed_then_goes_live(
        stack, tenant, other_tenant, classroom):
    student, course_room, user_room = classroom["student"], classroom["course_room"], classroom["user_room"]
    client = await open_client(ws_url(stack.ws_url, student.token, rooms=course_room))
    first = await produce(stack, tenant.id, ev.CHAT_MESSAGE, [user_room, course_room], {"lesson": 1})
    seen = await client.events(2)
    assert [f["id"] for f in seen] == first
    await client.close()
    # While the client is away: its rooms, rooms it never joined, another tenant's same-named room.
    missed = []
    missed += await produce(stack, tenant.id, ev.PROGRESS_UPDATED, user_room, {"n": 1})
    await produce(stack, tenant.id, ev.FORUM_POST_CREATED, "forum_77", {"n": 2})
    missed += await produce(stack, tenant.id, ev.CHAT_MESSAGE, course_room, {"n": 3})
    await produce(stack, other_tenant.id, ev.BADGE_AWARDED, user_room, {"n": 4})
    missed += await produce(stack, tenant.id, ev.BADGE_AWARDED, user_room, {"n": 5})
    client = await open_client(ws_url(stack.ws_url, student.token, rooms=course_room, last_event_id=seen[-1]["id"]))
    assert client.connected["rooms"] == [user_room, course_room]
    replayed = await client.events(3)
    assert [f["id"] for f in replayed] == missed
    assert [f["data"]["n"] for f in replayed] == [1, 3, 5]
    resumed = await client.recv()
    assert resumed == {"type": "resumed", "from_event_id": seen[-1]["id"], "last_event_id": resumed["last_event_id"],
                       "replayed": 3}
    assert resumed["last_event_id"] >= missed[-1]
    live = await produce(stack, tenant.id, ev.SUBMISSION_GRADED, user_room, {"n": 6})
    assert [f["id"] for f in await client.events(1)] == live
    await client.close()


async def test_resume_message_and_subscribe_with_history(stack, tenant, classroom):
    student, course_room, user_room = classroom["student"], classroom["course_room"], classroom["user_room"]
    start = (await produce(stack, tenant.id, "test.start", user_room, {}))[0]
    course_events = await produce(stack, tenant.id, ev.CHAT_MESSAGE, course_room, {"n": 1})
    user_events = await produce(stack, tenant.id, ev.MESSAGE_RECEIVED, user_room, {"n": 2})
    course_events += await produce(stack, tenant.id, ev.CHAT_MESSAGE, course_room, {"n": 3})
    await caught_up(stack, tenant)  # so that all of these are history, not live, for the next connection
    async with clients(stack, student) as (client,):
        # Joining a room with last_event_id brings that room's history (and only that room's).
        await client.send(type="subscribe", room=course_room, last_event_id=start, ref="h")
        subscribed = await client.recv()
        assert subscribed == {"type": "subscribed", "room": course_room,
                              "last_event_id": client.connected["last_event_id"], "ref": "h"}
        assert [f["id"] for f in await client.events(2)] == course_events
        resumed = await client.recv()
        assert resumed["type"] == "resumed" and resumed["replayed"] == 2 and resumed["ref"] == "h"
        # `resume` brings the rest for every room, without repeating what was already delivered.
        await client.send(type="resume", last_event_id=start)
        assert [f["id"] for f in await client.events(1)] == user_events
        assert (await client.recv())["replayed"] == 1
        await client.send(type="resume", last_event_id=start)
        assert (await client.recv())["replayed"] == 0
        # A resume from an id the service never issued is refused; the connection stays live.
        await client.send(type="resume", last_event_id=10**12, ref=1)
        error = await client.recv()
        assert error["type"] == "error" and error["code"] == "invalid_resume" and error["ref"] == 1
        assert error["reason"].startswith(f"last_event_id {10**12} is ahead of the newest event (")
        assert (await client.recv())["type"] == "resumed"
        live = await produce(stack, tenant.id, ev.CHAT_MESSAGE, course_room, {"n": 4})
        assert [f["id"] for f in await client.events(1)] == live


async def test_resume_while_events_keep_coming_loses_and_repeats_nothing(stack, tenant, classroom):
    student, user_room = classroom["student"], classroom["user_room"]
    produced: list[int] = []

    async def producer():
        for n in range(120):  # the client gets each event before produce() has looked its id up
            produced.extend(await produce(stack, tenant.id, ev.PROGRESS_UPDATED, user_room, {"n": n}))

    first = await open_client(ws_url(stack.ws_url, student.token))
    task = asyncio.create_task(producer())
    while len(produced) < 20:
        await asyncio.sleep(0.01)
    received = [f["id"] for f in await first.events(10)]
    await first.close()  # disconnect mid-stream
    await asyncio.sleep(0.2)
    second = await open_client(ws_url(stack.ws_url, student.token, last_event_id=received[-1]))
    frames = []
    while len(received) + len([f for f in frames if "data" in f]) < 120:
        frames.append(await second.recv())
    await task
    events = [f["id"] for f in frames if "data" in f]
    assert [f["type"] for f in frames].count("resumed") == 1
    assert received + events == produced  # every event once, in commit order
    await second.close()


async def test_event_ids_follow_commit_order_so_a_late_commit_is_never_skipped(stack, tenant, classroom):
    """Two producers: A starts first (and on PostgreSQL inserts its row first) but commits last."""
    student, user_room = classroom["student"], classroom["user_room"]
    async with clients(stack, student) as (client,):
        before = client.connected["last_event_id"]
        async with transaction(stack, tenant.id) as slow:
            if stack.backend == "postgresql":  # SQLite has one writer at a time: B would wait for A
                slow.add(ChatMessage(room="forum_1", sender_id="a", body="written first"))
                await slow.flush()
            ev.emit(slow, ev.SUBMISSION_CREATED, user_room, {"who": "A, committed last"})
            async with transaction(stack, tenant.id) as fast:
                if stack.backend == "postgresql":
                    fast.add(ChatMessage(room="forum_1", sender_id="b", body="written second"))
                    await fast.flush()
                ev.emit(fast, ev.SUBMISSION_CREATED, user_room, {"who": "B, committed first"})
            (b_frame,) = await client.events(1)  # B is live before A has committed
            assert b_frame["data"]["who"] == "B, committed first"
        (a_frame,) = await client.events(1)
        assert a_frame["data"]["who"] == "A, committed last"
        assert b_frame["id"] < a_frame["id"]
        if stack.backend == "postgresql":  # the rows' own serial ids are in insert order, the events' are not
            rows = stack.sql("SELECT sender_id FROM chat_messages WHERE body LIKE 'written %' AND tenant_id = :t "
                             "ORDER BY id", t=tenant.id)
            assert rows == [("a",), ("b",)]
    # Resuming from before both returns both, once, in id (= commit) order.
    again = await open_client(ws_url(stack.ws_url, student.token, last_event_id=before))
    assert [f["id"] for f in await again.events(2)] == [b_frame["id"], a_frame["id"]]
    assert (await again.recv())["type"] == "resumed"
    await again.close()


async def test_concurrent_producers_never_leave_a_reader_behind(stack, tenant):
    """Many overlapping transactions that commit in random order, numbered by two sequencers taking turns
    (this test's and the stack's WebSocket server's): a reader that repeatedly takes "everything after the
    last id it saw" ends with every event exactly once and never sees a gap."""
    settings = dataclasses.replace(Settings.from_env(), database_url=stack.database_url, db_pool_size=5)
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    async with unit_of_work(sessions, ALL_TENANTS) as session:
        start = await ev.last_event_id(session)
    committed: list[int] = []
    done = asyncio.Event()

    async def producer(n: int):
        for i in range(15):
            async with unit_of_work(sessions, tenant.id) as session:
                session.add(ChatMessage(room=f"forum_{n + 1}", sender_id=f"p{n}", body=str(i)))
                await session.flush()  # holds a connection and a row, as a real request does
                await asyncio.sleep(random.random() * 0.02)
                created = ev.emit(session, ev.PROGRESS_UPDATED, [f"user_p{n}", f"course_staff_{n + 1}"], {"i": i})
                await asyncio.sleep(random.random() * 0.01)
            assert all(e.id is None for e in created)  # ids come from the sequencer, after commit
            committed.extend(e.seq for e in created)

    async def reader():
        seen, cursor = [], start
        while True:
            finished = done.is_set()
            async with unit_of_work(sessions, ALL_TENANTS) as session:
                await ev.sequence_pending(session)
            async with unit_of_work(sessions, ALL_TENANTS) as session:
                ids = list(await session.scalars(select(ev.OutboxEvent.id).where(ev.OutboxEvent.id > cursor)
                                                 .where(ev.OutboxEvent.tenant_id == tenant.id)
                                                 .order_by(ev.OutboxEvent.id)))
            if ids:
                assert ids == list(range(cursor + 1, cursor + 1 + len(ids))), (cursor, ids)  # a prefix, no holes
                seen += ids
                cursor = ids[-1]
            if finished:
                return seen
            await asyncio.sleep(0.001)

    try:
        reading = asyncio.create_task(reader())
        await asyncio.gather(*(producer(n) for n in range(4)))
        done.set()
        seen = await reading
        async with unit_of_work(sessions, ALL_TENANTS) as session:
            ids = list(await session.scalars(select(ev.OutboxEvent.id).where(ev.OutboxEvent.seq.in_(committed))))
    finally:
        await engine.dispose()
    assert sorted(ids) == seen and len(set(seen)) == len(seen) and len(seen) == len(committed) >= 30


async def test_retention_prunes_old_events_and_resume_reports_the_horizon(stack, tmp_path):
    if stack.backend == "postgresql":
        url, name = create_pg_database()
    else:
        url, name = f"sqlite:///{tmp_path / 'retention.sqlite3'}", ""
    settings = dataclasses.replace(Settings.from_env(), database_url=url, outbox_retention_days=7)
    engine = None
    try:
        migrations.upgrade(settings)
        engine = create_engine(settings)
        sessions = create_sessionmaker(engine)
        ids = []
        for n in range(6):
            async with unit_of_work(sessions, "t-retention") as session:
                emitted = ev.emit(session, "test.old" if n < 4 else "test.new", "user_u", {"n": n})
            async with unit_of_work(sessions, ALL_TENANTS) as session:
                assert len(await ev.sequence_pending(session)) == 1
                ids.append(await session.scalar(select(ev.OutboxEvent.id).where(ev.OutboxEvent.seq == emitted[0].seq)))
        assert ids == list(range(ids[0], ids[0] + 6))
        async with unit_of_work(sessions, "t-retention") as session:
            await session.execute(update(ev.OutboxEvent).where(ev.OutboxEvent.id <= ids[3])
                                  .values(created_at=utcnow() - timedelta(days=8)))
        hub = Hub(settings, sessions)
        assert await hub.prune() == 4
        assert await hub.prune() == 0
        # Events 2..4 are gone: a resume after 2 is complete only after 4, and must reach 6.
        assert await hub.check_resume(ids[1]) == (ids[3], ids[5])
        assert await hub.check_resume(ids[4]) == (ids[4], ids[5])
        with pytest.raises(ResumeError) as ahead:
            await hub.check_resume(ids[-1] + 1)
        assert ahead.value.code == "invalid_resume"
    finally:
        if engine is not None:
            await engine.dispose()
        if name:
            drop_pg_database(name)

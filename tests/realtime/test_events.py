"""Every kind of outbox event reaches the members of its rooms, and only them.

The producing domains (progress, submissions, forums, messaging, certificates, badges, AI chat)
are other slices; these tests commit their events the way those domains will (`emit()` in the
request's transaction, here a unit of work on the service's database as its own role), with the
rooms documented in lms.platform.events. Chat messages also come from the real chat service in
tests/chat.
"""
import re

import pytest

from lms.platform import events as ev
from tests.forums.helpers import forum_rooms
from tests.helpers import assign_instructor, make_course
from tests.realtime.client import REACTIONS, clients, enroll, produce, transaction

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

# event type -> rooms, given the student s, the instructor i, the course c and the forum f.
ROUTES = {
    ev.ENROLLMENT_CREATED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.ENROLLMENT_ACTIVATED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.ENROLLMENT_DEACTIVATED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.LESSON_COMPLETED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.PROGRESS_UPDATED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.COURSE_COMPLETED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.SUBMISSION_CREATED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.SUBMISSION_GRADED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.FORUM_POST_CREATED: lambda s, i, c, f: [f"forum_{f}"],
    ev.FORUM_POST_APPROVED: lambda s, i, c, f: [f"forum_{f}", f"user_{s}"],
    ev.MESSAGE_RECEIVED: lambda s, i, c, f: [f"user_{s}"],
    ev.MESSAGE_SENT: lambda s, i, c, f: [f"user_{s}"],
    ev.SCORM_COMPLETED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.CERTIFICATE_ISSUED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.BADGE_AWARDED: lambda s, i, c, f: [f"user_{s}", f"course_staff_{c}"],
    ev.POINTS_AWARDED: lambda s, i, c, f: [f"user_{s}"],
    ev.ORDER_PAID: lambda s, i, c, f: [f"user_{s}"],
    ev.ORDER_REFUNDED: lambda s, i, c, f: [f"user_{s}"],
    ev.CHAT_REPLY: lambda s, i, c, f: ["chat_9", f"user_{s}"],
    ev.CHAT_MESSAGE: lambda s, i, c, f: [f"course_{c}"],
    # (group events also go to group_<id>, whose members tests/groups follows)
    ev.GROUP_MEMBER_JOINED: lambda s, i, c, f: [f"user_{s}"],
    ev.GROUP_MEMBER_LEFT: lambda s, i, c, f: [f"user_{s}"],
    ev.GROUP_MEMBER_ROLE_CHANGED: lambda s, i, c, f: [f"user_{s}"],
    ev.GROUP_INVITATION_CREATED: lambda s, i, c, f: [f"user_{s}"],
    ev.SCHEDULE_UPDATED: lambda s, i, c, f: [f"user_{s}"],
    ev.SCHEDULE_CANCELLED: lambda s, i, c, f: [f"user_{s}"],
    ev.CHAT_REPLY_COMPLETED: lambda s, i, c, f: ["chat_9", f"user_{s}"],
}


def test_every_documented_event_type_is_covered():
    assert set(ROUTES) == {t for t in ev.event_types() if not t.startswith("test.")}


@pytest.mark.parametrize("event_type", list(ROUTES))
async def test_each_event_kind_reaches_its_rooms_members_only(stack, tenant, other_tenant, event_type):
    admin = tenant.admin()
    course = make_course(admin)
    student, instructor, classmate = tenant.student(), tenant.instructor(), tenant.student()
    assign_instructor(admin, instructor, course["id"])
    enroll(stack, tenant.id, course["id"], student.user_id)
    enroll(stack, tenant.id, course["id"], classmate.user_id)
    twin = other_tenant.actor("student", user_id=student.user_id)  # same user id, another tenant
    forum = int(forum_rooms(stack, tenant.id)[0].removeprefix("forum_"))
    rooms = ROUTES[event_type](student.user_id, instructor.user_id, course["id"], forum)
    data = {"kind": event_type, "course_id": course["id"], "score": 87.5, "tags": ["a", "é"], "extra": None}
    course_room, staff_room = f"course_{course['id']}", f"course_staff_{course['id']}"
    async with clients(stack, student, instructor, classmate, twin) as (c_student, c_instructor, c_classmate, c_twin):
        for client in (c_student, c_instructor, c_classmate, c_twin):
            client.reactions = event_type in REACTIONS  # (the event under test is itself one)
        for client, wanted in ((c_student, [course_room, f"forum_{forum}"]),
                               (c_instructor, [course_room, staff_room]),
                               (c_classmate, [course_room])):
            for frame in await client.subscribe(*wanted):
                assert frame["type"] == "subscribed", frame
        # The same user id in another tenant: the forum does not exist there.
        assert (await c_twin.subscribe(f"forum_{forum}"))[0]["type"] == "error"
        ids = await produce(stack, tenant.id, event_type, rooms, data)
        assert len(ids) == len(rooms) and ids == list(range(ids[0], ids[0] + len(ids)))
        # One marker per client afterwards: whatever a client gets before its marker is all it got.
        markers = {
            c_student: await produce(stack, tenant.id, "test.marker", f"user_{student.user_id}", {}),
            c_instructor: await produce(stack, tenant.id, "test.marker", f"user_{instructor.user_id}", {}),
            c_classmate: await produce(stack, tenant.id, "test.marker", f"user_{classmate.user_id}", {}),
            c_twin: await produce(stack, other_tenant.id, "test.marker", f"user_{twin.user_id}", {}),
        }
        expected_rooms = {
            c_student: [r for r in rooms if r in (f"user_{student.user_id}", course_room, f"forum_{forum}")],
            c_instructor: [r for r in rooms if r in (f"user_{instructor.user_id}", course_room, staff_room)],
            c_classmate: [r for r in rooms if r == course_room],
            c_twin: [],
        }
        for client, wanted in expected_rooms.items():
            frames = await client.events(len(wanted) + 1)
            received, marker = frames[:-1], frames[-1]
            assert [f["room"] for f in received] == wanted
            for frame in received:
                assert frame["type"] == event_type and frame["data"] == data
                assert frame["id"] == ids[rooms.index(frame["room"])]
                assert RFC3339.match(frame["created_at"]), frame
            assert marker["type"] == "test.marker" and [marker["id"]] == markers[client]


async def test_rolled_back_transactions_and_savepoints_deliver_nothing(stack, tenant):
    student = tenant.student()
    room = f"user_{student.user_id}"
    async with clients(stack, student) as (client,):
        before = client.connected["last_event_id"]
        with pytest.raises(RuntimeError):
            async with transaction(stack, tenant.id) as session:
                ev.emit(session, ev.BADGE_AWARDED, room, {"badge": "rolled back"})
                await session.flush()
                raise RuntimeError("the change failed")
        async with transaction(stack, tenant.id) as session:
            ev.emit(session, ev.BADGE_AWARDED, room, {"badge": "kept 1"})
            savepoint = await session.begin_nested()
            ev.emit(session, ev.BADGE_AWARDED, room, {"badge": "savepoint rolled back"})
            await savepoint.rollback()
            async with session.begin_nested():
                ev.emit(session, ev.BADGE_AWARDED, room, {"badge": "kept 2"})
        frames = await client.events(2)
        assert [f["data"]["badge"] for f in frames] == ["kept 1", "kept 2"]
        # A rollback also gives its ids back: committed ids have no gaps.
        assert frames[0]["id"] > before
        assert stack.sql("SELECT COUNT(*), MAX(id) FROM outbox_events WHERE id <= :id", id=frames[-1]["id"])[0] == (
            frames[-1]["id"], frames[-1]["id"])
        assert await client.request(type="ping") == {"type": "pong"}

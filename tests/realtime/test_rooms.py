"""Who may join which room (lms.realtime.rooms), over real connections through the edge."""
from tests.forums.helpers import forum_rooms
from tests.helpers import assign_instructor, make_course
from tests.realtime.client import clients, enroll, open_client, ws_url

FORBIDDEN = "You do not have permission to join this room."


def _denied(room: str, code: str = "forbidden", ref=None) -> dict:
    frame = {"type": "error", "code": code, "reason": FORBIDDEN if code == "forbidden" else "Not found.",
             "room": room}
    if ref is not None:
        frame["ref"] = ref
    return frame


async def test_course_rooms_admit_active_learners_and_the_courses_staff_only(stack, tenant, other_tenant):
    admin = tenant.admin()
    course = make_course(admin)
    other_course = make_course(admin)
    room, staff_room = f"course_{course['id']}", f"course_staff_{course['id']}"
    enrolled, outsider, dropped = tenant.student(), tenant.student(), tenant.student()
    enroll(stack, tenant.id, course["id"], enrolled.user_id)
    enroll(stack, tenant.id, course["id"], dropped.user_id, active=False)
    enroll(stack, tenant.id, other_course["id"], outsider.user_id)
    teacher, other_teacher = tenant.instructor(), tenant.instructor()
    assign_instructor(admin, teacher, course["id"])
    assign_instructor(admin, other_teacher, other_course["id"])
    foreign_admin = other_tenant.admin()
    async with clients(stack, enrolled, outsider, dropped, teacher, other_teacher, admin, foreign_admin) as (
            c_enrolled, c_outsider, c_dropped, c_teacher, c_other_teacher, c_admin, c_foreign):
        for client in (c_enrolled, c_teacher, c_admin):
            frame = await client.request(type="subscribe", room=room, ref="s1")
            assert frame == {"type": "subscribed", "room": room, "last_event_id": frame["last_event_id"], "ref": "s1"}
        # The staff room: the course's instructors and the tenant's admins, nobody else.
        for client in (c_teacher, c_admin):
            assert (await client.request(type="subscribe", room=staff_room))["type"] == "subscribed"
        for client in (c_enrolled, c_outsider, c_dropped, c_other_teacher):
            assert await client.request(type="subscribe", room=staff_room) == _denied(staff_room)
        # A student cannot join another course's room; an inactive enrollment does not count; an instructor
        # of another course of the tenant is not a participant.
        assert await c_outsider.request(type="subscribe", room=room, ref=3) == _denied(room, ref=3)
        assert await c_dropped.request(type="subscribe", room=room) == _denied(room)
        assert await c_other_teacher.request(type="subscribe", room=room) == _denied(room)
        # Another tenant's course does not exist for this caller, admin or not.
        assert await c_foreign.request(type="subscribe", room=room) == _denied(room, "not_found")
        assert await c_foreign.request(type="subscribe", room=staff_room) == _denied(staff_room, "not_found")
        assert await c_enrolled.request(type="subscribe", room="course_999999") == _denied("course_999999", "not_found")
        # The connection stays usable after refusals.
        assert await c_outsider.request(type="ping") == {"type": "pong"}


async def test_user_rooms_are_private(stack, tenant):
    alice, bob, admin = tenant.student(), tenant.student(), tenant.admin()
    async with clients(stack, alice, admin) as (c_alice, c_admin):
        assert await c_alice.request(type="subscribe", room=f"user_{bob.user_id}") == _denied(f"user_{bob.user_id}")
        # Not even an admin reads someone else's private room.
        assert await c_admin.request(type="subscribe", room=f"user_{bob.user_id}") == _denied(f"user_{bob.user_id}")
        own = await c_alice.request(type="subscribe", room=f"user_{alice.user_id}")
        assert own["type"] == "subscribed"


async def test_forum_rooms_are_open_to_the_tenant_and_group_and_chat_rooms_fail_closed(stack, tenant):
    student = tenant.student()
    (forum,) = forum_rooms(stack, tenant.id)
    async with clients(stack, student) as (client,):
        frames = await client.subscribe(forum, "group_3", "chat_5", "chat_ab12-cd")
        assert frames[0]["type"] == "subscribed" and frames[0]["room"] == forum
        assert frames[1:] == [_denied("group_3"), _denied("chat_5"), _denied("chat_ab12-cd")]
        # A forum that does not exist in the caller's tenant is not found (lms.forums decides who may join).
        missing = await client.request(type="subscribe", room="forum_2147483647")
        assert missing["type"] == "error" and missing["code"] == "not_found", missing


async def test_invalid_room_names_and_too_many_rooms(stack, tenant):
    admin = tenant.admin()
    async with clients(stack, admin) as (client,):
        for name in ("course_abc", "course_0", "course_01", "room_1", "course_", "course_99999999999", "Course_1",
                     "chat_a b", "user_ x"):
            assert await client.request(type="subscribe", room=name) == {
                "type": "error", "code": "invalid_room", "reason": f"{name!r} is not a room name.", "room": name}
        forums = forum_rooms(stack, tenant.id, 100)
        frames = await client.subscribe(*forums)
        assert [f["type"] for f in frames[:99]] == ["subscribed"] * 99  # plus the user room: 100
        assert frames[99] == {"type": "error", "code": "too_many_rooms",
                              "reason": "A connection may join at most 100 rooms.", "room": forums[99]}
        # Leaving makes room again; leaving twice is harmless.
        assert await client.request(type="unsubscribe", room=forums[0]) == {
            "type": "unsubscribed", "room": forums[0], "reason": ""}
        assert (await client.request(type="unsubscribe", room=forums[0]))["type"] == "unsubscribed"
        assert (await client.request(type="subscribe", room=forums[99]))["type"] == "subscribed"


async def test_rooms_can_be_joined_in_the_url(stack, tenant):
    admin = tenant.admin()
    course = make_course(admin)
    student = tenant.student()
    (forum,) = forum_rooms(stack, tenant.id)
    client = await open_client(ws_url(stack.ws_url, student.token, rooms=f"{forum},course_{course['id']},bogus"))
    assert client.connected["rooms"] == [f"user_{student.user_id}", forum]
    assert await client.recv() == _denied(f"course_{course['id']}")
    assert await client.recv() == {"type": "error", "code": "invalid_room", "reason": "'bogus' is not a room name.",
                                   "room": "bogus"}
    await client.close()

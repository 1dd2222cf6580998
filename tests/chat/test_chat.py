"""Chat rooms: messages stored by the chat service (JSON, gRPC, and `chat_message` over WebSocket),
announced to the room's subscribers, under the same room rules as subscriptions."""
import re

import grpc
import pytest

from lms.chat.v1 import chat_pb2, chat_pb2_grpc
from tests.forums.helpers import forum_rooms
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, make_course
from tests.realtime.client import clients, enroll
from lms.platform.protos import json_values

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture
def course_room(stack, tenant):
    """A course with an instructor-admin, two enrolled students and one outsider."""
    admin = tenant.admin(first_name="Ada", last_name="Admin")
    course = make_course(admin)
    alice = tenant.student(first_name="Alice", last_name="Archer", avatar_url="https://cdn.example.com/a.png")
    bob = tenant.student(first_name="Bob")
    outsider = tenant.student()
    for student in (alice, bob):
        enroll(stack, tenant.id, course["id"], student.user_id)
    return {"room": f"course_{course['id']}", "admin": admin, "alice": alice, "bob": bob, "outsider": outsider}


def messages_url(room: str) -> str:
    return f"/api/lms/chat/rooms/{room}/messages/"


def test_post_and_list_messages_over_json(stack, tenant, course_room):
    room, alice, admin = course_room["room"], course_room["alice"], course_room["admin"]
    response = alice.post(messages_url(room), {"message": "Hello!"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created == {"id": created["id"], "room": room, "message": "Hello!",
                       "sender": {"id": alice.user_id, "first_name": "Alice", "last_name": "Archer",
                                  "avatar_url": "https://cdn.example.com/a.png"},
                       "created_at": created["created_at"]}
    assert isinstance(created["id"], int) and RFC3339.match(created["created_at"])
    for text in ("Second", "Third"):
        assert admin.post(messages_url(room).rstrip("/"), {"message": text}).status_code == 201
    page = alice.get(messages_url(room) + "?page_size=2").json()
    assert page["count"] == 3 and page["previous"] is None
    assert page["next"] == f"{stack.edge_url}{messages_url(room)}?page_size=2&page=2"
    assert [m["message"] for m in page["results"]] == ["Third", "Second"]
    assert page["results"][0]["sender"]["first_name"] == "Ada"
    last = alice.get(page["next"].replace(stack.edge_url, "")).json()
    assert last["results"] == [created] and last["next"] is None
    assert_error(alice.get(messages_url(room) + "?page=9"), 404, {"detail": "Invalid page."})
    assert_error(alice.get(messages_url(room) + "?page=0"), 404, {"detail": "Invalid page."})
    assert alice.get(messages_url(room) + "?page_size=0").json()["count"] == 3  # the default size


def test_room_rules_apply_to_posting_and_reading(stack, tenant, other_tenant, course_room):
    room = course_room["room"]
    outsider = course_room["outsider"]
    assert_error(outsider.post(messages_url(room), {"message": "let me in"}), 403, FORBIDDEN)
    assert_error(outsider.get(messages_url(room)), 403, FORBIDDEN)
    assert_error(other_tenant.admin().post(messages_url(room), {"message": "hi"}), 404, NOT_FOUND)
    assert_error(other_tenant.admin().get(messages_url(room)), 404, NOT_FOUND)
    assert_error(tenant.anonymous().get(messages_url(room)), 401, UNAUTHENTICATED)
    assert_error(course_room["alice"].post(messages_url("group_1"), {"message": "hi"}), 403, FORBIDDEN)
    assert_error(course_room["alice"].post(messages_url(f"user_{course_room['bob'].user_id}"), {"message": "hi"}),
                 403, FORBIDDEN)
    for bad in ("course_abc", "lobby", "course_0"):
        assert_error(course_room["alice"].get(messages_url(bad)), 404, NOT_FOUND)
    # A tenant forum's room is open to the tenant; nothing was stored by the refused posts.
    (forum,) = forum_rooms(stack, tenant.id)
    assert outsider.post(messages_url(forum), {"message": "forum hello"}).status_code == 201
    assert course_room["alice"].get(messages_url(room)).json()["count"] == 0


def test_message_validation(course_room):
    alice, room = course_room["alice"], course_room["room"]
    assert_error(alice.post(messages_url(room), {}), 400, {"message": ["This field is required."]})
    assert_error(alice.post(messages_url(room), {"message": "   "}), 400, {"message": ["This field may not be blank."]})
    assert_error(alice.post(messages_url(room), {"message": "x" * 2001}), 400,
                 {"message": ["Ensure this field has no more than 2000 characters."]})
    assert alice.post(messages_url(room), {"message": "x" * 2000}).status_code == 201


def test_grpc_callers_post_with_the_same_rules(stack, course_room):
    with stack.channel() as channel:
        chat = chat_pb2_grpc.ChatServiceStub(channel)
        stored = chat.PostRoomMessage(chat_pb2.PostRoomMessageRequest(
            room=course_room["room"], message=chat_pb2.RoomMessageInput(**json_values(message="over gRPC"))),
            metadata=course_room["bob"].metadata)
        assert stored.sender.id == course_room["bob"].user_id and stored.message == "over gRPC"
        with pytest.raises(grpc.RpcError) as denied:
            chat.PostRoomMessage(chat_pb2.PostRoomMessageRequest(
                room=course_room["room"], message=chat_pb2.RoomMessageInput(**json_values(message="no"))),
                metadata=course_room["outsider"].metadata)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
        listed = chat.ListRoomMessages(chat_pb2.ListRoomMessagesRequest(room=course_room["room"]),
                                       metadata=course_room["alice"].metadata)
        assert [m.id for m in listed.results] == [stored.id]


async def test_chat_message_over_websocket_is_stored_and_delivered_to_the_room(stack, other_tenant, course_room):
    room, alice, bob, outsider = (course_room[k] for k in ("room", "alice", "bob", "outsider"))
    twin = other_tenant.actor("student", user_id=bob.user_id)
    async with clients(stack, alice, bob, outsider, twin) as (c_alice, c_bob, c_outsider, c_twin):
        for client in (c_alice, c_bob):
            assert (await client.request(type="subscribe", room=room))["type"] == "subscribed"
        assert (await c_outsider.request(type="subscribe", room=room))["code"] == "forbidden"
        assert (await c_twin.request(type="subscribe", room=room))["code"] == "not_found"
        # The document's example message, plus a ref to match the acknowledgement.
        await c_alice.send(type="chat_message", message="Hello!", room=room, ref="m-1")
        first, second = await c_alice.recv(), await c_alice.recv()
        ack, event = (first, second) if first["type"] == "ack" else (second, first)
        assert ack["action"] == "chat_message" and ack["ref"] == "m-1"
        stored = ack["data"]
        assert stored["message"] == "Hello!" and stored["room"] == room and stored["sender"]["id"] == alice.user_id
        assert event == {"type": "chat.message", "room": room, "id": event["id"], "data": stored,
                         "created_at": event["created_at"]}
        assert await c_bob.events(1) == [event]
        # The stored message is what the JSON API lists.
        assert bob.get(messages_url(room)).json()["results"] == [stored]
        # Refusals are errors on the sender's connection; nothing is stored or delivered.
        assert await c_outsider.request(type="chat_message", message="sneaky", room=room, ref=2) == {
            "type": "error", "code": "forbidden", "reason": FORBIDDEN["detail"], "room": room, "ref": 2}
        assert await c_twin.request(type="chat_message", message="sneaky", room=room) == {
            "type": "error", "code": "not_found", "reason": "Not found.", "room": room}
        assert await c_alice.request(type="chat_message", message="", room=room) == {
            "type": "error", "code": "validation", "reason": "The message was not stored.", "room": room,
            "errors": {"message": ["This field may not be blank."]}}
        assert await c_alice.request(type="chat_message", room=room) == {
            "type": "error", "code": "validation", "reason": "The message was not stored.", "room": room,
            "errors": {"message": ["This field is required."]}}
        await c_bob.send(type="chat_message", message="Hi Alice", room=room)
        reply = [f for f in (await c_bob.recv(), await c_bob.recv()) if f["type"] == "chat.message"][0]
        assert (await c_alice.events(1))[0] == reply and reply["id"] > event["id"]
        assert bob.get(messages_url(room)).json()["count"] == 2
        # Nobody outside the room heard anything: their next frame is their own pong.
        for client in (c_outsider, c_twin):
            assert await client.request(type="ping") == {"type": "pong"}

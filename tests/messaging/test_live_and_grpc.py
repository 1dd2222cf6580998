"""Messaging live (message.received / message.sent over WebSocket, announcements fanned out by the outbox
consumer), over native gRPC, and the user_notified hook other domains use."""
import grpc
import pytest

import lms.messaging.public  # noqa: F401  (connects the user_notified handler in this process)
from lms.messaging.v1 import messaging_pb2 as pb, messaging_pb2_grpc
from lms.platform import hooks
from lms.platform.protos import json_values
from tests.helpers import assert_error, assign_instructor
from tests.messaging.test_messaging import URL, classmates, known, send
from tests.realtime.client import clients, transaction


async def _next(client, event_type: str) -> dict:
    """The next event of `event_type` (enrollment events of the set-up may arrive first)."""
    for _ in range(10):
        frame = await client.recv()
        if frame.get("type") == event_type:
            return frame
    raise AssertionError(f"no {event_type} event")


async def test_direct_messages_and_announcements_are_delivered_live(tenant, stack):
    learners = [tenant.student() for _ in range(2)]
    teacher, bystander = tenant.instructor(first_name="Grace", last_name="Hopper"), tenant.student()
    known(*learners, teacher, bystander)
    admin, course = classmates(tenant, *learners)
    assign_instructor(admin, teacher, course["id"])
    async with clients(stack, *learners, teacher, bystander) as (c_first, c_second, c_teacher, c_bystander):
        message = send(teacher, learners[0], subject="Hello")
        received = await _next(c_first, "message.received")
        assert received["room"] == f"user_{learners[0].user_id}"
        assert received["data"]["id"] == message["id"] and received["data"]["sender_name"] == "Grace Hopper"
        assert received["data"]["subject"] == "Hello" and received["data"]["thread"] == message["id"]
        echoed = await _next(c_teacher, "message.sent")
        assert echoed["room"] == f"user_{teacher.user_id}" and echoed["data"]["id"] == message["id"]

        announcement = teacher.post(URL, {"subject": "Exam", "content": "Friday", "message_type": "announcement",
                                          "course": course["id"]}).json()
        for client, learner in ((c_first, learners[0]), (c_second, learners[1])):
            frame = await _next(client, "message.received")  # written by the fan-out consumer
            assert frame["room"] == f"user_{learner.user_id}"
            assert frame["data"]["id"] == announcement["id"] and frame["data"]["message_type"] == "announcement"
            assert frame["data"]["course"] == course["id"]
        assert (await _next(c_teacher, "message.sent"))["data"]["id"] == announcement["id"]
        # Nobody else heard any of it: the bystander's next event is a marker sent to them alone.
        note = send(teacher, bystander, subject="Only you")
        frame = await _next(c_bystander, "message.received")
        assert frame["data"]["id"] == note["id"]
    # Handled once: the announcement's events exist once per recipient, whatever the consumer replays.
    rows = stack.sql("SELECT room FROM outbox_events WHERE type = 'message.received' AND tenant_id = :tenant "
                     "ORDER BY room", tenant=tenant.id)
    rooms = [r[0] for r in rows]
    assert rooms.count(f"user_{learners[1].user_id}") == 1 and rooms.count(f"user_{learners[0].user_id}") == 2


async def test_other_domains_notify_users_with_system_messages(tenant, stack):
    student = tenant.student()
    known(student)
    async with clients(stack, student) as (client,):
        async with transaction(stack, tenant.id) as session:
            await hooks.user_notified.fire(session, None, recipient=student.user_id, subject="Post rejected",
                                           content="Off topic.")
        frame = await _next(client, "message.received")
    assert frame["data"]["message_type"] == "system" and frame["data"]["sender_name"] == "System"
    (notice,) = student.get(URL, params={"message_type": "system"}).json()["results"]
    assert notice["sender"] == "" and notice["subject"] == "Post rejected" and notice["is_read"] is False
    assert_error(student.post(URL, {"content": "Why?", "reply_to": notice["id"]}), 400,
                 {"reply_to": ["System messages cannot be answered."]})
    # A rolled-back unit of work leaves no message.
    with pytest.raises(RuntimeError):
        async with transaction(stack, tenant.id) as session:
            await hooks.user_notified.fire(session, None, recipient=student.user_id, subject="Never", content="x")
            raise RuntimeError("rolled back")
    assert student.get(URL).json()["count"] == 1


def test_messaging_over_grpc(tenant, other_tenant, stack):
    teacher, student = tenant.instructor(), tenant.student()
    known(teacher, student)
    with stack.channel() as channel:
        stub = messaging_pb2_grpc.MessageServiceStub(channel)
        sent = stub.SendMessage(pb.SendMessageRequest(message=pb.MessageInput(**json_values(
            recipient=student.user_id, subject="Question about assignment", content="Hi", message_type="direct"))),
            metadata=teacher.metadata)
        assert sent.recipient == student.user_id and sent.folder == "sent"
        assert sent.read_at.WhichOneof("kind") == "null_value"
        assert stub.GetUnreadCount(pb.GetUnreadCountRequest(), metadata=student.metadata).unread_count == 1
        page = stub.ListMessages(pb.ListMessagesRequest(folder="inbox", page_size=5), metadata=student.metadata)
        assert page.count == 1 and page.results[0].id == sent.id
        got = stub.GetMessage(pb.GetMessageRequest(message_id=sent.id), metadata=student.metadata)
        assert got.is_read and got.read_at.string_value.endswith("Z")
        types = stub.ListMessageTypes(pb.ListMessageTypesRequest(), metadata=student.metadata)
        assert [t.value for t in types.types] == ["direct", "announcement", "system"]
        with pytest.raises(grpc.RpcError) as unknown:
            stub.SendMessage(pb.SendMessageRequest(message=pb.MessageInput(**json_values(
                recipient="ghost", subject="x", content="y"))), metadata=teacher.metadata)
        assert unknown.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        stranger = other_tenant.actor("student", user_id=student.user_id)  # the same user id, another tenant
        with pytest.raises(grpc.RpcError) as foreign:
            stub.GetMessage(pb.GetMessageRequest(message_id=sent.id), metadata=stranger.metadata)
        assert foreign.value.code() == grpc.StatusCode.NOT_FOUND

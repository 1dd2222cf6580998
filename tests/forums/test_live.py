"""Subscriptions and live events: `forum_<id>` rooms are for whoever may see the forum, published posts reach
them as they happen, followers are told by message from the outbox (one delivery per post and follower),
and the forum routes over native gRPC."""
import time

import grpc
import pytest

from lms.forums.v1 import forums_pb2, forums_pb2_grpc
from lms.platform.protos import json_values
from tests.forums.helpers import FORUMS, POSTS, make_forum, make_post
from tests.helpers import assign_instructor, enroll, make_course
from tests.realtime.client import clients


def _deliveries(stack, post_id: int, count: int, timeout: float = 15.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        rows = stack.sql("SELECT user_id FROM forum_deliveries WHERE post_id = :p ORDER BY user_id", p=post_id)
        if len(rows) >= count or time.monotonic() > deadline:
            return [r[0] for r in rows]
        time.sleep(0.1)


async def _next_of(client, room: str, kinds: set[str]) -> dict:
    for _ in range(6):
        frame = await client.recv()
        if frame.get("room") == room and frame.get("type") in kinds:
            return frame
    raise AssertionError(f"no {kinds} in {room}")


async def test_forum_rooms_hear_published_posts_and_followers_are_told(tenant, other_tenant, stack):
    admin, teacher = tenant.admin(), tenant.instructor()
    learner, follower, outsider = tenant.student(), tenant.student(), tenant.student()
    course = make_course(admin)
    assign_instructor(admin, teacher, course["id"])
    for user in (learner, follower):
        enroll(user, course["id"])
    forum = make_forum(teacher, course=course["id"], moderation="all_student_posts")
    fid, room = forum["id"], f"forum_{forum['id']}"
    followed = follower.post(f"{FORUMS}{fid}/follow/")
    assert followed.status_code == 200, followed.text
    assert followed.json()["forum"] == fid and followed.json()["thread"] is None
    assert follower.get(f"{FORUMS}{fid}/").json()["is_following"] is True
    twin = other_tenant.actor("student", user_id=follower.user_id)
    async with clients(stack, follower, outsider, twin) as (c_follower, c_outsider, c_twin):
        assert (await c_follower.subscribe(room))[0]["type"] == "subscribed"
        for client in (c_outsider, c_twin):  # not a learner of the course; another tenant's user of the same id
            assert (await client.subscribe(room))[0]["type"] == "error"

        # A waiting post is not announced; its approval is, to the room.
        waiting = make_post(learner, fid, title="Question about week 1")
        assert waiting["status"] == "pending"
        assert teacher.post(f"{POSTS}{waiting['id']}/approve/").status_code == 200
        frame = await _next_of(c_follower, room, {"forum.post_approved", "forum.post_created"})
        assert frame["type"] == "forum.post_approved"
        assert frame["data"]["post_id"] == waiting["id"] and frame["data"]["author_id"] == learner.user_id
        assert frame["data"]["approved_by"] == teacher.user_id and frame["data"]["forum_id"] == fid

        # Staff posts are published at once: forum.post_created.
        staff_post = make_post(teacher, fid, title="Announcement")
        frame = await _next_of(c_follower, room, {"forum.post_created"})
        assert frame["data"]["post_id"] == staff_post["id"]

    # Followers are told by message, from the outbox consumer: once each, never the author.
    assert _deliveries(stack, waiting["id"], 1) == [follower.user_id]
    assert _deliveries(stack, staff_post["id"], 1) == [follower.user_id]
    # A thread's followers (its author follows it) hear of its replies; forum followers too.
    reply = make_post(teacher, fid, parent=waiting["id"], content="See the syllabus")
    assert _deliveries(stack, reply["id"], 2) == sorted([follower.user_id, learner.user_id])
    assert follower.delete(f"{FORUMS}{fid}/follow/").status_code == 204
    assert learner.delete(f"{POSTS}{reply['id']}/follow/").status_code == 204  # any post of the thread
    last = make_post(teacher, fid, parent=waiting["id"], content="One more")
    time.sleep(1.5)
    assert _deliveries(stack, last["id"], 1, timeout=0) == []


def test_forums_over_grpc(tenant, stack):
    staff, student = tenant.instructor(), tenant.student()
    with stack.channel() as channel:
        stub = forums_pb2_grpc.ForumServiceStub(channel)
        forum = stub.CreateForum(forums_pb2.CreateForumRequest(forum=forums_pb2.ForumInput(
            **json_values(title="General Discussion", is_active=True))), metadata=staff.metadata)
        assert forum.title == "General Discussion" and forum.course.WhichOneof("kind") == "null_value"
        post = stub.CreatePost(forums_pb2.CreatePostRequest(post=forums_pb2.PostInput(
            **json_values(forum=forum.id, title="Welcome", content="Hi"))), metadata=student.metadata)
        assert post.status == "published" and post.thread == post.id
        page = stub.ListPosts(forums_pb2.ListPostsRequest(forum=forum.id), metadata=student.metadata)
        assert page.count == 1 and page.results[0].id == post.id
        with pytest.raises(grpc.RpcError) as refused:
            stub.ListQueue(forums_pb2.ListQueueRequest(), metadata=student.metadata)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.RpcError) as foreign:
            stub.GetForum(forums_pb2.GetForumRequest(forum_id=forum.id),
                          metadata=(("authorization", f"Bearer {stack.token('x', 'another-tenant')}"),))
        assert foreign.value.code() == grpc.StatusCode.NOT_FOUND


"""Groups under concurrent joins, over native gRPC, and in the live channel (the group_<id> room)."""
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from lms.groups.v1 import groups_pb2, groups_pb2_grpc
from tests.helpers import assert_error
from tests.realtime.client import clients
from tests.groups.test_groups import URL, make_group


def test_fifty_simultaneous_joins_fill_exactly_the_free_places(tenant, stack):
    owner = tenant.student()
    group = make_group(owner, max_members=11)  # the owner holds one place: 10 free
    joiners = [tenant.student() for _ in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda a: a.post(f"{URL}{group['id']}/join/"), joiners))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 10 + [400] * 40, [r.text for r in responses if r.status_code not in (200, 400)]
    for r in responses:
        if r.status_code == 400:
            assert r.json() == {"non_field_errors": ["This group is full."]}
    members = owner.get(f"{URL}{group['id']}/members/", params={"page_size": 100}).json()
    assert members["count"] == 11 and owner.get(f"{URL}{group['id']}/").json()["member_count"] == 11
    joined = {r.json()["user_id"] for r in responses if r.status_code == 200}
    assert joined == {m["user_id"] for m in members["results"]} - {owner.user_id}
    # A place freed by leaving is taken again.
    leaver = next(a for a in joiners if a.user_id in joined)
    assert leaver.post(f"{URL}{group['id']}/leave/").status_code == 204
    late = next(a for a in joiners if a.user_id not in joined)
    assert late.post(f"{URL}{group['id']}/join/").status_code == 200
    assert_error(leaver.post(f"{URL}{group['id']}/join/"), 400, {"non_field_errors": ["This group is full."]})


def test_groups_over_grpc(tenant, stack):
    owner, joiner = tenant.student(), tenant.student()
    with stack.channel() as channel:
        stub = groups_pb2_grpc.GroupServiceStub(channel)
        created = stub.CreateGroup(groups_pb2.CreateGroupRequest(group=groups_pb2.GroupInput(
            name="Python Study Group", description="Group for Python learners to collaborate", is_private=False,
            max_members=20)), metadata=owner.metadata)
        assert created.member_count == 1 and created.my_role.string_value == "owner"
        assert created.course.WhichOneof("kind") == "null_value"
        joined = stub.JoinGroup(groups_pb2.JoinGroupRequest(group_id=created.id), metadata=joiner.metadata)
        assert joined.role == "member"
        with pytest.raises(grpc.RpcError) as again:
            stub.JoinGroup(groups_pb2.JoinGroupRequest(group_id=created.id), metadata=joiner.metadata)
        assert again.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        roles = stub.ListRoles(groups_pb2.ListRolesRequest(), metadata=owner.metadata)
        assert [r.name for r in roles.roles] == ["owner", "moderator", "member"]
        page = stub.ListGroups(groups_pb2.ListGroupsRequest(page_size=5), metadata=joiner.metadata)
        assert page.count == 1 and page.results[0].is_member
        with pytest.raises(grpc.RpcError) as foreign:
            stub.GetGroup(groups_pb2.GetGroupRequest(group_id=created.id),
                          metadata=(("authorization", f"Bearer {stack.token('x', 'another-tenant')}"),))
        assert foreign.value.code() == grpc.StatusCode.NOT_FOUND


async def _about(client, user_id: str, room: str) -> dict:
    """The next event of `room` about `user_id` (the owner's own joining, numbered just after the group's
    creation, may still be on its way when the client subscribes)."""
    for _ in range(5):
        frame = (await client.events(1))[0]
        if frame["room"] == room and frame["data"].get("user_id") == user_id:
            return frame
    raise AssertionError(f"no event about {user_id} in {room}")


async def test_group_room_is_for_members_and_hears_membership_changes(tenant, other_tenant, stack):
    owner, outsider, newcomer = tenant.student(), tenant.student(), tenant.student()
    group = make_group(owner)
    room = f"group_{group['id']}"
    twin = other_tenant.actor("student", user_id=owner.user_id)
    async with clients(stack, owner, outsider, twin) as (c_owner, c_outsider, c_twin):
        reply = (await c_owner.subscribe(room))[0]
        while reply["type"] == "group.member_joined":  # the owner's own join may be delivered to their room first
            reply = await c_owner.recv()
        assert reply["type"] == "subscribed"
        for client in (c_outsider, c_twin):
            assert (await client.subscribe(room))[0]["type"] == "error"
        assert newcomer.post(f"{URL}{group['id']}/join/").status_code == 200
        frames = [await _about(c_owner, newcomer.user_id, room)]
        assert frames[0]["type"] == "group.member_joined" and frames[0]["room"] == room
        assert frames[0]["data"] == {"group_id": group["id"], "user_id": newcomer.user_id, "role": "member",
                                     "member_count": 2}
        assert owner.delete(f"{URL}{group['id']}/members/{newcomer.user_id}/").status_code == 204
        left = (await c_owner.events(1))[0]
        assert left["type"] == "group.member_left" and left["data"]["reason"] == "removed"

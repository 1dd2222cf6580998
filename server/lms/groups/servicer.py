"""gRPC servicer of groups: request in, service call, message out."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.groups import service
from lms.groups.models import GroupInvitation, GroupMember, ROLES
from lms.groups.v1 import groups_pb2, groups_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, nullable_string, timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present
from lms.users.public import display_names


def group_message(view: service.GroupView) -> groups_pb2.Group:
    g = view.group
    return groups_pb2.Group(
        id=g.id, name=g.name, description=g.description, is_private=g.is_private, max_members=g.max_members,
        course=nullable_number(g.course_id), member_count=g.member_count, owner_id=g.owner_id,
        created_by=g.created_by, is_member=view.role is not None, my_role=nullable_string(view.role),
        created_at=timestamp(g.created_at), updated_at=timestamp(g.updated_at))


def membership_message(m: GroupMember, name: str) -> groups_pb2.Membership:
    return groups_pb2.Membership(group=m.group_id, user_id=m.user_id, user_name=name, role=m.role,
                                 joined_at=timestamp(m.joined_at))


def invitation_message(i: GroupInvitation, group_name: str) -> groups_pb2.Invitation:
    return groups_pb2.Invitation(id=i.id, group=i.group_id, group_name=group_name, user_id=i.user_id,
                                 invited_by=i.invited_by, status=i.status, created_at=timestamp(i.created_at))


async def _member_out(session, member: GroupMember) -> groups_pb2.Membership:
    names = await display_names(session, [member.user_id])
    return membership_message(member, names[member.user_id])


class GroupServicer(groups_pb2_grpc.GroupServiceServicer):
    @rpc
    async def ListGroups(self, request, call):
        page = PageRequest.from_request(request)
        views, total = await service.list_groups(
            await call.session(), call.actor, page,
            course=request.course if request.HasField("course") else None,
            mine=request.mine if request.HasField("mine") else None,
            search=request.search if request.HasField("search") else None)
        return groups_pb2.ListGroupsResponse(**page_envelope(call, request, page, total),
                                             results=[group_message(v) for v in views])

    @rpc
    async def CreateGroup(self, request, call):
        call.require_user()
        return group_message(await service.create_group(await call.session(), call.actor, present(request.group)))

    @rpc
    async def GetGroup(self, request, call):
        return group_message(await service.get_group(await call.session(), call.actor, request.group_id))

    @rpc
    async def ReplaceGroup(self, request, call):
        return group_message(await service.change_group(await call.session(), call.actor, request.group_id,
                                                        present(request.group), partial=False))

    @rpc
    async def UpdateGroup(self, request, call):
        return group_message(await service.change_group(await call.session(), call.actor, request.group_id,
                                                        present(request.group), partial=True))

    @rpc
    async def DeleteGroup(self, request, call):
        await service.delete_group(await call.session(), call.actor, request.group_id)
        return empty_pb2.Empty()

    async def ListRoles(self, request, context):
        return groups_pb2.ListRolesResponse(roles=[
            groups_pb2.Role(name=name, description=service.ROLE_RIGHTS[name][0],
                            permissions=service.ROLE_RIGHTS[name][1]) for name in ROLES])

    @rpc
    async def JoinGroup(self, request, call):
        session = await call.session()
        return await _member_out(session, await service.join_group(session, call.actor, request.group_id))

    @rpc
    async def LeaveGroup(self, request, call):
        await service.leave_group(await call.session(), call.actor, request.group_id)
        return empty_pb2.Empty()

    @rpc
    async def ListMembers(self, request, call):
        session = await call.session()
        page = PageRequest.from_request(request)
        members, total = await service.list_members(session, call.actor, request.group_id, page,
                                                    request.role if request.HasField("role") else None)
        names = await display_names(session, [m.user_id for m in members])
        return groups_pb2.ListMembersResponse(**page_envelope(call, request, page, total),
                                              results=[membership_message(m, names[m.user_id]) for m in members])

    @rpc
    async def AddMember(self, request, call):
        session = await call.session()
        member = await service.add_member(session, call.actor, request.group_id, present(request.member))
        return await _member_out(session, member)

    @rpc
    async def UpdateMember(self, request, call):
        session = await call.session()
        member = await service.change_role(session, call.actor, request.group_id, request.user_id,
                                           present(request.member))
        return await _member_out(session, member)

    @rpc
    async def RemoveMember(self, request, call):
        await service.remove_member(await call.session(), call.actor, request.group_id, request.user_id)
        return empty_pb2.Empty()

    @rpc
    async def ListGroupInvitations(self, request, call):
        page = PageRequest.from_request(request)
        rows, total = await service.list_group_invitations(await call.session(), call.actor, request.group_id, page)
        return groups_pb2.ListInvitationsResponse(**page_envelope(call, request, page, total),
                                                  results=[invitation_message(i, n) for i, n in rows])

    @rpc
    async def CreateInvitation(self, request, call):
        invitation, name = await service.invite(await call.session(), call.actor, request.group_id,
                                                present(request.invitation))
        return invitation_message(invitation, name)

    @rpc
    async def ListMyInvitations(self, request, call):
        page = PageRequest.from_request(request)
        rows, total = await service.list_my_invitations(await call.session(), call.actor, page)
        return groups_pb2.ListInvitationsResponse(**page_envelope(call, request, page, total),
                                                  results=[invitation_message(i, n) for i, n in rows])

    @rpc
    async def AcceptInvitation(self, request, call):
        session = await call.session()
        return await _member_out(session, await service.accept_invitation(session, call.actor, request.invitation_id))

    @rpc
    async def DeclineInvitation(self, request, call):
        invitation, name = await service.decline_invitation(await call.session(), call.actor, request.invitation_id)
        return invitation_message(invitation, name)

    @rpc
    async def CancelInvitation(self, request, call):
        await service.cancel_invitation(await call.session(), call.actor, request.group_id, request.invitation_id)
        return empty_pb2.Empty()

"""gRPC servicer of the user directory."""
from __future__ import annotations

from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present
from lms.users import service
from lms.users.models import DirectoryUser
from lms.users.v1 import users_pb2, users_pb2_grpc


def user_message(entry: DirectoryUser) -> users_pb2.User:
    return users_pb2.User(
        id=entry.user_id, email=entry.email, first_name=entry.first_name, last_name=entry.last_name,
        avatar_url=entry.avatar_url, phone=entry.phone, roles=entry.roles.split(),
        updated_at=timestamp(entry.updated_at))


class UserDirectoryServicer(users_pb2_grpc.UserDirectoryServiceServicer):
    @rpc
    async def GetCurrentUser(self, request, call, session):
        user = call.require_user()
        return user_message(await service.get_user(session, call, user.user_id))

    @rpc
    async def ListUsers(self, request, call, session):
        page = PageRequest.from_request(request)
        rows, total = await service.list_users(session, call, request.search.strip(), page)
        return users_pb2.ListUsersResponse(**page_envelope(call, request, page, total),
                                           results=[user_message(r) for r in rows])

    @rpc
    async def GetUser(self, request, call, session):
        return user_message(await service.get_user(session, call, request.user_id))

    @rpc
    async def SetUser(self, request, call, session):
        entry = await service.set_user(session, call, request.user_id, present(request.user))
        return user_message(entry)

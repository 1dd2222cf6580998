"""gRPC servicer of the chat rooms."""
from __future__ import annotations

from lms.chat import service
from lms.chat.v1 import chat_pb2, chat_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present


def message_message(row: service.MessageRow) -> chat_pb2.RoomMessage:
    m, s = row.message, row.sender
    return chat_pb2.RoomMessage(
        id=m.id, room=m.room, message=m.body, created_at=timestamp(m.created_at),
        sender=chat_pb2.ChatSender(id=m.sender_id, first_name=s.first_name if s else "",
                                   last_name=s.last_name if s else "", avatar_url=s.avatar_url if s else ""))


class ChatServicer(chat_pb2_grpc.ChatServiceServicer):
    @rpc
    async def PostRoomMessage(self, request, call, session):
        row = await service.post_message(session, call, request.room, present(request.message))
        return message_message(row)

    @rpc
    async def ListRoomMessages(self, request, call, session):
        page = PageRequest.from_request(request)
        rows, total = await service.list_messages(session, call, request.room, page)
        return chat_pb2.ListRoomMessagesResponse(**page_envelope(call, request, page, total),
                                                 results=[message_message(r) for r in rows])

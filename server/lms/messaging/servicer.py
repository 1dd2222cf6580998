"""gRPC servicer of messaging: request in, service call, message out."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.messaging import service
from lms.messaging.models import MESSAGE_TYPES
from lms.messaging.v1 import messaging_pb2 as pb, messaging_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, nullable_timestamp, timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present


def message_out(row: service.MessageRow) -> pb.Message:
    return pb.Message(
        id=row.id, sender=row.sender_id, sender_name=row.sender_name, recipient=row.recipient_id,
        recipient_name=row.recipient_name, subject=row.subject, content=row.content, message_type=row.message_type,
        course=nullable_number(row.course_id), reply_to=nullable_number(row.reply_to_id), thread=row.thread_id,
        is_read=row.read_at is not None, read_at=nullable_timestamp(row.read_at), created_at=timestamp(row.created_at),
        folder=row.folder, recipient_count=row.recipient_count)


def _optional(request, name: str):
    return getattr(request, name) if request.HasField(name) else None


class MessageServicer(messaging_pb2_grpc.MessageServiceServicer):
    @rpc
    async def ListMessages(self, request, call):
        page = PageRequest.from_request(request)
        filters = service.Filters(folder=_optional(request, "folder"), unread=_optional(request, "unread"),
                                  message_type=_optional(request, "message_type"), thread=_optional(request, "thread"))
        rows, total = await service.list_messages(call, filters, page)
        return pb.ListMessagesResponse(**page_envelope(call, request, page, total),
                                       results=[message_out(r) for r in rows])

    @rpc
    async def SendMessage(self, request, call, session):
        message, sender_name, recipient_name = await service.send(session, call.actor, present(request.message))
        return message_out(service.sent_row(message, sender_name, recipient_name))

    @rpc
    async def GetMessage(self, request, call, session):
        return message_out(await service.get_message(session, call.actor, request.message_id))

    @rpc
    async def DeleteMessage(self, request, call, session):
        await service.delete_message(session, call.actor, request.message_id)
        return empty_pb2.Empty()

    @rpc
    async def MarkRead(self, request, call, session):
        return message_out(await service.mark(session, call.actor, request.message_id, True))

    @rpc
    async def MarkUnread(self, request, call, session):
        return message_out(await service.mark(session, call.actor, request.message_id, False))

    @rpc
    async def MarkAllRead(self, request, call, session):
        return pb.UnreadCount(unread_count=await service.mark_all_read(session, call.actor))

    @rpc
    async def GetUnreadCount(self, request, call):
        return pb.UnreadCount(unread_count=await service.unread_count(call))

    @rpc
    async def ListMessageTypes(self, request, call):
        return pb.ListMessageTypesResponse(types=[
            pb.MessageType(value=t, label=service.TYPE_LABELS[t][0], description=service.TYPE_LABELS[t][1],
                           sendable=service.TYPE_LABELS[t][2]) for t in MESSAGE_TYPES])

    @rpc
    async def GetMessagingSettings(self, request, call, session):
        return pb.MessagingSettings(student_recipients=await service.student_scope(session))

    @rpc
    async def UpdateMessagingSettings(self, request, call, session):
        scope = await service.update_settings(session, call.actor, present(request.settings))
        return pb.MessagingSettings(student_recipients=scope)

"""gRPC servicer of messaging: request in, service call, message out."""
from __future__ import annotations

from google.protobuf import empty_pb2, struct_pb2

from lms.messaging import service
from lms.messaging.models import MESSAGE_TYPES
from lms.messaging.v1 import messaging_pb2 as pb, messaging_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import set_timestamp, timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present


def message_out(row: service.MessageRow, into=None) -> pb.Message:
    """The message of a `service.MessageRow`, added to the repeated field `into` when given (a list's messages
    are filled in place: several times cheaper than building each one and copying it in)."""
    fields = dict(
        id=row.id, sender=row.sender_id, sender_name=row.sender_name, recipient=row.recipient_id,
        recipient_name=row.recipient_name, subject=row.subject, content=row.content, message_type=row.message_type,
        thread=row.thread_id, is_read=row.read_at is not None, folder=row.folder, recipient_count=row.recipient_count)
    message = into.add(**fields) if into is not None else pb.Message(**fields)
    _set_number(message.course, row.course_id)
    _set_number(message.reply_to, row.reply_to_id)
    if row.read_at is None:
        message.read_at.null_value = struct_pb2.NULL_VALUE
    else:
        message.read_at.string_value = timestamp(row.read_at).ToJsonString()
    set_timestamp(message.created_at, row.created_at)
    return message


def _set_number(value: struct_pb2.Value, number: int | None) -> None:
    """Fills a nullable number field in place (`lms.platform.protos.nullable_number` builds one)."""
    if number is None:
        value.null_value = struct_pb2.NULL_VALUE
    else:
        value.number_value = number


def _optional(request, name: str):
    return getattr(request, name) if request.HasField(name) else None


class MessageServicer(messaging_pb2_grpc.MessageServiceServicer):
    @rpc
    async def ListMessages(self, request, call):
        page = PageRequest.from_request(request)
        filters = service.Filters(folder=_optional(request, "folder"), unread=_optional(request, "unread"),
                                  message_type=_optional(request, "message_type"), thread=_optional(request, "thread"))
        rows, total = await service.list_messages(call, filters, page)
        response = pb.ListMessagesResponse(**page_envelope(call, request, page, total))
        results = response.results
        for row in rows:
            message_out(row, into=results)
        return response

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

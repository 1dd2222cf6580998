"""gRPC servicer of the AI chat tutor."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.ai_chat import service
from lms.ai_chat.models import ChatMessage, ChatSession
from lms.ai_chat.v1 import ai_chat_pb2, ai_chat_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present


def _session_fields(chat: ChatSession) -> dict:
    return dict(id=chat.id, title=chat.title, context=chat.context, course=nullable_number(chat.course_id),
                message_count=chat.message_count, created_at=timestamp(chat.created_at),
                updated_at=timestamp(chat.updated_at))


def session_message(chat: ChatSession) -> ai_chat_pb2.ChatSession:
    return ai_chat_pb2.ChatSession(**_session_fields(chat))


def chat_message(m: ChatMessage) -> ai_chat_pb2.ChatMessage:
    return ai_chat_pb2.ChatMessage(
        id=m.id, session=m.session_id, message_type=m.role, message=m.body,
        sources=[ai_chat_pb2.ChatSource(type=s["type"], id=s["id"], title=s["title"], course=s["course"])
                 for s in m.sources or []],
        provider=m.provider, model=m.model, fallback=m.fallback, reply_to=nullable_number(m.reply_to_id),
        created_at=timestamp(m.created_at))


class AiChatServicer(ai_chat_pb2_grpc.AiChatServiceServicer):
    @rpc
    async def ListChatSessions(self, request, call):
        page = PageRequest.from_request(request)
        rows, total = await service.list_sessions(await call.session(), call, page)
        return ai_chat_pb2.ListChatSessionsResponse(**page_envelope(call, request, page, total),
                                                    results=[session_message(s) for s in rows])

    @rpc
    async def CreateChatSession(self, request, call):
        return session_message(await service.create_session(await call.session(), call, present(request.session)))

    @rpc
    async def GetChatSession(self, request, call):
        chat, messages = await service.session_detail(await call.session(), call, request.session_id)
        return ai_chat_pb2.ChatSessionDetail(**_session_fields(chat), messages=[chat_message(m) for m in messages])

    @rpc
    async def UpdateChatSession(self, request, call):
        return session_message(await service.update_session(await call.session(), call, request.session_id,
                                                            present(request.session)))

    @rpc
    async def DeleteChatSession(self, request, call):
        await service.delete_session(await call.session(), call, request.session_id)
        return empty_pb2.Empty()

    @rpc
    async def ListChatMessages(self, request, call):
        page = PageRequest.from_request(request)
        rows, total = await service.list_messages(await call.session(), call, request.session_id, page)
        return ai_chat_pb2.ListChatMessagesResponse(**page_envelope(call, request, page, total),
                                                    results=[chat_message(m) for m in rows])

    @rpc
    async def SendChatMessage(self, request, call):
        exchange = await service.send_message(await call.session(), call, request.session_id,
                                              present(request.message))
        return ai_chat_pb2.SendChatMessageResponse(user_message=chat_message(exchange.question),
                                                   assistant_message=chat_message(exchange.answer))

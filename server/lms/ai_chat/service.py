"""AI chat rules: the caller's own sessions, and questions answered from the course content they may see.

Sessions belong to one user: every lookup is by id *and* owner, so another user's session (staff included)
is 404 exactly like a missing one. A session may name a course the caller may see (`visible_course`); its
answers then draw on that course only.

Sending a message (`send_message`):

1. checks the session, the body (`message` of 1..LMS_AI_MAX_MESSAGE_LENGTH characters, `message_type`
   "user") and the caller's budget of questions (LMS_AI_RATE_LIMIT per user, shared by replicas through the
   rate limiter's backend: 429 with Retry-After), in that order, so bad input changes and charges nothing;
2. stores the question and retrieves the relevant passages (lms.ai_chat.retrieval);
3. answers:
   - offline (no model configured): the passages with citations, in the same transaction, which also
     stores the answer and records the final `chat.reply_completed` event;
   - with a model: the transaction so far is committed (the question is stored; no database connection is
     held while the model writes), and the answer is streamed to the session's room `chat_<id>` as
     `chat.reply` events, each a piece of text written by its own small transaction every
     LMS_AI_STREAM_INTERVAL seconds (the outbox delivers an event once it is committed, so this is what
     makes pieces reach WebSocket clients while the model is still writing). The answer, with its sources, is
     stored by the call's last transaction with the final `chat.reply_completed` event (the whole message:
     clients replace what they assembled from the pieces with it). If the model fails, the offline answer
     is stored instead, marked `fallback`, with a note saying so.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import time

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.ai_chat import retrieval
from lms.ai_chat.access import room_name
from lms.ai_chat.models import ASSISTANT, USER, ChatMessage, ChatSession
from lms.ai_chat.providers import (
    FALLBACK_NOTE, OFFLINE, OPENAI, OpenAICompatible, ProviderError, build_messages, offline_answer,
)
from lms.courses.policy import visible_course
from lms.platform.context import Call
from lms.platform.errors import NotFound, Throttled, ValidationError
from lms.platform.events import CHAT_REPLY, CHAT_REPLY_COMPLETED, emit
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.protos import timestamp
from lms.platform.validation import Choice, Field, Fields, Str

log = logging.getLogger("lms.ai_chat")
DEFAULT_TITLE = "New chat"
DETAIL_MESSAGES = 100  # messages shown with a session


class CourseRef(Field):
    """A course id the caller may see, or null; anything else is DRF's invalid-pk error."""

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValidationError([f"Incorrect type. Expected pk value, received {type(value).__name__}."])
        try:
            number = int(value) if not isinstance(value, float) or value.is_integer() else None
        except ValueError:
            number = None
        if number is None:
            raise ValidationError([f"Incorrect type. Expected pk value, received {type(value).__name__}."])
        if not 1 <= number <= 2**31 - 1:
            raise ValidationError([f'Invalid pk "{value}" - object does not exist.'])
        return number


SESSION_FIELDS = Fields(
    title=Str(max_length=200, default=DEFAULT_TITLE),
    context=Str(max_length=2000, allow_blank=True),
    course=CourseRef(allow_null=True, default=None),
)


def message_fields(max_length: int) -> Fields:
    return Fields(message=Str(max_length=max_length, required=True),
                  message_type=Choice(("user",), default=USER))


# Sessions ----------------------------------------------------------------------------------------

async def _check_course(session: AsyncSession, call: Call, course_id: int | None) -> None:
    if course_id is None:
        return
    try:
        await visible_course(session, call.actor, course_id)
    except NotFound:
        raise ValidationError({"course": [f'Invalid pk "{course_id}" - object does not exist.']}) from None


async def own_session(session: AsyncSession, call: Call, session_id: int) -> ChatSession:
    """The caller's session `session_id`, or 404 (missing, another user's, another tenant's)."""
    user = call.require_user()
    chat = await session.scalar(select(ChatSession).where(ChatSession.id == session_id,
                                                          ChatSession.user_id == user.user_id))
    if chat is None:
        raise NotFound()
    return chat


async def list_sessions(session: AsyncSession, call: Call, page: PageRequest) -> tuple[list[ChatSession], int]:
    user = call.require_user()
    mine = ChatSession.user_id == user.user_id
    total = await session.scalar(select(func.count(ChatSession.id)).where(mine))
    rows = list(await session.scalars(select(ChatSession).where(mine)
                                      .order_by(ChatSession.updated_at.desc(), ChatSession.id.desc())
                                      .limit(page.size).offset(page.offset)))
    return rows, total


async def create_session(session: AsyncSession, call: Call, data: dict) -> ChatSession:
    user = call.require_user()
    values = SESSION_FIELDS.validate(data)
    await _check_course(session, call, values["course"])
    chat = ChatSession(user_id=user.user_id, title=values["title"], context=values["context"],
                       course_id=values["course"], message_count=0)
    session.add(chat)
    await session.flush()
    return chat


async def update_session(session: AsyncSession, call: Call, session_id: int, data: dict) -> ChatSession:
    chat = await own_session(session, call, session_id)
    values = SESSION_FIELDS.validate(data, partial=True)
    if "course" in values:
        await _check_course(session, call, values["course"])
        chat.course_id = values.pop("course")
    for name, value in values.items():
        setattr(chat, name, value)
    chat.updated_at = utcnow()
    await session.flush()
    return chat


async def delete_session(session: AsyncSession, call: Call, session_id: int) -> None:
    chat = await own_session(session, call, session_id)
    await session.delete(chat)
    await session.flush()


async def session_detail(session: AsyncSession, call: Call, session_id: int) -> tuple[ChatSession, list[ChatMessage]]:
    chat = await own_session(session, call, session_id)
    latest = list(await session.scalars(select(ChatMessage).where(ChatMessage.session_id == chat.id)
                                        .order_by(ChatMessage.id.desc()).limit(DETAIL_MESSAGES)))
    return chat, latest[::-1]


async def list_messages(session: AsyncSession, call: Call, session_id: int,
                        page: PageRequest) -> tuple[list[ChatMessage], int]:
    chat = await own_session(session, call, session_id)
    total = await session.scalar(select(func.count(ChatMessage.id)).where(ChatMessage.session_id == chat.id))
    rows = list(await session.scalars(select(ChatMessage).where(ChatMessage.session_id == chat.id)
                                      .order_by(ChatMessage.id).limit(page.size).offset(page.offset)))
    return rows, total


# Messages ----------------------------------------------------------------------------------------

def message_payload(m: ChatMessage) -> dict:
    """The JSON of a ChatMessage exactly as the API renders it (the final event carries it)."""
    return {
        "id": m.id, "session": m.session_id, "message_type": m.role, "message": m.body,
        "sources": list(m.sources or []), "provider": m.provider, "model": m.model, "fallback": m.fallback,
        "reply_to": m.reply_to_id, "created_at": timestamp(m.created_at).ToJsonString(),
    }


@dataclasses.dataclass
class Exchange:
    question: ChatMessage
    answer: ChatMessage


_providers: dict = {}


def model_provider(call: Call) -> OpenAICompatible | None:
    """The process's model client, or None when no model is configured (the offline provider answers)."""
    settings = call.runtime.settings
    key = (settings.ai_base_url, settings.ai_api_key, settings.ai_model, settings.ai_stream, settings.ai_timeout,
           settings.ai_max_retries)
    if key not in _providers:
        _providers[key] = OpenAICompatible.from_settings(settings)
    return _providers[key]


async def _charge(call: Call) -> None:
    """One question of the caller's hourly budget (LMS_AI_RATE_LIMIT), or 429."""
    limit, period = call.runtime.settings.ai_rate
    user = call.require_user()
    wait = await call.runtime.rate_limits.backend.hit(f"ai_chat:{user.tenant_id}:{user.user_id}", limit, period)
    if wait > 0:
        raise Throttled(math.ceil(wait))


async def _count(session: AsyncSession, chat_id: int, added: int) -> None:
    await session.execute(update(ChatSession).where(ChatSession.id == chat_id).values(
        message_count=ChatSession.message_count + added, updated_at=utcnow()))


class LiveReply:
    """Publishes the pieces of an answer to the session's room while it is written: every `interval` seconds
    what arrived since is one `chat.reply` event, committed by a transaction of its own."""

    def __init__(self, call: Call, chat_id: int, reply_to: int, interval: float):
        self.call, self.chat_id, self.reply_to, self.interval = call, chat_id, reply_to, interval
        self.pending: list[str] = []
        self.index = 0
        self.last = 0.0  # the first piece goes out at once

    async def push(self, piece: str) -> None:
        self.pending.append(piece)
        if time.monotonic() - self.last >= self.interval:
            await self.flush()

    async def flush(self) -> None:
        if not self.pending:
            return
        delta, self.pending = "".join(self.pending), []
        session = await self.call.session()
        emit(session, CHAT_REPLY, room_name(self.chat_id),
             {"session": self.chat_id, "reply_to": self.reply_to, "index": self.index, "delta": delta})
        await self.call.release_session()
        self.index += 1
        self.last = time.monotonic()


async def send_message(session: AsyncSession, call: Call, session_id: int, data: dict) -> Exchange:
    settings = call.runtime.settings
    chat = await own_session(session, call, session_id)
    values = message_fields(settings.ai_max_message_length).validate(data)
    await _charge(call)
    question_text = values["message"]
    question = ChatMessage(session_id=chat.id, role=USER, body=question_text, sources=[], provider="", model="",
                           fallback=False)
    session.add(question)
    await session.flush()
    found = await retrieval.search(session, call.actor, question_text, chat.course_id)
    sources = [f.source() for f in found]
    provider = model_provider(call)
    answer = ChatMessage(session_id=chat.id, role=ASSISTANT, sources=sources, reply_to_id=question.id,
                         provider=OFFLINE, model="", fallback=False)
    if provider is None:
        answer.body = offline_answer(found)
    else:
        history = [(m.role, m.body) for m in reversed(list(await session.scalars(
            select(ChatMessage).where(ChatMessage.session_id == chat.id, ChatMessage.id < question.id)
            .order_by(ChatMessage.id.desc()).limit(6))))]
        messages = build_messages(question_text, found, history, chat.context)
        await _count(session, chat.id, 1)
        await call.release_session()  # the question is stored; no connection is held while the model writes
        live = LiveReply(call, chat.id, question.id, settings.ai_stream_interval)
        pieces: list[str] = []
        try:
            async for piece in provider.complete(messages):
                pieces.append(piece)
                await live.push(piece)
            await live.flush()
            answer.body, answer.provider, answer.model = "".join(pieces), OPENAI, provider.model
        except Exception as exc:  # noqa: BLE001 - whatever went wrong with the model, the course still answers
            if not isinstance(exc, ProviderError):
                log.exception("AI model call failed unexpectedly")
            log.warning("AI model unavailable, answering offline", extra={"fields": {"error": str(exc)}})
            answer.body, answer.fallback = FALLBACK_NOTE + "\n\n" + offline_answer(found), True
        session = await call.session()
        if await session.scalar(select(ChatSession.id).where(ChatSession.id == chat.id)) is None:
            raise NotFound()  # deleted while the model was writing
    session.add(answer)
    await session.flush()
    await _count(session, chat.id, 1 if provider is not None else 2)
    emit(session, CHAT_REPLY_COMPLETED, room_name(chat.id),
         {"session": chat.id, "reply_to": question.id, "message": message_payload(answer)})
    return Exchange(question, answer)

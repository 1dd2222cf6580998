"""Chat logic: posting in and reading rooms, with the room rules of lms.realtime.rooms."""
from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.chat.models import ChatMessage
from lms.platform.context import Call
from lms.platform.events import CHAT_MESSAGE, emit
from lms.platform.pagination import PageRequest
from lms.platform.protos import timestamp
from lms.platform.validation import Fields, Str
from lms.realtime import rooms
from lms.users.public import profiles
from lms.users.public import DirectoryUser

MESSAGE_FIELDS = Fields(message=Str(max_length=2000, required=True)).declares("lms.chat.v1.RoomMessageInput")


@dataclasses.dataclass
class MessageRow:
    message: ChatMessage
    sender: DirectoryUser | None


def message_payload(row: MessageRow) -> dict:
    """The JSON of a RoomMessage, exactly as the API renders it: the data of the chat.message event."""
    m, s = row.message, row.sender
    return {
        "id": m.id,
        "room": m.room,
        "message": m.body,
        "sender": {"id": m.sender_id, "first_name": s.first_name if s else "", "last_name": s.last_name if s else "",
                   "avatar_url": s.avatar_url if s else ""},
        "created_at": timestamp(m.created_at).ToJsonString(),
    }


async def post_message(session: AsyncSession, call: Call, room_name: str, data: dict) -> MessageRow:
    """Stores the message and emits `chat.message` to the room in the same transaction."""
    user = call.require_user()
    room = await rooms.require_access(session, user, room_name)
    values = MESSAGE_FIELDS.validate(data)
    message = ChatMessage(room=room.name, sender_id=user.user_id, body=values["message"])
    session.add(message)
    await session.flush()
    row = MessageRow(message, (await profiles(session, [user.user_id])).get(user.user_id))
    emit(session, CHAT_MESSAGE, room.name, message_payload(row))
    return row


async def list_messages(session: AsyncSession, call: Call, room_name: str,
                        page: PageRequest) -> tuple[list[MessageRow], int]:
    """A page of the room's messages, newest first."""
    user = call.require_user()
    room = await rooms.require_access(session, user, room_name)
    total = await session.scalar(select(func.count(ChatMessage.id)).where(ChatMessage.room == room.name))
    messages = list(await session.scalars(
        select(ChatMessage).where(ChatMessage.room == room.name).order_by(ChatMessage.id.desc())
        .limit(page.size).offset(page.offset)))
    senders = await profiles(session, [m.sender_id for m in messages])
    return [MessageRow(m, senders.get(m.sender_id)) for m in messages], total

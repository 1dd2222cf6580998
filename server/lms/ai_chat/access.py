"""Who may join a chat session's live room `chat_<session id>`: its owner only (lms.realtime.rooms asks here)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.ai_chat.models import ChatSession
from lms.platform.rooms import chat_room

MAX_INT32 = 2**31 - 1


def room_name(session_id: int) -> str:
    return chat_room(str(session_id))


async def owns_session(session: AsyncSession, user_id: str | None, key: str) -> bool:
    """Whether `key` (a room key) is the id of a chat session of `user_id` in the session's tenant."""
    if user_id is None or not key.isascii() or not key.isdigit() or key.startswith("0") or int(key) > MAX_INT32:
        return False
    owner = await session.scalar(select(ChatSession.user_id).where(ChatSession.id == int(key)))
    return owner is not None and owner == user_id

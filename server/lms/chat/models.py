"""Tables of the chat domain: messages posted in rooms."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow


class ChatMessage(TenantScoped, Base):
    """A message someone posted in a room (`course_1`, `forum_3`, ...)."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_tenant_room_id", "tenant_id", "room", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(200))
    sender_id: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

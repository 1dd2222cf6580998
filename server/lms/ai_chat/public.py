"""The AI chat domain's public face: what other domains may use of it (the live channel's room check)."""
from __future__ import annotations

from lms.ai_chat.access import owns_session

__all__ = ["owns_session"]

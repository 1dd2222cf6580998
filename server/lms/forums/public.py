"""The forums domain's public face: what other domains may use of it (the live channel's room check).

Importing it also registers the followers' notification consumer (lms.forums.notify)."""
from __future__ import annotations

from lms.forums import notify  # noqa: F401 - registers the outbox consumer
from lms.forums.service import may_see_forum

__all__ = ["may_see_forum"]

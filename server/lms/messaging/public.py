"""The messaging domain's public face: other domains tell a user something through the hook
`lms.platform.hooks.user_notified` (connected here), delivered as a `system` message in their unit of work.

Importing this module (lms.app.registry does, at start-up) also registers the announcements' fan-out
consumer (lms.messaging.fanout).
"""
from __future__ import annotations

from lms.messaging import fanout  # noqa: F401  (registers the outbox consumer)
from lms.messaging.models import MESSAGE_TYPES, SYSTEM
from lms.messaging.service import notify
from lms.platform import hooks


async def _on_user_notified(session, call, *, recipient: str, subject: str, content: str,
                            course_id: int | None = None) -> None:
    await notify(session, call, recipient=recipient, subject=subject, content=content, course_id=course_id)


hooks.user_notified.connect(_on_user_notified)

__all__ = ["MESSAGE_TYPES", "SYSTEM", "notify"]

"""Hooks: how a lower domain lets a higher one act in the same unit of work without importing it.

Domains import each other in one direction only (tests/core/test_imports.py). When a lower domain
reaches a point a higher one must act on (a learner's progress changed: certificates may be due;
it fires a hook declared here; the higher
domain connects its handler when its public module is imported (the app imports every domain at
start-up, lms.app.registry). Handlers run in order, awaited, in the caller's session and transaction.
"""
from __future__ import annotations

from typing import Awaitable, Callable


class Hook:
    """A named point other domains may act on: `connect(handler)`, then `await fire(...)` calls each."""

    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc
        self._handlers: list[Callable[..., Awaitable[None]]] = []

    def connect(self, handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    @property
    def connected(self) -> bool:
        return bool(self._handlers)

    async def fire(self, *args, **kwargs) -> None:
        for handler in self._handlers:
            await handler(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._handlers)} handlers)"


progress_changed = Hook(
    "progress_changed",
    "(session, call, enrollment): a learner completed a course or was graded; certificates may be due.")

order_paid = Hook(
    "order_paid",
    "(session, call, *, buyer, order_id, coupon_id, course_ids): an order was paid (once); the cart that placed "
    "it counts the coupon use and lets go of the bought courses.")

user_notified = Hook(
    "user_notified",
    "(session, call, *, recipient, subject, content, course_id=None): a domain tells one user something "
    "(a moderator rejected their post, say); messaging delivers it as a `system` message in the same unit of work.")

call_succeeded = Hook(
    "call_succeeded",
    "(call, request, response): an LMS call succeeded; its unit of work is still open and commits after the "
    "handlers (the activity log records the call's actions in it). `request` is None for client streams.")

call_refused = Hook(
    "call_refused",
    "(call, error): an LMS call was refused with PermissionDenied or Throttled; its unit of work was rolled "
    "back. Handlers that write open a transaction of their own; their failures are logged, never raised.")

"""Room names and who may join them: the one place the WebSocket server and the chat service ask.

A room is `<kind>_<key>`. Each kind has one check, registered below, that answers for a verified
caller whether they may join (subscribe to, read or post in) the room:

| kind     | key        | who may join                                                              |
|----------|------------|---------------------------------------------------------------------------|
| `user`   | user id    | that user only (their private room, joined automatically)                 |
| `course` | course id  | staff of the course's tenant (instructors, admins), or an active enrollee |
| `forum`  | forum id   | anyone of the tenant (events are never delivered across tenants)          |
| `group`  | group id   | nobody yet: no group membership exists, so it fails closed                |
| `chat`   | session id | the owner of the AI chat session (lms.ai_chat); anyone else is refused    |
|          |            | the same way whether the session exists or not                            |

A kind without a registered check is refused. The domain that adds groups registers its check here
with `@room_check("group")`.
"""
from __future__ import annotations

import dataclasses
import enum
import re
from typing import Awaitable, Callable

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.ai_chat.access import owns_session
from lms.courses.models import Course
from lms.enrollments.models import Enrollment
from lms.platform.auth import Principal
from lms.platform.errors import NotFound, PermissionDenied

KINDS = ("user", "course", "forum", "group", "chat")
NUMERIC_KINDS = ("course", "forum", "group")
MAX_INT32 = 2**31 - 1
_NAME = re.compile(r"^(user|course|forum|group|chat)_(.{1,128})$", re.DOTALL)
_CHAT_KEY = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class Access(enum.Enum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # the room exists in the caller's tenant but they are not a member
    NOT_FOUND = "not_found"  # no such room in the caller's tenant (other tenants' rooms included)


@dataclasses.dataclass(frozen=True)
class Room:
    kind: str
    key: str

    @property
    def name(self) -> str:
        return f"{self.kind}_{self.key}"

    @property
    def number(self) -> int:
        return int(self.key)


def parse_room(name: object) -> Room | None:
    """The room named `name`, or None if it is not a valid room name."""
    if not isinstance(name, str):
        return None
    match = _NAME.match(name)
    if match is None:
        return None
    kind, key = match.groups()
    if kind in NUMERIC_KINDS:
        if not key.isascii() or not key.isdigit() or key.startswith("0") or int(key) > MAX_INT32:
            return None
    elif kind == "chat":
        if not _CHAT_KEY.match(key):
            return None
    elif key != key.strip() or not key.isprintable():
        return None
    return Room(kind, key)


def user_room(user_id: str) -> str:
    return f"user_{user_id}"


RoomCheck = Callable[[AsyncSession, Principal, Room], Awaitable[Access]]
_CHECKS: dict[str, RoomCheck] = {}


def room_check(kind: str):
    """Registers the check of one room kind."""
    def register(check: RoomCheck) -> RoomCheck:
        _CHECKS[kind] = check
        return check
    return register


async def access(session: AsyncSession, principal: Principal, room: Room) -> Access:
    """May `principal` join `room`? `session` must be scoped to the principal's tenant."""
    check = _CHECKS.get(room.kind)
    if check is None:
        return Access.FORBIDDEN  # fail closed: nobody may join a kind nobody vouches for
    return await check(session, principal, room)


async def require_access(session: AsyncSession, principal: Principal, name: str) -> Room:
    """The room if the caller may join it; else NotFound (invalid or unknown room) or PermissionDenied."""
    room = parse_room(name)
    if room is None:
        raise NotFound()
    result = await access(session, principal, room)
    if result is Access.NOT_FOUND:
        raise NotFound()
    if result is Access.FORBIDDEN:
        raise PermissionDenied()
    return room


@room_check("user")
async def _user(session: AsyncSession, principal: Principal, room: Room) -> Access:
    return Access.ALLOWED if room.key == principal.user_id else Access.FORBIDDEN


@room_check("course")
async def _course(session: AsyncSession, principal: Principal, room: Room) -> Access:
    enrolled = exists().where(
        Enrollment.course_id == Course.id, Enrollment.user_id == principal.user_id,
        Enrollment.is_active.is_(True), Enrollment.tenant_id == principal.tenant_id)
    row = (await session.execute(select(Course.tenant_id, enrolled).where(Course.id == room.number))).first()
    if row is None or row[0] != principal.tenant_id:
        return Access.NOT_FOUND
    return Access.ALLOWED if principal.is_staff or row[1] else Access.FORBIDDEN


@room_check("forum")
async def _forum(session: AsyncSession, principal: Principal, room: Room) -> Access:
    # Forums have no table yet: every forum_<id> of the caller's tenant is open to its members.
    # Events are keyed by (tenant, room), so this never reaches another tenant's forum.
    return Access.ALLOWED


@room_check("chat")
async def _chat(session: AsyncSession, principal: Principal, room: Room) -> Access:
    # An AI chat session's live room: its owner only (not even an admin reads another user's tutoring).
    return Access.ALLOWED if await owns_session(session, principal.user_id, room.key) else Access.FORBIDDEN

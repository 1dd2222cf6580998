"""Who may join which room: the one place the WebSocket server and the chat service ask.

Room names are spelled by `lms.platform.rooms` (re-exported here); a room is `<kind>_<key>`. Each kind
has one check, registered below, that answers for a verified caller whether they may join (subscribe to,
read or post in) the room. Course questions go through `lms.courses.policy`.

| kind           | key        | who may join                                    | what it carries                      |
|----------------|------------|-------------------------------------------------|--------------------------------------|
| `user`         | user id    | that user only (joined automatically)           | everything about that user           |
| `course`       | course id  | the course's staff, or an active learner of it  | what every participant may see: chat |
|                |            |                                                 | and course-wide news, never one      |
|                |            |                                                 | learner's activity                   |
| `course_staff` | course id  | the course's staff: its instructors and the     | events about individual learners     |
|                |            | tenant's admins (`policy.is_course_staff`)      | (enrollments, progress, completions, |
|                |            |                                                 | submissions, grades, certificates)   |
| `forum`        | forum id   | whoever may see the forum (lms.forums: tenant   | published forum posts                |
|                |            | forums everyone, course forums the course's     |                                      |
|                |            | learners and staff)                             |                                      |
| `group`        | group id   | the group's members (lms.groups)                | membership changes, group chat       |
| `chat`         | session id | the session's owner (lms.ai_chat); others are   | an AI tutor's answer as it is        |
|                |            | refused alike whether it exists or not          | written (`chat.reply`)               |

Which event types go to which kinds is declared once, in `lms.platform.events` (`declare`), and `emit`
refuses anything else. Another tenant's course is NOT_FOUND, never FORBIDDEN. A kind without a registered
check is refused. A domain that adds a room kind registers its check here with
`@room_check("<kind>")`.
"""
from __future__ import annotations

import enum
from collections import defaultdict
from typing import Awaitable, Callable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses import policy
from lms.forums.public import may_see_forum
from lms.groups.public import is_member as is_group_member
from lms.courses.public import Course
from lms.platform.actor import Actor
from lms.ai_chat.public import owns_session
from lms.platform.auth import Principal
from lms.platform.errors import NotFound, PermissionDenied
from lms.platform.rooms import (  # noqa: F401 - the names, re-exported for the realtime server and chat
    CHAT, COURSE, COURSE_STAFF, FORUM, GROUP, KINDS, MAX_INT32, USER, Room, course_room, course_staff_room,
    learner_rooms, parse_room, user_room,
)


class Access(enum.Enum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # the room exists in the caller's tenant but they are not a member
    NOT_FOUND = "not_found"  # no such room in the caller's tenant (other tenants' rooms included)


BATCH_PRINCIPALS = 200  # principals answered by one statement (two EXISTS columns each)
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


async def access_many(session: AsyncSession, requests: Sequence[tuple[Principal, Room]]) -> list[Access]:
    """`access` for many (principal, room) pairs of the session's tenant, in order. Course rooms are answered
    with one statement per course for every principal asking (the WebSocket server's connect storms: one
    round trip for hundreds of clients joining the same course room); other kinds one by one."""
    answers: list[Access | None] = [None] * len(requests)
    by_course: dict[int, list[int]] = defaultdict(list)
    for index, (principal, room) in enumerate(requests):
        if room.kind in (COURSE, COURSE_STAFF):
            by_course[room.number].append(index)
        else:
            answers[index] = await access(session, principal, room)
    for number, indexes in by_course.items():
        for start in range(0, len(indexes), BATCH_PRINCIPALS):
            chunk = indexes[start:start + BATCH_PRINCIPALS]
            memberships = await _course_memberships(session, [requests[i][0] for i in chunk], number)
            for index, membership in zip(chunk, memberships):
                if membership is None:
                    answers[index] = Access.NOT_FOUND
                    continue
                allowed = membership[0] if requests[index][1].kind == COURSE_STAFF else any(membership)
                answers[index] = Access.ALLOWED if allowed else Access.FORBIDDEN
    return answers  # type: ignore[return-value]


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


@room_check(USER)
async def _user(session: AsyncSession, principal: Principal, room: Room) -> Access:
    return Access.ALLOWED if room.key == principal.user_id else Access.FORBIDDEN


def _actor(principal: Principal) -> Actor:
    return Actor(principal.tenant_id, principal.user_id, principal.roles)


async def _course_membership(session: AsyncSession, principal: Principal, room: Room) -> tuple[bool, bool] | None:
    """(staff of the course, active learner of it) by the policy's clauses, in one statement; None when the
    course is not the caller's tenant's."""
    actor = _actor(principal)
    row = (await session.execute(select(
        Course.tenant_id, policy.staff_clause(actor, Course.id), policy.learner_clause(actor.user_id, Course.id))
        .where(Course.id == room.number))).first()
    if row is None or row[0] != principal.tenant_id:
        return None
    return bool(row[1]), bool(row[2])


async def _course_memberships(session: AsyncSession, principals: Sequence[Principal],
                              number: int) -> list[tuple[bool, bool] | None]:
    """`_course_membership` for many principals of one tenant in one statement: two policy clauses per
    distinct (user, roles)."""
    actors = {(p.user_id, p.roles): _actor(p) for p in principals}
    columns = []
    for n, actor in enumerate(actors.values()):
        columns += [policy.staff_clause(actor, Course.id).label(f"s{n}"),
                    policy.learner_clause(actor.user_id, Course.id).label(f"l{n}")]
    row = (await session.execute(select(Course.tenant_id, *columns).where(Course.id == number))).first()
    answers = {}
    for n, key in enumerate(actors):
        answers[key] = None if row is None else (bool(row[1 + 2 * n]), bool(row[2 + 2 * n]))
    return [None if row is None or row[0] != p.tenant_id else answers[(p.user_id, p.roles)]
            for p in principals]


@room_check(COURSE)
async def _course(session: AsyncSession, principal: Principal, room: Room) -> Access:
    """Active learners of the course and its staff (not every instructor of the tenant)."""
    membership = await _course_membership(session, principal, room)
    if membership is None:
        return Access.NOT_FOUND
    return Access.ALLOWED if any(membership) else Access.FORBIDDEN


@room_check(COURSE_STAFF)
async def _course_staff(session: AsyncSession, principal: Principal, room: Room) -> Access:
    """The course's staff only: its instructors and the tenant's admins (`policy.staff_clause`, the clause
    form of `policy.is_course_staff`)."""
    membership = await _course_membership(session, principal, room)
    if membership is None:
        return Access.NOT_FOUND
    return Access.ALLOWED if membership[0] else Access.FORBIDDEN


@room_check(FORUM)
async def _forum(session: AsyncSession, principal: Principal, room: Room) -> Access:
    # Whoever may see the forum (lms.forums: a tenant forum everyone of the tenant, a course forum the course's
    # learners and staff, by lms.courses.policy); another tenant's forum, or none, is NOT_FOUND.
    sees = await may_see_forum(session, _actor(principal), room.number)
    if sees is None:
        return Access.NOT_FOUND
    return Access.ALLOWED if sees else Access.FORBIDDEN


@room_check(GROUP)
async def _group(session: AsyncSession, principal: Principal, room: Room) -> Access:
    # Members only. Non-members get the same answer whether the group exists or not, so a private
    # group's existence is not revealed (the HTTP routes answer 404 for it).
    return Access.ALLOWED if await is_group_member(session, room.number, principal.user_id) else Access.FORBIDDEN


@room_check(CHAT)
async def _chat(session: AsyncSession, principal: Principal, room: Room) -> Access:
    # An AI chat session's live room: its owner only (not even an admin reads another user's tutoring).
    return Access.ALLOWED if await owns_session(session, principal.user_id, room.key) else Access.FORBIDDEN

"""Room names of the live channel: the one place they are spelled.

A room is `<kind>_<key>`. Producers name rooms only with the helpers below (`user_room(id)`,
`course_room(id)`, `course_staff_room(id)`, ...); every event type declares the kinds of room it may go
to (`lms.platform.events.declare`), and `emit` refuses any other. Who may *join* a room is decided by
`lms.realtime.rooms` (the checks need the domains; naming does not, so it lives in the platform).

A new kind is one entry in `KINDS` (its key rule), one name helper here and one check in
`lms.realtime.rooms`.
"""
from __future__ import annotations

import dataclasses
import re

USER = "user"                  # user id: that user's private room
COURSE = "course"              # course id: what every participant of the course may see
COURSE_STAFF = "course_staff"  # course id: the course's staff (its instructors, the tenant's admins)
FORUM = "forum"                # forum id
GROUP = "group"                # group id
CHAT = "chat"                  # AI chat session id

MAX_INT32 = 2**31 - 1
_NUMBER = "number"
_TEXT = "text"
_CHAT_KEY = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _chat_key(key: str) -> bool:
    return _CHAT_KEY.match(key) is not None


# kind -> rule of its key: a positive int32 ("number"), a printable user id ("text"), or a predicate.
KINDS: dict[str, object] = {
    USER: _TEXT,
    COURSE: _NUMBER,
    COURSE_STAFF: _NUMBER,
    FORUM: _NUMBER,
    GROUP: _NUMBER,
    CHAT: _chat_key,
}


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


_pattern_cache: dict[tuple, re.Pattern] = {}


def _pattern() -> re.Pattern:
    kinds = tuple(KINDS)
    pattern = _pattern_cache.get(kinds)
    if pattern is None:
        # Longest kinds first, so `course_staff_1` is a staff room and not a course room keyed "staff_1".
        alternatives = "|".join(re.escape(k) for k in sorted(kinds, key=len, reverse=True))
        pattern = _pattern_cache[kinds] = re.compile(rf"^({alternatives})_(.{{1,128}})$", re.DOTALL)
    return pattern


def parse_room(name: object) -> Room | None:
    """The room named `name`, or None if it is not a valid room name."""
    if not isinstance(name, str):
        return None
    match = _pattern().match(name)
    if match is None:
        return None
    kind, key = match.groups()
    rule = KINDS[kind]
    if rule == _NUMBER:
        if not key.isascii() or not key.isdigit() or key.startswith("0") or int(key) > MAX_INT32:
            return None
    elif rule == _TEXT:
        if key != key.strip() or not key.isprintable():
            return None
    elif not rule(key):
        return None
    return Room(kind, key)


def kind_of(name: str) -> str | None:
    """The kind of a valid room name, else None."""
    room = parse_room(name)
    return room.kind if room is not None else None


def user_room(user_id: str) -> str:
    """The user's private room (joined automatically on connecting)."""
    return f"{USER}_{user_id}"


def course_room(course_id: int) -> str:
    """The course's room: what every participant (active learner or staff) may see."""
    return f"{COURSE}_{int(course_id)}"


def course_staff_room(course_id: int) -> str:
    """The course's staff room: events about individual learners, for the course's staff only."""
    return f"{COURSE_STAFF}_{int(course_id)}"


def forum_room(forum_id: int) -> str:
    return f"{FORUM}_{int(forum_id)}"


def group_room(group_id: int) -> str:
    return f"{GROUP}_{int(group_id)}"


def chat_room(session_id: str) -> str:
    return f"{CHAT}_{session_id}"


def learner_rooms(user_id: str, course_id: int) -> list[str]:
    """Where an event about one learner in a course goes: the learner's room and the course's staff room."""
    return [user_room(user_id), course_staff_room(course_id)]


def sql_prefix(kind: str) -> str:
    """`'<kind>_'` as a SQL string literal, for statements that build room names in the database."""
    if kind not in KINDS:
        raise ValueError(f"unknown room kind {kind!r}")
    return f"'{kind}_'"

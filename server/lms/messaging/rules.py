"""Who may message whom: the rule as a function of facts, decided in Python (the facts come from one query
in lms.messaging.service, asked of lms.courses.policy's clauses).

| sender   | may message                                                                                  |
|----------|----------------------------------------------------------------------------------------------|
| staff    | anyone of the tenant the directory knows (instructors and admins: `Actor.is_staff`)          |
| student  | the staff of a course they learn in (its instructors, the tenant's admins); with the tenant   |
|          | setting `course` (default) also the active learners of a course they share; with `anyone`     |
|          | anyone of the tenant; with `staff` only the staff of their courses                           |
| anyone   | the other party of a thread they are in (`reply_to`): an answer is never refused by the rule   |

Announcements are for the staff of the course they go to (lms.courses.policy.course_for_change).
"""
from __future__ import annotations

import dataclasses

from lms.messaging.models import ANYONE, COURSE_MEMBERS, STAFF_ONLY, STUDENT_SCOPES

REFUSALS = {
    STAFF_ONLY: "Students may message only the staff of their courses.",
    COURSE_MEMBERS: "Students may message only the staff and learners of their courses.",
}


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the rule needs to know about a sender and a recipient."""

    sender_is_staff: bool          # the sender is an instructor or admin of the tenant
    recipient_is_course_staff: bool  # the recipient is staff (instructor, or admin) of a course the sender learns in
    shares_course: bool            # both are active learners of one course
    answers_thread: bool = False   # the message answers the recipient within a thread both are in


def may_message(scope: str, facts: Facts) -> bool:
    """Whether a message may go from the sender to the recipient under the tenant's `scope`."""
    if scope not in STUDENT_SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    if facts.sender_is_staff or facts.answers_thread or scope == ANYONE:
        return True
    if facts.recipient_is_course_staff:
        return True
    return scope == COURSE_MEMBERS and facts.shares_course


def refusal(scope: str) -> str:
    """The 403 detail of a refused message."""
    return REFUSALS.get(scope, REFUSALS[STAFF_ONLY])

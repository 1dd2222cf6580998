"""The rules of points and badges as plain values: which event pays what, and when a badge is earned.

Nothing here touches the database, so the rules are checked by fast unit tests
(tests/gamification/test_rules.py); `awards` applies them to committed events.
"""
from __future__ import annotations

import dataclasses
from typing import Mapping

from lms.platform import rooms

# rule -> (event type, default points, what it rewards). Awards follow the events the domains already record
# (lms.platform.events); a rule whose domain does not emit its event yet simply never fires.
RULES: dict[str, tuple[str, int, str]] = {
    "lesson_completed": ("lesson.completed", 10, "A lesson completed."),
    "course_completed": ("course.completed", 100, "A course completed."),
    "assignment_submitted": ("submission.created", 5, "An assignment submitted (first submission only)."),
    "assignment_graded": ("submission.graded", 20, "An assignment graded, scaled by grade / max_score."),
    "certificate_issued": ("certificate.issued", 50, "A certificate issued."),
    "forum_post_approved": ("forum.post_approved", 2, "A forum post approved (or published without moderation)."),
    "scorm_completed": ("scorm.completed", 25, "A SCORM package completed."),
}
RULE_OF_EVENT = {event_type: rule for rule, (event_type, _, _) in RULES.items()}
EVENT_TYPES = frozenset(RULE_OF_EVENT)
MAX_RULE_POINTS = 10_000

CRITERIA = ("lessons_completed", "courses_completed", "course_completed", "points_total", "assignments_graded",
            "manual")
COUNTING_CRITERIA = ("lessons_completed", "courses_completed", "points_total", "assignments_graded")


@dataclasses.dataclass(frozen=True)
class Cause:
    """What one event pays for: whose action, which rule, which object (the ledger's unique key)."""

    rule: str
    user_id: str
    cause_type: str
    cause_id: str
    course_id: int | None
    score_percent: int | None = None  # graded work only
    description: str = ""


def _int(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        return None
    return int(value)


def cause_of(event_type: str, data: Mapping, room: str = "") -> Cause | None:
    """The cause an event pays for, or None when it pays nothing (or lacks what the rule needs).

    The learner comes from the event's data (`user_id`, `student_id` or `author_id`), else from the
    `user_<id>` room it was delivered to.
    """
    rule = RULE_OF_EVENT.get(event_type)
    if rule is None or not isinstance(data, Mapping):
        return None
    user = data.get("user_id") or data.get("student_id") or data.get("author_id")
    if not user:
        delivered_to = rooms.parse_room(room)
        if delivered_to is not None and delivered_to.kind == rooms.USER:
            user = delivered_to.key
    if not isinstance(user, str) or not user:
        return None
    course = _int(data.get("course_id"))
    if rule == "lesson_completed":
        obj, label = _int(data.get("lesson_id")), "lesson"
    elif rule == "course_completed":
        obj, label = course, "course"
    elif rule in ("assignment_submitted", "assignment_graded"):
        obj, label = _int(data.get("submission_id")), "submission"
    elif rule == "certificate_issued":
        certificate = data.get("certificate_id")
        obj, label = (certificate if isinstance(certificate, str) and certificate else None), "certificate"
    elif rule == "forum_post_approved":
        obj, label = _int(data.get("post_id")), "post"
    else:  # scorm_completed
        obj, label = _int(data.get("package_id")) or course, "scorm"
    if obj is None:
        return None
    percent = None
    if rule == "assignment_graded":
        percent = graded_percent(data.get("grade"), data.get("max_score"))
        if percent is None:
            return None
    return Cause(rule=rule, user_id=user, cause_type=event_type, cause_id=f"{label}:{obj}"[:64],
                 course_id=course, score_percent=percent, description=RULES[rule][2])


def graded_percent(grade, max_score) -> int | None:
    """grade / max_score in whole percent (rounded half up), or None for values that make no sense."""
    try:
        grade, max_score = float(grade), float(max_score)
    except (TypeError, ValueError):
        return None
    if max_score <= 0 or grade < 0:
        return None
    return min(100, int(grade * 100 / max_score + 0.5))


def points_for(cause: Cause, rule_points: int) -> int:
    """Points a cause earns under its rule (graded work: scaled by its grade, rounded half up)."""
    if cause.score_percent is not None:
        return (rule_points * cause.score_percent + 50) // 100
    return rule_points


@dataclasses.dataclass(frozen=True)
class Stats:
    """What badge criteria look at, for one user."""

    lessons_completed: int = 0
    courses_completed: frozenset[int] = frozenset()
    total_points: int = 0
    graded_percents: tuple[int, ...] = ()  # one per graded assignment


@dataclasses.dataclass(frozen=True)
class Criteria:
    criteria_type: str
    threshold: int = 0
    course_id: int | None = None
    min_grade_percent: int = 0


def earned(criteria: Criteria, stats: Stats) -> bool:
    """Whether the criteria hold for the stats (manual badges are never earned automatically)."""
    kind = criteria.criteria_type
    if kind == "lessons_completed":
        return stats.lessons_completed >= criteria.threshold
    if kind == "courses_completed":
        return len(stats.courses_completed) >= criteria.threshold
    if kind == "course_completed":
        return criteria.course_id is not None and criteria.course_id in stats.courses_completed
    if kind == "points_total":
        return stats.total_points >= criteria.threshold
    if kind == "assignments_graded":
        return sum(1 for p in stats.graded_percents if p >= criteria.min_grade_percent) >= criteria.threshold
    return False


def competition_ranks(totals: list[int]) -> list[int]:
    """Ranks of totals sorted best first: equal totals share a rank and the next one skips (1, 2, 2, 4)."""
    ranks, previous = [], None
    for position, total in enumerate(totals, start=1):
        ranks.append(ranks[-1] if total == previous else position)
        previous = total
    return ranks

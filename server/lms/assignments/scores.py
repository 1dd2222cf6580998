"""Learners' graded work as percentages: what the certificate `min_score` rule and the gradebook average."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.assignments.models import Assignment, Submission


def plain_number(value: Decimal) -> str:
    """A grade as people write it: 85.50 -> "85.5", 100.00 -> "100"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percentage(grade: Decimal, max_score: int) -> float:
    return float(grade) * 100 / max_score if max_score else 0.0


async def graded_percentages(session: AsyncSession, course_id: int, user_id: str) -> list[float]:
    """grade / max_score * 100 of each of the learner's graded submissions in the course (one query)."""
    rows = await session.execute(
        select(Submission.grade, Assignment.max_score).join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.course_id == course_id, Submission.student_id == user_id, Submission.grade.is_not(None))
        .order_by(Submission.id))
    return [percentage(grade, max_score) for grade, max_score in rows]


def average(percentages: list[float]) -> float | None:
    return sum(percentages) / len(percentages) if percentages else None

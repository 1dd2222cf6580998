"""The enrollments domain's public face: everything other domains may use of it, and nothing else.

Course membership itself (`Enrollment`, who is a learner) belongs to the courses domain (lms.courses.public).
"""
from __future__ import annotations

from lms.courses.public import Enrollment
from lms.enrollments.models import LessonCompletion
from lms.enrollments.progress import ProgressFigures, completed_lesson_ids, progress_of, published_lessons
from lms.enrollments.service import active_enrollment, complete_lesson, enroll_purchased, withdraw_purchased

__all__ = ["Enrollment", "LessonCompletion", "ProgressFigures", "active_enrollment", "complete_lesson",
           "completed_lesson_ids", "enroll_purchased", "progress_of", "published_lessons", "withdraw_purchased"]

"""The courses domain's public face: everything other domains may use of it, and nothing else.

Other domains import `lms.courses.public` (or `lms.courses.policy`, the access questions it re-exports),
never the domain's other modules (tests/core/test_imports.py). The tables here are shared on purpose:
other domains join them in their statements, and the access rules are asked through the policy.
"""
from __future__ import annotations

from lms.courses.detail import ContentOutline, provide_outline
from lms.courses.messages import settings_message
from lms.courses.models import (
    Category,
    CertificateSettings,
    Course,
    CourseCounter,
    CourseInstructor,
    Enrollment,
)
from lms.courses.policy import (
    ALREADY_ENROLLED,
    MUST_PURCHASE,
    NOT_ENROLLED,
    conditions,
    course_for_change,
    enroll_clause,
    enroll_refusal,
    entitled_clause,
    is_course_staff,
    is_learner,
    is_published_content,
    is_visible,
    is_visible_status,
    learner_clause,
    learning_course,
    may_enroll,
    may_learn_clause,
    provide_purchases,
    published_clause,
    published_content_clause,
    published_outline_clause,
    purchased_clause,
    require_course_staff,
    sees_unpublished_content,
    staff_clause,
    teaches,
    teaches_clause,
    visible_clause,
    visible_course,
)

__all__ = [
    "ALREADY_ENROLLED", "MUST_PURCHASE", "ContentOutline", "NOT_ENROLLED", "Category", "CertificateSettings", "Course",
    "CourseCounter", "CourseInstructor", "Enrollment", "conditions", "course_for_change", "enroll_clause",
    "enroll_refusal", "entitled_clause", "provide_purchases", "purchased_clause",
    "is_course_staff", "is_learner", "is_published_content", "is_visible", "is_visible_status", "learner_clause",
    "learning_course", "may_enroll", "may_learn_clause", "provide_outline", "published_clause",
    "published_content_clause", "published_outline_clause", "require_course_staff", "sees_unpublished_content",
    "settings_message", "staff_clause", "teaches", "teaches_clause", "visible_clause", "visible_course",
]

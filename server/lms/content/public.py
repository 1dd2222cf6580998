"""The content domain's public face: everything other domains may use of it, and nothing else.

Importing it also provides the course detail's outline to the courses domain (below this one).
"""
from __future__ import annotations

from lms.content.models import Faq, Lesson, Module, Resource
from lms.content.outline import course_outline
from lms.courses.public import provide_outline

provide_outline(course_outline)

__all__ = ["Faq", "Lesson", "Module", "Resource"]

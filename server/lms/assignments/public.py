"""The assignments domain's public face: everything other domains may use of it, and nothing else."""
from __future__ import annotations

from lms.assignments.models import Assignment, Submission
from lms.assignments.scores import graded_percentages

__all__ = ["Assignment", "Submission", "graded_percentages"]

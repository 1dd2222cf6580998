"""Enrollments: who takes which course, their progress and completion."""

"""Assignments, submissions and grading."""

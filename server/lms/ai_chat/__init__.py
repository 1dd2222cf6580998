"""AI chat: a course-grounded tutor (sessions, retrieval over course content, providers, live replies)."""

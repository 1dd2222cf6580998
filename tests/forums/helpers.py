"""Builders of forum test data through the edge."""
from __future__ import annotations

FORUMS = "/api/lms/forums/forums/"
POSTS = "/api/lms/forums/posts/"
QUEUE = "/api/lms/forums/queue/"
DOC_FORUM = {"title": "General Discussion", "description": "General discussion forum for all topics",
             "is_active": True}


def make_forum(actor, **fields) -> dict:
    response = actor.post(FORUMS, {**DOC_FORUM, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def make_post(actor, forum_id: int, **fields) -> dict:
    body = {"forum": forum_id, "title": "Welcome to the forum!", "content": "This is the first post in our forum...",
            "is_pinned": False, **fields}
    response = actor.post(POSTS, body)
    assert response.status_code == 201, response.text
    return response.json()


def threads(actor, forum_id: int, **params) -> dict:
    response = actor.get(POSTS, params={"forum": forum_id, **params})
    assert response.status_code == 200, response.text
    return response.json()


def forum_rooms(stack, tenant_id: str, count: int = 1) -> list[str]:
    """`count` tenant forums of `tenant_id` made with SQL (open to everyone of the tenant), as room names:
    for tests of the live channel that need joinable rooms."""
    values = ", ".join(f"(:t, 'Room {n}', '', true, NULL, 'none', 0, 0, NULL, 'tests', :now, :now)"
                       for n in range(count))
    rows = stack.sql("INSERT INTO forums (tenant_id, title, description, is_active, course_id, moderation, "
                     "post_count, thread_count, last_activity_at, created_by, created_at, updated_at) "
                     f"VALUES {values} RETURNING id", t=tenant_id, now="2026-01-01 00:00:00+00:00")
    return [f"forum_{row[0]}" for row in sorted(rows)]

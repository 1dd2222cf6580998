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

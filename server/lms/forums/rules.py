"""The forum rules as plain values (no database, no transports): who moderates, which posts wait, who may
edit, how deep replies nest, how content is made safe, and how a search is spelled for each database.

| who                                | may                                                                  |
|------------------------------------|----------------------------------------------------------------------|
| moderators of a forum              | a course forum: the course's staff (its instructors, the tenant's    |
|                                    | admins, `lms.courses.policy`); a tenant forum: the tenant's staff.   |
|                                    | Create, change and delete forums, pin, approve, reject, remove, see  |
|                                    | waiting posts, the queue and the recorded actions                    |
| authors                            | edit and delete their own posts within EDIT_WINDOW                   |
| whoever sees the forum             | read published posts, post, reply, report, follow                    |
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import nh3
from markdown_it import MarkdownIt

from lms.forums.models import ALL_STUDENT_POSTS, FIRST_POST, NONE

MAX_DEPTH = 5  # a reply to a post at depth MAX_DEPTH is refused (depth 0 is a thread's first post)
EDIT_WINDOW = timedelta(minutes=30)  # authors edit and delete their own posts this long after writing them
CONTENT_MAX_LENGTH = 20_000
MAX_SEARCH_TERMS = 16

EDIT_WINDOW_PASSED = "The time to edit or delete this post has passed."
TOO_DEEP = f"Replies may nest at most {MAX_DEPTH} levels deep."


def post_waits(mode: str, *, is_moderator: bool, has_published: bool) -> bool:
    """Whether a new post waits for a moderator under the forum's moderation mode. Moderators never wait;
    `first_post` holds back a user's posts until one of theirs in the forum was published."""
    if is_moderator or mode == NONE:
        return False
    if mode == ALL_STUDENT_POSTS:
        return True
    if mode == FIRST_POST:
        return not has_published
    raise ValueError(f"unknown moderation mode {mode!r}")


def may_edit(*, is_author: bool, is_moderator: bool, created_at: datetime, now: datetime) -> bool:
    """Moderators edit and delete any post; authors their own, within EDIT_WINDOW of writing it."""
    return is_moderator or (is_author and now - created_at <= EDIT_WINDOW)


def reply_depth(parent_depth: int) -> int | None:
    """The depth of a reply to a post at `parent_depth`, or None when it would nest too deep."""
    depth = parent_depth + 1
    return depth if depth <= MAX_DEPTH else None


def may_see_post(*, status: str, is_author: bool, is_moderator: bool) -> bool:
    """Published posts: whoever sees the forum; waiting and rejected ones: their author and moderators."""
    return status == "published" or is_author or is_moderator


# Content ---------------------------------------------------------------------------------------------

# CommonMark with raw HTML off (typed tags are shown as text), tables and strikethrough on; then the HTML is
# cleaned again by nh3 (ammonia) with a small allow-list, so nothing executable can pass whatever the parser does.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"])
_TAGS = {"p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
         "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
               "th": {"style"}, "td": {"style"}}


def render(content: str) -> str:
    """Markdown to safe HTML: only the allow-listed tags and attributes, http(s)/mailto links, which get
    `rel="nofollow noopener noreferrer"`."""
    html = _markdown.render(content)
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="nofollow noopener noreferrer", filter_style_properties={"text-align"}).strip()


# Search ----------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(text: str) -> list[str]:
    """The words of a search, lower-cased, in order, without repeats (at most MAX_SEARCH_TERMS)."""
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(text or "")))[:MAX_SEARCH_TERMS]


def fts5_query(terms: list[str]) -> str:
    """SQLite FTS5 MATCH text holding every term (each quoted, so no term is read as an operator)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def tsquery_text(terms: list[str]) -> str:
    """PostgreSQL `plainto_tsquery` input holding every term."""
    return " ".join(terms)

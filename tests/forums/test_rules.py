"""The forum rules as plain values, and the moderation and follower messages told through the
`user_notified` hook (an in-process SQLite database; a recording handler stands in for messaging)."""
import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from lms.forums import notify, rules, service
from lms.forums.models import ALL_STUDENT_POSTS, FIRST_POST, NONE
from lms.migrations.models import all_metadata
from lms.platform.actor import Actor
from lms.platform.config import Settings
from lms.platform.db import create_engine, create_sessionmaker, unit_of_work
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.events import pending_events
from lms.platform.hooks import user_notified

TENANT = "t-forums"
ADMIN = Actor(TENANT, "mod", frozenset({"admin"}))
ALICE = Actor(TENANT, "alice", frozenset({"student"}))
BOB = Actor(TENANT, "bob", frozenset({"student"}))


def test_moderation_modes():
    assert not rules.post_waits(NONE, is_moderator=False, has_published=False)
    assert rules.post_waits(ALL_STUDENT_POSTS, is_moderator=False, has_published=True)
    assert not rules.post_waits(ALL_STUDENT_POSTS, is_moderator=True, has_published=False)
    assert rules.post_waits(FIRST_POST, is_moderator=False, has_published=False)
    assert not rules.post_waits(FIRST_POST, is_moderator=False, has_published=True)
    with pytest.raises(ValueError):
        rules.post_waits("strict", is_moderator=False, has_published=False)


def test_edit_window_depth_and_visibility():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    inside, outside = now - rules.EDIT_WINDOW, now - rules.EDIT_WINDOW - timedelta(seconds=1)
    assert rules.may_edit(is_author=True, is_moderator=False, created_at=inside, now=now)
    assert not rules.may_edit(is_author=True, is_moderator=False, created_at=outside, now=now)
    assert rules.may_edit(is_author=False, is_moderator=True, created_at=outside, now=now)
    assert not rules.may_edit(is_author=False, is_moderator=False, created_at=now, now=now)
    assert rules.reply_depth(0) == 1 and rules.reply_depth(rules.MAX_DEPTH - 1) == rules.MAX_DEPTH
    assert rules.reply_depth(rules.MAX_DEPTH) is None
    assert rules.may_see_post(status="published", is_author=False, is_moderator=False)
    for status in ("pending", "rejected"):
        assert not rules.may_see_post(status=status, is_author=False, is_moderator=False)
        assert rules.may_see_post(status=status, is_author=True, is_moderator=False)
        assert rules.may_see_post(status=status, is_author=False, is_moderator=True)


def test_rendering_is_safe_markdown():
    html = rules.render('<img src=x onerror=alert(1)> [a](javascript:alert(1)) <a href="https://x">y</a> '
                       '![i](https://e.com/i.png) `code` [ok](https://e.com "t")')
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # typed HTML is text
    assert 'href="javascript' not in html and "<code>code</code>" in html
    assert '<a href="https://e.com" title="t" rel="nofollow noopener noreferrer">ok</a>' in html
    assert '<img src="https://e.com/i.png" alt="i">' in html
    assert rules.render("") == ""


def test_search_spelling_quotes_every_term():
    assert rules.search_terms('Yield "AND" yield OR  *(') == ["yield", "and", "or"]
    assert rules.fts5_query(['a"b', "c"]) == '"a""b" "c"'
    assert rules.tsquery_text(["a", "b"]) == "a b"
    assert len(rules.search_terms(" ".join(f"w{i}" for i in range(40)))) == rules.MAX_SEARCH_TERMS


@pytest.fixture
async def sessions(tmp_path):
    settings = dataclasses.replace(Settings.from_env(), database_url=f"sqlite:///{tmp_path / 'forums.sqlite3'}")
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(all_metadata().create_all)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def told():
    calls = []

    async def record(session, call, *, recipient, subject, content, course_id=None):
        calls.append({"recipient": recipient, "subject": subject, "content": content, "course_id": course_id})

    user_notified.connect(record)
    yield calls
    user_notified._handlers.remove(record)


async def test_rejection_and_removal_tell_the_author_through_the_hook(sessions, told):
    async with unit_of_work(sessions, TENANT) as session:
        forum = (await service.create_forum(session, ADMIN, {"title": "Help", "moderation": ALL_STUDENT_POSTS})).forum
        post = (await service.create_post(session, ALICE, {"forum": forum.id, "title": "Q", "content": "Why?"})).post
        assert post.status == "pending" and not pending_events(session)  # nothing announced while it waits
        with pytest.raises(NotFound):  # a waiting post is its author's and the moderators' only
            await service.reject_post(session, None, BOB, post.id, {"reason": "no"})
        with pytest.raises(PermissionDenied):
            await service.reject_post(session, None, ALICE, post.id, {"reason": "mine"})
        await service.reject_post(session, None, ADMIN, post.id, {"reason": "Please search first"})
    assert told == [{"recipient": "alice", "subject": 'Your post in "Help" was not approved',
                     "content": 'Your post "Q" was rejected by a moderator. Reason: Please search first',
                     "course_id": None}]
    async with unit_of_work(sessions, TENANT) as session:
        with pytest.raises(ValidationError):
            await service.reject_post(session, None, ADMIN, post.id, {"reason": "again"})
        second = (await service.create_post(session, BOB, {"forum": forum.id, "title": "R", "content": "x"})).post
        await service.approve_post(session, ADMIN, second.id)
        types = sorted({e.type for e in pending_events(session)})
        assert types == ["forum.post_approved"]
        await service.remove_post(session, None, ADMIN, second.id, {})
    assert told[-1]["recipient"] == "bob" and told[-1]["content"] == 'Your post "R" was removed by a moderator.'


async def test_followers_are_told_once_never_the_author(sessions, told):
    async with unit_of_work(sessions, TENANT) as session:
        forum = (await service.create_forum(session, ADMIN, {"title": "News"})).forum
        await service.follow_forum(session, BOB, forum.id)
        await service.follow_forum(session, ALICE, forum.id)
        post = (await service.create_post(session, ALICE, {"forum": forum.id, "title": "Hi", "content": "Hello"})).post
        events = [e for e in pending_events(session) if e.room == "user_alice"]
        assert [e.type for e in events] == ["forum.post_approved"]
    async with unit_of_work(sessions, TENANT) as session:
        assert await notify.notify_followers(session, TENANT, post.id) == ["bob"]
    async with unit_of_work(sessions, TENANT) as session:
        assert await notify.notify_followers(session, TENANT, post.id) == []  # a replay tells nobody twice
    assert [(t["recipient"], t["subject"]) for t in told] == [("bob", 'New post in "News"')]
    assert told[0]["content"] == 'alice posted "Hi":\n\nHello'

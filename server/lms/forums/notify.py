"""Followers of a forum or thread are told of new published posts by message, from the outbox.

Nothing fans out in the request that publishes a post: it records `forum.post_approved` for the author's
room (lms.forums.service._publish) in its transaction, and this consumer (lms.platform.consumers), run by the
gRPC workers, reads those events after commit. For each it finds the post's followers (of the forum, or of
the thread) who may still see the forum, records one delivery per (post, follower) and fires
`lms.platform.hooks.user_notified` for the new ones only, so a replayed batch tells nobody twice. Live
clients in the `forum_<id>` room got `forum.post_created` / `forum.post_approved` already.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses import policy
from lms.forums.models import PUBLISHED, Forum, ForumDelivery, ForumPost, ForumSubscription
from lms.platform import consumers
from lms.platform.db import dialect_insert
from lms.platform.events import FORUM_POST_APPROVED
from lms.platform.hooks import user_notified
from lms.platform.models import utcnow
from lms.platform.rooms import user_room
from lms.users.public import display_names

CONSUMER = "forums.followers"
EXCERPT = 200  # characters of the post quoted in the message


def followers_statement(forum: Forum, post: ForumPost):
    """User ids following the post's forum or thread, but its author, who may still see the forum: anyone of
    the tenant for a tenant forum; for a course forum the course's active learners and its instructors
    (lms.courses.policy's clauses over the follower's id)."""
    query = (select(ForumSubscription.user_id).distinct()
             .where(ForumSubscription.forum_id == forum.id,
                    ForumSubscription.thread_id.in_((0, post.thread_id or post.id)),
                    ForumSubscription.user_id != post.author_id))
    if forum.course_id is not None:
        query = query.where(or_(policy.learner_clause(ForumSubscription.user_id, forum.course_id),
                                policy.teaches_clause(ForumSubscription.user_id, forum.course_id)))
    return query.order_by(ForumSubscription.user_id)


async def notify_followers(session: AsyncSession, tenant_id: str, post_id: int) -> list[str]:
    """Tells the followers of a published post who were not told yet; returns who was told."""
    post = await session.scalar(select(ForumPost).where(ForumPost.id == post_id))
    if post is None or post.status != PUBLISHED or post.is_deleted:
        return []
    forum = await session.scalar(select(Forum).where(Forum.id == post.forum_id))
    followers = list(await session.scalars(followers_statement(forum, post)))
    if not followers:
        return []
    now = utcnow()
    told = list(await session.scalars(
        dialect_insert(session, ForumDelivery).values(
            [{"tenant_id": tenant_id, "post_id": post.id, "user_id": user, "created_at": now} for user in followers])
        .on_conflict_do_nothing(index_elements=["post_id", "user_id"]).returning(ForumDelivery.user_id)))
    if not told:
        return []
    author = (await display_names(session, [post.author_id]))[post.author_id]
    thread_title = post.title or await session.scalar(select(ForumPost.title).where(ForumPost.id == post.thread_id))
    kind = "replied in" if post.parent_id is not None else "posted"
    subject = f'New post in "{forum.title}"'
    excerpt = post.content if len(post.content) <= EXCERPT else post.content[:EXCERPT - 1] + "…"
    content = f'{author} {kind} "{thread_title}":\n\n{excerpt}'
    for user in sorted(told):
        await user_notified.fire(session, None, recipient=user, subject=subject, content=content,
                                 course_id=forum.course_id)
    return sorted(told)


async def handle(session: AsyncSession, tenant_id: str, events: list[consumers.ConsumedEvent]) -> None:
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        post_id, author = data.get("post_id"), data.get("author_id")
        # One copy of each event goes to the author's room: that one is handled.
        if event.type == FORUM_POST_APPROVED and isinstance(post_id, int) and isinstance(author, str) \
                and event.room == user_room(author):
            await notify_followers(session, tenant_id, post_id)


consumers.register(CONSUMER, (FORUM_POST_APPROVED,), handle)

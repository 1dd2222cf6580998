"""Forums: who sees a forum and its posts, posting and threading, moderation, subscriptions and search.

The rules themselves (moderation modes, edit window, depth, rendering) are plain functions in
lms.forums.rules; this module applies them to the database. Course questions go to lms.courses.policy:
a course forum is seen by whoever may learn in the course (its active learners and the tenant's staff),
moderated by the course's staff; a tenant forum is seen by everyone of the tenant and moderated by its staff.
A forum or post the caller may not see is 404, as is anything of another tenant.

Counters (`post_count`, `thread_count`, `reply_count`, `last_activity_at`) change with single UPDATE
statements when a post is published, never by counting, so the first page of a forum's threads costs the
same with a hundred posts or a hundred thousand (it reads the partial index `ix_forum_posts_threads` in order).
"""
from __future__ import annotations

import dataclasses
import functools

from sqlalchemy import (
    DateTime, String, and_, bindparam, case, delete, exists, false, func, literal, literal_column, or_, select, text,
    true, type_coerce, update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lms.courses import policy
from lms.courses.public import Course
from lms.forums import rules
from lms.forums.models import (
    APPROVE, DISMISS_REPORTS, FTS_TABLE, MODERATION_MODES, NONE, PENDING, PIN, PUBLISHED, REJECT, REJECTED, REMOVE,
    UNPIN, Forum, ForumDelivery, ForumPost, ForumReport, ForumSubscription, ModerationAction,
)
from lms.platform.actor import Actor
from lms.platform.context import Call
from lms.platform.db import dialect_insert, row_type
from lms.platform.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationError
from lms.platform.events import FORUM_POST_APPROVED, FORUM_POST_CREATED, emit
from lms.platform.hooks import user_notified
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.rooms import forum_room, user_room
from lms.platform.validation import Bool, Choice, Field, Fields, Int, Str
from lms.users.public import DirectoryUser, full_name

NOT_ACCEPTING = "This forum is not accepting new posts."
ALREADY_REPORTED = "You have already reported this post."
OWN_POST = "You cannot report your own post."
NOT_WAITING = "This post is not waiting for moderation."
DELETED = "This post was deleted."
QUEUE_REPORTS = 20  # reports shown with each queue item


class NullableId(Field):
    """A positive int32 id, or null."""

    def __init__(self, **kw):
        kw.setdefault("allow_null", True)
        kw.setdefault("default", None)
        super().__init__(**kw)

    def convert(self, value):
        return Int(min_value=1).convert(value)


FORUM_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    description=Str(allow_blank=True),
    is_active=Bool(default=True),
    course=NullableId(),
    moderation=Choice(MODERATION_MODES, default=NONE),
).declares("lms.forums.v1.ForumInput")

POST_FIELDS = Fields(
    forum=Int(min_value=1, required=True),
    parent=NullableId(),
    title=Str(max_length=200, allow_blank=True),
    content=Str(max_length=rules.CONTENT_MAX_LENGTH, required=True),
    is_pinned=Bool(default=False),
).declares("lms.forums.v1.PostInput")

REPORT_FIELDS = Fields(reason=Str(max_length=1000, required=True)).declares("lms.forums.v1.ReportInput")
REJECTION_FIELDS = Fields(reason=Str(max_length=1000, required=True)).declares("lms.forums.v1.RejectionInput")
REMOVAL_FIELDS = Fields(reason=Str(max_length=1000, allow_blank=True)).declares("lms.forums.v1.RemovalInput")


def _require_user(actor: Actor) -> str:
    if actor.user_id is None:
        raise NotAuthenticated()
    return actor.user_id


# Who sees and who moderates --------------------------------------------------------------------------

def visible_clause(actor: Actor, forum=Forum):
    """Forums the actor may see: tenant forums, and forums of courses the actor may learn in (the policy's
    `may_learn_clause`: the tenant's staff, or an active learner of a published course)."""
    if actor.is_staff:
        return true()
    return or_(forum.course_id.is_(None),
               exists().where(Course.id == forum.course_id, policy.may_learn_clause(actor, Course)))


def moderated_clause(actor: Actor, forum=Forum):
    """Forums the actor moderates: tenant forums for the tenant's staff; course forums for the course's staff
    (the policy's `staff_clause`: the tenant's admins and the course's instructors)."""
    if not actor.is_staff:
        return false()
    if actor.is_admin:
        return true()
    return or_(forum.course_id.is_(None), policy.staff_clause(actor, forum.course_id))


@dataclasses.dataclass
class ForumView:
    forum: Forum
    is_moderator: bool
    is_following: bool = False


async def _moderates(session: AsyncSession, actor: Actor, forum: Forum) -> bool:
    if not actor.is_staff:
        return False
    if forum.course_id is None:
        return True
    return await policy.is_course_staff(session, actor, forum.course_id)


async def visible_forum(session: AsyncSession, actor: Actor, forum_id: int) -> ForumView:
    """The forum if the actor may see it, else 404."""
    _require_user(actor)
    forum = await session.scalar(select(Forum).where(Forum.id == forum_id, visible_clause(actor)))
    if forum is None:
        raise NotFound()
    return ForumView(forum, await _moderates(session, actor, forum))


async def may_see_forum(session: AsyncSession, actor: Actor, forum_id: int) -> bool | None:
    """For the live channel's `forum_<id>` room: True if the actor may see the forum, False if it exists in
    their tenant but they may not, None if there is no such forum in their tenant."""
    row = (await session.execute(select(Forum.tenant_id, visible_clause(actor)).where(Forum.id == forum_id))).first()
    if row is None or row[0] != actor.tenant_id:
        return None
    return bool(row[1])


def _following_forum(actor: Actor):
    return exists().where(ForumSubscription.forum_id == Forum.id, ForumSubscription.thread_id == 0,
                          ForumSubscription.user_id == actor.user_id)


# Forums ------------------------------------------------------------------------------------------------

async def list_forums(session: AsyncSession, actor: Actor, page: PageRequest,
                      course: int | None = None) -> tuple[list[ForumView], int]:
    _require_user(actor)
    where = [visible_clause(actor)]
    if course is not None:
        where.append(Forum.course_id == course)
    total = await session.scalar(select(func.count()).select_from(Forum).where(*where))
    rows = (await session.execute(
        select(Forum, moderated_clause(actor).label("moderates"), _following_forum(actor).label("following"))
        .where(*where).order_by(Forum.title, Forum.id).offset(page.offset).limit(page.size))).all()
    return [ForumView(f, bool(m), bool(s)) for f, m, s in rows], int(total or 0)


async def _course_for_forum(session: AsyncSession, actor: Actor, course_id: int) -> None:
    """A course forum is made by the course's staff; a course the actor cannot see is an invalid pk."""
    try:
        await policy.visible_course(session, actor, course_id)
    except NotFound:
        raise ValidationError({"course": [f'Invalid pk "{course_id}" - object does not exist.']}) from None
    await policy.require_course_staff(session, actor, course_id)


async def create_forum(session: AsyncSession, actor: Actor, data: dict) -> ForumView:
    user = _require_user(actor)
    if not actor.is_staff:
        raise PermissionDenied()
    values = FORUM_FIELDS.validate(data)
    course_id = values.pop("course")
    if course_id is not None:
        await _course_for_forum(session, actor, course_id)
    forum = Forum(**values, course_id=course_id, created_by=user, post_count=0, thread_count=0)
    session.add(forum)
    await session.flush()
    return ForumView(forum, True)


async def get_forum(session: AsyncSession, actor: Actor, forum_id: int) -> ForumView:
    view = await visible_forum(session, actor, forum_id)
    view.is_following = bool(await session.scalar(select(_following_forum(actor)).where(Forum.id == forum_id)))
    return view


async def change_forum(session: AsyncSession, actor: Actor, forum_id: int, data: dict, *,
                       partial: bool) -> ForumView:
    view = await get_forum(session, actor, forum_id)
    if not view.is_moderator:
        raise PermissionDenied()
    values = FORUM_FIELDS.validate(data, partial=partial)
    course = values.pop("course", None)
    if "course" in data and course != view.forum.course_id:  # (PUT without `course` keeps it)
        raise ValidationError({"course": ["The course of a forum cannot be changed."]})
    for name, value in values.items():
        setattr(view.forum, name, value)
    await session.flush()
    return view


async def delete_forum(session: AsyncSession, actor: Actor, forum_id: int) -> None:
    view = await visible_forum(session, actor, forum_id)
    if not view.is_moderator:
        raise PermissionDenied()
    await session.execute(delete(ForumSubscription).where(ForumSubscription.forum_id == forum_id))
    await session.execute(delete(ModerationAction).where(ModerationAction.forum_id == forum_id))
    posts = select(ForumPost.id).where(ForumPost.forum_id == forum_id)
    await session.execute(delete(ForumReport).where(ForumReport.post_id.in_(posts)))
    await session.execute(delete(ForumDelivery).where(ForumDelivery.post_id.in_(posts)))
    await session.execute(update(ForumPost).where(ForumPost.forum_id == forum_id).values(parent_id=None)
                          .execution_options(synchronize_session=False))
    await session.execute(delete(ForumPost).where(ForumPost.forum_id == forum_id))
    await session.execute(delete(Forum).where(Forum.id == forum_id))


# Posts: reading --------------------------------------------------------------------------------------

@dataclasses.dataclass
class PostView:
    post: ForumPost
    is_moderator: bool
    is_following: bool = False
    author_name: str = ""

    @property
    def thread(self) -> int:
        return self.post.thread_id or self.post.id


def _following_thread(user_id: str):
    return exists().where(ForumSubscription.forum_id == ForumPost.forum_id,
                          ForumSubscription.thread_id == func.coalesce(ForumPost.thread_id, ForumPost.id),
                          ForumSubscription.user_id == user_id)


async def _visible_post(session: AsyncSession, actor: Actor, post_id: int) -> tuple[PostView, ForumView]:
    """The post and its forum if the actor may see both (waiting and rejected posts: author and moderators)."""
    user = _require_user(actor)
    row = (await session.execute(select(ForumPost, _following_thread(user)).where(ForumPost.id == post_id))).first()
    if row is None:
        raise NotFound()
    post, following = row
    forum = await visible_forum(session, actor, post.forum_id)
    if not rules.may_see_post(status=post.status, is_author=post.author_id == user, is_moderator=forum.is_moderator):
        raise NotFound()
    return PostView(post, forum.is_moderator, bool(following)), forum


async def get_post(session: AsyncSession, actor: Actor, post_id: int) -> PostView:
    return (await _visible_post(session, actor, post_id))[0]


# Posts: the list, on the read path ---------------------------------------------------------------------
#
# A page of posts is one prebuilt statement per shape (the caller's roles, what is listed, the database), run
# by `Call.read` (PostgreSQL: one round trip, no transaction): the forum row (visible to the caller, else no
# row: 404) with the caller's moderation right and the page's total, joined to the page of posts with the
# caller's thread subscriptions and the authors' names. Every value is a bound parameter; rows are used by
# position (`ListedPost`).

THREADS, REPLIES, SEARCH = "threads", "replies", "search"
LISTED_COLUMNS = (
    ForumPost.id, ForumPost.forum_id, ForumPost.parent_id,
    func.coalesce(ForumPost.thread_id, ForumPost.id).label("thread"), ForumPost.depth, ForumPost.title,
    ForumPost.content, ForumPost.content_html, ForumPost.author_id, ForumPost.is_pinned, ForumPost.status,
    ForumPost.is_deleted, ForumPost.is_edited, ForumPost.reply_count, ForumPost.open_reports,
    ForumPost.moderation_reason,
    # Plain timezone-aware datetimes (their consumer makes them UTC): no per-value result processing.
    type_coerce(ForumPost.last_activity_at, DateTime(timezone=True)).label("last_activity_at"),
    type_coerce(ForumPost.created_at, DateTime(timezone=True)).label("created_at"),
    type_coerce(ForumPost.updated_at, DateTime(timezone=True)).label("updated_at"),
)
_AUTHOR_COLUMNS = (DirectoryUser.first_name.label("author_first_name"),
                   DirectoryUser.last_name.label("author_last_name"), DirectoryUser.email.label("author_email"))
ListedPost = row_type(select(*LISTED_COLUMNS, literal(False).label("is_following"), *_AUTHOR_COLUMNS), "ListedPost")
_POSTS_AT = 3  # a row is (moderates, total, parent_ok, *ListedPost)


@dataclasses.dataclass
class PostPage:
    posts: list  # ListedPost
    total: int
    is_moderator: bool


def _role_actor(is_admin: bool, is_instructor: bool) -> Actor:
    """A caller of these roles whose user id is the bound parameter `:user`: the policy's clauses built for it
    hold for every caller with the same roles (the statements below are built once per shape)."""
    roles = frozenset(name for name, held in (("admin", is_admin), ("instructor", is_instructor)) if held)
    return Actor("", bindparam("user"), roles)  # (the policy compares `user_id` with columns: a bound value works)


# The statuses as SQL constants, not bound parameters: psycopg prepares a statement run five times, and
# PostgreSQL's generic plan for `status = $1` cannot use the partial index `... WHERE status = 'pending'` (the
# admin's waiting-thread count became a scan of every thread: 25 ms instead of 0.03 ms with 100,000 posts).
_PUBLISHED, _PENDING = (literal_column(f"'{status}'", String) for status in (PUBLISHED, PENDING))


def _seen_clause(moderates):
    """Posts the viewer sees in lists: published ones and waiting ones of their own; moderators (`moderates`:
    True, False, or a clause) every waiting one. Rejected posts are shown only by id, to author and moderators."""
    published, waiting = ForumPost.status == _PUBLISHED, ForumPost.status == _PENDING
    if moderates is True:
        return or_(published, waiting)
    author = ForumPost.author_id == bindparam("user")
    return or_(published, and_(waiting, author if moderates is False else or_(author, moderates)))


def _search_clause(dialect: str):
    """Posts matching `:search` (PostgreSQL: `rules.tsquery_text`; SQLite: `rules.fts5_query`)."""
    if dialect == "postgresql":
        return ForumPost.tsv.op("@@")(func.plainto_tsquery(literal_column("'simple'"), bindparam("search")))
    return ForumPost.id.in_(select(literal_column("rowid")).select_from(text(FTS_TABLE))
                            .where(literal_column(FTS_TABLE).op("MATCH")(bindparam("search"))))


_ORDERS = {  # (column, descending)
    THREADS: (("is_pinned", True), ("last_activity_at", True), ("id", True)),  # `ix_forum_posts_threads`, backwards
    REPLIES: (("created_at", False), ("id", False)),
    SEARCH: (("created_at", True), ("id", True)),
}


def _ordered(columns, kind: str) -> list:
    """The order of a list of `kind` over `columns` (the posts table's, or the page's)."""
    return [columns[name].desc() if descending else columns[name].asc() for name, descending in _ORDERS[kind]]


def _posts_count(where):
    return select(func.count()).select_from(ForumPost).where(*where).scalar_subquery()


@functools.lru_cache(maxsize=64)
def _list_statement(is_admin: bool, is_instructor: bool, kind: str, dialect: str):
    """The list of one shape (for the database `dialect`): (moderates, total, parent_ok, *ListedPost) rows, no
    row when the caller may not see the forum; a page past the end is one row of NULL posts."""
    tenant, forum_id, user = bindparam("tenant"), bindparam("forum"), bindparam("user")
    actor = _role_actor(is_admin, is_instructor)
    moderates = moderated_clause(actor)  # of the forum row
    if not actor.is_staff or is_admin:
        moderates_known = is_admin  # decided by the roles alone
        moderates_here = moderates_known
    else:  # an instructor moderates a course forum of a course they teach: asked of the forum by id (once)
        moderates_known = None
        by_id = aliased(Forum, name="moderated")
        moderates_here = exists().where(by_id.id == forum_id, by_id.tenant_id == tenant,
                                        moderated_clause(actor, by_id))
    where = [ForumPost.tenant_id == tenant, ForumPost.forum_id == forum_id, _seen_clause(moderates_here)]
    parent_ok = true()
    if kind == THREADS:
        where.append(ForumPost.parent_id.is_(None))
        # Published threads are counted by the forum; the few waiting ones the viewer sees are counted here
        # (partial index `ix_forum_posts_waiting`, or `ix_forum_posts_forum_author` for their own).
        waiting = [ForumPost.tenant_id == tenant, ForumPost.forum_id == forum_id, ForumPost.status == _PENDING,
                   ForumPost.parent_id.is_(None)]
        waiting_all, waiting_mine = _posts_count(waiting), _posts_count([*waiting, ForumPost.author_id == user])
        if moderates_known is None:
            seen_waiting = case((moderates, waiting_all), else_=waiting_mine)
        else:
            seen_waiting = waiting_all if moderates_known else waiting_mine
        total = Forum.thread_count + seen_waiting
    else:
        if kind == REPLIES:
            parent = aliased(ForumPost, name="parent")
            parent_ok = exists().where(parent.id == bindparam("parent"), parent.tenant_id == tenant,
                                       parent.forum_id == forum_id)  # and seen by the caller (`rules.may_see_post`):
            if moderates_here is not True:
                seen = [parent.status == _PUBLISHED, parent.author_id == user]
                parent_ok = parent_ok.where(or_(*seen) if moderates_here is False else or_(*seen, moderates_here))
            where.append(ForumPost.parent_id == bindparam("parent"))
        else:
            where.append(_search_clause(dialect))
        total = _posts_count(where)
    forum = (select(moderates.label("moderates"), total.label("total"), parent_ok.label("parent_ok"))
             .where(Forum.id == forum_id, Forum.tenant_id == tenant, *policy.conditions(visible_clause(actor)))
             .subquery("forum"))
    following = exists().where(ForumSubscription.tenant_id == tenant, ForumSubscription.forum_id == ForumPost.forum_id,
                               ForumSubscription.thread_id == func.coalesce(ForumPost.thread_id, ForumPost.id),
                               ForumSubscription.user_id == user)
    page = (select(*LISTED_COLUMNS, following.label("is_following")).where(*where)
            .order_by(*_ordered(ForumPost.__table__.c, kind)).limit(bindparam("limit")).offset(bindparam("offset"))
            .subquery("page"))
    joined = forum.outerjoin(page, forum.c.parent_ok if kind == REPLIES else true())
    author = and_(DirectoryUser.tenant_id == tenant, DirectoryUser.user_id == page.c.author_id)
    if dialect == "postgresql":
        # One probe of the directory's unique index per listed post: as a plain join PostgreSQL hashes the
        # whole directory of a small tenant (1,000 users: 0.27 of the statement's 0.58 ms).
        names = select(*_AUTHOR_COLUMNS).where(author).limit(1).lateral("author")
        joined, name_columns = joined.outerjoin(names, true()), names.c
    else:
        joined, name_columns = joined.outerjoin(DirectoryUser, author), _AUTHOR_COLUMNS
    return (select(forum.c.moderates, forum.c.total, forum.c.parent_ok, *page.c, *name_columns)
            .select_from(joined).order_by(*_ordered(page.c, kind)))


async def list_posts(call: Call, page: PageRequest, *, forum_id: int | None, parent: int | None = None,
                     search: str | None = None) -> PostPage:
    """A forum's threads (pinned first, then latest activity), a post's direct replies (oldest first), or the
    posts matching `search` at any depth (newest first): what the caller may see, a page at a time, in one
    statement whatever the size of the forum."""
    actor = call.actor
    user = _require_user(actor)
    if forum_id is None:
        raise ValidationError({"forum": ["This field is required."]})
    params = {"forum": forum_id, "user": user, "limit": page.size, "offset": page.offset}
    terms = rules.search_terms(search) if search else []
    dialect = call.runtime.engine.dialect.name
    if terms:
        kind = SEARCH
        params["search"] = rules.tsquery_text(terms) if dialect == "postgresql" else rules.fts5_query(terms)
    elif parent is not None:
        kind, params["parent"] = REPLIES, parent
    else:
        kind = THREADS
    rows = (await call.read(_list_statement(actor.is_admin, actor.is_instructor, kind, dialect), params)).all()
    if not rows or not rows[0][2]:
        raise NotFound()
    first = rows[0]
    return PostPage([ListedPost._make(row[_POSTS_AT:]) for row in rows if row[_POSTS_AT] is not None],
                    int(first[1] or 0), bool(first[0]))


def listed_author_name(post) -> str:
    """The display name of a listed post's author (as `lms.users.public.display_names` gives it)."""
    return full_name(post.author_first_name or "", post.author_last_name or "", post.author_email or "",
                     post.author_id)


# Posts: writing --------------------------------------------------------------------------------------

async def _has_published(session: AsyncSession, forum_id: int, user_id: str) -> bool:
    return await session.scalar(select(ForumPost.id).where(
        ForumPost.forum_id == forum_id, ForumPost.author_id == user_id, ForumPost.status == PUBLISHED).limit(1)) \
        is not None


async def _follow(session: AsyncSession, tenant_id: str, forum_id: int, thread_id: int, user_id: str) -> None:
    await session.execute(dialect_insert(session, ForumSubscription).values(
        tenant_id=tenant_id, forum_id=forum_id, thread_id=thread_id, user_id=user_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["forum_id", "thread_id", "user_id"]))


def _event_data(post: ForumPost, forum: Forum) -> dict:
    return {"forum_id": forum.id, "course_id": forum.course_id, "post_id": post.id,
            "thread_id": post.thread_id or post.id, "parent_id": post.parent_id, "author_id": post.author_id,
            "title": post.title, "created_at": post.created_at.isoformat().replace("+00:00", "Z")}


async def _publish(session: AsyncSession, post: ForumPost, forum: Forum, *, approved_by: str | None) -> None:
    """Counts a newly published post in its forum and thread and tells the forum's room; the author's room
    hears `forum.post_approved` (what points and the followers' messages are keyed on)."""
    now = utcnow()
    post.status = PUBLISHED
    post.last_activity_at = now
    await session.flush()
    await session.execute(update(Forum).where(Forum.id == forum.id).values(
        post_count=Forum.post_count + 1,
        thread_count=Forum.thread_count + (1 if post.parent_id is None else 0),
        last_activity_at=now).execution_options(synchronize_session=False))
    if post.parent_id is not None:
        await session.execute(update(ForumPost).where(ForumPost.id == post.parent_id)
                              .values(reply_count=ForumPost.reply_count + 1)
                              .execution_options(synchronize_session=False))
        await session.execute(update(ForumPost).where(ForumPost.id == post.thread_id)
                              .values(last_activity_at=now).execution_options(synchronize_session=False))
    data = _event_data(post, forum)
    if approved_by is None:
        emit(session, FORUM_POST_CREATED, forum_room(forum.id), data)
        emit(session, FORUM_POST_APPROVED, user_room(post.author_id), data)
    else:
        emit(session, FORUM_POST_APPROVED, [forum_room(forum.id), user_room(post.author_id)],
             {**data, "approved_by": approved_by})


async def create_post(session: AsyncSession, actor: Actor, data: dict) -> PostView:
    user = _require_user(actor)
    values = POST_FIELDS.validate(data)
    try:
        forum_view = await visible_forum(session, actor, values["forum"])
    except NotFound:
        raise ValidationError({"forum": [f'Invalid pk "{values["forum"]}" - object does not exist.']}) from None
    forum = forum_view.forum
    if values["is_pinned"] and not forum_view.is_moderator:
        raise PermissionDenied("Only the forum's moderators may pin posts.")
    if not forum.is_active:
        raise ValidationError({"forum": [NOT_ACCEPTING]})
    parent: ForumPost | None = None
    depth = 0
    if values["parent"] is not None:
        parent = await session.scalar(select(ForumPost).where(ForumPost.id == values["parent"]))
        if parent is None or parent.forum_id != forum.id or not rules.may_see_post(
                status=parent.status, is_author=parent.author_id == user, is_moderator=forum_view.is_moderator):
            raise ValidationError({"parent": [f'Invalid pk "{values["parent"]}" - object does not exist.']})
        if parent.status != PUBLISHED or parent.is_deleted:
            raise ValidationError({"parent": ["Only published posts that were not deleted can be replied to."]})
        depth = rules.reply_depth(parent.depth)
        if depth is None:
            raise ValidationError({"parent": [rules.TOO_DEEP]})
        if values["is_pinned"]:
            raise ValidationError({"is_pinned": ["Only a thread's first post can be pinned."]})
    elif not values["title"]:
        raise ValidationError({"title": ["This field is required."]})
    waits = rules.post_waits(forum.moderation, is_moderator=forum_view.is_moderator,
                             has_published=forum.moderation != NONE and await _has_published(session, forum.id, user))
    now = utcnow()
    post = ForumPost(forum_id=forum.id, parent_id=parent.id if parent else None,
                     thread_id=parent.thread_id if parent else None, depth=depth, title=values["title"],
                     content=values["content"], content_html=rules.render(values["content"]), author_id=user,
                     is_pinned=values["is_pinned"], status=PENDING, is_deleted=False, is_edited=False,
                     reply_count=0, open_reports=0, moderation_reason="", last_activity_at=now, created_at=now,
                     updated_at=now)
    session.add(post)
    await session.flush()
    if parent is None:
        post.thread_id = post.id
    await _follow(session, actor.tenant_id, forum.id, post.thread_id, user)  # authors follow their threads
    if not waits:
        await _publish(session, post, forum, approved_by=None)
    await session.flush()
    return PostView(post, forum_view.is_moderator, True)


async def change_post(session: AsyncSession, actor: Actor, post_id: int, data: dict, *, partial: bool) -> PostView:
    view, forum = await _visible_post(session, actor, post_id)
    post = view.post
    if not rules.may_edit(is_author=post.author_id == actor.user_id, is_moderator=forum.is_moderator,
                          created_at=post.created_at, now=utcnow()):
        raise PermissionDenied(rules.EDIT_WINDOW_PASSED) if post.author_id == actor.user_id else PermissionDenied()
    if post.is_deleted:
        raise ValidationError(DELETED)
    values = POST_FIELDS.validate(data, partial=partial)
    if values.pop("forum", post.forum_id) != post.forum_id:
        raise ValidationError({"forum": ["A post cannot be moved to another forum."]})
    if values.pop("parent", post.parent_id) != post.parent_id:
        raise ValidationError({"parent": ["A post cannot be moved to another parent."]})
    if "is_pinned" in values and values["is_pinned"] != post.is_pinned:
        if not forum.is_moderator:
            raise PermissionDenied("Only the forum's moderators may pin posts.")
        if post.parent_id is not None:
            raise ValidationError({"is_pinned": ["Only a thread's first post can be pinned."]})
        post.is_pinned = values["is_pinned"]
        _record(session, post, actor, PIN if post.is_pinned else UNPIN, "")
    if post.parent_id is None and "title" in values and not values["title"]:
        raise ValidationError({"title": ["This field may not be blank."]})
    if "title" in values and values["title"] != post.title:
        post.title, post.is_edited = values["title"], True
    if "content" in values and values["content"] != post.content:
        post.content, post.content_html, post.is_edited = values["content"], rules.render(values["content"]), True
    post.updated_at = utcnow()
    await session.flush()
    return view


def _clear(post: ForumPost, reason: str = "") -> None:
    """Soft delete: the text goes (and leaves the search index), the row keeps its place and replies."""
    post.is_deleted = True
    post.title, post.content, post.content_html = "", "", ""
    post.moderation_reason = reason
    post.is_pinned = False
    post.updated_at = utcnow()


async def delete_post(session: AsyncSession, actor: Actor, post_id: int) -> None:
    view, forum = await _visible_post(session, actor, post_id)
    post = view.post
    if not rules.may_edit(is_author=post.author_id == actor.user_id, is_moderator=forum.is_moderator,
                          created_at=post.created_at, now=utcnow()):
        raise PermissionDenied(rules.EDIT_WINDOW_PASSED) if post.author_id == actor.user_id else PermissionDenied()
    if post.is_deleted:
        raise NotFound()
    _clear(post)
    await _close_reports(session, post)
    await session.flush()


# Reports and moderation ------------------------------------------------------------------------------

def _record(session: AsyncSession, post: ForumPost, actor: Actor, action: str, reason: str) -> None:
    session.add(ModerationAction(forum_id=post.forum_id, post_id=post.id, moderator_id=actor.user_id,
                                 action=action, reason=reason, created_at=utcnow()))


async def _close_reports(session: AsyncSession, post: ForumPost) -> None:
    if post.open_reports:
        await session.execute(update(ForumReport).where(ForumReport.post_id == post.id, ForumReport.is_open.is_(True))
                              .values(is_open=False).execution_options(synchronize_session=False))
        post.open_reports = 0


async def report_post(session: AsyncSession, actor: Actor, post_id: int, data: dict) -> ForumReport:
    view, _ = await _visible_post(session, actor, post_id)
    post = view.post
    values = REPORT_FIELDS.validate(data)
    if post.author_id == actor.user_id:
        raise ValidationError(OWN_POST)
    if post.status != PUBLISHED or post.is_deleted:
        raise ValidationError("Only published posts that were not deleted can be reported.")
    report_id = await session.scalar(dialect_insert(session, ForumReport).values(
        tenant_id=actor.tenant_id, post_id=post.id, user_id=actor.user_id, reason=values["reason"], is_open=True,
        created_at=utcnow()).on_conflict_do_nothing(index_elements=["post_id", "user_id"]).returning(ForumReport.id))
    if report_id is None:
        raise ValidationError(ALREADY_REPORTED)
    await session.execute(update(ForumPost).where(ForumPost.id == post.id)
                          .values(open_reports=ForumPost.open_reports + 1).execution_options(synchronize_session=False))
    return await session.scalar(select(ForumReport).where(ForumReport.id == report_id))


async def _moderated_post(session: AsyncSession, actor: Actor, post_id: int) -> tuple[PostView, ForumView]:
    view, forum = await _visible_post(session, actor, post_id)
    if not forum.is_moderator:
        raise PermissionDenied()
    # The row lock orders two moderators deciding on the same post.
    await session.execute(select(ForumPost.id).where(ForumPost.id == post_id).with_for_update())
    await session.refresh(view.post)
    return view, forum


async def approve_post(session: AsyncSession, actor: Actor, post_id: int) -> PostView:
    """A waiting post is published; a published post's open reports are dismissed."""
    view, forum = await _moderated_post(session, actor, post_id)
    post = view.post
    if post.status == PENDING:
        await _publish(session, post, forum.forum, approved_by=actor.user_id)
        _record(session, post, actor, APPROVE, "")
    elif post.status == PUBLISHED and post.open_reports > 0 and not post.is_deleted:
        await _close_reports(session, post)
        _record(session, post, actor, DISMISS_REPORTS, "")
    else:
        raise ValidationError(NOT_WAITING)
    await session.flush()
    return view


async def _tell_author(session: AsyncSession, call, post: ForumPost, forum: Forum, subject: str,
                       content: str) -> None:
    await user_notified.fire(session, call, recipient=post.author_id, subject=subject, content=content,
                             course_id=forum.course_id)


async def reject_post(session: AsyncSession, call, actor: Actor, post_id: int, data: dict) -> PostView:
    """A waiting post is rejected; its author is told the reason by message (lms.platform.hooks.user_notified)."""
    view, forum = await _moderated_post(session, actor, post_id)
    values = REJECTION_FIELDS.validate(data)
    post = view.post
    if post.status != PENDING:
        raise ValidationError(NOT_WAITING)
    post.status, post.moderation_reason, post.updated_at = REJECTED, values["reason"], utcnow()
    _record(session, post, actor, REJECT, values["reason"])
    await session.flush()
    await _tell_author(session, call, post, forum.forum, f'Your post in "{forum.forum.title}" was not approved',
                       f'Your post "{post.title or post.content[:80]}" was rejected by a moderator. '
                       f'Reason: {values["reason"]}')
    return view


async def remove_post(session: AsyncSession, call, actor: Actor, post_id: int, data: dict) -> PostView:
    """A post is removed like a deletion (its place in the thread stays); the author is told."""
    view, forum = await _moderated_post(session, actor, post_id)
    values = REMOVAL_FIELDS.validate(data)
    post = view.post
    if post.is_deleted:
        raise ValidationError(DELETED)
    title = post.title or post.content[:80]
    _clear(post, values["reason"])
    await _close_reports(session, post)
    _record(session, post, actor, REMOVE, values["reason"])
    await session.flush()
    reason = f' Reason: {values["reason"]}' if values["reason"] else ""
    await _tell_author(session, call, post, forum.forum, f'Your post in "{forum.forum.title}" was removed',
                       f'Your post "{title}" was removed by a moderator.{reason}')
    return view


@dataclasses.dataclass
class QueueEntry:
    reason: str
    post: PostView
    reports: list[ForumReport]


async def list_queue(session: AsyncSession, actor: Actor, page: PageRequest, *, forum_id: int | None = None,
                     reason: str | None = None) -> tuple[list[QueueEntry], int]:
    """Waiting and reported posts of the forums the actor moderates, oldest first."""
    _require_user(actor)
    if not actor.is_staff:
        raise PermissionDenied()
    if reason not in (None, "", "waiting", "reported"):
        raise ValidationError({"reason": [f'"{reason}" is not a valid choice.']})
    waiting = ForumPost.status == PENDING
    reported = and_(ForumPost.status == PUBLISHED, ForumPost.open_reports > 0, ForumPost.is_deleted.is_(False))
    kinds = {"waiting": waiting, "reported": reported}.get(reason or "", or_(waiting, reported))
    where = [kinds, ForumPost.forum_id.in_(select(Forum.id).where(moderated_clause(actor)))]
    if forum_id is not None:
        where.append(ForumPost.forum_id == forum_id)
    total = await session.scalar(select(func.count()).select_from(ForumPost).where(*where))
    posts = list(await session.scalars(select(ForumPost).where(*where).order_by(ForumPost.created_at, ForumPost.id)
                                       .offset(page.offset).limit(page.size)))
    reports: dict[int, list[ForumReport]] = {}
    reported_ids = [p.id for p in posts if p.open_reports > 0]
    if reported_ids:
        ranked = (select(ForumReport, func.row_number().over(partition_by=ForumReport.post_id,
                                                            order_by=(ForumReport.created_at, ForumReport.id))
                         .label("n"))
                  .where(ForumReport.post_id.in_(reported_ids), ForumReport.is_open.is_(True)).subquery())
        report = aliased(ForumReport, ranked)
        for r in await session.scalars(select(report).where(ranked.c.n <= QUEUE_REPORTS)
                                       .order_by(report.created_at, report.id)):
            reports.setdefault(r.post_id, []).append(r)
    return [QueueEntry("waiting" if p.status == PENDING else "reported", PostView(p, True), reports.get(p.id, []))
            for p in posts], int(total or 0)


async def list_actions(session: AsyncSession, actor: Actor, page: PageRequest, *, forum_id: int | None = None,
                       post_id: int | None = None) -> tuple[list[ModerationAction], int]:
    _require_user(actor)
    if not actor.is_staff:
        raise PermissionDenied()
    where = [ModerationAction.forum_id.in_(select(Forum.id).where(moderated_clause(actor)))]
    if forum_id is not None:
        where.append(ModerationAction.forum_id == forum_id)
    if post_id is not None:
        where.append(ModerationAction.post_id == post_id)
    total = await session.scalar(select(func.count()).select_from(ModerationAction).where(*where))
    rows = list(await session.scalars(select(ModerationAction).where(*where)
                                      .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
                                      .offset(page.offset).limit(page.size)))
    return rows, int(total or 0)


# Subscriptions ---------------------------------------------------------------------------------------

async def _subscription(session: AsyncSession, forum_id: int, thread_id: int, user_id: str) -> ForumSubscription:
    return await session.scalar(select(ForumSubscription).where(
        ForumSubscription.forum_id == forum_id, ForumSubscription.thread_id == thread_id,
        ForumSubscription.user_id == user_id))


async def follow_forum(session: AsyncSession, actor: Actor, forum_id: int) -> ForumSubscription:
    await visible_forum(session, actor, forum_id)
    await _follow(session, actor.tenant_id, forum_id, 0, actor.user_id)
    return await _subscription(session, forum_id, 0, actor.user_id)


async def unfollow_forum(session: AsyncSession, actor: Actor, forum_id: int) -> None:
    await visible_forum(session, actor, forum_id)
    await session.execute(delete(ForumSubscription).where(
        ForumSubscription.forum_id == forum_id, ForumSubscription.thread_id == 0,
        ForumSubscription.user_id == actor.user_id))


async def follow_thread(session: AsyncSession, actor: Actor, post_id: int) -> ForumSubscription:
    view, _ = await _visible_post(session, actor, post_id)
    await _follow(session, actor.tenant_id, view.post.forum_id, view.thread, actor.user_id)
    return await _subscription(session, view.post.forum_id, view.thread, actor.user_id)


async def unfollow_thread(session: AsyncSession, actor: Actor, post_id: int) -> None:
    view, _ = await _visible_post(session, actor, post_id)
    await session.execute(delete(ForumSubscription).where(
        ForumSubscription.forum_id == view.post.forum_id, ForumSubscription.thread_id == view.thread,
        ForumSubscription.user_id == actor.user_id))

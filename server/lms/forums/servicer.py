"""gRPC servicer of the forums: request in, service call, message out."""
from __future__ import annotations

from google.protobuf import empty_pb2, struct_pb2

from lms.forums import service
from lms.forums.models import ForumReport, ForumSubscription, ModerationAction
from lms.forums.v1 import forums_pb2, forums_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, nullable_timestamp, set_timestamp, timestamp
from lms.platform.servicing import rpc
from lms.platform.validation import present
from lms.users.public import display_names


def _opt(request, name: str):
    return getattr(request, name) if request.HasField(name) else None


def forum_message(view: service.ForumView) -> forums_pb2.Forum:
    f = view.forum
    return forums_pb2.Forum(
        id=f.id, title=f.title, description=f.description, is_active=f.is_active, course=nullable_number(f.course_id),
        moderation=f.moderation, post_count=f.post_count, thread_count=f.thread_count,
        last_activity_at=nullable_timestamp(f.last_activity_at), created_by=f.created_by,
        is_following=view.is_following, is_moderator=view.is_moderator, created_at=timestamp(f.created_at),
        updated_at=timestamp(f.updated_at))


def post_message(view: service.PostView, viewer: str | None) -> forums_pb2.Post:
    p = view.post
    privileged = view.is_moderator or p.author_id == viewer
    return forums_pb2.Post(
        id=p.id, forum=p.forum_id, parent=nullable_number(p.parent_id), thread=view.thread, depth=p.depth,
        title=p.title, content=p.content, content_html=p.content_html, author_id=p.author_id,
        author_name=view.author_name, is_pinned=p.is_pinned, status=p.status, is_deleted=p.is_deleted,
        is_edited=p.is_edited, reply_count=p.reply_count, last_activity_at=timestamp(p.last_activity_at),
        moderation_reason=p.moderation_reason if privileged else "",
        report_count=p.open_reports if view.is_moderator else 0, is_following=view.is_following,
        created_at=timestamp(p.created_at), updated_at=timestamp(p.updated_at))


def listed_post(post, is_moderator: bool, viewer: str, into) -> forums_pb2.Post:
    """A `service.ListedPost` (a row of the list, by position) added to the repeated field `into` (filled in
    place: several times cheaper than building the message and copying it in)."""
    privileged = is_moderator or post.author_id == viewer
    message = into.add(
        id=post.id, forum=post.forum_id, thread=post.thread, depth=post.depth, title=post.title, content=post.content,
        content_html=post.content_html, author_id=post.author_id, author_name=service.listed_author_name(post),
        is_pinned=post.is_pinned, status=post.status, is_deleted=post.is_deleted, is_edited=post.is_edited,
        reply_count=post.reply_count, moderation_reason=post.moderation_reason if privileged else "",
        report_count=post.open_reports if is_moderator else 0, is_following=bool(post.is_following))
    if post.parent_id is None:
        message.parent.null_value = struct_pb2.NULL_VALUE
    else:
        message.parent.number_value = post.parent_id
    set_timestamp(message.last_activity_at, post.last_activity_at)
    set_timestamp(message.created_at, post.created_at)
    set_timestamp(message.updated_at, post.updated_at)
    return message


def report_message(r: ForumReport) -> forums_pb2.Report:
    return forums_pb2.Report(id=r.id, post=r.post_id, user_id=r.user_id, reason=r.reason,
                             created_at=timestamp(r.created_at))


def subscription_message(s: ForumSubscription) -> forums_pb2.Subscription:
    return forums_pb2.Subscription(forum=s.forum_id, thread=nullable_number(s.thread_id or None), user_id=s.user_id,
                                   created_at=timestamp(s.created_at))


def action_message(a: ModerationAction) -> forums_pb2.ModerationAction:
    return forums_pb2.ModerationAction(id=a.id, forum=a.forum_id, post=a.post_id, moderator_id=a.moderator_id,
                                       action=a.action, reason=a.reason, created_at=timestamp(a.created_at))


async def _named(session, views: list[service.PostView]) -> list[service.PostView]:
    names = await display_names(session, [v.post.author_id for v in views])
    for view in views:
        view.author_name = names.get(view.post.author_id, "")
    return views


class ForumServicer(forums_pb2_grpc.ForumServiceServicer):
    @rpc
    async def ListForums(self, request, call, session):
        page = PageRequest.from_request(request)
        views, total = await service.list_forums(session, call.actor, page, course=_opt(request, "course"))
        return forums_pb2.ListForumsResponse(**page_envelope(call, request, page, total),
                                             results=[forum_message(v) for v in views])

    @rpc
    async def CreateForum(self, request, call, session):
        return forum_message(await service.create_forum(session, call.actor, present(request.forum)))

    @rpc
    async def GetForum(self, request, call, session):
        return forum_message(await service.get_forum(session, call.actor, request.forum_id))

    @rpc
    async def ReplaceForum(self, request, call, session):
        return forum_message(await service.change_forum(session, call.actor, request.forum_id,
                                                        present(request.forum), partial=False))

    @rpc
    async def UpdateForum(self, request, call, session):
        return forum_message(await service.change_forum(session, call.actor, request.forum_id,
                                                        present(request.forum), partial=True))

    @rpc
    async def DeleteForum(self, request, call, session):
        await service.delete_forum(session, call.actor, request.forum_id)
        return empty_pb2.Empty()

    @rpc
    async def FollowForum(self, request, call, session):
        return subscription_message(await service.follow_forum(session, call.actor, request.forum_id))

    @rpc
    async def UnfollowForum(self, request, call, session):
        await service.unfollow_forum(session, call.actor, request.forum_id)
        return empty_pb2.Empty()

    @rpc
    async def ListPosts(self, request, call):
        page = PageRequest.from_request(request)
        listed = await service.list_posts(call, page, forum_id=_opt(request, "forum"), parent=_opt(request, "parent"),
                                          search=_opt(request, "search"))
        response = forums_pb2.ListPostsResponse(**page_envelope(call, request, page, listed.total))
        viewer, results = call.actor.user_id, response.results
        for post in listed.posts:
            listed_post(post, listed.is_moderator, viewer, results)
        return response

    async def _post_out(self, call, session, view: service.PostView) -> forums_pb2.Post:
        return post_message((await _named(session, [view]))[0], call.actor.user_id)

    @rpc
    async def CreatePost(self, request, call, session):
        return await self._post_out(call, session, await service.create_post(session, call.actor,
                                                                             present(request.post)))

    @rpc
    async def GetPost(self, request, call, session):
        return await self._post_out(call, session, await service.get_post(session, call.actor, request.post_id))

    @rpc
    async def ReplacePost(self, request, call, session):
        view = await service.change_post(session, call.actor, request.post_id, present(request.post), partial=False)
        return await self._post_out(call, session, view)

    @rpc
    async def UpdatePost(self, request, call, session):
        view = await service.change_post(session, call.actor, request.post_id, present(request.post), partial=True)
        return await self._post_out(call, session, view)

    @rpc
    async def DeletePost(self, request, call, session):
        await service.delete_post(session, call.actor, request.post_id)
        return empty_pb2.Empty()

    @rpc
    async def ReportPost(self, request, call, session):
        return report_message(await service.report_post(session, call.actor, request.post_id,
                                                        present(request.report)))

    @rpc
    async def ApprovePost(self, request, call, session):
        return await self._post_out(call, session, await service.approve_post(session, call.actor, request.post_id))

    @rpc
    async def RejectPost(self, request, call, session):
        view = await service.reject_post(session, call, call.actor, request.post_id, present(request.decision))
        return await self._post_out(call, session, view)

    @rpc
    async def RemovePost(self, request, call, session):
        view = await service.remove_post(session, call, call.actor, request.post_id, present(request.decision))
        return await self._post_out(call, session, view)

    @rpc
    async def FollowThread(self, request, call, session):
        return subscription_message(await service.follow_thread(session, call.actor, request.post_id))

    @rpc
    async def UnfollowThread(self, request, call, session):
        await service.unfollow_thread(session, call.actor, request.post_id)
        return empty_pb2.Empty()

    @rpc
    async def ListQueue(self, request, call, session):
        page = PageRequest.from_request(request)
        entries, total = await service.list_queue(session, call.actor, page, forum_id=_opt(request, "forum"),
                                                  reason=_opt(request, "reason"))
        await _named(session, [e.post for e in entries])
        user = call.actor.user_id
        return forums_pb2.ListQueueResponse(
            **page_envelope(call, request, page, total),
            results=[forums_pb2.QueueItem(reason=e.reason, post=post_message(e.post, user),
                                          reports=[report_message(r) for r in e.reports]) for e in entries])

    @rpc
    async def ListModerationActions(self, request, call, session):
        page = PageRequest.from_request(request)
        rows, total = await service.list_actions(session, call.actor, page, forum_id=_opt(request, "forum"),
                                                 post_id=_opt(request, "post"))
        return forums_pb2.ListModerationActionsResponse(**page_envelope(call, request, page, total),
                                                        results=[action_message(a) for a in rows])

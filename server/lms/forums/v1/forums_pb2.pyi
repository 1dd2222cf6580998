import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Forum(_message.Message):
    __slots__ = ("id", "title", "description", "is_active", "course", "moderation", "post_count", "thread_count", "last_activity_at", "created_by", "is_following", "is_moderator", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MODERATION_FIELD_NUMBER: _ClassVar[int]
    POST_COUNT_FIELD_NUMBER: _ClassVar[int]
    THREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    IS_FOLLOWING_FIELD_NUMBER: _ClassVar[int]
    IS_MODERATOR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    title: str
    description: str
    is_active: bool
    course: _struct_pb2.Value
    moderation: str
    post_count: int
    thread_count: int
    last_activity_at: _struct_pb2.Value
    created_by: str
    is_following: bool
    is_moderator: bool
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., is_active: _Optional[bool] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., moderation: _Optional[str] = ..., post_count: _Optional[int] = ..., thread_count: _Optional[int] = ..., last_activity_at: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., created_by: _Optional[str] = ..., is_following: _Optional[bool] = ..., is_moderator: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ForumInput(_message.Message):
    __slots__ = ("title", "description", "is_active", "course", "moderation")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MODERATION_FIELD_NUMBER: _ClassVar[int]
    title: _struct_pb2.Value
    description: _struct_pb2.Value
    is_active: _struct_pb2.Value
    course: _struct_pb2.Value
    moderation: _struct_pb2.Value
    def __init__(self, title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_active: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., moderation: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Post(_message.Message):
    __slots__ = ("id", "forum", "parent", "thread", "depth", "title", "content", "content_html", "author_id", "author_name", "is_pinned", "status", "is_deleted", "is_edited", "reply_count", "last_activity_at", "moderation_reason", "report_count", "is_following", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    FORUM_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    THREAD_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HTML_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_NAME_FIELD_NUMBER: _ClassVar[int]
    IS_PINNED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IS_DELETED_FIELD_NUMBER: _ClassVar[int]
    IS_EDITED_FIELD_NUMBER: _ClassVar[int]
    REPLY_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_AT_FIELD_NUMBER: _ClassVar[int]
    MODERATION_REASON_FIELD_NUMBER: _ClassVar[int]
    REPORT_COUNT_FIELD_NUMBER: _ClassVar[int]
    IS_FOLLOWING_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    forum: int
    parent: _struct_pb2.Value
    thread: int
    depth: int
    title: str
    content: str
    content_html: str
    author_id: str
    author_name: str
    is_pinned: bool
    status: str
    is_deleted: bool
    is_edited: bool
    reply_count: int
    last_activity_at: _timestamp_pb2.Timestamp
    moderation_reason: str
    report_count: int
    is_following: bool
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., forum: _Optional[int] = ..., parent: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., thread: _Optional[int] = ..., depth: _Optional[int] = ..., title: _Optional[str] = ..., content: _Optional[str] = ..., content_html: _Optional[str] = ..., author_id: _Optional[str] = ..., author_name: _Optional[str] = ..., is_pinned: _Optional[bool] = ..., status: _Optional[str] = ..., is_deleted: _Optional[bool] = ..., is_edited: _Optional[bool] = ..., reply_count: _Optional[int] = ..., last_activity_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., moderation_reason: _Optional[str] = ..., report_count: _Optional[int] = ..., is_following: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PostInput(_message.Message):
    __slots__ = ("forum", "parent", "title", "content", "is_pinned")
    FORUM_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    IS_PINNED_FIELD_NUMBER: _ClassVar[int]
    forum: _struct_pb2.Value
    parent: _struct_pb2.Value
    title: _struct_pb2.Value
    content: _struct_pb2.Value
    is_pinned: _struct_pb2.Value
    def __init__(self, forum: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., parent: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., title: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., content: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., is_pinned: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Report(_message.Message):
    __slots__ = ("id", "post", "user_id", "reason", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    POST_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    post: int
    user_id: str
    reason: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., post: _Optional[int] = ..., user_id: _Optional[str] = ..., reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReportInput(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: _struct_pb2.Value
    def __init__(self, reason: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class RejectionInput(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: _struct_pb2.Value
    def __init__(self, reason: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class RemovalInput(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: _struct_pb2.Value
    def __init__(self, reason: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class Subscription(_message.Message):
    __slots__ = ("forum", "thread", "user_id", "created_at")
    FORUM_FIELD_NUMBER: _ClassVar[int]
    THREAD_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    forum: int
    thread: _struct_pb2.Value
    user_id: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, forum: _Optional[int] = ..., thread: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., user_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class QueueItem(_message.Message):
    __slots__ = ("reason", "post", "reports")
    REASON_FIELD_NUMBER: _ClassVar[int]
    POST_FIELD_NUMBER: _ClassVar[int]
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    reason: str
    post: Post
    reports: _containers.RepeatedCompositeFieldContainer[Report]
    def __init__(self, reason: _Optional[str] = ..., post: _Optional[_Union[Post, _Mapping]] = ..., reports: _Optional[_Iterable[_Union[Report, _Mapping]]] = ...) -> None: ...

class ModerationAction(_message.Message):
    __slots__ = ("id", "forum", "post", "moderator_id", "action", "reason", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    FORUM_FIELD_NUMBER: _ClassVar[int]
    POST_FIELD_NUMBER: _ClassVar[int]
    MODERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    forum: int
    post: int
    moderator_id: str
    action: str
    reason: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., forum: _Optional[int] = ..., post: _Optional[int] = ..., moderator_id: _Optional[str] = ..., action: _Optional[str] = ..., reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListForumsRequest(_message.Message):
    __slots__ = ("course", "page", "page_size")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    course: int
    page: int
    page_size: int
    def __init__(self, course: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListForumsResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Forum]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Forum, _Mapping]]] = ...) -> None: ...

class CreateForumRequest(_message.Message):
    __slots__ = ("forum",)
    FORUM_FIELD_NUMBER: _ClassVar[int]
    forum: ForumInput
    def __init__(self, forum: _Optional[_Union[ForumInput, _Mapping]] = ...) -> None: ...

class GetForumRequest(_message.Message):
    __slots__ = ("forum_id",)
    FORUM_ID_FIELD_NUMBER: _ClassVar[int]
    forum_id: int
    def __init__(self, forum_id: _Optional[int] = ...) -> None: ...

class ReplaceForumRequest(_message.Message):
    __slots__ = ("forum_id", "forum")
    FORUM_ID_FIELD_NUMBER: _ClassVar[int]
    FORUM_FIELD_NUMBER: _ClassVar[int]
    forum_id: int
    forum: ForumInput
    def __init__(self, forum_id: _Optional[int] = ..., forum: _Optional[_Union[ForumInput, _Mapping]] = ...) -> None: ...

class UpdateForumRequest(_message.Message):
    __slots__ = ("forum_id", "forum")
    FORUM_ID_FIELD_NUMBER: _ClassVar[int]
    FORUM_FIELD_NUMBER: _ClassVar[int]
    forum_id: int
    forum: ForumInput
    def __init__(self, forum_id: _Optional[int] = ..., forum: _Optional[_Union[ForumInput, _Mapping]] = ...) -> None: ...

class DeleteForumRequest(_message.Message):
    __slots__ = ("forum_id",)
    FORUM_ID_FIELD_NUMBER: _ClassVar[int]
    forum_id: int
    def __init__(self, forum_id: _Optional[int] = ...) -> None: ...

class FollowForumRequest(_message.Message):
    __slots__ = ("forum_id",)
    FORUM_ID_FIELD_NUMBER: _ClassVar[int]
    forum_id: int
    def __init__(self, forum_id: _Optional[int] = ...) -> None: ...

class UnfollowForumRequest(_message.Message):
    __slots__ = ("forum_id",)
    FORUM_ID_FIELD_NUMBER: _ClassVar[int]
    forum_id: int
    def __init__(self, forum_id: _Optional[int] = ...) -> None: ...

class ListPostsRequest(_message.Message):
    __slots__ = ("forum", "parent", "search", "page", "page_size")
    FORUM_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    forum: int
    parent: int
    search: str
    page: int
    page_size: int
    def __init__(self, forum: _Optional[int] = ..., parent: _Optional[int] = ..., search: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListPostsResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Post]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Post, _Mapping]]] = ...) -> None: ...

class CreatePostRequest(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: PostInput
    def __init__(self, post: _Optional[_Union[PostInput, _Mapping]] = ...) -> None: ...

class GetPostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class ReplacePostRequest(_message.Message):
    __slots__ = ("post_id", "post")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    POST_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    post: PostInput
    def __init__(self, post_id: _Optional[int] = ..., post: _Optional[_Union[PostInput, _Mapping]] = ...) -> None: ...

class UpdatePostRequest(_message.Message):
    __slots__ = ("post_id", "post")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    POST_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    post: PostInput
    def __init__(self, post_id: _Optional[int] = ..., post: _Optional[_Union[PostInput, _Mapping]] = ...) -> None: ...

class DeletePostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class ReportPostRequest(_message.Message):
    __slots__ = ("post_id", "report")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    report: ReportInput
    def __init__(self, post_id: _Optional[int] = ..., report: _Optional[_Union[ReportInput, _Mapping]] = ...) -> None: ...

class ApprovePostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class RejectPostRequest(_message.Message):
    __slots__ = ("post_id", "decision")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    decision: RejectionInput
    def __init__(self, post_id: _Optional[int] = ..., decision: _Optional[_Union[RejectionInput, _Mapping]] = ...) -> None: ...

class RemovePostRequest(_message.Message):
    __slots__ = ("post_id", "decision")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    decision: RemovalInput
    def __init__(self, post_id: _Optional[int] = ..., decision: _Optional[_Union[RemovalInput, _Mapping]] = ...) -> None: ...

class FollowThreadRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class UnfollowThreadRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class ListQueueRequest(_message.Message):
    __slots__ = ("forum", "reason", "page", "page_size")
    FORUM_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    forum: int
    reason: str
    page: int
    page_size: int
    def __init__(self, forum: _Optional[int] = ..., reason: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListQueueResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[QueueItem]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[QueueItem, _Mapping]]] = ...) -> None: ...

class ListModerationActionsRequest(_message.Message):
    __slots__ = ("forum", "post", "page", "page_size")
    FORUM_FIELD_NUMBER: _ClassVar[int]
    POST_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    forum: int
    post: int
    page: int
    page_size: int
    def __init__(self, forum: _Optional[int] = ..., post: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListModerationActionsResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[ModerationAction]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[ModerationAction, _Mapping]]] = ...) -> None: ...

import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
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

class Badge(_message.Message):
    __slots__ = ("id", "name", "description", "image_url", "criteria_type", "threshold", "course", "min_grade_percent", "is_active", "awarded_count", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_URL_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MIN_GRADE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    AWARDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    description: str
    image_url: _struct_pb2.Value
    criteria_type: str
    threshold: int
    course: _struct_pb2.Value
    min_grade_percent: int
    is_active: bool
    awarded_count: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., image_url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., criteria_type: _Optional[str] = ..., threshold: _Optional[int] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., min_grade_percent: _Optional[int] = ..., is_active: _Optional[bool] = ..., awarded_count: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BadgeInput(_message.Message):
    __slots__ = ("name", "description", "criteria_type", "threshold", "course", "min_grade_percent", "is_active")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MIN_GRADE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    criteria_type: str
    threshold: int
    course: _struct_pb2.Value
    min_grade_percent: int
    is_active: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., criteria_type: _Optional[str] = ..., threshold: _Optional[int] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., min_grade_percent: _Optional[int] = ..., is_active: _Optional[bool] = ...) -> None: ...

class ListBadgesRequest(_message.Message):
    __slots__ = ("page", "page_size", "include_inactive")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    include_inactive: bool
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., include_inactive: _Optional[bool] = ...) -> None: ...

class ListBadgesResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[Badge]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[Badge, _Mapping]]] = ...) -> None: ...

class CreateBadgeRequest(_message.Message):
    __slots__ = ("badge",)
    BADGE_FIELD_NUMBER: _ClassVar[int]
    badge: BadgeInput
    def __init__(self, badge: _Optional[_Union[BadgeInput, _Mapping]] = ...) -> None: ...

class GetBadgeRequest(_message.Message):
    __slots__ = ("badge_id",)
    BADGE_ID_FIELD_NUMBER: _ClassVar[int]
    badge_id: int
    def __init__(self, badge_id: _Optional[int] = ...) -> None: ...

class ReplaceBadgeRequest(_message.Message):
    __slots__ = ("badge_id", "badge")
    BADGE_ID_FIELD_NUMBER: _ClassVar[int]
    BADGE_FIELD_NUMBER: _ClassVar[int]
    badge_id: int
    badge: BadgeInput
    def __init__(self, badge_id: _Optional[int] = ..., badge: _Optional[_Union[BadgeInput, _Mapping]] = ...) -> None: ...

class UpdateBadgeRequest(_message.Message):
    __slots__ = ("badge_id", "badge")
    BADGE_ID_FIELD_NUMBER: _ClassVar[int]
    BADGE_FIELD_NUMBER: _ClassVar[int]
    badge_id: int
    badge: BadgeInput
    def __init__(self, badge_id: _Optional[int] = ..., badge: _Optional[_Union[BadgeInput, _Mapping]] = ...) -> None: ...

class DeleteBadgeRequest(_message.Message):
    __slots__ = ("badge_id",)
    BADGE_ID_FIELD_NUMBER: _ClassVar[int]
    badge_id: int
    def __init__(self, badge_id: _Optional[int] = ...) -> None: ...

class UploadBadgeImageRequest(_message.Message):
    __slots__ = ("badge_id", "body")
    BADGE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    badge_id: int
    body: _httpbody_pb2.HttpBody
    def __init__(self, badge_id: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DeleteBadgeImageRequest(_message.Message):
    __slots__ = ("badge_id",)
    BADGE_ID_FIELD_NUMBER: _ClassVar[int]
    badge_id: int
    def __init__(self, badge_id: _Optional[int] = ...) -> None: ...

class UserBadge(_message.Message):
    __slots__ = ("id", "user_id", "user_name", "badge", "awarded_at", "awarded_by", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    BADGE_FIELD_NUMBER: _ClassVar[int]
    AWARDED_AT_FIELD_NUMBER: _ClassVar[int]
    AWARDED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: int
    user_id: str
    user_name: str
    badge: Badge
    awarded_at: _timestamp_pb2.Timestamp
    awarded_by: _struct_pb2.Value
    reason: str
    def __init__(self, id: _Optional[int] = ..., user_id: _Optional[str] = ..., user_name: _Optional[str] = ..., badge: _Optional[_Union[Badge, _Mapping]] = ..., awarded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., awarded_by: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class ListUserBadgesRequest(_message.Message):
    __slots__ = ("page", "page_size", "user_id")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    user_id: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListUserBadgesResponse(_message.Message):
    __slots__ = ("count", "next", "previous", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[UserBadge]
    def __init__(self, count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[UserBadge, _Mapping]]] = ...) -> None: ...

class AwardInput(_message.Message):
    __slots__ = ("badge", "user_id", "reason")
    BADGE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    badge: int
    user_id: str
    reason: str
    def __init__(self, badge: _Optional[int] = ..., user_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class AwardBadgeRequest(_message.Message):
    __slots__ = ("award",)
    AWARD_FIELD_NUMBER: _ClassVar[int]
    award: AwardInput
    def __init__(self, award: _Optional[_Union[AwardInput, _Mapping]] = ...) -> None: ...

class PointsEntry(_message.Message):
    __slots__ = ("id", "rule", "points", "cause_type", "cause_id", "course", "description", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    CAUSE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CAUSE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    rule: str
    points: int
    cause_type: str
    cause_id: str
    course: _struct_pb2.Value
    description: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., rule: _Optional[str] = ..., points: _Optional[int] = ..., cause_type: _Optional[str] = ..., cause_id: _Optional[str] = ..., course: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListUserPointsRequest(_message.Message):
    __slots__ = ("page", "page_size", "user_id")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    user_id: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListUserPointsResponse(_message.Message):
    __slots__ = ("user_id", "total_points", "count", "next", "previous", "results")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_POINTS_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    total_points: int
    count: int
    next: _struct_pb2.Value
    previous: _struct_pb2.Value
    results: _containers.RepeatedCompositeFieldContainer[PointsEntry]
    def __init__(self, user_id: _Optional[str] = ..., total_points: _Optional[int] = ..., count: _Optional[int] = ..., next: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., previous: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., results: _Optional[_Iterable[_Union[PointsEntry, _Mapping]]] = ...) -> None: ...

class GetLeaderboardRequest(_message.Message):
    __slots__ = ("course_id", "limit")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    course_id: int
    limit: int
    def __init__(self, course_id: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class LeaderboardEntry(_message.Message):
    __slots__ = ("rank", "user_id", "user_name", "total_points", "is_current_user")
    RANK_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    TOTAL_POINTS_FIELD_NUMBER: _ClassVar[int]
    IS_CURRENT_USER_FIELD_NUMBER: _ClassVar[int]
    rank: int
    user_id: str
    user_name: str
    total_points: int
    is_current_user: bool
    def __init__(self, rank: _Optional[int] = ..., user_id: _Optional[str] = ..., user_name: _Optional[str] = ..., total_points: _Optional[int] = ..., is_current_user: _Optional[bool] = ...) -> None: ...

class Leaderboard(_message.Message):
    __slots__ = ("course_id", "limit", "results", "current_user")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_USER_FIELD_NUMBER: _ClassVar[int]
    course_id: _struct_pb2.Value
    limit: int
    results: _containers.RepeatedCompositeFieldContainer[LeaderboardEntry]
    current_user: _struct_pb2.Value
    def __init__(self, course_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., limit: _Optional[int] = ..., results: _Optional[_Iterable[_Union[LeaderboardEntry, _Mapping]]] = ..., current_user: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class GetLeaderboardPreferenceRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LeaderboardPreference(_message.Message):
    __slots__ = ("show_on_leaderboard",)
    SHOW_ON_LEADERBOARD_FIELD_NUMBER: _ClassVar[int]
    show_on_leaderboard: bool
    def __init__(self, show_on_leaderboard: _Optional[bool] = ...) -> None: ...

class LeaderboardPreferenceInput(_message.Message):
    __slots__ = ("show_on_leaderboard",)
    SHOW_ON_LEADERBOARD_FIELD_NUMBER: _ClassVar[int]
    show_on_leaderboard: bool
    def __init__(self, show_on_leaderboard: _Optional[bool] = ...) -> None: ...

class UpdateLeaderboardPreferenceRequest(_message.Message):
    __slots__ = ("preference",)
    PREFERENCE_FIELD_NUMBER: _ClassVar[int]
    preference: LeaderboardPreferenceInput
    def __init__(self, preference: _Optional[_Union[LeaderboardPreferenceInput, _Mapping]] = ...) -> None: ...

class PointsRule(_message.Message):
    __slots__ = ("rule", "event_type", "points", "is_active", "description")
    RULE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    rule: str
    event_type: str
    points: int
    is_active: bool
    description: str
    def __init__(self, rule: _Optional[str] = ..., event_type: _Optional[str] = ..., points: _Optional[int] = ..., is_active: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class ListPointsRulesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPointsRulesResponse(_message.Message):
    __slots__ = ("rules",)
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[PointsRule]
    def __init__(self, rules: _Optional[_Iterable[_Union[PointsRule, _Mapping]]] = ...) -> None: ...

class PointsRuleInput(_message.Message):
    __slots__ = ("points", "is_active")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    points: int
    is_active: bool
    def __init__(self, points: _Optional[int] = ..., is_active: _Optional[bool] = ...) -> None: ...

class UpdatePointsRuleRequest(_message.Message):
    __slots__ = ("rule", "points_rule")
    RULE_FIELD_NUMBER: _ClassVar[int]
    POINTS_RULE_FIELD_NUMBER: _ClassVar[int]
    rule: str
    points_rule: PointsRuleInput
    def __init__(self, rule: _Optional[str] = ..., points_rule: _Optional[_Union[PointsRuleInput, _Mapping]] = ...) -> None: ...

class GamificationSettings(_message.Message):
    __slots__ = ("leaderboard_enabled", "allow_opt_out")
    LEADERBOARD_ENABLED_FIELD_NUMBER: _ClassVar[int]
    ALLOW_OPT_OUT_FIELD_NUMBER: _ClassVar[int]
    leaderboard_enabled: bool
    allow_opt_out: bool
    def __init__(self, leaderboard_enabled: _Optional[bool] = ..., allow_opt_out: _Optional[bool] = ...) -> None: ...

class GamificationSettingsInput(_message.Message):
    __slots__ = ("leaderboard_enabled", "allow_opt_out")
    LEADERBOARD_ENABLED_FIELD_NUMBER: _ClassVar[int]
    ALLOW_OPT_OUT_FIELD_NUMBER: _ClassVar[int]
    leaderboard_enabled: bool
    allow_opt_out: bool
    def __init__(self, leaderboard_enabled: _Optional[bool] = ..., allow_opt_out: _Optional[bool] = ...) -> None: ...

class GetGamificationSettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateGamificationSettingsRequest(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: GamificationSettingsInput
    def __init__(self, settings: _Optional[_Union[GamificationSettingsInput, _Mapping]] = ...) -> None: ...

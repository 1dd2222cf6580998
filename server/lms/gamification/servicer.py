"""gRPC servicers of badges and points: parse the request, call the service, convert the result."""
from __future__ import annotations

import dataclasses

from google.protobuf import empty_pb2, struct_pb2

from lms.gamification import service
from lms.gamification.models import Badge, PointsEntry
from lms.gamification.v1 import gamification_pb2 as pb, gamification_pb2_grpc as pb_grpc
from lms.platform.context import Call
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import null, nullable_number, nullable_string, timestamp
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.uploads import IMAGES, FileField, Upload
from lms.platform.validation import present

BADGE_IMAGE = FileField("badges", IMAGES)
BADGE_FILES_SLUG = "_badges"  # badge images are the tenant's, not a course's (no course slug has a "_")


def badge_message(call: Call, badge: Badge) -> pb.Badge:
    return pb.Badge(
        id=badge.id, name=badge.name, description=badge.description,
        image_url=nullable_string(file_url(call, badge.image) if badge.image else None),
        criteria_type=badge.criteria_type, threshold=badge.threshold, course=nullable_number(badge.course_id),
        min_grade_percent=badge.min_grade_percent, is_active=badge.is_active, awarded_count=badge.awarded_count,
        created_at=timestamp(badge.created_at), updated_at=timestamp(badge.updated_at))


def award_message(call: Call, row: service.AwardRow) -> pb.UserBadge:
    return pb.UserBadge(
        id=row.award.id, user_id=row.award.user_id, user_name=row.user_name, badge=badge_message(call, row.badge),
        awarded_at=timestamp(row.award.awarded_at), awarded_by=nullable_string(row.award.awarded_by),
        reason=row.award.reason)


def entry_message(entry: PointsEntry) -> pb.PointsEntry:
    return pb.PointsEntry(
        id=entry.id, rule=entry.rule, points=entry.points, cause_type=entry.cause_type, cause_id=entry.cause_id,
        course=nullable_number(entry.course_id), description=entry.description, created_at=timestamp(entry.created_at))


def place_message(place: service.Place) -> pb.LeaderboardEntry:
    return pb.LeaderboardEntry(rank=place.rank, user_id=place.user_id, user_name=place.user_name,
                               total_points=place.total_points, is_current_user=place.is_current_user)


def object_value(values: dict) -> struct_pb2.Value:
    value = struct_pb2.Value()
    value.struct_value.update(values)
    return value


def rule_message(view: service.RuleView) -> pb.PointsRule:
    return pb.PointsRule(rule=view.rule, event_type=view.event_type, points=view.points, is_active=view.is_active,
                         description=view.description)


class BadgeServicer(pb_grpc.BadgeServiceServicer):
    @rpc
    async def ListBadges(self, request, call, session):
        page = PageRequest.from_request(request)
        badges, total = await service.list_badges(session, call.actor, page, request.include_inactive)
        return pb.ListBadgesResponse(**page_envelope(call, request, page, total),
                                     results=[badge_message(call, b) for b in badges])

    @rpc
    async def CreateBadge(self, request, call, session):
        return badge_message(call, await service.create_badge(session, call.actor, present(request.badge)))

    @rpc
    async def GetBadge(self, request, call, session):
        return badge_message(call, await service.get_badge(session, call.actor, request.badge_id))

    @rpc
    async def ReplaceBadge(self, request, call):
        return await self._change(request, partial=False)

    @rpc
    async def UpdateBadge(self, request, call):
        return await self._change(request, partial=True)

    @rpc
    async def _change(self, request, call, session, *, partial: bool):
        badge = await service.change_badge(session, call.actor, request.badge_id, present(request.badge),
                                           partial=partial)
        return badge_message(call, badge)

    @rpc
    async def DeleteBadge(self, request, call, session):
        await service.retire_badge(session, call.actor, request.badge_id)
        return empty_pb2.Empty()

    @rpc
    async def UploadBadgeImage(self, request_iterator, call):
        upload = await Upload.open(request_iterator)
        badge = await service.badge_for_image(await call.session(), call.actor, upload.request.badge_id)
        form = await upload.read(call, files={"image": BADGE_IMAGE}, course_id=None, course_slug=BADGE_FILES_SLUG)
        badge = await service.set_badge_image(await call.session(), call, badge.id, form.files["image"].key)
        return badge_message(call, badge)

    @rpc
    async def DeleteBadgeImage(self, request, call):
        await service.set_badge_image(await call.session(), call, request.badge_id, "")
        return empty_pb2.Empty()

    @rpc
    async def ListUserBadges(self, request, call, session):
        page = PageRequest.from_request(request)
        rows, total = await service.list_user_badges(session, call.actor, request.user_id or None, page)
        return pb.ListUserBadgesResponse(**page_envelope(call, request, page, total),
                                         results=[award_message(call, r) for r in rows])

    @rpc
    async def AwardBadge(self, request, call, session):
        return award_message(call, await service.award_badge(session, call.actor, present(request.award)))


class PointsServicer(pb_grpc.PointsServiceServicer):
    @rpc
    async def ListUserPoints(self, request, call, session):
        page = PageRequest.from_request(request)
        user, total, entries, count = await service.user_points(session, call.actor,
                                                                request.user_id or None, page)
        return pb.ListUserPointsResponse(user_id=user, total_points=total, **page_envelope(call, request, page, count),
                                         results=[entry_message(e) for e in entries])

    @rpc
    async def GetLeaderboard(self, request, call):
        results, current, limit = await service.leaderboard(
            call, request.course_id if request.HasField("course_id") else None,
            request.limit if request.HasField("limit") else None)
        return pb.Leaderboard(
            course_id=nullable_number(request.course_id if request.HasField("course_id") else None), limit=limit,
            results=[place_message(p) for p in results],
            current_user=null() if current is None else object_value(dataclasses.asdict(current)))

    @rpc
    async def GetLeaderboardPreference(self, request, call, session):
        return pb.LeaderboardPreference(show_on_leaderboard=await service.preference(session, call.actor))

    @rpc
    async def UpdateLeaderboardPreference(self, request, call, session):
        show = await service.set_preference(session, call.actor, present(request.preference))
        return pb.LeaderboardPreference(show_on_leaderboard=show)

    @rpc
    async def ListPointsRules(self, request, call, session):
        views = await service.list_rules(session, call.actor)
        return pb.ListPointsRulesResponse(rules=[rule_message(v) for v in views])

    @rpc
    async def UpdatePointsRule(self, request, call, session):
        return rule_message(await service.update_rule(session, call.actor, request.rule,
                                                      present(request.points_rule)))

    @rpc
    async def GetGamificationSettings(self, request, call, session):
        enabled, allow = await service.get_settings(session, call.actor)
        return pb.GamificationSettings(leaderboard_enabled=enabled, allow_opt_out=allow)

    @rpc
    async def UpdateGamificationSettings(self, request, call, session):
        enabled, allow = await service.update_settings(session, call.actor, present(request.settings))
        return pb.GamificationSettings(leaderboard_enabled=enabled, allow_opt_out=allow)

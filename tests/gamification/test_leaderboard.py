"""Leaderboards through the edge and over gRPC: ties, courses, the caller's own place, opting out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import grpc
import pytest

from lms.gamification.v1 import gamification_pb2, gamification_pb2_grpc
from tests.gamification.helpers import course_with_lessons
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, make_course

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def seed_totals(stack, tenant_id: str, scope: int, totals: list[tuple[str, int]]) -> None:
    """Totals (and the users per total) as the awards consumer keeps them; the n-th reached its total n
    minutes after START."""
    for n, (user, total) in enumerate(totals):
        stack.sql("INSERT INTO points_totals (tenant_id, scope, user_id, total_points, reached_at) "
                  "VALUES (:t, :s, :u, :p, :r)", t=tenant_id, s=scope, u=user, p=total,
                  r=(START + timedelta(minutes=n)).replace(tzinfo=None) if stack.backend == "sqlite"
                  else START + timedelta(minutes=n))
        stack.sql("INSERT INTO points_rank_counts (tenant_id, scope, total_points, users) VALUES (:t, :s, :p, 1) "
                  "ON CONFLICT (tenant_id, scope, total_points) DO UPDATE SET users = points_rank_counts.users + 1",
                  t=tenant_id, s=scope, p=total)


def board(actor, **params) -> dict:
    response = actor.get("/api/lms/user-points/leaderboard/", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_ranks_share_ties_ordered_by_who_got_there_first(tenant, stack):
    me = tenant.student(first_name="Me", last_name="Myself")
    others = [tenant.student(first_name=f"Learner{i}", last_name="X") for i in range(5)]
    for actor in others:
        actor.get("/api/lms/badges/")  # the directory learns their names
    # later-reached equal totals rank after earlier ones; the caller is far down the list.
    seed_totals(stack, tenant.id, 0, [(others[2].user_id, 300), (others[0].user_id, 500), (others[1].user_id, 300),
                                      (others[3].user_id, 200), (others[4].user_id, 100), (me.user_id, 50)])
    body = board(me, limit=3)
    assert body["course_id"] is None and body["limit"] == 3
    assert [(e["rank"], e["user_id"], e["total_points"]) for e in body["results"]] == [
        (1, others[0].user_id, 500), (2, others[2].user_id, 300), (2, others[1].user_id, 300)]
    assert body["results"][0]["user_name"] == "Learner0 X"
    assert body["current_user"] == {"rank": 6, "user_id": me.user_id, "user_name": "Me Myself", "total_points": 50,
                                    "is_current_user": True}
    full = board(me)
    assert [e["rank"] for e in full["results"]] == [1, 2, 2, 4, 5, 6]
    assert full["results"][-1]["is_current_user"] is True
    assert board(tenant.student())["current_user"] is None  # no points yet
    assert_error(me.get("/api/lms/user-points/leaderboard/", params={"limit": 101}), 400)
    assert_error(me.get("/api/lms/user-points/leaderboard/", params={"limit": 0}), 400)
    assert_error(tenant.anonymous().get("/api/lms/user-points/leaderboard/"), 401)


def test_course_leaderboards_for_people_who_may_see_the_course(tenant, other_tenant, stack):
    admin = tenant.admin()
    course, _ = course_with_lessons(admin, count=1)
    draft = make_course(admin, status="Draft")
    student = tenant.student()
    seed_totals(stack, tenant.id, course["id"], [(student.user_id, 40), ("someone", 70)])
    seed_totals(stack, tenant.id, 0, [(student.user_id, 999)])
    body = board(student, course_id=course["id"])
    assert body["course_id"] == course["id"]
    assert [(e["rank"], e["total_points"]) for e in body["results"]] == [(1, 70), (2, 40)]
    assert body["current_user"]["rank"] == 2
    assert_error(student.get("/api/lms/user-points/leaderboard/", params={"course_id": draft["id"]}), 404, NOT_FOUND)
    assert board(admin, course_id=draft["id"])["results"] == []
    assert_error(other_tenant.student().get("/api/lms/user-points/leaderboard/", params={"course_id": course["id"]}),
                 404, NOT_FOUND)
    assert board(other_tenant.student())["results"] == []


def test_learners_opt_out_and_tenants_decide(tenant, stack):
    admin = tenant.admin()
    shy, me = tenant.student(first_name="Shy"), tenant.student()
    seed_totals(stack, tenant.id, 0, [(shy.user_id, 90), (me.user_id, 10)])
    assert shy.get("/api/lms/user-points/preferences/").json() == {"show_on_leaderboard": True}
    assert shy.patch("/api/lms/user-points/preferences/", {"show_on_leaderboard": False}).json() == {
        "show_on_leaderboard": False}
    top = board(me)["results"][0]
    assert (top["user_id"], top["user_name"], top["rank"], top["total_points"]) == ("", "Anonymous", 1, 90)
    assert board(shy)["results"][0]["user_id"] == shy.user_id  # they still see themselves
    assert_error(shy.patch("/api/lms/user-points/preferences/", {}), 400,
                 {"show_on_leaderboard": ["This field is required."]})
    # The tenant turns opt-out off: everyone is named again, and opting out is refused.
    assert admin.get("/api/lms/gamification/settings/").json() == {"leaderboard_enabled": True, "allow_opt_out": True}
    assert admin.patch("/api/lms/gamification/settings/", {"allow_opt_out": False}).json()["allow_opt_out"] is False
    assert board(me)["results"][0]["user_id"] == shy.user_id
    assert_error(me.patch("/api/lms/user-points/preferences", {"show_on_leaderboard": False}), 400)
    # Leaderboards turned off: learners are refused, staff still see them.
    admin.patch("/api/lms/gamification/settings/", {"leaderboard_enabled": False})
    assert_error(me.get("/api/lms/user-points/leaderboard/"), 403,
                 {"detail": "Leaderboards are turned off for learners."})
    assert len(board(admin)["results"]) == 2
    assert_error(me.patch("/api/lms/gamification/settings/", {"leaderboard_enabled": True}), 403, FORBIDDEN)


@pytest.fixture
def stubs(stack):
    with stack.channel() as channel:
        yield (gamification_pb2_grpc.PointsServiceStub(channel), gamification_pb2_grpc.BadgeServiceStub(channel))


def test_the_same_rules_over_grpc(tenant, other_tenant, stack, stubs):
    points, badges = stubs
    admin, student = tenant.admin(), tenant.student()
    seed_totals(stack, tenant.id, 0, [(student.user_id, 25)])
    reply = points.GetLeaderboard(gamification_pb2.GetLeaderboardRequest(limit=5), metadata=student.metadata)
    assert [(e.rank, e.user_id, e.total_points) for e in reply.results] == [(1, student.user_id, 25)]
    assert reply.current_user.struct_value["is_current_user"] is True
    assert reply.current_user.struct_value["rank"] == 1
    badge = badges.CreateBadge(gamification_pb2.CreateBadgeRequest(badge=gamification_pb2.BadgeInput(
        name="Over gRPC", criteria_type="points_total", threshold=10)), metadata=admin.metadata)
    assert badge.id > 0 and badge.criteria_type == "points_total"
    listed = badges.ListBadges(gamification_pb2.ListBadgesRequest(), metadata=student.metadata)
    assert [b.name for b in listed.results] == ["Over gRPC"]
    with pytest.raises(grpc.RpcError) as denied:
        badges.CreateBadge(gamification_pb2.CreateBadgeRequest(badge=gamification_pb2.BadgeInput(
            name="Nope", criteria_type="manual")), metadata=student.metadata)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as hidden:
        badges.GetBadge(gamification_pb2.GetBadgeRequest(badge_id=badge.id), metadata=other_tenant.admin().metadata)
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND

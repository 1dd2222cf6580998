"""Badges through the edge: admins manage them, criteria award them once, staff award by hand."""
from __future__ import annotations

from tests.files import samples
from tests.gamification.helpers import (
    REPLAY, complete, course_with_lessons, learner_of, make_badge, wait_for, wait_for_total,
)
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error

BADGE_KEYS = {"id", "name", "description", "image_url", "criteria_type", "threshold", "course", "min_grade_percent",
              "is_active", "awarded_count", "created_at", "updated_at"}


def user_badges(actor, **params) -> dict:
    response = actor.get("/api/lms/user-badges/", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_admins_manage_badges_and_everyone_lists_active_ones(tenant, other_tenant):
    admin = tenant.admin()
    badge = make_badge(admin, name="First Steps", criteria_type="lessons_completed", threshold=1)
    assert set(badge) == BADGE_KEYS
    assert (badge["criteria_type"], badge["threshold"], badge["course"], badge["image_url"]) == (
        "lessons_completed", 1, None, None)
    student = tenant.student()
    listed = student.get("/api/lms/badges/").json()
    assert listed["count"] == 1 and [b["name"] for b in listed["results"]] == ["First Steps"]
    assert student.get(f"/api/lms/badges/{badge['id']}/").json()["name"] == "First Steps"
    # Validation: names are unique, criteria need their values, course must exist.
    assert_error(admin.post("/api/lms/badges/", {"name": "First Steps", "criteria_type": "manual"}), 400,
                 {"name": ["badge with this name already exists."]})
    assert_error(admin.post("/api/lms/badges/", {"name": "X", "criteria_type": "course_completed"}), 400,
                 {"course": ["This field is required for course_completed badges."]})
    assert_error(admin.post("/api/lms/badges/", {"name": "Y", "criteria_type": "points_total"}), 400,
                 {"threshold": ["Ensure this value is greater than or equal to 1."]})
    assert_error(admin.post("/api/lms/badges/", {"name": "Z", "criteria_type": "magic"}), 400,
                 {"criteria_type": ['"magic" is not a valid choice.']})
    assert_error(admin.post("/api/lms/badges/", {"criteria_type": "manual"}), 400,
                 {"name": ["This field is required."]})
    assert_error(admin.post("/api/lms/badges", {"name": "W", "criteria_type": "course_completed", "course": 999999}),
                 400, {"course": ['Invalid pk "999999" - object does not exist.']})
    # Rights: only admins change badges.
    assert_error(student.post("/api/lms/badges/", {"name": "Mine", "criteria_type": "manual"}), 403, FORBIDDEN)
    assert_error(tenant.instructor().patch(f"/api/lms/badges/{badge['id']}/", {"name": "Renamed"}), 403, FORBIDDEN)
    renamed = admin.patch(f"/api/lms/badges/{badge['id']}/", {"name": "First Step"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "First Step"
    replaced = admin.put(f"/api/lms/badges/{badge['id']}", {"name": "Dedicated", "criteria_type": "points_total",
                                                            "threshold": 500})
    assert replaced.status_code == 200 and replaced.json()["threshold"] == 500
    # Retiring hides it from learners; staff still see it.
    assert admin.delete(f"/api/lms/badges/{badge['id']}/").status_code == 204
    assert student.get("/api/lms/badges/").json()["count"] == 0
    assert_error(student.get(f"/api/lms/badges/{badge['id']}/"), 404, NOT_FOUND)
    assert admin.get("/api/lms/badges/", params={"include_inactive": "true"}).json()["count"] == 1
    # Another tenant sees nothing of it.
    stranger = other_tenant.admin()
    assert stranger.get("/api/lms/badges/").json()["count"] == 0
    assert_error(stranger.get(f"/api/lms/badges/{badge['id']}/"), 404, NOT_FOUND)
    assert_error(stranger.patch(f"/api/lms/badges/{badge['id']}/", {"name": "Stolen"}), 404, NOT_FOUND)
    assert_error(stranger.delete(f"/api/lms/badges/{badge['id']}/"), 404, NOT_FOUND)


def test_criteria_award_badges_exactly_once(tenant, stack):
    admin = tenant.admin()
    course, lessons = course_with_lessons(admin, count=3)
    two_lessons = make_badge(admin, name="Two Lessons", criteria_type="lessons_completed", threshold=2)
    finisher = make_badge(admin, name="Finisher", criteria_type="course_completed", course=course["id"])
    rich = make_badge(admin, name="Rich", criteria_type="points_total", threshold=150)
    make_badge(admin, name="Never", criteria_type="courses_completed", threshold=5)
    student = learner_of(tenant, course)
    complete(student, lessons[0]["id"])
    wait_for_total(student, 10)
    assert user_badges(student)["count"] == 0
    complete(student, lessons[1]["id"])
    held = wait_for(lambda: user_badges(student)["count"] >= 1 and user_badges(student))
    assert [b["badge"]["name"] for b in held["results"]] == ["Two Lessons"]
    award = held["results"][0]
    assert award["user_id"] == student.user_id and award["awarded_by"] is None and award["reason"] == ""
    complete(student, lessons[2]["id"])
    held = wait_for(lambda: (lambda b: b if b["count"] >= 3 else None)(user_badges(student)))
    assert sorted(b["badge"]["name"] for b in held["results"]) == ["Finisher", "Rich", "Two Lessons"]
    # Replaying every event awards nothing again.
    stack.sql(REPLAY)
    wait_for(lambda: stack.sql("SELECT last_id FROM outbox_consumers WHERE name = 'gamification'")[0][0] > 0)
    assert user_badges(student)["count"] == 3
    assert stack.sql("SELECT count(*) FROM user_badges WHERE tenant_id = :t", t=tenant.id) == [(3,)]
    assert admin.get(f"/api/lms/badges/{two_lessons['id']}/").json()["awarded_count"] == 1
    assert {finisher["id"], rich["id"]} <= {b["badge"]["id"] for b in held["results"]}
    rooms = stack.sql("SELECT room, count(*) FROM outbox_events WHERE tenant_id = :t AND type = 'badge.awarded' "
                      "GROUP BY room", t=tenant.id)
    assert rooms == [(f"user_{student.user_id}", 3)]


def test_graded_work_badges_count_grades_at_or_above_the_bar(tenant):
    from tests.assignments.helpers import classroom, grade, make_assignment, submit

    teacher, course, _, student = classroom(tenant)
    admin = tenant.admin()
    make_badge(admin, name="Sharp", criteria_type="assignments_graded", threshold=2, min_grade_percent=80)
    first, second = (make_assignment(teacher, course["id"], max_score=10) for _ in range(2))
    grade(teacher, submit(student, first["id"])["id"], 9)
    grade(teacher, submit(student, second["id"])["id"], 7)  # 70 %: below the bar
    wait_for_total(student, 5 + 5 + 18 + 14)
    assert user_badges(student)["count"] == 0
    third = make_assignment(teacher, course["id"], max_score=10)
    grade(teacher, submit(student, third["id"])["id"], 8)
    held = wait_for(lambda: user_badges(student)["count"] == 1 and user_badges(student))
    assert held["results"][0]["badge"]["name"] == "Sharp"


def test_staff_award_by_hand_with_a_reason(tenant, other_tenant):
    admin = tenant.admin()
    badge = make_badge(admin, name="Helper")
    teacher = tenant.instructor()
    student = tenant.student(first_name="Grace", last_name="Hopper")
    student.get("/api/lms/badges/")  # the directory learns the student
    awarded = teacher.post("/api/lms/user-badges/", {"badge": badge["id"], "user_id": student.user_id,
                                                     "reason": "Helped classmates in the forum"})
    assert awarded.status_code == 201, awarded.text
    body = awarded.json()
    assert (body["user_id"], body["user_name"], body["awarded_by"], body["reason"]) == (
        student.user_id, "Grace Hopper", teacher.user_id, "Helped classmates in the forum")
    assert body["badge"]["awarded_count"] == 1
    assert_error(teacher.post("/api/lms/user-badges/", {"badge": badge["id"], "user_id": student.user_id,
                                                        "reason": "Again"}), 400,
                 {"non_field_errors": ["The user already holds this badge."]})
    assert_error(teacher.post("/api/lms/user-badges/", {"badge": badge["id"], "user_id": "nobody", "reason": "x"}),
                 400, {"user_id": ["Unknown user."]})
    assert_error(teacher.post("/api/lms/user-badges/", {"badge": badge["id"], "user_id": student.user_id}), 400,
                 {"reason": ["This field is required."]})
    assert_error(student.post("/api/lms/user-badges/", {"badge": badge["id"], "user_id": student.user_id,
                                                        "reason": "Me"}), 403, FORBIDDEN)
    mine = user_badges(student)
    assert mine["count"] == 1 and mine["results"][0]["badge"]["name"] == "Helper"
    assert user_badges(teacher, user_id=student.user_id)["count"] == 1
    assert_error(tenant.student().get("/api/lms/user-badges/", params={"user_id": student.user_id}), 403, FORBIDDEN)
    # Another tenant's staff cannot award this tenant's badge or see the award.
    stranger = other_tenant.admin()
    assert_error(stranger.post("/api/lms/user-badges/", {"badge": badge["id"], "user_id": student.user_id,
                                                         "reason": "x"}), 400)
    assert user_badges(stranger, user_id=student.user_id)["count"] == 0


def test_badge_images_are_uploaded_as_images_only(tenant, other_tenant):
    admin = tenant.admin()
    badge = make_badge(admin, name="Pictured")
    url = f"/api/lms/badges/{badge['id']}/image/"
    image = samples.png()
    uploaded = admin.post(url, files={"image": ("star.png", image, "image/png")})
    assert uploaded.status_code == 200, uploaded.text
    image_url = uploaded.json()["image_url"]
    assert image_url and image_url.endswith(".png")
    download = tenant.student().get(image_url[image_url.index("/api/"):])
    assert download.status_code == 200 and download.content == image
    assert_error(admin.post(url, files={"image": ("doc.pdf", samples.pdf(), "application/pdf")}), 400, fields=["image"])
    assert_error(tenant.instructor().post(url, files={"image": ("star.png", samples.png(), "image/png")}), 403)
    assert_error(other_tenant.admin().post(url, files={"image": ("star.png", samples.png(), "image/png")}), 404)
    assert admin.delete(url).status_code == 204
    assert admin.get(f"/api/lms/badges/{badge['id']}/").json()["image_url"] is None

"""Moderation through the edge: waiting posts (visible only to their author and moderators), the queue,
approve, reject with a reason, reports (once per user), removal, and the record of every action."""
from tests.forums.helpers import FORUMS, POSTS, QUEUE, make_forum, make_post, threads
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, assign_instructor, enroll, make_course

ACTIONS = "/api/lms/forums/actions/"


def test_waiting_posts_queue_approve_and_reject(tenant, other_tenant):
    admin, teacher, other_teacher = tenant.admin(), tenant.instructor(), tenant.instructor()
    alice, bob = tenant.student(), tenant.student()
    course = make_course(admin)
    assign_instructor(admin, teacher, course["id"])
    for learner in (alice, bob):
        enroll(learner, course["id"])
    forum = make_forum(teacher, course=course["id"], moderation="all_student_posts")
    fid = forum["id"]
    waiting = make_post(alice, fid, title="Needs a look")
    assert waiting["status"] == "pending"
    staff_post = make_post(teacher, fid, title="Staff do not wait")
    assert staff_post["status"] == "published"

    # The waiting post is the author's and the moderators' only: 404 to classmates, absent from their lists.
    assert_error(bob.get(f"{POSTS}{waiting['id']}/"), 404, NOT_FOUND)
    assert [p["id"] for p in threads(bob, fid)["results"]] == [staff_post["id"]]
    assert threads(bob, fid)["count"] == 1
    assert_error(bob.post(POSTS, {"forum": fid, "parent": waiting["id"], "content": "x"}), 400,
                 {"parent": [f'Invalid pk "{waiting["id"]}" - object does not exist.']})
    mine = threads(alice, fid)
    assert mine["count"] == 2 and {p["id"] for p in mine["results"]} == {waiting["id"], staff_post["id"]}
    assert teacher.get(f"{POSTS}{waiting['id']}/").json()["status"] == "pending"
    # Moderators' lists hold it (the course's teacher, admins); an instructor of another course's do not.
    for moderator in (teacher, admin):
        listed = threads(moderator, fid)
        assert listed["count"] == 2 and {p["id"] for p in listed["results"]} == {waiting["id"], staff_post["id"]}
    assert [p["id"] for p in threads(other_teacher, fid)["results"]] == [staff_post["id"]]
    # Its replies may be listed by those who see it: 404 to the others.
    for viewer, status in ((alice, 200), (teacher, 200), (bob, 404), (other_teacher, 404)):
        assert viewer.get(POSTS, params={"forum": fid, "parent": waiting["id"]}).status_code == status
    assert bob.get(f"{FORUMS}{fid}/").json()["post_count"] == 1

    # The queue: course staff and admins; not students, not instructors of other courses, not other tenants.
    queue = teacher.get(QUEUE).json()
    assert queue["count"] == 1 and queue["results"][0]["reason"] == "waiting"
    assert queue["results"][0]["post"]["id"] == waiting["id"] and queue["results"][0]["reports"] == []
    assert admin.get("/api/lms/forums/queue", params={"forum": fid}).json()["count"] == 1
    assert other_teacher.get(QUEUE).json()["count"] == 0
    assert other_tenant.admin().get(QUEUE).json()["count"] == 0
    assert_error(alice.get(QUEUE), 403, FORBIDDEN)
    assert_error(alice.post(f"{POSTS}{waiting['id']}/approve/"), 403, FORBIDDEN)
    assert_error(other_teacher.post(f"{POSTS}{waiting['id']}/approve/"), 404, NOT_FOUND)

    approved = teacher.post(f"{POSTS}{waiting['id']}/approve/")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "published"
    assert bob.get(f"{POSTS}{waiting['id']}/").json()["status"] == "published"
    assert bob.get(f"{FORUMS}{fid}/").json()["post_count"] == 2
    assert_error(teacher.post(f"{POSTS}{waiting['id']}/approve/"), 400,
                 {"non_field_errors": ["This post is not waiting for moderation."]})

    second = make_post(alice, fid, title="Off topic")
    assert_error(teacher.post(f"{POSTS}{second['id']}/reject/", {}), 400, {"reason": ["This field is required."]})
    rejected = teacher.post(f"{POSTS}{second['id']}/reject/", {"reason": "Off topic for this course"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert alice.get(f"{POSTS}{second['id']}/").json()["moderation_reason"] == "Off topic for this course"
    assert_error(bob.get(f"{POSTS}{second['id']}/"), 404, NOT_FOUND)
    # The author is told in their inbox (user_notified -> lms.messaging), nobody else is.
    told = alice.get("/api/lms/messaging/messages/", params={"message_type": "system"}).json()["results"]
    assert len(told) == 1 and "Off topic for this course" in told[0]["content"], told
    assert not told[0]["is_read"] and told[0]["recipient"] == alice.user_id
    assert bob.get("/api/lms/messaging/messages/", params={"message_type": "system"}).json()["count"] == 0
    assert teacher.get(QUEUE).json()["count"] == 0

    actions = teacher.get(ACTIONS, params={"forum": fid}).json()
    assert [(a["action"], a["post"], a["reason"]) for a in actions["results"]] == [
        ("reject", second["id"], "Off topic for this course"), ("approve", waiting["id"], "")]
    assert all(a["moderator_id"] == teacher.user_id for a in actions["results"])
    assert_error(alice.get(ACTIONS), 403, FORBIDDEN)


def test_first_post_mode_holds_back_only_a_users_first_post(tenant):
    staff, newcomer = tenant.instructor(), tenant.student()
    fid = make_forum(staff, moderation="first_post")["id"]
    first = make_post(newcomer, fid, title="Hello")
    assert first["status"] == "pending"
    assert make_post(newcomer, fid, title="Still new")["status"] == "pending"
    assert staff.post(f"{POSTS}{first['id']}/approve/").status_code == 200
    assert make_post(newcomer, fid, title="Trusted now")["status"] == "published"


def test_reports_once_per_user_dismissal_and_removal(tenant, stack):
    staff, author, reader, other = tenant.instructor(), tenant.student(), tenant.student(), tenant.student()
    fid = make_forum(staff)["id"]
    post = make_post(author, fid, title="Questionable")
    reply = make_post(reader, fid, parent=post["id"], content="A reply that stays")
    url = f"{POSTS}{post['id']}/report/"
    assert_error(reader.post(url, {}), 400, {"reason": ["This field is required."]})
    created = reader.post(url, {"reason": "Spam"})
    assert created.status_code == 201, created.text
    assert created.json()["reason"] == "Spam" and created.json()["post"] == post["id"]
    assert_error(reader.post(url, {"reason": "Spam again"}), 400,
                 {"non_field_errors": ["You have already reported this post."]})
    assert_error(author.post(url, {"reason": "me"}), 400, {"non_field_errors": ["You cannot report your own post."]})
    assert other.post(url.rstrip("/"), {"reason": "Rude"}).status_code == 201

    item = staff.get(QUEUE, params={"reason": "reported"}).json()["results"][0]
    assert item["reason"] == "reported" and [r["reason"] for r in item["reports"]] == ["Spam", "Rude"]
    assert item["post"]["report_count"] == 2
    assert reader.get(f"{POSTS}{post['id']}/").json()["report_count"] == 0  # only moderators see reports
    assert [p["report_count"] for p in threads(staff, fid)["results"]] == [2]
    assert [p["report_count"] for p in threads(reader, fid)["results"]] == [0]
    assert staff.get(QUEUE, params={"reason": "waiting"}).json()["count"] == 0

    # Approving a reported post dismisses its reports.
    assert staff.post(f"{POSTS}{post['id']}/approve/").status_code == 200
    assert staff.get(QUEUE).json()["count"] == 0
    assert_error(reader.post(url, {"reason": "Once more"}), 400,
                 {"non_field_errors": ["You have already reported this post."]})

    # Removal: soft, the thread keeps its shape, the reason is recorded and shown to the author.
    removed = staff.post(f"{POSTS}{post['id']}/remove/", {"reason": "Breaks the rules"})
    assert removed.status_code == 200, removed.text
    assert removed.json()["is_deleted"] is True and removed.json()["content"] == ""
    assert author.get(f"{POSTS}{post['id']}/").json()["moderation_reason"] == "Breaks the rules"
    assert reader.get(f"{POSTS}{post['id']}/").json()["moderation_reason"] == ""
    assert [p["id"] for p in reader.get(POSTS, params={"forum": fid, "parent": post["id"]}).json()["results"]] == \
        [reply["id"]]
    assert_error(staff.post(f"{POSTS}{post['id']}/remove/", {}), 400,
                 {"non_field_errors": ["This post was deleted."]})
    actions = [a["action"] for a in staff.get(ACTIONS, params={"post": post["id"]}).json()["results"]]
    assert actions == ["remove", "dismiss_reports"]
    assert stack.sql("SELECT count(*) FROM forum_moderation_actions WHERE post_id = :p", p=post["id"]) == [(2,)]

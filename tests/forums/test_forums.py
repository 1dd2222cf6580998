"""Forums and threaded posts through the edge: the document's bodies, threading, ordering, editing, visibility
of course forums, roles and tenant isolation."""
from tests.forums.helpers import DOC_FORUM, FORUMS, POSTS, make_forum, make_post, threads
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course


def test_document_bodies_create_a_forum_and_a_post(tenant, other_tenant):
    admin, student = tenant.admin(), tenant.student(first_name="Ada", last_name="Lovelace")
    response = admin.post("/api/lms/forums/forums", DOC_FORUM)  # without the trailing slash too
    assert response.status_code == 201, response.text
    forum = response.json()
    assert {k: forum[k] for k in DOC_FORUM} == DOC_FORUM
    assert forum["course"] is None and forum["moderation"] == "none" and forum["post_count"] == 0
    assert forum["last_activity_at"] is None and forum["is_moderator"] is True

    body = {"forum": forum["id"], "title": "Welcome to the forum!",
            "content": "This is the first post in our forum...", "is_pinned": False}
    response = student.post("/api/lms/forums/posts", body)
    assert response.status_code == 201, response.text
    post = response.json()
    assert {k: post[k] for k in body} == body
    assert post["status"] == "published" and post["parent"] is None and post["thread"] == post["id"]
    assert post["author_id"] == student.user_id and post["author_name"] == "Ada Lovelace"
    assert post["content_html"] == "<p>This is the first post in our forum...</p>"
    assert post["is_following"] is True  # authors follow their threads

    listed = student.get(POSTS, params={"forum": forum["id"]}).json()
    assert listed["count"] == 1 and listed["next"] is None and listed["results"] == [post]  # the same fields
    seen = student.get(f"{FORUMS}{forum['id']}/").json()
    assert seen["post_count"] == 1 and seen["thread_count"] == 1 and seen["last_activity_at"].endswith("Z")
    assert seen["is_moderator"] is False
    assert student.get(FORUMS).json()["count"] == 1

    # Another tenant sees none of it; anonymous callers are refused.
    stranger = other_tenant.admin()
    assert stranger.get(FORUMS).json()["count"] == 0
    assert_error(stranger.get(f"{FORUMS}{forum['id']}/"), 404, NOT_FOUND)
    assert_error(stranger.get(POSTS, params={"forum": forum["id"]}), 404, NOT_FOUND)
    assert_error(stranger.get(f"{POSTS}{post['id']}/"), 404, NOT_FOUND)
    assert_error(stranger.post(POSTS, {**body, "title": "x"}), 400,
                 {"forum": [f'Invalid pk "{forum["id"]}" - object does not exist.']})
    assert_error(tenant.anonymous().get(FORUMS), 401, UNAUTHENTICATED)


def test_validation_and_roles(tenant):
    admin, instructor, student = tenant.admin(), tenant.instructor(), tenant.student()
    assert_error(student.post(FORUMS, DOC_FORUM), 403, FORBIDDEN)
    assert_error(admin.post(FORUMS, {}), 400, {"title": ["This field is required."]})
    assert_error(admin.post(FORUMS, {"title": "x", "moderation": "strict"}), 400,
                 {"moderation": ['"strict" is not a valid choice.']})
    forum = make_forum(instructor)
    assert_error(student.post(POSTS, {"title": "x"}), 400, {"forum": ["This field is required."],
                                                            "content": ["This field is required."]})
    assert_error(student.post(POSTS, {"forum": forum["id"], "content": "no title"}), 400,
                 {"title": ["This field is required."]})
    assert_error(student.post(POSTS, {"forum": forum["id"], "title": "t", "content": "x" * 20001}), 400,
                 {"content": ["Ensure this field has no more than 20000 characters."]})
    assert_error(student.post(POSTS, {"forum": "one", "title": "t", "content": "c"}), 400,
                 {"forum": ["A valid integer is required."]})
    assert_error(student.get(POSTS), 400, {"forum": ["This field is required."]})
    # A student's is_pinned: true is refused (403), never silently dropped.
    assert_error(student.post(POSTS, {"forum": forum["id"], "title": "t", "content": "c", "is_pinned": True}), 403,
                 {"detail": "Only the forum's moderators may pin posts."})
    assert_error(student.patch(f"{FORUMS}{forum['id']}/", {"title": "mine"}), 403, FORBIDDEN)
    changed = instructor.patch(f"{FORUMS}{forum['id']}/", {"is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert_error(student.post(POSTS, {"forum": forum["id"], "title": "t", "content": "c"}), 400,
                 {"forum": ["This forum is not accepting new posts."]})
    assert instructor.put(f"{FORUMS}{forum['id']}", {"title": "Renamed"}).json()["is_active"] is True
    assert_error(student.delete(f"{FORUMS}{forum['id']}/"), 403, FORBIDDEN)
    assert admin.delete(f"{FORUMS}{forum['id']}/").status_code == 204
    assert_error(student.get(f"{FORUMS}{forum['id']}/"), 404, NOT_FOUND)


def test_threads_replies_depth_ordering_and_sanitised_content(tenant):
    staff, alice, bob = tenant.instructor(), tenant.student(), tenant.student()
    forum = make_forum(staff)
    fid = forum["id"]
    first = make_post(alice, fid, title="First", content="Hello <script>alert(1)</script> **world** "
                                                             "[x](javascript:alert(1)) [ok](https://example.com)")
    assert "<script>" not in first["content_html"] and "&lt;script&gt;" in first["content_html"]
    assert "<strong>world</strong>" in first["content_html"] and "javascript:" not in first["content_html"].split(
        "href")[-1]
    assert 'href="https://example.com"' in first["content_html"] and "nofollow" in first["content_html"]
    second = make_post(bob, fid, title="Second")
    pinned = make_post(staff, fid, title="Rules", is_pinned=True)
    # Pinned first, then latest activity: a reply to the first thread brings it up.
    assert [p["id"] for p in threads(bob, fid)["results"]] == [pinned["id"], second["id"], first["id"]]
    reply = make_post(bob, fid, parent=first["id"], title="", content="A reply")
    assert reply["depth"] == 1 and reply["thread"] == first["id"] and reply["parent"] == first["id"]
    assert [p["id"] for p in threads(bob, fid)["results"]] == [pinned["id"], first["id"], second["id"]]
    chain = reply
    for depth in range(2, 6):
        chain = make_post(alice, fid, parent=chain["id"], content=f"depth {depth}")
        assert chain["depth"] == depth and chain["thread"] == first["id"]
    assert_error(alice.post(POSTS, {"forum": fid, "parent": chain["id"], "content": "too deep"}), 400,
                 {"parent": ["Replies may nest at most 5 levels deep."]})
    assert_error(alice.post(POSTS, {"forum": fid, "parent": 2**31 - 1, "content": "x"}), 400,
                 {"parent": ['Invalid pk "2147483647" - object does not exist.']})
    other_forum = make_forum(staff, title="Other")
    assert_error(alice.post(POSTS, {"forum": other_forum["id"], "parent": first["id"], "content": "x"}), 400,
                 {"parent": [f'Invalid pk "{first["id"]}" - object does not exist.']})
    replies = bob.get(POSTS, params={"forum": fid, "parent": first["id"]}).json()
    assert replies["results"] == [bob.get(f"{POSTS}{reply['id']}/").json()]  # listed as shown alone
    detail = bob.get(f"{POSTS}{first['id']}/").json()
    assert detail["reply_count"] == 1
    page = bob.get(POSTS, params={"forum": fid, "page_size": 2}).json()
    assert page["count"] == 3 and page["next"].endswith("page=2&page_size=2") or "page=2" in page["next"]
    assert_error(bob.get(POSTS, params={"forum": fid, "page": 9}), 404, {"detail": "Invalid page."})
    forum_now = bob.get(f"{FORUMS}{fid}/").json()
    assert forum_now["post_count"] == 8 and forum_now["thread_count"] == 3


def test_authors_edit_and_delete_their_own_and_soft_delete_keeps_the_thread(tenant, stack):
    staff, alice, bob = tenant.instructor(), tenant.student(), tenant.student()
    fid = make_forum(staff)["id"]
    root = make_post(alice, fid, title="Mine")
    reply = make_post(bob, fid, parent=root["id"], content="Bob's reply")
    nested = make_post(alice, fid, parent=reply["id"], content="Alice answers")
    edited = alice.patch(f"{POSTS}{root['id']}/", {"content": "Edited *text*"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["is_edited"] is True and edited.json()["content_html"] == "<p>Edited <em>text</em></p>"
    assert_error(bob.patch(f"{POSTS}{root['id']}/", {"content": "hijack"}), 403, FORBIDDEN)
    assert_error(alice.patch(f"{POSTS}{root['id']}/", {"forum": make_forum(staff, title="B")["id"]}), 400,
                 {"forum": ["A post cannot be moved to another forum."]})
    assert_error(alice.patch(f"{POSTS}{root['id']}/", {"is_pinned": True}), 403,
                 {"detail": "Only the forum's moderators may pin posts."})
    assert staff.patch(f"{POSTS}{root['id']}/", {"is_pinned": True}).json()["is_pinned"] is True

    # Bob deletes his reply: its text goes, its place and Alice's answer stay.
    assert bob.delete(f"{POSTS}{reply['id']}/").status_code == 204
    gone = alice.get(f"{POSTS}{reply['id']}/").json()
    assert gone["is_deleted"] is True and gone["content"] == "" and gone["content_html"] == ""
    assert gone["reply_count"] == 1
    under = alice.get(POSTS, params={"forum": fid, "parent": reply["id"]}).json()
    assert [p["id"] for p in under["results"]] == [nested["id"]]
    assert_error(alice.post(POSTS, {"forum": fid, "parent": reply["id"], "content": "x"}), 400,
                 {"parent": ["Only published posts that were not deleted can be replied to."]})

    # Past the window the author may no longer change or delete; staff still may.
    stack.sql("UPDATE forum_posts SET created_at = :t WHERE id = :id", t="2020-01-01 00:00:00+00:00", id=nested["id"])
    message = {"detail": "The time to edit or delete this post has passed."}
    assert_error(alice.patch(f"{POSTS}{nested['id']}/", {"content": "late"}), 403, message)
    assert_error(alice.delete(f"{POSTS}{nested['id']}/"), 403, message)
    assert staff.delete(f"{POSTS}{nested['id']}").status_code == 204


def test_course_forums_are_for_the_course_learners_and_staff(tenant):
    admin, teacher, other_teacher = tenant.admin(), tenant.instructor(), tenant.instructor()
    learner, outsider = tenant.student(), tenant.student()
    course = make_course(admin)
    from tests.helpers import assign_instructor
    assign_instructor(admin, teacher, course["id"])
    assert_error(other_teacher.post(FORUMS, {**DOC_FORUM, "course": course["id"]}), 403, FORBIDDEN)
    forum = make_forum(teacher, course=course["id"])
    assert forum["course"] == course["id"]
    enroll(learner, course["id"])
    post = make_post(learner, forum["id"])
    for actor in (outsider,):
        assert actor.get(FORUMS).json()["count"] == 0
        assert_error(actor.get(f"{FORUMS}{forum['id']}/"), 404, NOT_FOUND)
        assert_error(actor.get(POSTS, params={"forum": forum["id"]}), 404, NOT_FOUND)
        assert_error(actor.get(f"{POSTS}{post['id']}/"), 404, NOT_FOUND)
        assert_error(actor.get(POSTS, params={"forum": forum["id"], "search": "welcome"}), 404, NOT_FOUND)
        assert_error(actor.post(f"{POSTS}{post['id']}/report/", {"reason": "spam"}), 404, NOT_FOUND)
        assert_error(actor.post(f"{FORUMS}{forum['id']}/follow/"), 404, NOT_FOUND)
    assert [f["id"] for f in learner.get(FORUMS, params={"course": course["id"]}).json()["results"]] == [forum["id"]]
    # An instructor of the tenant sees course forums, but moderates only the courses they teach.
    assert other_teacher.get(f"{FORUMS}{forum['id']}/").json()["is_moderator"] is False
    assert teacher.get(f"{FORUMS}{forum['id']}/").json()["is_moderator"] is True
    assert_error(other_teacher.patch(f"{FORUMS}{forum['id']}/", {"title": "x"}), 403, FORBIDDEN)
    assert_error(teacher.patch(f"{FORUMS}{forum['id']}/", {"course": None}), 400,
                 {"course": ["The course of a forum cannot be changed."]})
    replaced = teacher.put(f"{FORUMS}{forum['id']}/", {"title": "Week 1", "moderation": "first_post"})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["course"] == course["id"] and replaced.json()["moderation"] == "first_post"


def test_search_within_a_forum_respects_visibility(tenant):
    staff, alice, bob = tenant.instructor(), tenant.student(), tenant.student()
    fid = make_forum(staff)["id"]
    other = make_forum(staff, title="Other")["id"]
    python = make_post(alice, fid, title="Python generators", content="How does yield work in loops?")
    make_post(alice, fid, title="Rust", content="Ownership questions")
    reply = make_post(bob, fid, parent=python["id"], content="Generators are lazy iterators; yield pauses.")
    make_post(bob, other, title="Python elsewhere", content="yield in another forum")
    found = bob.get(POSTS, params={"forum": fid, "search": "yield"}).json()
    assert sorted(p["id"] for p in found["results"]) == sorted([python["id"], reply["id"]]) and found["count"] == 2
    assert [p["id"] for p in bob.get(POSTS, params={"forum": fid, "search": "generators YIELD"}).json()["results"]] \
        == [reply["id"], python["id"]]
    assert bob.get(POSTS, params={"forum": fid, "search": '"ownership" * ('}).json()["count"] == 1
    assert bob.get(POSTS, params={"forum": fid, "search": "nothing-like-this"}).json()["count"] == 0
    assert alice.delete(f"{POSTS}{python['id']}/").status_code == 204  # deleted text is no longer found
    assert [p["id"] for p in bob.get(POSTS, params={"forum": fid, "search": "yield"}).json()["results"]] == \
        [reply["id"]]


def test_page_one_costs_the_same_queries_whatever_the_forum_size(tenant):
    staff, student = tenant.instructor(), tenant.student()
    small, big = make_forum(staff, title="Small")["id"], make_forum(staff, title="Big")["id"]
    make_post(student, small)
    other = tenant.student()
    for n in range(11):  # more than a page, two authors
        make_post(other if n % 2 else student, big, title=f"Thread {n}")
    counts = {fid: int(student.get(POSTS, params={"forum": fid}).headers["x-lms-query-count"]) for fid in (small, big)}
    assert counts[small] == counts[big], counts

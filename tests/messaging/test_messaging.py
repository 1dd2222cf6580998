"""Messaging through the edge: the document's body, recipients and rules, threads, folders, read state,
deletion per side, privacy and tenant isolation, announcements."""
import time

from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, assign_instructor, enroll, \
    make_course

URL = "/api/lms/messaging/messages/"
DOC_BODY = {"recipient": "user123", "subject": "Question about assignment",
            "content": "I need help with the Python assignment...", "message_type": "direct"}


def known(*actors):
    """Records the actors in the tenant's directory (their first request does)."""
    for actor in actors:
        assert actor.get(f"{URL}unread_count/").status_code == 200
    return actors


def send(actor, recipient, **fields) -> dict:
    response = actor.post(URL, {**DOC_BODY, "recipient": recipient.user_id if recipient else "", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def delivered(actor, message_id: int, timeout: float = 15) -> list[dict]:
    """The actor's announcements once `message_id` has reached their inbox."""
    deadline = time.monotonic() + timeout
    while True:
        results = actor.get(URL, params={"message_type": "announcement"}).json()["results"]
        if any(m["id"] == message_id for m in results) or time.monotonic() > deadline:
            return results
        time.sleep(0.1)


def assert_counts_agree(tenant):
    """mailbox_counts (kept by every change) equals what counting the copies gives, for every user."""
    kept = {(u, i, r, s) for u, i, r, s in tenant.stack.sql(
        "SELECT user_id, inbox, unread, sent FROM mailbox_counts WHERE tenant_id = :t", t=tenant.id)}
    inbox = dict(tenant.stack.sql("SELECT recipient_id, count(*) FROM message_deliveries WHERE tenant_id = :t "
                                  "AND NOT deleted GROUP BY recipient_id", t=tenant.id))
    unread = dict(tenant.stack.sql("SELECT recipient_id, count(*) FROM message_deliveries WHERE tenant_id = :t "
                                   "AND NOT deleted AND read_at IS NULL GROUP BY recipient_id", t=tenant.id))
    sent = dict(tenant.stack.sql("SELECT sender_id, count(*) FROM messages WHERE tenant_id = :t "
                                 "AND NOT sender_deleted AND sender_id <> '' GROUP BY sender_id", t=tenant.id))
    users = {u for u, *_ in kept} | set(inbox) | set(sent)
    counted = {(u, inbox.get(u, 0), unread.get(u, 0), sent.get(u, 0)) for u in users}
    assert kept == counted


def classmates(tenant, *students):
    """A course with the students enrolled (and its admin)."""
    admin = tenant.admin()
    course = make_course(admin)
    for student in students:
        enroll(admin, course["id"], student.user_id)
    return admin, course


def test_document_body_sends_and_the_recipient_reads_it(tenant, other_tenant):
    teacher = tenant.instructor(first_name="Grace", last_name="Hopper")
    student = tenant.actor("student", user_id="user123", first_name="Ada", last_name="Lovelace")
    known(student)
    response = teacher.post("/api/lms/messaging/messages", DOC_BODY)  # without the trailing slash too
    assert response.status_code == 201, response.text
    sent = response.json()
    assert {k: sent[k] for k in DOC_BODY} == DOC_BODY
    assert sent["sender"] == teacher.user_id and sent["sender_name"] == "Grace Hopper"
    assert sent["recipient_name"] == "Ada Lovelace" and sent["folder"] == "sent"
    assert sent["thread"] == sent["id"] and sent["reply_to"] is None and sent["course"] is None
    assert sent["is_read"] is False and sent["read_at"] is None and sent["recipient_count"] == 1
    assert sent["created_at"].endswith("Z")

    assert student.get(f"{URL}unread_count").json() == {"unread_count": 1}
    inbox = student.get(URL).json()
    assert inbox["count"] == 1 and inbox["next"] is None and inbox["previous"] is None
    (received,) = inbox["results"]
    assert received == {**sent, "folder": "inbox"}

    opened = student.get(f"{URL}{sent['id']}/").json()  # reading marks it read
    assert opened["is_read"] is True and opened["read_at"].endswith("Z") and opened["folder"] == "inbox"
    assert student.get(URL).json()["results"] == [opened]  # listed as shown alone, read time included
    assert student.get(f"{URL}unread_count/").json() == {"unread_count": 0}
    assert teacher.get(f"{URL}{sent['id']}/").json()["is_read"] is True  # the sender sees it was read
    unread = student.post(f"{URL}{sent['id']}/mark_unread/").json()
    assert unread["is_read"] is False and unread["read_at"] is None
    assert [m["id"] for m in student.get(URL, params={"unread": "true"}).json()["results"]] == [sent["id"]]
    assert student.post(f"{URL}{sent['id']}/mark_read").json()["is_read"] is True
    assert student.get(URL, params={"unread": "true"}).json()["count"] == 0
    student.post(f"{URL}{sent['id']}/mark_unread/")
    assert student.post(f"{URL}mark_all_read/").json() == {"unread_count": 0}
    assert student.get(f"{URL}unread_count/").json() == {"unread_count": 0}
    assert_error(teacher.post(f"{URL}{sent['id']}/mark_read/"), 404, NOT_FOUND)  # not the teacher's inbox
    assert_counts_agree(tenant)

    # Another tenant and anonymous callers see nothing.
    stranger = other_tenant.admin()
    assert stranger.get(URL).json()["count"] == 0
    assert_error(stranger.get(f"{URL}{sent['id']}/"), 404, NOT_FOUND)
    assert_error(stranger.delete(f"{URL}{sent['id']}/"), 404, NOT_FOUND)
    assert_error(tenant.anonymous().get(URL), 401, UNAUTHENTICATED)


def test_recipients_are_users_of_the_tenant_and_bodies_are_checked(tenant, other_tenant):
    teacher = tenant.instructor()
    foreigner = other_tenant.student()
    known(teacher, foreigner)
    assert_error(teacher.post(URL, {**DOC_BODY, "recipient": "nobody"}), 400,
                 {"recipient": ['Invalid pk "nobody" - object does not exist.']})
    assert_error(teacher.post(URL, {**DOC_BODY, "recipient": foreigner.user_id}), 400,
                 {"recipient": [f'Invalid pk "{foreigner.user_id}" - object does not exist.']})
    assert_error(teacher.post(URL, {**DOC_BODY, "recipient": teacher.user_id}), 400,
                 {"recipient": ["You cannot send a message to yourself."]})
    assert_error(teacher.post(URL, {"subject": "x", "content": "y"}), 400, {"recipient": ["This field is required."]})
    assert_error(teacher.post(URL, {}), 400, {"content": ["This field is required."]})
    assert_error(teacher.post(URL, {**DOC_BODY, "message_type": "system"}), 400,
                 {"message_type": ['"system" is not a valid choice.']})
    assert_error(teacher.post(URL, {**DOC_BODY, "content": None, "subject": ["x"]}), 400,
                 {"content": ["This field may not be null."], "subject": ["Not a valid string."]})
    student = tenant.student()
    known(student)
    assert_error(teacher.post(URL, {**DOC_BODY, "recipient": student.user_id, "subject": ""}), 400,
                 {"subject": ["This field is required."]})
    assert_error(teacher.get(URL, params={"folder": "trash"}), 400,
                 {"folder": ["Select a valid choice. trash is not one of the available choices."]})
    assert_error(teacher.get(f"{URL}999999/"), 404, NOT_FOUND)
    assert teacher.get(URL).json()["count"] == 0


def test_who_students_may_message_follows_the_tenant_setting(tenant):
    learner, classmate, outsider, teacher = tenant.student(), tenant.student(), tenant.student(), tenant.instructor()
    known(learner, classmate, outsider, teacher)
    admin, course = classmates(tenant, learner, classmate)
    assign_instructor(admin, teacher, course["id"])
    settings = "/api/lms/messaging/settings/"
    assert learner.get(settings).json() == {"student_recipients": "course"}

    assert send(learner, classmate)["recipient"] == classmate.user_id    # a shared course
    assert send(learner, teacher)["recipient"] == teacher.user_id        # staff of their course
    assert send(learner, admin)["recipient"] == admin.user_id            # admins are staff of every course
    assert_error(learner.post(URL, {**DOC_BODY, "recipient": outsider.user_id}), 403,
                 {"detail": "Students may message only the staff and learners of their courses."})
    assert send(teacher, outsider)["recipient"] == outsider.user_id      # staff message anyone

    assert_error(learner.patch(settings, {"student_recipients": "anyone"}), 403, FORBIDDEN)
    assert_error(admin.patch(settings, {"student_recipients": "all"}), 400,
                 {"student_recipients": ['"all" is not a valid choice.']})
    assert admin.patch(settings, {"student_recipients": "staff"}).json() == {"student_recipients": "staff"}
    assert_error(learner.post(URL, {**DOC_BODY, "recipient": classmate.user_id}), 403,
                 {"detail": "Students may message only the staff of their courses."})
    assert send(learner, teacher)["recipient"] == teacher.user_id
    # An answer within a thread is never refused: the outsider answers the teacher, the teacher the outsider.
    first = send(teacher, outsider)
    assert send(outsider, None, reply_to=first["id"], subject="")["recipient"] == teacher.user_id
    assert admin.patch(settings, {"student_recipients": "anyone"}).json() == {"student_recipients": "anyone"}
    assert send(outsider, learner)["recipient"] == learner.user_id


def test_threads_folders_and_deletion_per_side(tenant):
    alice, bob, eve = tenant.instructor(), tenant.student(), tenant.student()
    known(alice, bob, eve)
    root = send(alice, bob, subject="Project")
    answer = send(bob, None, reply_to=root["id"], subject="")
    assert answer["recipient"] == alice.user_id and answer["subject"] == "Re: Project"
    assert answer["thread"] == root["id"] and answer["reply_to"] == root["id"]
    again = send(alice, None, reply_to=answer["id"], subject="", content="Third")
    assert again["thread"] == root["id"] and again["recipient"] == bob.user_id and again["subject"] == "Re: Project"
    other = send(alice, bob, subject="Unrelated")
    assert_error(bob.post(URL, {**DOC_BODY, "recipient": eve.user_id, "reply_to": root["id"]}), 400,
                 {"recipient": ["The recipient of an answer is the other party of the message it answers."]})
    assert_error(eve.post(URL, {**DOC_BODY, "reply_to": root["id"]}), 400,
                 {"reply_to": [f'Invalid pk "{root["id"]}" - object does not exist.']})

    listed = bob.get(URL).json()
    assert [(m["id"], m["folder"]) for m in listed["results"]] == [
        (other["id"], "inbox"), (again["id"], "inbox"), (answer["id"], "sent"), (root["id"], "inbox")]
    assert [m["id"] for m in bob.get(URL, params={"folder": "sent"}).json()["results"]] == [answer["id"]]
    assert bob.get(URL, params={"folder": "inbox"}).json()["count"] == 3
    thread = bob.get(URL, params={"thread": root["id"]}).json()
    assert [m["id"] for m in thread["results"]] == [again["id"], answer["id"], root["id"]]
    paged = bob.get(URL, params={"page_size": 2, "page": 2}).json()
    assert paged["count"] == 4 and [m["id"] for m in paged["results"]] == [answer["id"], root["id"]]
    assert paged["next"] is None and paged["previous"].endswith("page_size=2")
    assert_error(bob.get(URL, params={"page": 3, "page_size": 2}), 404, {"detail": "Invalid page."})

    # Privacy: a third user reads none of it, whatever the id.
    for message in (root, answer, again):
        assert_error(eve.get(f"{URL}{message['id']}/"), 404, NOT_FOUND)
        assert_error(eve.delete(f"{URL}{message['id']}/"), 404, NOT_FOUND)
    assert eve.get(URL, params={"thread": root["id"]}).json()["count"] == 0

    # Deleting is for oneself: the other party keeps theirs.
    deleted = bob.delete(f"{URL}{root['id']}/")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(bob.get(f"{URL}{root['id']}/"), 404, NOT_FOUND)
    assert alice.get(f"{URL}{root['id']}/").json()["folder"] == "sent"
    assert alice.delete(f"{URL}{answer['id']}").status_code == 204
    assert bob.get(f"{URL}{answer['id']}/").json()["folder"] == "sent"
    assert [m["id"] for m in alice.get(URL, params={"thread": root["id"]}).json()["results"]] == [
        again["id"], root["id"]]
    assert_error(bob.post(URL, {**DOC_BODY, "reply_to": root["id"]}), 400,
                 {"reply_to": [f'Invalid pk "{root["id"]}" - object does not exist.']})
    assert bob.delete(f"{URL}{root['id']}/").status_code == 404  # deleted once
    assert bob.get(URL).json()["count"] == 3 and alice.get(URL, params={"folder": "sent"}).json()["count"] == 3
    assert_counts_agree(tenant)


def test_list_pages_take_the_same_queries_whatever_their_size(tenant):
    teacher, student = tenant.instructor(), tenant.student()
    known(teacher, student)
    counts = []
    for total in (1, 12):
        while student.get(URL).json()["count"] < total:
            send(teacher, student)
        for params in ({}, {"folder": "inbox"}, {"unread": "true", "message_type": "direct"}):
            counts.append(int(student.get(URL, params={**params, "page_size": 20}).headers["x-lms-query-count"]))
    assert len(set(counts)) == 1 and counts[0] <= 2, counts


def test_announcements_reach_every_learner_of_the_course_once(tenant):
    learners = [tenant.student() for _ in range(3)]
    teacher, other_teacher = tenant.instructor(), tenant.instructor()
    dropped = tenant.student()
    known(*learners, teacher, other_teacher, dropped)
    admin, course = classmates(tenant, *learners)
    assign_instructor(admin, teacher, course["id"])
    enrollment = enroll(admin, course["id"], dropped.user_id)
    assert admin.delete(f"/api/lms/enrollments/{enrollment['id']}/").status_code == 204  # inactive: not told
    body = {"subject": "Exam on Friday", "content": "Chapters 1-3.", "message_type": "announcement",
            "course": course["id"]}
    sent = teacher.post(URL, body)
    assert sent.status_code == 201, sent.text
    announcement = sent.json()
    assert announcement["recipient"] == "" and announcement["course"] == course["id"]
    assert announcement["recipient_name"] == course["title"] and announcement["recipient_count"] == 3
    assert announcement["folder"] == "sent" and announcement["is_read"] is True
    assert int(tenant.stack.sql("SELECT count(*) FROM messages WHERE id = :id", id=announcement["id"])[0][0]) == 1
    assert teacher.get(f"{URL}{announcement['id']}/").json()["folder"] == "sent"  # the sender's copy at once

    for learner in learners:  # delivered by the fan-out consumer, in the background
        (copy,) = delivered(learner, announcement["id"])
        assert copy["id"] == announcement["id"] and copy["is_read"] is False and copy["folder"] == "inbox"
    assert learners[0].get(f"{URL}{announcement['id']}/").json()["is_read"] is True
    assert learners[1].get(f"{URL}unread_count/").json() == {"unread_count": 1}  # read state is per recipient
    assert learners[0].delete(f"{URL}{announcement['id']}/").status_code == 204
    assert learners[1].get(f"{URL}{announcement['id']}/").status_code == 200
    # Learners answer the teacher privately.
    answer = send(learners[1], None, reply_to=announcement["id"], subject="")
    assert answer["recipient"] == teacher.user_id and answer["thread"] == announcement["id"]

    assert dropped.get(URL).json()["count"] == 0
    assert_counts_agree(tenant)
    assert teacher.get(f"{URL}{announcement['id']}/").json()["recipient_count"] == 3  # counted when delivered
    assert_error(learners[0].post(URL, body), 403,
                 {"detail": "Only the staff of a course send announcements to it."})
    assert_error(other_teacher.post(URL, body), 403, FORBIDDEN)
    assert_error(teacher.post(URL, {**body, "course": None}), 400, {"course": ["This field is required."]})
    assert_error(teacher.post(URL, {**body, "recipient": learners[0].user_id}), 400,
                 {"recipient": ["Announcements go to a course: send `course` instead of `recipient`."]})
    assert_error(teacher.post(URL, {**body, "course": 999999}), 400,
                 {"course": ['Invalid pk "999999" - object does not exist.']})


def test_message_types_are_a_closed_list(tenant):
    response = tenant.student().get("/api/lms/messaging/message-types/")
    assert response.status_code == 200
    types = response.json()
    assert [t["value"] for t in types] == ["direct", "announcement", "system"]
    assert all(t["label"] and t["description"] for t in types)
    assert [t["sendable"] for t in types] == [True, True, False]
    assert tenant.student().get("/api/lms/messaging/message-types").json() == types


def test_concurrent_sends_reads_and_deletes_keep_the_counts(tenant):
    """Two users writing to each other at once (their count rows locked in one order: no deadlock), while one
    reads and deletes: every request succeeds and the kept counts equal counting."""
    from concurrent.futures import ThreadPoolExecutor

    ann, ben = tenant.instructor(), tenant.instructor()
    known(ann, ben)
    first = [send(ann, ben) for _ in range(4)]

    def work(n: int) -> int:
        if n % 4 == 0:
            return ben.post(f"{URL}mark_all_read/").status_code
        if n % 4 == 1 and first:
            return ben.delete(f"{URL}{first[n % len(first)]['id']}/").status_code
        sender, recipient = (ann, ben) if n % 2 else (ben, ann)
        return sender.post(URL, {**DOC_BODY, "recipient": recipient.user_id}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(work, range(24)))
    assert set(codes) <= {200, 201, 204, 404}, codes  # 404: a copy deleted by another request first
    assert codes.count(201) == 12
    assert_counts_agree(tenant)

"""Chat sessions through the edge: the document's bodies, the caller's own sessions only, validation, paging."""
import re

from tests.helpers import NOT_FOUND, UNAUTHENTICATED, assert_error, make_course

BASE = "/api/lms/ai_chat/chat-sessions/"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_create_get_rename_list_and_delete_with_the_documents_bodies(tenant):
    student = tenant.student()
    response = student.post(BASE, {"title": "Python Help Session", "context": "Getting help with Python programming"})
    assert response.status_code == 201, response.text
    session = response.json()
    assert set(session) == {"id", "title", "context", "course", "message_count", "created_at", "updated_at"}
    assert session["title"] == "Python Help Session" and session["context"] == "Getting help with Python programming"
    assert session["course"] is None and session["message_count"] == 0
    assert RFC3339.match(session["created_at"]) and RFC3339.match(session["updated_at"])

    for path in (f"{BASE}{session['id']}/", f"{BASE}{session['id']}"):
        detail = student.get(path)
        assert detail.status_code == 200, detail.text
        assert detail.json() == {**session, "messages": []}
    renamed = student.patch(f"{BASE}{session['id']}", {"title": "Lists"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Lists"
    assert renamed.json()["context"] == session["context"]

    second = student.post(BASE.rstrip("/"), {"title": "Second"}).json()
    listed = student.get(BASE)
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert [s["id"] for s in body["results"]] == [second["id"], session["id"]]  # most recently active first
    page = student.get(BASE, params={"page_size": 1}).json()
    assert page["count"] == 2 and len(page["results"]) == 1 and "page=2" in page["next"]
    assert_error(student.get(BASE, params={"page": 3}), 404, {"detail": "Invalid page."})

    deleted = student.delete(f"{BASE}{session['id']}/")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(student.get(f"{BASE}{session['id']}/"), 404, NOT_FOUND)
    assert student.get(BASE).json()["count"] == 1


def test_sessions_are_their_owners_only(tenant, other_tenant):
    owner, classmate, admin, instructor = tenant.student(), tenant.student(), tenant.admin(), tenant.instructor()
    session = owner.post(BASE, {"title": "Mine"}).json()
    url = f"{BASE}{session['id']}/"
    foreign_admin = other_tenant.admin()
    twin = other_tenant.actor("student", user_id=owner.user_id)  # the same user id in another tenant
    for stranger in (classmate, admin, instructor, foreign_admin, twin):
        assert_error(stranger.get(url), 404, NOT_FOUND)
        assert_error(stranger.patch(url, {"title": "Theirs"}), 404, NOT_FOUND)
        assert_error(stranger.delete(url), 404, NOT_FOUND)
        assert_error(stranger.get(url + "messages/"), 404, NOT_FOUND)
        assert_error(stranger.post(url + "messages/", {"message": "hi", "message_type": "user"}), 404, NOT_FOUND)
        assert stranger.get(BASE).json()["count"] == 0
    assert owner.get(url).json()["title"] == "Mine"
    assert_error(tenant.anonymous().get(BASE), 401, UNAUTHENTICATED)
    assert_error(owner.get(f"{BASE}999999/"), 404, NOT_FOUND)


def test_sessions_about_a_course_the_caller_may_see(tenant, other_tenant):
    admin, student = tenant.admin(), tenant.student()
    course = make_course(admin)
    draft = make_course(admin, status="Draft")
    foreign = make_course(other_tenant.admin())
    created = student.post(BASE, {"title": "About the course", "course": course["id"]})
    assert created.status_code == 201 and created.json()["course"] == course["id"]
    for hidden in (draft["id"], foreign["id"], 999999):
        assert_error(student.post(BASE, {"title": "T", "course": hidden}), 400,
                     {"course": [f'Invalid pk "{hidden}" - object does not exist.']})
    assert admin.post(BASE, {"title": "Draft help", "course": draft["id"]}).status_code == 201  # staff see drafts
    session = created.json()
    cleared = student.patch(f"{BASE}{session['id']}/", {"course": None})
    assert cleared.status_code == 200 and cleared.json()["course"] is None
    assert_error(student.patch(f"{BASE}{session['id']}/", {"course": draft["id"]}), 400, fields=["course"])
    assert student.get(f"{BASE}{session['id']}/").json()["course"] is None  # the bad change changed nothing


def test_invalid_sessions_are_rejected_and_defaults_apply(tenant):
    student = tenant.student()
    assert_error(student.post(BASE, {"title": "x" * 201}), 400,
                 {"title": ["Ensure this field has no more than 200 characters."]})
    assert_error(student.post(BASE, {"title": "", "course": "abc"}), 400,
                 {"title": ["This field may not be blank."],
                  "course": ["Incorrect type. Expected pk value, received str."]})
    assert_error(student.post(BASE, {"context": "y" * 2001}), 400,
                 {"context": ["Ensure this field has no more than 2000 characters."]})
    assert student.get(BASE).json()["count"] == 0
    default = student.post(BASE, {})
    assert default.status_code == 201 and default.json()["title"] == "New chat" and default.json()["context"] == ""
    assert_error(student.post(BASE, content=b"{not json", headers={"Content-Type": "application/json"}), 400,
                 fields=["detail"])

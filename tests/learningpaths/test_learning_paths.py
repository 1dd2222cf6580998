"""Learning paths: ordered courses of the tenant, active ones for students, progress along the path."""
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, enroll, make_category, make_course, make_lesson, \
    make_module


def test_create_list_and_progress(tenant, other_tenant):
    admin = tenant.admin()
    category = make_category(admin)
    frontend, backend, draft = (make_course(admin, category["id"]) for _ in range(3))
    admin.patch(f"/api/lms/courses/{draft['id']}/", {"status": "Draft"})
    response = admin.post("/api/lms/learning-paths/", {
        "title": "Full Stack Web Development", "description": "Complete path from frontend to backend development",
        "course_ids": [backend["id"], frontend["id"], draft["id"]], "is_active": True, "order": 1})
    assert response.status_code == 201, response.text
    path = response.json()
    assert path["course_ids"] == [backend["id"], frontend["id"], draft["id"]]
    assert [c["id"] for c in path["courses"]] == [backend["id"], frontend["id"], draft["id"]]
    assert path["progress"] == {"completed_courses": 0, "total_courses": 3, "percent": 0}

    module = make_module(admin, backend["id"])
    lesson = make_lesson(admin, backend["id"], module["id"])
    student = tenant.student()
    enroll(student, backend["id"])
    student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson["id"]})
    seen = student.get(f"/api/lms/learning-paths/{path['id']}/").json()
    assert [c["id"] for c in seen["courses"]] == [backend["id"], frontend["id"]]  # drafts hidden from students
    assert seen["courses"][0]["is_completed"] is True and seen["courses"][1]["is_enrolled"] is False
    assert seen["progress"] == {"completed_courses": 1, "total_courses": 2, "percent": 50}

    hidden = admin.post("/api/lms/learning-paths/", {"title": "Hidden", "course_ids": [frontend["id"]],
                                                     "is_active": False, "order": 0}).json()
    first = admin.post("/api/lms/learning-paths/", {"title": "First", "course_ids": [frontend["id"]],
                                                    "order": 0}).json()
    assert [p["id"] for p in student.get("/api/lms/learning-paths/").json()] == [first["id"], path["id"]]
    assert [p["id"] for p in admin.get("/api/lms/learning-paths/").json()] == [hidden["id"], first["id"], path["id"]]
    assert_error(student.get(f"/api/lms/learning-paths/{hidden['id']}/"), 404, NOT_FOUND)
    assert other_tenant.admin().get("/api/lms/learning-paths/").json() == []
    assert_error(other_tenant.admin().get(f"/api/lms/learning-paths/{path['id']}/"), 404, NOT_FOUND)


def test_invalid_course_lists_are_rejected(tenant, other_tenant):
    admin = tenant.admin()
    course = make_course(admin)
    foreign = make_course(other_tenant.admin())
    url = "/api/lms/learning-paths/"
    assert_error(admin.post(url, {"title": "T"}), 400, {"course_ids": ["This field is required."]})
    assert_error(admin.post(url, {"title": "T", "course_ids": []}), 400,
                 {"course_ids": ["This list may not be empty."]})
    assert_error(admin.post(url, {"title": "T", "course_ids": [course["id"], course["id"]]}), 400,
                 {"course_ids": ["A course may appear only once in a learning path."]})
    assert_error(admin.post(url, {"title": "T", "course_ids": [foreign["id"]]}), 400,
                 {"course_ids": [f'Invalid pk "{foreign["id"]}" - object does not exist.']})
    assert_error(admin.post(url, {"title": "T", "course_ids": "1,2"}), 400,
                 {"course_ids": ['Expected a list of items but got type "str".']})
    assert_error(admin.post(url, {"title": "", "course_ids": [course["id"]], "order": -1}), 400,
                 {"title": ["This field may not be blank."],
                  "order": ["Ensure this value is greater than or equal to 0."]})
    assert_error(tenant.student().post(url, {"title": "T", "course_ids": [course["id"]]}), 403, FORBIDDEN)
    assert admin.get(url).json() == []


def test_update_and_delete(tenant):
    admin = tenant.admin()
    a, b = make_course(admin), make_course(admin)
    path = admin.post("/api/lms/learning-paths/", {"title": "Path", "course_ids": [a["id"]]}).json()
    url = f"/api/lms/learning-paths/{path['id']}/"
    patched = admin.patch(url, {"course_ids": [b["id"], a["id"]]}).json()
    assert patched["course_ids"] == [b["id"], a["id"]] and patched["title"] == "Path"
    assert_error(admin.put(url, {"title": "Only title"}), 400, {"course_ids": ["This field is required."]})
    replaced = admin.put(url, {"title": "New", "course_ids": [a["id"]]}).json()
    assert (replaced["title"], replaced["course_ids"], replaced["order"], replaced["is_active"]) == (
        "New", [a["id"]], 0, True)
    deleted = admin.delete(url)
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(admin.get(url), 404, NOT_FOUND)
    assert admin.get(f"/api/lms/courses/{a['id']}/").status_code == 200

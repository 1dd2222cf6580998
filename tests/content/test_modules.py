"""Modules through the edge: documented shapes, dense ordering, validation, visibility, permissions, tenancy."""
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import (
    FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course, make_lesson, make_module,
)

MODULE_KEYS = {"id", "title", "description", "order", "is_published", "lessons"}
LESSON_KEYS = {"id", "title", "description", "lesson_type", "duration", "content_url", "content_file",
               "content_file_url", "content_text", "order", "is_published"}


def modules_url(course_id: int) -> str:
    return f"/api/lms/courses/{course_id}/modules/"


def titles_in_order(actor, course_id: int) -> list[tuple[str, int]]:
    response = actor.get(modules_url(course_id))
    assert response.status_code == 200, response.text
    return [(m["title"], m["order"]) for m in response.json()]


def test_create_and_list_return_the_documented_shapes(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    first = make_module(admin, course["id"], title="Getting Started with Python",
                        description="Installation and basic setup")
    response = admin.post(modules_url(course["id"]), {
        "title": "Variables and Data Types", "description": "Understanding Python variables and data types",
        "order": 2, "is_published": True})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created == {"id": created["id"], "title": "Variables and Data Types",
                       "description": "Understanding Python variables and data types", "order": 2,
                       "is_published": True, "lessons": []}
    lesson = make_lesson(admin, course["id"], first["id"], title="Installing Python",
                         description="Step-by-step installation guide", duration=15,
                         content_text="Python can be downloaded from python.org...")
    listed = admin.get(modules_url(course["id"]))
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("application/json")
    modules = listed.json()
    assert isinstance(modules, list) and [m["id"] for m in modules] == [first["id"], created["id"]]
    assert all(set(m) == MODULE_KEYS for m in modules)
    assert modules[0]["lessons"] == [{
        "id": lesson["id"], "title": "Installing Python", "description": "Step-by-step installation guide",
        "lesson_type": "text", "duration": 15, "content_url": "", "content_file": "", "content_file_url": "",
        "content_text": "Python can be downloaded from python.org...", "order": 1, "is_published": True}]
    detail = admin.get(f"{modules_url(course['id'])}{first['id']}/")
    assert detail.status_code == 200 and detail.json() == modules[0]
    # Without the trailing slash too.
    assert admin.get(modules_url(course["id"]).rstrip("/")).json() == modules


def test_an_empty_course_lists_an_empty_array(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    response = admin.get(modules_url(course["id"]))
    assert response.status_code == 200 and response.json() == []


def test_order_stays_dense_on_insert_move_and_delete(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    url = modules_url(course["id"])
    a, b, c = (make_module(admin, course["id"], title=t) for t in "ABC")
    assert (a["order"], b["order"], c["order"]) == (1, 2, 3)
    # Inserting at an existing position moves the others down.
    d = make_module(admin, course["id"], title="D", order=2)
    assert d["order"] == 2
    assert titles_in_order(admin, course["id"]) == [("A", 1), ("D", 2), ("B", 3), ("C", 4)]
    # A position past the end appends; position 1 goes first.
    assert make_module(admin, course["id"], title="E", order=99)["order"] == 5
    f = make_module(admin, course["id"], title="F", order=1)
    assert titles_in_order(admin, course["id"]) == [("F", 1), ("A", 2), ("D", 3), ("B", 4), ("C", 5), ("E", 6)]
    # Moving closes up the rows in between, both ways; past the end means last.
    moved = admin.patch(f"{url}{f['id']}/", {"order": 4})
    assert moved.status_code == 200 and moved.json()["order"] == 4
    assert titles_in_order(admin, course["id"]) == [("A", 1), ("D", 2), ("B", 3), ("F", 4), ("C", 5), ("E", 6)]
    assert admin.patch(f"{url}{f['id']}/", {"order": 1}).json()["order"] == 1
    assert admin.patch(f"{url}{c['id']}/", {"order": 1000}).json()["order"] == 6
    assert titles_in_order(admin, course["id"]) == [("F", 1), ("A", 2), ("D", 3), ("B", 4), ("E", 5), ("C", 6)]
    # Deleting closes the gap.
    assert admin.delete(f"{url}{d['id']}/").status_code == 204
    assert titles_in_order(admin, course["id"]) == [("F", 1), ("A", 2), ("B", 3), ("E", 4), ("C", 5)]
    # PUT without an order keeps the position; PATCH of other fields too.
    replaced = admin.put(f"{url}{b['id']}/", {"title": "B2"})
    assert replaced.status_code == 200 and replaced.json()["order"] == 3
    assert admin.patch(f"{url}{b['id']}/", {"title": "B3"}).json()["order"] == 3


def test_concurrent_creates_never_tie(tenant):
    admin = tenant.admin()
    course = make_course(admin)

    def create(n):
        return admin.post(modules_url(course["id"]), {"title": f"M{n}", "order": 1 if n % 2 else None})

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(create, range(12)))
    assert [r.status_code for r in responses] == [201] * 12, [r.text for r in responses if r.status_code != 201]
    assert sorted(order for _, order in titles_in_order(admin, course["id"])) == list(range(1, 13))


def test_put_replaces_and_patch_changes_only_what_is_sent(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"], title="Original", description="Keep?", is_published=False)
    url = f"{modules_url(course['id'])}{module['id']}/"
    patched = admin.patch(url, {"description": "Changed"}).json()
    assert (patched["title"], patched["description"], patched["is_published"]) == ("Original", "Changed", False)
    assert_error(admin.put(url, {"description": "No title"}), 400, {"title": ["This field is required."]})
    replaced = admin.put(url, {"title": "Replaced"}).json()
    assert (replaced["title"], replaced["description"], replaced["is_published"]) == ("Replaced", "", True)
    assert admin.get(url).json() == replaced


def test_invalid_input_is_a_400_with_field_errors_and_changes_nothing(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    url = modules_url(course["id"])

    def rejected(body, expected):
        assert_error(admin.post(url, body), 400, expected)

    rejected({}, {"title": ["This field is required."]})
    rejected({"title": "   "}, {"title": ["This field may not be blank."]})
    rejected({"title": "x" * 201}, {"title": ["Ensure this field has no more than 200 characters."]})
    rejected({"title": "T", "order": -1}, {"order": ["Ensure this value is greater than or equal to 1."]})
    rejected({"title": "T", "order": 0}, {"order": ["Ensure this value is greater than or equal to 1."]})
    rejected({"title": "T", "order": "abc"}, {"order": ["A valid integer is required."]})
    rejected({"title": "T", "is_published": "maybe"}, {"is_published": ["Must be a valid boolean."]})
    assert_error(admin.post(url, content=b'{"title": ', headers={"content-type": "application/json"}), 400,
                 fields=["detail"])
    module = make_module(admin, course["id"], title="Kept")
    assert_error(admin.patch(f"{url}{module['id']}/", {"title": "", "order": -3}), 400,
                 {"title": ["This field may not be blank."],
                  "order": ["Ensure this value is greater than or equal to 1."]})
    assert titles_in_order(admin, course["id"]) == [("Kept", 1)]


def test_students_see_only_published_modules_and_lessons(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    shown = make_module(admin, course["id"], title="Shown")
    hidden = make_module(admin, course["id"], title="Hidden", is_published=False)
    visible_lesson = make_lesson(admin, course["id"], shown["id"], title="Visible")
    draft_lesson = make_lesson(admin, course["id"], shown["id"], title="Draft", is_published=False)
    make_lesson(admin, course["id"], hidden["id"], title="Inside hidden")
    student = tenant.student()
    # Lesson content is for enrolled learners; the catalogue detail shows the outline to everyone.
    assert_error(student.get(modules_url(course["id"])), 403, {"detail": "You are not enrolled in this course."})
    enroll(student, course["id"])
    listed = student.get(modules_url(course["id"])).json()
    assert [m["id"] for m in listed] == [shown["id"]]
    assert [lesson["id"] for lesson in listed[0]["lessons"]] == [visible_lesson["id"]]
    assert [lesson["id"] for lesson in student.get(f"{modules_url(course['id'])}{shown['id']}/").json()["lessons"]] \
        == [visible_lesson["id"]]
    assert_error(student.get(f"{modules_url(course['id'])}{hidden['id']}/"), 404, NOT_FOUND)
    assert_error(student.get(f"{modules_url(course['id'])}{hidden['id']}/lessons/"), 404, NOT_FOUND)
    assert_error(student.get(f"{modules_url(course['id'])}{shown['id']}/lessons/{draft_lesson['id']}/"), 404,
                 NOT_FOUND)
    # Staff see everything, including instructors who do not teach the course.
    for staff in (admin, tenant.instructor()):
        modules = staff.get(modules_url(course["id"])).json()
        assert [m["id"] for m in modules] == [shown["id"], hidden["id"]]
        assert len(modules[0]["lessons"]) == 2
    # A draft course hides all of its content from students.
    draft = make_course(admin, status="Draft")
    draft_module = make_module(admin, draft["id"])
    assert_error(student.get(modules_url(draft["id"])), 404, NOT_FOUND)
    assert_error(student.get(f"{modules_url(draft['id'])}{draft_module['id']}/"), 404, NOT_FOUND)


def test_only_admins_and_the_courses_instructors_change_modules(tenant):
    teacher = tenant.instructor()
    course = make_course(teacher)
    module = make_module(teacher, course["id"])
    url = f"{modules_url(course['id'])}{module['id']}/"
    assert teacher.patch(url, {"title": "Mine"}).status_code == 200
    for outsider in (tenant.instructor(), tenant.student()):
        assert_error(outsider.post(modules_url(course["id"]), {"title": "x"}), 403, FORBIDDEN)
        assert_error(outsider.patch(url, {"title": "x"}), 403, FORBIDDEN)
        assert_error(outsider.put(url, {"title": "x"}), 403, FORBIDDEN)
        assert_error(outsider.delete(url), 403, FORBIDDEN)
    anonymous = tenant.anonymous()
    assert_error(anonymous.get(modules_url(course["id"])), 401, UNAUTHENTICATED)
    assert_error(anonymous.post(modules_url(course["id"]), {"title": "x"}), 401, UNAUTHENTICATED)
    assert tenant.admin().patch(url, {"title": "Admin"}).status_code == 200
    assert teacher.get(url).json()["title"] == "Admin"


def test_wrong_parent_and_other_tenants_ids_are_404(tenant, other_tenant):
    admin = tenant.admin()
    course, other_course = make_course(admin), make_course(admin)
    module = make_module(admin, course["id"])
    wrong = f"{modules_url(other_course['id'])}{module['id']}/"
    assert_error(admin.get(wrong), 404, NOT_FOUND)
    assert_error(admin.patch(wrong, {"title": "x"}), 404, NOT_FOUND)
    assert_error(admin.put(wrong, {"title": "x"}), 404, NOT_FOUND)
    assert_error(admin.delete(wrong), 404, NOT_FOUND)
    assert_error(admin.get(f"{modules_url(course['id'])}99999999/"), 404, NOT_FOUND)
    assert_error(admin.get(f"{modules_url(course['id'])}abc/"), 404, NOT_FOUND)
    assert_error(admin.get(modules_url(99999999)), 404, NOT_FOUND)
    intruder = other_tenant.admin()
    right = f"{modules_url(course['id'])}{module['id']}/"
    assert_error(intruder.get(modules_url(course["id"])), 404, NOT_FOUND)
    assert_error(intruder.post(modules_url(course["id"]), {"title": "x"}), 404, NOT_FOUND)
    assert_error(intruder.get(right), 404, NOT_FOUND)
    assert_error(intruder.patch(right, {"title": "Hijacked"}), 404, NOT_FOUND)
    assert_error(intruder.delete(right), 404, NOT_FOUND)
    intruder_course = make_course(intruder)
    assert_error(intruder.get(f"{modules_url(intruder_course['id'])}{module['id']}/"), 404, NOT_FOUND)
    assert admin.get(right).json()["title"] == module["title"]


def test_delete_cascades_to_lessons_and_returns_204(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    first, second = make_module(admin, course["id"]), make_module(admin, course["id"])
    for _ in range(3):
        make_lesson(admin, course["id"], first["id"])
    response = admin.delete(f"{modules_url(course['id'])}{first['id']}")
    assert response.status_code == 204 and response.content == b""
    assert stack.sql("SELECT count(*) FROM lessons WHERE module_id = :id", id=first["id"]) == [(0,)]
    assert_error(admin.get(f"{modules_url(course['id'])}{first['id']}/"), 404, NOT_FOUND)
    assert_error(admin.delete(f"{modules_url(course['id'])}{first['id']}/"), 404, NOT_FOUND)
    assert [(m["id"], m["order"]) for m in admin.get(modules_url(course["id"])).json()] == [(second["id"], 1)]
    # Deleting the course removes its modules and lessons too.
    make_lesson(admin, course["id"], second["id"])
    assert admin.delete(f"/api/lms/courses/{course['id']}/").status_code == 204
    assert stack.sql("SELECT count(*) FROM modules WHERE course_id = :id", id=course["id"]) == [(0,)]
    assert stack.sql("SELECT count(*) FROM lessons WHERE module_id = :id", id=second["id"]) == [(0,)]

"""Lessons through the edge: documented shape, content rules per type, ordering, visibility, wrong parents."""
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, enroll, make_course, make_lesson, make_module


def lessons_url(course_id: int, module_id: int) -> str:
    return f"/api/lms/courses/{course_id}/modules/{module_id}/lessons/"


def order_of(actor, course_id: int, module_id: int) -> list[tuple[str, int]]:
    response = actor.get(lessons_url(course_id, module_id))
    assert response.status_code == 200, response.text
    return [(lesson["title"], lesson["order"]) for lesson in response.json()]


def test_create_get_and_list_return_the_documented_shape(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    url = lessons_url(course["id"], module["id"])
    make_lesson(admin, course["id"], module["id"], title="Installing Python")
    response = admin.post(url, {
        "title": "Hello World Program", "description": "Writing your first Python program", "lesson_type": "text",
        "duration": 20, "content_text": "print('Hello, World!')", "order": 2, "is_published": True})
    assert response.status_code == 201, response.text
    lesson = response.json()
    assert lesson == {
        "id": lesson["id"], "title": "Hello World Program", "description": "Writing your first Python program",
        "lesson_type": "text", "duration": 20, "content_url": "", "content_file": "", "content_file_url": "",
        "content_text": "print('Hello, World!')", "order": 2, "is_published": True}
    assert admin.get(f"{url}{lesson['id']}/").json() == lesson
    listed = admin.get(url)
    assert listed.status_code == 200 and [item["title"] for item in listed.json()] == [
        "Installing Python", "Hello World Program"]
    assert listed.json()[1] == lesson


def test_every_lesson_type_and_its_content_rules(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    url = lessons_url(course["id"], module["id"])

    def created(**body):
        response = admin.post(url, {"title": "L", **body})
        assert response.status_code == 201, response.text
        return response.json()

    def rejected(body, expected):
        assert_error(admin.post(url, {"title": "L", **body}), 400, expected)

    assert created(content_text="Some text")["lesson_type"] == "text"  # the default type
    video = created(lesson_type="video", content_url="https://videos.example.com/intro.mp4", duration=12)
    assert (video["content_url"], video["duration"]) == ("https://videos.example.com/intro.mp4", 12)
    assert created(lesson_type="link", content_url="http://docs.python.org/3/")["lesson_type"] == "link"
    assert created(lesson_type="quiz")["lesson_type"] == "quiz"
    assert created(lesson_type="scorm")["lesson_type"] == "scorm"
    rejected({"lesson_type": "text"}, {"content_text": ["This field is required for text lessons."]})
    rejected({"lesson_type": "text", "content_text": "   "},
             {"content_text": ["This field is required for text lessons."]})
    rejected({"lesson_type": "video"},
             {"content_url": ["This field is required for video lessons without an uploaded file."]})
    rejected({"lesson_type": "link", "content_url": ""},
             {"content_url": ["This field is required for link lessons."]})
    rejected({"lesson_type": "file"}, {"content_file": ["This field is required."]})
    rejected({"lesson_type": "video", "content_url": "not a url"}, {"content_url": ["Enter a valid URL."]})
    rejected({"lesson_type": "link", "content_url": "ftp://example.com/x"}, {"content_url": ["Enter a valid URL."]})
    rejected({"lesson_type": "link", "content_url": "javascript:alert(1)"}, {"content_url": ["Enter a valid URL."]})
    rejected({"lesson_type": "podcast"}, {"lesson_type": ['"podcast" is not a valid choice.']})
    rejected({"lesson_type": "Text", "content_text": "x"}, {"lesson_type": ['"Text" is not a valid choice.']})
    rejected({"content_text": "x", "duration": -5}, {"duration": ["Ensure this value is greater than or equal to 0."]})
    rejected({"content_text": "x", "duration": "long"}, {"duration": ["A valid integer is required."]})
    rejected({"content_text": "x", "order": -1}, {"order": ["Ensure this value is greater than or equal to 1."]})
    rejected({"title": "", "content_text": "x"}, {"title": ["This field may not be blank."]})
    assert_error(admin.post(url, {"content_text": "x"}), 400, {"title": ["This field is required."]})
    assert len(admin.get(url).json()) == 5


def test_patch_checks_the_merged_lesson_and_put_replaces(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"], title="T", content_text="Body", duration=30,
                         description="Desc")
    url = f"{lessons_url(course['id'], module['id'])}{lesson['id']}/"
    assert_error(admin.patch(url, {"lesson_type": "video"}), 400,
                 {"content_url": ["This field is required for video lessons without an uploaded file."]})
    assert admin.get(url).json() == lesson
    patched = admin.patch(url, {"lesson_type": "video", "content_url": "https://example.com/v.mp4"}).json()
    assert (patched["lesson_type"], patched["content_url"], patched["content_text"], patched["duration"]) == (
        "video", "https://example.com/v.mp4", "Body", 30)
    assert_error(admin.patch(url, {"content_url": ""}), 400,
                 {"content_url": ["This field is required for video lessons without an uploaded file."]})
    assert_error(admin.put(url, {"title": "Only title"}), 400,
                 {"content_text": ["This field is required for text lessons."]})
    replaced = admin.put(url, {"title": "New", "content_text": "New body"}).json()
    assert replaced == {**lesson, "title": "New", "content_text": "New body", "description": "", "duration": 0,
                        "lesson_type": "text", "content_url": ""}


def test_lessons_are_ordered_densely_within_their_module(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module, other = make_module(admin, course["id"]), make_module(admin, course["id"])
    url = lessons_url(course["id"], module["id"])
    a, b, c = (make_lesson(admin, course["id"], module["id"], title=t) for t in "ABC")
    make_lesson(admin, course["id"], other["id"], title="Elsewhere")
    make_lesson(admin, course["id"], module["id"], title="D", order=1)
    assert order_of(admin, course["id"], module["id"]) == [("D", 1), ("A", 2), ("B", 3), ("C", 4)]
    assert admin.patch(f"{url}{a['id']}/", {"order": 4}).json()["order"] == 4
    assert order_of(admin, course["id"], module["id"]) == [("D", 1), ("B", 2), ("C", 3), ("A", 4)]
    assert admin.delete(f"{url}{b['id']}/").status_code == 204
    assert order_of(admin, course["id"], module["id"]) == [("D", 1), ("C", 2), ("A", 3)]
    # The other module's lessons were never touched.
    assert order_of(admin, course["id"], other["id"]) == [("Elsewhere", 1)]
    assert c["order"] == 3


def test_wrong_parents_and_other_tenants_are_404(tenant, other_tenant):
    admin = tenant.admin()
    course, other_course = make_course(admin), make_course(admin)
    module, sibling = make_module(admin, course["id"]), make_module(admin, course["id"])
    foreign_module = make_module(admin, other_course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    for url in (f"{lessons_url(course['id'], sibling['id'])}{lesson['id']}/",  # another module of the course
                f"{lessons_url(other_course['id'], module['id'])}{lesson['id']}/",  # module of another course
                f"{lessons_url(other_course['id'], foreign_module['id'])}{lesson['id']}/"):
        assert_error(admin.get(url), 404, NOT_FOUND)
        assert_error(admin.patch(url, {"title": "x"}), 404, NOT_FOUND)
        assert_error(admin.put(url, {"title": "x", "content_text": "x"}), 404, NOT_FOUND)
        assert_error(admin.delete(url), 404, NOT_FOUND)
    assert_error(admin.get(lessons_url(other_course["id"], module["id"])), 404, NOT_FOUND)
    assert_error(admin.post(lessons_url(other_course["id"], module["id"]), {"title": "x", "content_text": "x"}),
                 404, NOT_FOUND)
    assert_error(admin.get(f"{lessons_url(course['id'], module['id'])}999999/"), 404, NOT_FOUND)
    intruder = other_tenant.admin()
    right = f"{lessons_url(course['id'], module['id'])}{lesson['id']}/"
    assert_error(intruder.get(right), 404, NOT_FOUND)
    assert_error(intruder.patch(right, {"title": "Hijacked"}), 404, NOT_FOUND)
    assert_error(intruder.delete(right), 404, NOT_FOUND)
    assert_error(intruder.post(lessons_url(course["id"], module["id"]), {"title": "x", "content_text": "x"}),
                 404, NOT_FOUND)
    assert admin.get(right).json() == lesson


def test_students_read_published_lessons_and_change_nothing(tenant):
    teacher = tenant.instructor()
    course = make_course(teacher)
    module = make_module(teacher, course["id"])
    shown = make_lesson(teacher, course["id"], module["id"])
    hidden = make_lesson(teacher, course["id"], module["id"], is_published=False)
    url = lessons_url(course["id"], module["id"])
    student = tenant.student()
    enroll(student, course["id"])
    assert [lesson["id"] for lesson in student.get(url).json()] == [shown["id"]]
    assert student.get(f"{url}{shown['id']}/").json() == shown
    assert_error(student.get(f"{url}{hidden['id']}/"), 404, NOT_FOUND)
    assert_error(student.post(url, {"title": "x", "content_text": "x"}), 403, FORBIDDEN)
    assert_error(student.patch(f"{url}{shown['id']}/", {"title": "x"}), 403, FORBIDDEN)
    assert_error(student.delete(f"{url}{shown['id']}/"), 403, FORBIDDEN)
    assert_error(tenant.instructor().patch(f"{url}{shown['id']}/", {"title": "x"}), 403, FORBIDDEN)
    # Publishing makes it visible.
    assert teacher.patch(f"{url}{hidden['id']}/", {"is_published": True}).status_code == 200
    assert [lesson["id"] for lesson in student.get(url).json()] == [shown["id"], hidden["id"]]

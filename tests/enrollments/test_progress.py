"""Lesson completion and progress through the edge, and the caller's course lists with the content tree."""
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, enroll, make_course, make_lesson, make_module


def _course_with_lessons(admin, lessons_per_module=(2, 1)):
    course = make_course(admin, title="Introduction to Python Programming")
    modules, lessons = [], []
    for count in lessons_per_module:
        module = make_module(admin, course["id"])
        modules.append(module)
        lessons.extend(make_lesson(admin, course["id"], module["id"]) for _ in range(count))
    return course, modules, lessons


def test_completion_is_idempotent_and_progress_follows(tenant, stack):
    admin = tenant.admin()
    course, modules, lessons = _course_with_lessons(admin)
    hidden = make_lesson(admin, course["id"], modules[0]["id"], is_published=False)
    student = tenant.student()
    enrollment = enroll(student, course["id"])

    first = student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lessons[0]["id"]})
    assert first.status_code == 201, first.text
    assert first.json()["detail"] == "Lesson marked as completed"
    again = student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lessons[0]["id"]})
    assert again.status_code == 200 and again.json()["detail"] == "Lesson marked as completed"
    assert stack.sql("SELECT count(*) FROM lesson_completions WHERE enrollment_id = :e", e=enrollment["id"]) == [(1,)]

    progress = student.get(f"/api/lms/enrollments/progress/?course={course['id']}&user={student.user_id}").json()
    assert progress["course"] == course["id"] and progress["user"] == student.user_id
    assert (progress["progress"], progress["completed_lessons"], progress["total_lessons"]) == (33, 1, 3)
    assert progress["completed_lesson_ids"] == [lessons[0]["id"]]
    assert progress["started_at"] is not None and progress["completed_at"] is None
    assert_error(student.post("/api/lms/enrollments/lesson-completion/", {"lesson": hidden["id"]}), 404, NOT_FOUND)
    assert_error(student.post("/api/lms/enrollments/lesson-completion/", {}), 400,
                 {"lesson": ["This field is required."]})
    assert_error(student.post("/api/lms/enrollments/lesson-completion/", {"lesson": "x"}), 400,
                 {"lesson": ["A valid integer is required."]})

    for lesson in lessons[1:]:
        assert student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson["id"]}).status_code == 201
    done = student.get(f"/api/lms/enrollments/progress/?course={course['id']}").json()
    assert (done["progress"], done["completed_lessons"], done["total_lessons"]) == (100, 3, 3)
    assert done["completed_at"] is not None
    my_courses = student.get("/api/lms/enrollments/my-courses/").json()
    assert my_courses == [{
        "id": course["id"], "title": course["title"], "description": course["description"], "slug": course["slug"],
        "level": course["level"], "thumbnail_url": "", "progress": 100, "enrolled_at": enrollment["enrolled_at"],
        "completed_at": done["completed_at"]}]
    assert stack.sql("SELECT room FROM outbox_events WHERE type = 'course.completed' AND tenant_id = :t "
                     "ORDER BY room", t=tenant.id) == [(f"course_staff_{course['id']}",), (f"user_{student.user_id}",)]


def test_only_enrolled_users_complete_lessons(tenant, other_tenant):
    admin = tenant.admin()
    course, _, lessons = _course_with_lessons(admin, (1,))
    assert_error(tenant.student().post("/api/lms/enrollments/lesson-completion/", {"lesson": lessons[0]["id"]}),
                 403, {"detail": "You are not enrolled in this course."})
    assert_error(other_tenant.student().post("/api/lms/enrollments/lesson-completion/",
                                             {"lesson": lessons[0]["id"]}), 404, NOT_FOUND)
    assert_error(tenant.student().post("/api/lms/enrollments/lesson-completion/", {"lesson": 987654}), 404,
                 NOT_FOUND)


def test_progress_is_private_to_the_learner_and_their_course_staff(tenant):
    teacher = tenant.instructor()
    course, _, lessons = _course_with_lessons(teacher, (1,))
    student = tenant.student()
    enroll(student, course["id"])
    url = f"/api/lms/enrollments/progress/?course={course['id']}&user={student.user_id}"
    assert teacher.get(url).json()["total_lessons"] == 1
    assert tenant.admin().get(url).json()["user"] == student.user_id
    assert_error(tenant.student().get(url), 403, FORBIDDEN)
    assert_error(tenant.instructor().get(url), 403, FORBIDDEN)
    assert_error(teacher.get(f"/api/lms/enrollments/progress/?course={course['id']}&user=nobody"), 404, NOT_FOUND)
    assert_error(student.get("/api/lms/enrollments/progress/"), 400, {"course": ["This field is required."]})


def test_for_user_lists_the_enrolled_course_tree(tenant):
    teacher = tenant.instructor(first_name="John", last_name="Doe")
    course, modules, lessons = _course_with_lessons(teacher, (2,))
    make_module(teacher, course["id"], is_published=False)
    student = tenant.student()
    enrollment = enroll(student, course["id"])
    student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lessons[0]["id"]})
    listed = student.get("/api/lms/enrollments/for/user/").json()
    assert len(listed) == 1
    item = listed[0]
    assert {"id", "course", "enrolled_at", "completed_at"} <= set(item)
    assert item["id"] == enrollment["id"] and item["completed_at"] is None
    tree = item["course"]
    assert {"id", "title", "description", "thumbnail", "thumbnail_url", "resources", "modules",
            "instructors"} <= set(tree)
    assert [m["id"] for m in tree["modules"]] == [modules[0]["id"]]
    first = tree["modules"][0]["lessons"][0]
    assert {"id", "title", "type", "duration", "order", "is_published", "content_url", "content_file",
            "content_file_url"} <= set(first)
    assert (first["id"], first["type"], first["duration"], first["is_completed"]) == (lessons[0]["id"], "text", 30,
                                                                                      True)
    assert tree["instructors"] == [{"id": teacher.user_id, "name": "John Doe", "bio": ""}]


def test_concurrent_completions_of_the_last_lessons_complete_the_course_once(tenant, stack):
    admin = tenant.admin()
    course, _, lessons = _course_with_lessons(admin, (4,))
    student = tenant.student()
    enroll(student, course["id"])

    def complete(lesson):
        client = student.stack.client(student.token)
        return client.post("/api/lms/enrollments/lesson-completion/", json={"lesson": lesson["id"]}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(complete, lessons)) == [201] * 4
    progress = student.get(f"/api/lms/enrollments/progress/?course={course['id']}").json()
    assert progress["progress"] == 100 and progress["completed_at"] is not None
    assert stack.sql("SELECT count(*) FROM outbox_events WHERE type = 'course.completed' AND room = :r",
                     r=f"user_{student.user_id}") == [(1,)]
    assert len(student.get("/api/lms/certificates/").json()) == 1

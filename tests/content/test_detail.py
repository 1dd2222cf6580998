"""The course detail's content tree, and proof that it costs a fixed number of SQL queries.

The stack runs with LMS_DEBUG_QUERY_COUNT=1, so every response carries `x-lms-query-count`: the
number of SQL statements the server ran for that request (lms.platform.querycount).
"""
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import enroll, make_course, make_lesson, make_module

MODULE_KEYS = {"id", "title", "description", "order", "is_published", "lessons"}
LESSON_OUTLINE_KEYS = {"id", "title", "lesson_type", "duration", "order", "is_published"}


def detail(actor, course_id: int) -> dict:
    response = actor.get(f"/api/lms/courses/{course_id}/")
    assert response.status_code == 200, response.text
    return response.json()


def queries(actor, path: str) -> int:
    response = actor.get(path)
    assert response.status_code == 200, response.text
    return int(response.headers["x-lms-query-count"])


def test_detail_outlines_modules_lessons_and_resources_for_each_role(tenant):
    teacher = tenant.instructor()
    course = make_course(teacher)
    intro = make_module(teacher, course["id"], title="Getting Started with Python",
                        description="Installation and basic setup")
    draft_module = make_module(teacher, course["id"], title="Coming soon", is_published=False)
    installing = make_lesson(teacher, course["id"], intro["id"], title="Installing Python", duration=15,
                             content_text="Secret body")
    draft_lesson = make_lesson(teacher, course["id"], intro["id"], title="Draft lesson", is_published=False)
    make_lesson(teacher, course["id"], draft_module["id"])
    link = teacher.post(f"/api/lms/courses/{course['id']}/resources/", {
        "title": "Python Cheat Sheet", "resource_type": "link", "url": "https://example.com/cheat.pdf"}).json()
    teacher.post(f"/api/lms/courses/{course['id']}/faqs/", {"question": "Q?", "answer": "A."})

    tree = detail(tenant.student(), course["id"])
    assert tree["faq_count"] == 1
    assert tree["resources"] == [link]
    assert tree["modules"] == [{
        "id": intro["id"], "title": "Getting Started with Python", "description": "Installation and basic setup",
        "order": 1, "is_published": True,
        "lessons": [{"id": installing["id"], "title": "Installing Python", "lesson_type": "text", "duration": 15,
                     "order": 1, "is_published": True}],
    }]
    # The outline never carries lesson content (the detail is public to the tenant's catalogue).
    assert "Secret body" not in str(detail(tenant.anonymous(), course["id"]))
    for staff in (teacher, tenant.admin()):
        modules = detail(staff, course["id"])["modules"]
        assert [m["id"] for m in modules] == [intro["id"], draft_module["id"]]
        assert [lesson["id"] for lesson in modules[0]["lessons"]] == [installing["id"], draft_lesson["id"]]
        assert all(set(m) == MODULE_KEYS for m in modules)
        assert all(set(lesson) == LESSON_OUTLINE_KEYS for m in modules for lesson in m["lessons"])


def _fill(actor, course_id: int, modules: int, lessons: int, resources: int, faqs: int) -> None:
    module_ids = [make_module(actor, course_id)["id"] for _ in range(modules)]

    def lessons_of(module_id):
        for n in range(lessons):
            make_lesson(actor, course_id, module_id, is_published=n % 5 != 0)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lessons_of, module_ids))
    for n in range(resources):
        response = actor.post(f"/api/lms/courses/{course_id}/resources/", {
            "title": f"R{n}", "resource_type": "link", "url": f"https://example.com/{n}"})
        assert response.status_code == 201, response.text
    for n in range(faqs):
        response = actor.post(f"/api/lms/courses/{course_id}/faqs/", {"question": f"Q{n}?", "answer": "A."})
        assert response.status_code == 201, response.text


def test_detail_and_module_list_cost_a_fixed_number_of_queries(tenant, stack):
    admin = tenant.admin()
    small = make_course(admin)
    _fill(admin, small["id"], modules=1, lessons=1, resources=1, faqs=1)
    large = make_course(admin)
    _fill(admin, large["id"], modules=20, lessons=20, resources=20, faqs=20)
    large_tree = detail(admin, large["id"])
    assert len(large_tree["modules"]) == 20 and all(len(m["lessons"]) == 20 for m in large_tree["modules"])
    assert len(large_tree["resources"]) == 20 and large_tree["faq_count"] == 20
    student = tenant.student()
    for course in (small, large):
        enroll(student, course["id"])
    assert sum(len(m["lessons"]) for m in detail(student, large["id"])["modules"]) == 20 * 16

    # Statements per route: the course; then modules and lessons (module list), or the items (resources,
    # FAQs). PostgreSQL adds the per-transaction tenant setting for row-level security; students' module
    # and resource lists add the enrollment check. The detail is the course row (with its category and
    # certificate settings), then modules with lesson outlines, resources and instructors; on PostgreSQL
    # it runs on the read path (no transaction, no per-transaction setting) and each process keeps the
    # outline until the course's content changes, so a repeated request is the course row alone.
    expected = {"/api/lms/courses/{}/modules/": 3, "/api/lms/courses/{}/resources/": 2, "/api/lms/courses/{}/faqs/": 2}
    enrollment_checked = {"/api/lms/courses/{}/modules/", "/api/lms/courses/{}/resources/"}
    extra = 1 if stack.backend == "postgresql" else 0
    for actor in (admin, student, tenant.instructor()):
        queries(actor, "/api/lms/courses/?page_size=1")  # the caller's first request also updates the directory
        for path, count in expected.items():
            count += extra + (1 if actor is student and path in enrollment_checked else 0)
            assert [queries(actor, path.format(course["id"])) for course in (small, large)] == [count] * 2, (
                actor.roles, path)
        for course in (small, large):
            queries(actor, f"/api/lms/courses/{course['id']}/")
            repeated = 1 if stack.backend == "postgresql" else 4
            assert queries(actor, f"/api/lms/courses/{course['id']}/") == repeated, actor.roles

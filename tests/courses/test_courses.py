"""Courses through the edge: the documented shapes, every validation rule, visibility, permissions."""
import re

from tests.helpers import (
    FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, make_category, make_course,
)

LIST_KEYS = {"id", "title", "description", "slug", "code", "level", "status", "is_free", "price", "currency",
             "thumbnail_url", "category", "total_enrollments", "faq_count", "created_at", "updated_at"}
DETAIL_KEYS = LIST_KEYS | {"short_description", "learning_outcomes", "prerequisites", "modules", "resources",
                           "course_instructors", "certificate_settings"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?Z$")


def test_create_returns_the_documented_shape(tenant):
    admin = tenant.admin()
    category = make_category(admin, "Web Development")
    response = admin.post("/api/lms/courses/", {
        "title": "Advanced JavaScript Concepts",
        "description": "Deep dive into advanced JavaScript features and patterns",
        "short_description": "Master advanced JS concepts",
        "category_id": category["id"], "level": "Advanced", "status": "Draft",
        "is_free": False, "price": "99.99", "currency": "USD",
        "learning_outcomes": ["Understand closures and scope", "Master asynchronous programming"],
        "prerequisites": ["Basic JavaScript knowledge"],
    })
    assert response.status_code == 201, response.text
    course = response.json()
    assert set(course) == LIST_KEYS
    assert course["title"] == "Advanced JavaScript Concepts"
    assert course["slug"] == "advanced-javascript-concepts"
    assert course["code"] == "JS301"
    assert (course["level"], course["status"], course["is_free"]) == ("Advanced", "Draft", False)
    assert (course["price"], course["currency"], course["thumbnail_url"]) == ("99.99", "USD", "")
    assert course["category"] == {"id": category["id"], "name": "Web Development", "slug": "web-development"}
    assert (course["total_enrollments"], course["faq_count"]) == (0, 0)
    assert RFC3339.match(course["created_at"]) and RFC3339.match(course["updated_at"])
    detail = admin.get(f"/api/lms/courses/{course['id']}/").json()
    assert detail["learning_outcomes"] == ["Understand closures and scope", "Master asynchronous programming"]
    assert detail["prerequisites"] == ["Basic JavaScript knowledge"]
    assert detail["short_description"] == "Master advanced JS concepts"


def test_defaults_slugs_and_codes(tenant):
    admin = tenant.admin()
    category = make_category(admin)
    first = make_course(admin, category["id"], title="Introduction to Python Programming")
    assert (first["code"], first["slug"], first["level"]) == ("PY101", "introduction-to-python-programming",
                                                              "Beginner")
    assert (first["is_free"], first["price"], first["currency"]) == (True, "0.00", "USD")
    second = make_course(admin, category["id"], title="Introduction to Python Programming")
    assert (second["code"], second["slug"]) == ("PY102", "introduction-to-python-programming-2")
    course = make_course(admin, category["id"], title="Data Science Fundamentals", level="Intermediate")
    assert course["code"] == "DS201"
    custom = make_course(admin, category["id"], title="Anything", code="abc-9")
    assert custom["code"] == "ABC-9"
    assert_error(admin.post("/api/lms/courses/", {"title": "X", "description": "", "category_id": category["id"],
                                                  "code": "ABC-9"}), 400,
                 {"code": ["A course with this code already exists."]})
    paid = make_course(admin, category["id"], price="10")
    assert (paid["is_free"], paid["price"]) == (False, "10.00")


def test_create_rejects_each_invalid_field_and_stores_nothing(tenant):
    admin = tenant.admin()
    category = make_category(admin)
    ok = {"title": "T", "description": "D", "category_id": category["id"]}

    def rejected(body, expected):
        assert_error(admin.post("/api/lms/courses/", body), 400, expected)

    rejected({}, {"title": ["This field is required."], "description": ["This field is required."],
                  "category_id": ["This field is required."]})
    rejected({**ok, "title": "  "}, {"title": ["This field may not be blank."]})
    rejected({**ok, "title": "x" * 201}, {"title": ["Ensure this field has no more than 200 characters."]})
    rejected({**ok, "short_description": "x" * 301},
             {"short_description": ["Ensure this field has no more than 300 characters."]})
    rejected({**ok, "category_id": 999999}, {"category_id": ['Invalid pk "999999" - object does not exist.']})
    rejected({**ok, "category_id": "abc"}, {"category_id": ["A valid integer is required."]})
    rejected({**ok, "level": "Expert"}, {"level": ['"Expert" is not a valid choice.']})
    rejected({**ok, "status": "published"}, {"status": ['"published" is not a valid choice.']})
    rejected({**ok, "price": "-1"}, {"price": ["Ensure this value is greater than or equal to 0."]})
    rejected({**ok, "price": "abc"}, {"price": ["A valid number is required."]})
    rejected({**ok, "price": "1.999"}, {"price": ["Ensure that there are no more than 2 decimal places."]})
    rejected({**ok, "price": "123456789.00"}, {"price": ["Ensure that there are no more than 10 digits in total."]})
    rejected({**ok, "is_free": True, "price": "5.00"}, {"price": ["A free course must have a price of 0.00."]})
    rejected({**ok, "is_free": False}, {"price": ["This field is required."]})
    rejected({**ok, "is_free": False, "price": "0"}, {"price": ["A paid course needs a price above 0."]})
    rejected({**ok, "currency": "XYZ"}, {"currency": ['"XYZ" is not a valid ISO 4217 currency code.']})
    rejected({**ok, "learning_outcomes": ["ok", {"a": 5}]}, {"learning_outcomes": ["Not a valid string."]})
    rejected({**ok, "learning_outcomes": {"a": 1}},
             {"learning_outcomes": ['Expected a list of items but got type "dict".']})
    rejected({**ok, "prerequisites": [""]}, {"prerequisites": ["This field may not be blank."]})
    assert_error(admin.post("/api/lms/courses/", content=b'{"title": "x",',
                            headers={"content-type": "application/json"}), 400, fields=["detail"])
    assert admin.get("/api/lms/courses/").json()["count"] == 0


def test_list_envelope_and_pagination_links(tenant):
    admin = tenant.admin()
    category = make_category(admin)
    ids = [make_course(admin, category["id"])["id"] for _ in range(3)]
    base = admin.stack.edge_url
    page1 = admin.get("/api/lms/courses/?page_size=2").json()
    assert list(page1) == ["count", "next", "previous", "results", "total_all_enrollments"]
    assert page1["count"] == 3 and page1["previous"] is None and page1["total_all_enrollments"] == 0
    assert page1["next"] == f"{base}/api/lms/courses/?page_size=2&page=2"
    assert [c["id"] for c in page1["results"]] == ids[:2]
    page2 = admin.get(page1["next"].removeprefix(base)).json()
    assert page2["next"] is None
    assert page2["previous"] == f"{base}/api/lms/courses/?page_size=2"
    assert [c["id"] for c in page2["results"]] == ids[2:]
    page3 = admin.get("/api/lms/courses?page=3&page_size=1").json()
    assert page3["previous"] == f"{base}/api/lms/courses?page_size=1&page=2"
    assert_error(admin.get("/api/lms/courses/?page=3&page_size=2"), 404, {"detail": "Invalid page."})
    # DRF's PageNumberPagination: page 0 is an invalid page, an unusable page size means the default.
    assert_error(admin.get("/api/lms/courses/?page=0"), 404, {"detail": "Invalid page."})
    assert_error(admin.get("/api/lms/courses/?page=-1"), 404, {"detail": "Invalid page."})
    assert len(admin.get("/api/lms/courses/?page_size=-5").json()["results"]) == 3
    assert len(admin.get("/api/lms/courses/?page_size=0&page=1").json()["results"]) == 3
    assert_error(admin.get("/api/lms/courses/?page=abc"), 404, {"detail": "Invalid page."})
    # Unknown query parameters are ignored; page_size above 100 is clamped.
    assert admin.get("/api/lms/courses/?format=json&utm_source=x").json()["count"] == 3
    assert len(admin.get("/api/lms/courses/?page_size=100000").json()["results"]) == 3


def test_page_size_is_clamped_to_100(tenant):
    admin = tenant.admin()
    category = make_category(admin)
    for _ in range(101):
        make_course(admin, category["id"])
    page = admin.get("/api/lms/courses/?page_size=500").json()
    assert page["count"] == 101 and len(page["results"]) == 100
    assert page["next"].endswith("page_size=500&page=2")


def test_filters_search_and_ordering(tenant):
    admin = tenant.admin()
    programming, design = make_category(admin), make_category(admin)
    python = make_course(admin, programming["id"], title="Python 100%", level="Beginner", price="20.00")
    rust = make_course(admin, programming["id"], title="Rust", level="Advanced", status="Draft")
    figma = make_course(admin, design["id"], title="Figma basics")

    def ids(query):
        response = admin.get(f"/api/lms/courses/?{query}")
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["results"]]

    assert ids(f"category={programming['id']}") == [python["id"], rust["id"]]
    assert ids("level=Advanced") == [rust["id"]]
    assert ids("status=Published") == [python["id"], figma["id"]]
    assert ids("is_free=false") == [python["id"]]
    assert ids("search=pyTHON") == [python["id"]]
    assert ids("search=100%25") == [python["id"]]
    assert ids("search=%25") == [python["id"]]
    assert ids("ordering=-title") == [rust["id"], python["id"], figma["id"]]
    assert ids("ordering=-price") == [python["id"], rust["id"], figma["id"]]
    assert_error(admin.get("/api/lms/courses/?ordering=secret"), 400, fields=["ordering"])
    assert_error(admin.get("/api/lms/courses/?level=Expert"), 400, fields=["level"])


def test_students_see_only_published_courses(tenant):
    admin = tenant.admin()
    category = make_category(admin)
    published = make_course(admin, category["id"], status="Published")
    draft = make_course(admin, category["id"], status="Draft")
    archived = make_course(admin, category["id"], status="Archived")
    student = tenant.student()
    assert [c["id"] for c in student.get("/api/lms/courses/").json()["results"]] == [published["id"]]
    assert student.get("/api/lms/courses/?status=Draft").json()["count"] == 0
    assert student.get(f"/api/lms/courses/{published['id']}/").status_code == 200
    for hidden in (draft, archived):
        assert_error(student.get(f"/api/lms/courses/{hidden['id']}/"), 404, NOT_FOUND)
        assert_error(student.patch(f"/api/lms/courses/{hidden['id']}/", {"title": "x"}), 404, NOT_FOUND)
    assert admin.get("/api/lms/courses/").json()["count"] == 3
    anonymous = tenant.anonymous()
    assert [c["id"] for c in anonymous.get("/api/lms/courses/").json()["results"]] == [published["id"]]
    assert_error(anonymous.get(f"/api/lms/courses/{draft['id']}/"), 404, NOT_FOUND)
    # Without a token there must be a tenant to look in.
    assert_error(tenant.stack.client().get("/api/lms/courses/"), 401, UNAUTHENTICATED)


def test_detail_has_the_documented_tree(tenant):
    instructor = tenant.instructor(email="instructor@example.com", first_name="John", last_name="Doe",
                                   avatar_url="https://storage.example.com/avatars/john_doe.jpg",
                                   phone="+1234567890")
    course = make_course(instructor, title="Introduction to Python Programming", learning_outcomes=["Write scripts"])
    detail = tenant.student().get(f"/api/lms/courses/{course['id']}/").json()
    assert set(detail) == DETAIL_KEYS
    assert (detail["modules"], detail["resources"]) == ([], [])
    assert detail["course_instructors"] == [{
        "id": instructor.user_id, "email": "instructor@example.com", "first_name": "John", "last_name": "Doe",
        "avatar_url": "https://storage.example.com/avatars/john_doe.jpg", "phone": "+1234567890"}]
    settings = detail["certificate_settings"]
    assert set(settings) == {"id", "is_active", "template", "custom_text", "show_date", "show_course_name",
                             "show_completion_hours", "min_score", "require_all_modules"}
    assert settings["template"] == "default" and settings["min_score"] == 0


def test_put_replaces_and_enforces_required_fields(tenant):
    admin = tenant.admin()
    category = make_category(admin)
    course = make_course(admin, category["id"], learning_outcomes=["a"], short_description="short",
                         price="15.00", level="Advanced")
    assert_error(admin.put(f"/api/lms/courses/{course['id']}/", {"title": "Only title"}), 400,
                 {"description": ["This field is required."], "category_id": ["This field is required."]})
    response = admin.put(f"/api/lms/courses/{course['id']}", {
        "title": "Replaced", "description": "New", "category_id": category["id"]})
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert set(replaced) == DETAIL_KEYS
    assert (replaced["title"], replaced["slug"], replaced["description"]) == ("Replaced", "replaced", "New")
    # Fields not sent went back to their defaults; the code stays.
    assert replaced["learning_outcomes"] == [] and replaced["short_description"] == ""
    assert (replaced["level"], replaced["status"], replaced["price"], replaced["is_free"]) == (
        "Beginner", "Draft", "0.00", True)
    assert replaced["code"] == course["code"]


def test_patch_changes_only_the_fields_sent(tenant):
    admin = tenant.admin()
    course = make_course(admin, status="Draft", learning_outcomes=["a", "b"], short_description="keep")
    response = admin.patch(f"/api/lms/courses/{course['id']}/", {"status": "Published", "price": "79.99"})
    assert response.status_code == 200, response.text
    patched = response.json()
    assert (patched["status"], patched["price"], patched["is_free"]) == ("Published", "79.99", False)
    assert patched["learning_outcomes"] == ["a", "b"] and patched["short_description"] == "keep"
    assert patched["title"] == course["title"] and patched["updated_at"] >= course["updated_at"]
    assert_error(admin.patch(f"/api/lms/courses/{course['id']}/", {"price": "-3"}), 400,
                 {"price": ["Ensure this value is greater than or equal to 0."]})
    assert_error(admin.patch(f"/api/lms/courses/{course['id']}/", {"is_free": True}), 400,
                 {"price": ["A free course must have a price of 0.00."]})
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["price"] == "79.99"
    assert admin.patch(f"/api/lms/courses/{course['id']}/", {"is_free": True, "price": "0"}).json()["is_free"]


def test_only_admins_and_the_courses_instructors_change_it(tenant):
    teacher = tenant.instructor()
    course = make_course(teacher)
    assert teacher.patch(f"/api/lms/courses/{course['id']}/", {"title": "Mine"}).status_code == 200
    other_teacher = tenant.instructor()
    assert_error(other_teacher.patch(f"/api/lms/courses/{course['id']}/", {"title": "x"}), 403, FORBIDDEN)
    assert_error(other_teacher.delete(f"/api/lms/courses/{course['id']}/"), 403, FORBIDDEN)
    student = tenant.student()
    assert_error(student.patch(f"/api/lms/courses/{course['id']}/", {"title": "x"}), 403, FORBIDDEN)
    assert_error(student.post("/api/lms/courses/", {"title": "x"}), 403, FORBIDDEN)
    assert_error(tenant.anonymous().post("/api/lms/courses/", {"title": "x"}), 401, UNAUTHENTICATED)
    assert tenant.admin().patch(f"/api/lms/courses/{course['id']}/", {"title": "Admin"}).status_code == 200
    assert teacher.get(f"/api/lms/courses/{course['id']}/").json()["title"] == "Admin"


def test_delete_returns_204_and_cascades(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    response = admin.delete(f"/api/lms/courses/{course['id']}/")
    assert response.status_code == 204 and response.content == b""
    assert "content-type" not in response.headers
    assert_error(admin.get(f"/api/lms/courses/{course['id']}/"), 404, NOT_FOUND)
    assert_error(admin.delete(f"/api/lms/courses/{course['id']}/"), 404, NOT_FOUND)
    assert stack.sql("SELECT count(*) FROM certificate_settings WHERE course_id = :id", id=course["id"]) == [(0,)]


def test_another_tenants_admin_gets_404_and_the_course_survives(tenant, other_tenant):
    course = make_course(tenant.admin())
    intruder = other_tenant.admin()
    assert_error(intruder.get(f"/api/lms/courses/{course['id']}/"), 404, NOT_FOUND)
    assert_error(intruder.patch(f"/api/lms/courses/{course['id']}/", {"title": "Hijacked"}), 404, NOT_FOUND)
    assert_error(intruder.put(f"/api/lms/courses/{course['id']}/", {"title": "Hijacked", "description": "",
                                                                    "category_id": course["category"]["id"]}),
                 404, NOT_FOUND)
    assert_error(intruder.delete(f"/api/lms/courses/{course['id']}/"), 404, NOT_FOUND)
    assert intruder.get("/api/lms/courses/").json()["count"] == 0
    assert tenant.admin().get(f"/api/lms/courses/{course['id']}/").json()["title"] == course["title"]


def test_most_and_least_popular_among_courses_with_enrollments(tenant, stack):
    admin = tenant.admin()
    assert_error(admin.get("/api/lms/courses/most_popular/"), 404, NOT_FOUND)
    assert_error(admin.get("/api/lms/courses/least_popular/"), 404, NOT_FOUND)
    category = make_category(admin)
    busy, quiet, empty = (make_course(admin, category["id"]) for _ in range(3))
    draft = make_course(admin, category["id"], status="Draft")
    for course, count in ((busy, 320), (quiet, 3), (empty, 0), (draft, 999)):
        stack.sql("UPDATE course_counters SET total_enrollments = :n WHERE course_id = :id", n=count, id=course["id"])
    student = tenant.student()
    most = student.get("/api/lms/courses/most_popular/").json()
    assert set(most) == {"course", "enrollment_count"}
    assert most["course"]["id"] == busy["id"] and most["enrollment_count"] == 320
    assert set(most["course"]) == LIST_KEYS
    least = student.get("/api/lms/courses/least_popular").json()
    assert least["course"]["id"] == quiet["id"] and least["enrollment_count"] == 3
    assert admin.get("/api/lms/courses/most_popular/").json()["course"]["id"] == draft["id"]
    assert admin.get("/api/lms/courses/").json()["total_all_enrollments"] == 320 + 3 + 999

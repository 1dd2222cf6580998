"""Categories through the edge: bare-array list with visible course counts, create, change, delete."""
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, make_category, make_course


def test_list_is_a_bare_array_with_course_counts_visible_to_the_caller(tenant):
    admin = tenant.admin()
    assert admin.get("/api/lms/categories/").json() == []
    category = make_category(admin, "Programming")
    make_course(admin, category["id"], status="Published")
    make_course(admin, category["id"], status="Draft")

    staff_view = admin.get("/api/lms/categories/").json()
    assert staff_view == [{"id": category["id"], "name": "Programming", "slug": "programming",
                           "description": "Test category", "course_count": 2}]
    student_view = tenant.student().get("/api/lms/categories").json()
    assert student_view[0]["course_count"] == 1
    anonymous_view = tenant.anonymous().get("/api/lms/categories/").json()
    assert anonymous_view[0]["course_count"] == 1


def test_create_generates_a_unique_slug_per_tenant(tenant, other_tenant):
    admin = tenant.admin()
    response = admin.post("/api/lms/categories/", {"name": "Data Science",
                                                   "description": "Courses covering data analysis"})
    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "name": "Data Science", "slug": "data-science",
                               "description": "Courses covering data analysis", "course_count": 0}
    assert make_category(admin, "C++")["slug"] == "c"
    assert make_category(admin, "C")["slug"] == "c-2"
    # The same name and slug are free in another tenant.
    assert make_category(other_tenant.admin(), "Data Science")["slug"] == "data-science"


def test_create_rejects_bad_input_and_changes_nothing(tenant):
    admin = tenant.admin()
    make_category(admin, "Programming")
    assert_error(admin.post("/api/lms/categories/", {}), 400, {"name": ["This field is required."]})
    assert_error(admin.post("/api/lms/categories/", {"name": "   "}), 400, {"name": ["This field may not be blank."]})
    assert_error(admin.post("/api/lms/categories/", {"name": "x" * 101}), 400,
                 {"name": ["Ensure this field has no more than 100 characters."]})
    assert_error(admin.post("/api/lms/categories/", {"name": "programming"}), 400,
                 {"name": ["A category with this name already exists."]})
    assert_error(admin.post("/api/lms/categories/", {"name": {"text": 5}}), 400, fields=["name"])
    assert [c["name"] for c in admin.get("/api/lms/categories/").json()] == ["Programming"]


def test_only_staff_create_and_only_admins_change(tenant):
    assert_error(tenant.student().post("/api/lms/categories/", {"name": "X"}), 403, FORBIDDEN)
    assert_error(tenant.anonymous().post("/api/lms/categories/", {"name": "X"}), 401, UNAUTHENTICATED)
    instructor = tenant.instructor()
    category = make_category(instructor, "By instructor")
    assert_error(instructor.patch(f"/api/lms/categories/{category['id']}/", {"name": "Y"}), 403, FORBIDDEN)
    admin = tenant.admin()
    renamed = admin.patch(f"/api/lms/categories/{category['id']}/", {"name": "Renamed"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Renamed" and renamed.json()["slug"] == "renamed"
    assert renamed.json()["description"] == "Test category"  # PATCH keeps what was not sent


def test_delete_refuses_a_category_with_courses(tenant):
    admin = tenant.admin()
    used = make_category(admin)
    make_course(admin, used["id"])
    assert_error(admin.delete(f"/api/lms/categories/{used['id']}/"), 400, fields=["non_field_errors"])
    empty = make_category(admin)
    response = admin.delete(f"/api/lms/categories/{empty['id']}/")
    assert response.status_code == 204 and response.content == b""
    assert_error(admin.get(f"/api/lms/categories/{empty['id']}/"), 404, NOT_FOUND)


def test_another_tenants_category_is_invisible_and_survives(tenant, other_tenant):
    category = make_category(tenant.admin())
    intruder = other_tenant.admin()
    assert_error(intruder.get(f"/api/lms/categories/{category['id']}/"), 404, NOT_FOUND)
    assert_error(intruder.patch(f"/api/lms/categories/{category['id']}/", {"name": "Mine"}), 404, NOT_FOUND)
    assert_error(intruder.delete(f"/api/lms/categories/{category['id']}/"), 404, NOT_FOUND)
    assert intruder.get("/api/lms/categories/").json() == []
    # Nor can its id be used to file a course.
    assert_error(intruder.post("/api/lms/courses/", {"title": "T", "description": "", "category_id": category["id"]}),
                 400, {"category_id": [f'Invalid pk "{category["id"]}" - object does not exist.']})
    assert tenant.admin().get(f"/api/lms/categories/{category['id']}/").json()["name"] == category["name"]

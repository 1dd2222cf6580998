"""The edge's contract: routes with and without trailing slashes, DRF-shaped errors for the
transcoder's own failures, success codes, and headers that do not leak gRPC."""
from tests.helpers import NOT_FOUND, assert_error, make_course


def test_trailing_slash_and_no_slash_both_work(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    for path in ("/api/lms/courses/", "/api/lms/courses", f"/api/lms/courses/{course['id']}/",
                 f"/api/lms/courses/{course['id']}", "/api/lms/categories/", "/api/lms/categories"):
        assert admin.get(path).status_code == 200, path


def test_unknown_routes_and_methods_are_drf_404s(tenant):
    admin = tenant.admin()
    assert_error(admin.get("/api/lms/nope/"), 404, NOT_FOUND)
    assert_error(admin.get("/totally/elsewhere"), 404, NOT_FOUND)
    assert_error(admin.post("/api/lms/courses/most_popular/", {}), 404, NOT_FOUND)
    assert_error(admin.get("/api/lms/courses/abc/"), 404, NOT_FOUND)


def test_malformed_json_is_a_400_with_detail(tenant):
    admin = tenant.admin()
    for body in (b'{"title": "x",', b"{bad", b"title=abc"):
        data = assert_error(admin.post("/api/lms/courses/", content=body,
                                       headers={"content-type": "application/json"}), 400, fields=["detail"])
        assert data["detail"].startswith("JSON parse error - ")


def test_wrong_value_types_are_field_errors(tenant):
    admin = tenant.admin()
    valid = {"title": "T", "description": "", "category_id": admin.post("/api/lms/categories/", {"name": "Types"}).json()["id"]}
    assert_error(admin.post("/api/lms/courses/", {**valid, "category_id": "abc"}), 400,
                 {"category_id": ["A valid integer is required."]})
    assert_error(admin.post("/api/lms/courses/", {**valid, "is_free": 3}), 400, {"is_free": ["Must be a valid boolean."]})
    assert_error(admin.post("/api/lms/courses/", {**valid, "title": {"text": 12}}), 400, {"title": ["Not a valid string."]})
    # As DRF's CharField: a number is taken as its text.
    assert admin.post("/api/lms/courses/", {**valid, "title": 12}).json()["title"] == "12"
    assert_error(admin.get("/api/lms/courses/?page_size=ten"), 400, {"page_size": ["A valid integer is required."]})


def test_success_headers_do_not_leak_grpc(tenant):
    admin = tenant.admin()
    created = admin.post("/api/lms/categories/", {"name": "Headers"})
    assert created.status_code == 201
    listed = admin.get("/api/lms/categories/")
    for response in (created, listed):
        assert response.headers["content-type"] == "application/json"
        # x-lms-query-count is the test stack's opt-in debug header (LMS_DEBUG_QUERY_COUNT=1), off by default.
        assert not [h for h in response.headers if h.startswith(("grpc-", "x-lms-")) and h != "x-lms-query-count"]
    assert listed.text.startswith("[")


def test_health_reports_the_database(stack):
    response = stack.client().get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "database": "ok"}
    assert stack.client().get("/api/health").json()["status"] == "healthy"

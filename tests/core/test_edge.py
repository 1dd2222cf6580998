"""The edge's contract: routes with and without trailing slashes, DRF-shaped errors for the
transcoder's own failures, success codes, and headers that do not leak gRPC."""
from tests.helpers import NOT_FOUND, assert_error, make_course


def test_trailing_slash_and_no_slash_both_work(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    for path in ("/api/lms/courses/", "/api/lms/courses", f"/api/lms/courses/{course['id']}/",
                 f"/api/lms/courses/{course['id']}", "/api/lms/categories/", "/api/lms/categories"):
        assert admin.get(path).status_code == 200, path


def test_unknown_routes_are_drf_404s(tenant):
    admin = tenant.admin()
    assert_error(admin.get("/api/lms/nope/"), 404, NOT_FOUND)
    assert_error(admin.get("/totally/elsewhere"), 404, NOT_FOUND)
    assert_error(admin.delete("/api/lms/nope/"), 404, NOT_FOUND)
    assert_error(admin.get("/api/lms/courses/abc/"), 404, NOT_FOUND)
    assert_error(admin.get("/api/lms/courses/1%2C2/"), 404, NOT_FOUND)
    assert_error(admin.get("/api/lms/courses/1,2/"), 404, NOT_FOUND)


def test_malformed_json_is_a_400_with_detail(tenant):
    admin = tenant.admin()
    for body in (b'{"title": "x",', b"{bad", b"title=abc"):
        data = assert_error(admin.post("/api/lms/courses/", content=body,
                                       headers={"content-type": "application/json"}), 400, fields=["detail"])
        assert data["detail"].startswith("JSON parse error - ")


def test_wrong_value_types_are_field_errors(tenant):
    admin = tenant.admin()
    category = admin.post("/api/lms/categories/", {"name": "Types"}).json()["id"]
    valid = {"title": "T", "description": "", "category_id": category}
    assert_error(admin.post("/api/lms/courses/", {**valid, "category_id": "abc"}), 400,
                 {"category_id": ["A valid integer is required."]})
    assert_error(admin.post("/api/lms/courses/", {**valid, "is_free": 3}), 400,
                 {"is_free": ["Must be a valid boolean."]})
    assert_error(admin.post("/api/lms/courses/", {**valid, "title": {"text": 12}}), 400,
                 {"title": ["Not a valid string."]})
    # As DRF's CharField: a number is taken as its text.
    assert admin.post("/api/lms/courses/", {**valid, "title": 12}).json()["title"] == "12"
    assert admin.get("/api/lms/courses/?page_size=ten").status_code == 200  # DRF: the default page size


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


def test_a_method_the_route_does_not_have_is_405_with_allow(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    cases = [
        ("DELETE", "/api/lms/courses/", "GET, POST, HEAD, OPTIONS"),
        ("PUT", "/api/lms/courses", "GET, POST, HEAD, OPTIONS"),
        ("POST", f"/api/lms/courses/{course['id']}/", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
        ("POST", "/api/lms/courses/most_popular/", "GET, HEAD, OPTIONS"),  # the action, not courses/{id}
        ("GET", f"/api/lms/courses/{course['id']}/faqs/reorder/", "POST, OPTIONS"),
    ]
    for method, path, allow in cases:
        response = admin.request(method, path, json={} if method != "GET" else None)
        assert_error(response, 405, {"detail": f'Method "{method}" not allowed.'})
        assert response.headers["allow"] == allow, (method, path)
    anonymous = tenant.anonymous()  # the method check comes before authentication, as in DRF
    assert_error(anonymous.delete("/api/lms/courses/"), 405, {"detail": 'Method "DELETE" not allowed.'})


def test_options_answers_with_allow_and_head_works_where_get_does(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    response = tenant.anonymous().request("OPTIONS", "/api/lms/courses/")
    assert response.status_code == 200
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.json()["renders"] == ["application/json"]
    assert "application/json" in response.json()["parses"]
    assert admin.request("OPTIONS", f"/api/lms/courses/{course['id']}").headers["allow"] == \
        "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
    assert_error(admin.request("OPTIONS", "/api/lms/nope/"), 404, NOT_FOUND)
    for path in (f"/api/lms/courses/{course['id']}/", "/api/lms/courses/", "/api/health/"):
        got, head = admin.get(path), admin.request("HEAD", path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"]
    assert admin.request("HEAD", "/api/lms/courses/999999/").status_code == 404
    assert admin.request("HEAD", f"/api/lms/courses/{course['id']}/faqs/reorder/").status_code == 405


def test_bodies_in_other_media_types_are_415_and_forms_are_accepted(tenant):
    admin = tenant.admin()
    for content_type in ("application/xml", "text/plain; charset=utf-8"):
        response = admin.post("/api/lms/categories/", content=b"<name>X</name>", headers={"content-type": content_type})
        assert_error(response, 415, {"detail": f'Unsupported media type "{content_type}" in request.'})
    # curl -d 'name=X': form-encoded, as DRF's FormParser takes it (values are strings, like QueryDict's)
    created = admin.post("/api/lms/categories/", content=b"name=Form+made&description=caf%C3%A9",
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Form made" and created.json()["description"] == "café"
    category = created.json()["id"]
    course = admin.post("/api/lms/courses/",
                        content=f"title=Formed&description=By+form&category_id={category}&status=Draft".encode(),
                        headers={"content-type": "application/x-www-form-urlencoded"})
    assert course.status_code == 201, course.text
    assert course.json()["title"] == "Formed"
    patched = admin.patch(f"/api/lms/categories/{category}/", content=b"name=Renamed",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert patched.status_code == 200 and patched.json()["name"] == "Renamed"
    # Routes whose service parses the body itself (uploads: JSON, form or multipart) judge it there, alike.
    response = admin.post(f"/api/lms/courses/{course.json()['id']}/resources/", content=b"<x/>",
                          headers={"content-type": "application/xml"})
    assert_error(response, 415, {"detail": 'Unsupported media type "application/xml" in request.'})


def test_json_arrays_and_non_utf8_bodies_get_drf_errors(tenant):
    admin = tenant.admin()
    for body in (b"[1, 2]", b'[{"name": "x"}]', b"[]"):
        response = admin.post("/api/lms/categories/", content=body, headers={"content-type": "application/json"})
        assert_error(response, 400, {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
    for body in (b'{"name": "\xff\xfe"}', b'{"name": "\xff', b"\xc3\x28\xa0\xa1"):
        response = admin.post("/api/lms/categories/", content=body, headers={"content-type": "application/json"})
        data = assert_error(response, 400, fields=["detail"])  # the body parses as JSON
        assert data["detail"].startswith("JSON parse error - ")


def test_long_query_strings_and_tokens_up_to_the_limit_work_and_beyond_it_are_431(tenant):
    admin = tenant.admin()
    for size in (9_000, 20_000, 30_000):
        response = admin.get("/api/lms/courses/", params={"search": "a" * size})
        assert response.status_code == 200, (size, response.status_code, response.text[:200])
        response = tenant.anonymous().get("/api/lms/courses/", headers={"authorization": "Bearer " + "a" * size})
        assert_error(response, 401, {"detail": "Given token not valid for any token type"})
    too_large = {"detail": "Request header fields too large: the URL (query string included), the token and "
                           "the other headers may total at most 32 KiB."}
    for size in (40_000, 60_000):
        assert_error(admin.get("/api/lms/courses/", params={"search": "a" * size}), 431, too_large)
        assert_error(tenant.anonymous().get("/api/lms/courses/", headers={"authorization": "Bearer " + "a" * size}),
                     431, too_large)


def test_headers_grpc_cannot_carry_or_only_envoy_may_set_are_dropped(tenant):
    admin = tenant.admin()
    make_course(admin)
    make_course(admin)
    hostile = [("x|y", "1"), ("grpc-timeout", "1n"), ("x-trace-bin", "!!!not base64"), ("grpc-encoding", "zip"),
               ("x-envoy-original-path", "/evil/?page=9"), ("x-envoy-external-address", "203.0.113.9"),
               ("x-envoy-retry-on", "5xx"), ("x-note", "caf\xe9"), ("x-tab", "a\tb")]
    for name, value in hostile:
        for path in ("/api/health/", "/api/lms/courses/?page_size=1"):
            response = admin.http.get(path, headers=[(name.encode(), value.encode("latin-1"))])
            assert response.status_code == 200, (name, path, response.status_code, response.text)
        assert admin.post("/api/lms/categories/", {"name": f"H {name}"},
                          headers=[(name.encode(), value.encode("latin-1"))]).status_code == 201, name
    # the pagination link is built from the path Envoy saw, not one the client claimed
    response = admin.http.get("/api/lms/courses/?page_size=1", headers={"x-envoy-original-path": "/evil/?page=9"})
    assert "/api/lms/courses/" in response.json()["next"] and "evil" not in response.json()["next"]


def test_native_grpc_through_the_edge_keeps_its_deadline_and_binary_metadata(stack):
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(f"127.0.0.1:{stack.edge_port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=10,  # sent as grpc-timeout
                           metadata=(("x-trace-bin", b"\x00\xff\x10"), ("x-note", "fine")))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING

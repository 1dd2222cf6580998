"""Browser clients on another origin (LMS_CORS_*; the test stack allows http://localhost:<any port>):
Envoy answers preflights and adds the CORS headers to every response, errors included; a page from
an allowed origin calls the API with a bearer token in headless Chromium, and one from an origin
not allowed is refused by the browser."""
import contextlib
import http.server
import threading

import pytest

from tests.helpers import make_course
from tests.stack import free_port

PAGE = b"<!doctype html><html><head><title>client</title></head><body>LMS web client</body></html>"
CALL = """async ([url, token]) => {
  try {
    const response = await fetch(url, {headers: {Authorization: 'Bearer ' + token}});
    return {status: response.status, body: await response.json(), retryAfter: response.headers.get('retry-after')};
  } catch (error) {
    return {error: String(error)};
  }
}"""


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _page_server():
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()


def test_preflights_and_every_response_carry_cors_headers(tenant):
    admin = tenant.admin()
    origin = "http://localhost:8123"
    preflight = admin.http.options("/api/lms/courses/", headers={
        "origin": origin, "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" in preflight.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in preflight.headers  # LMS_CORS_ALLOW_CREDENTIALS unset
    anonymous = tenant.anonymous()
    responses = [
        admin.get("/api/lms/courses/", headers={"origin": origin}),  # 200
        admin.post("/api/lms/categories/", {"name": "Cors"}, headers={"origin": origin}),  # 201
        anonymous.post("/api/lms/categories/", {"name": "x"}, headers={"origin": origin}),  # 401 from a worker
        admin.get("/api/lms/nope/", headers={"origin": origin}),  # 404 from the transcoder
        admin.delete("/api/lms/courses/", headers={"origin": origin}),  # 405 from the edge
        admin.post("/api/lms/categories/", content=b"<x/>", headers={"origin": origin,
                                                                     "content-type": "application/xml"}),  # 415
    ]
    assert [r.status_code for r in responses] == [200, 201, 401, 404, 405, 415]
    for response in responses:
        assert response.headers["access-control-allow-origin"] == origin, response.request.url
        assert "retry-after" in response.headers["access-control-expose-headers"]
    refused = admin.get("/api/lms/courses/", headers={"origin": "http://evil.example"})
    assert refused.status_code == 200 and "access-control-allow-origin" not in refused.headers
    preflight = admin.http.options("/api/lms/courses/", headers={
        "origin": "http://evil.example", "access-control-request-method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.slow
def test_a_page_on_another_origin_calls_the_api_in_chromium(stack, tenant):
    from playwright.sync_api import sync_playwright

    admin = tenant.admin()
    course = make_course(admin)
    url = f"{stack.edge_url}/api/lms/courses/{course['id']}/"
    with _page_server() as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page()
            page.goto(f"http://localhost:{port}/")  # an allowed origin (LMS_CORS_ALLOWED_ORIGIN_REGEXES)
            result = page.evaluate(CALL, [url, admin.token])
            assert result.get("status") == 200, result
            assert result["body"]["title"] == course["title"]
            result = page.evaluate(CALL, [f"{stack.edge_url}/api/lms/courses/999999/", admin.token])
            assert result == {"status": 404, "body": {"detail": "Not found."}, "retryAfter": None}
            page.goto(f"http://127.0.0.1:{port}/")  # the same page from an origin that is not allowed
            result = page.evaluate(CALL, [url, admin.token])
            assert "error" in result and "Failed to fetch" in result["error"], result
        finally:
            browser.close()

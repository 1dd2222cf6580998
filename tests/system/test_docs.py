"""The generated OpenAPI document and the Swagger UI that renders it, served offline by the service."""
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers import NOT_FOUND, assert_error

ROOT = Path(__file__).resolve().parents[2]


def test_schema_is_the_generated_document(stack):
    response = stack.client().get("/api/schema/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == json.loads((ROOT / "server/lms/system/openapi.json").read_text())


def test_docs_page_and_assets_are_served_locally(stack):
    client = stack.client()
    page = client.get("/api/docs/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/schema/" in page.text and "cdn" not in page.text.lower() and "http" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        response = client.get(f"/api/docs/{asset}")
        assert response.status_code == 200 and len(response.content) > 1000
        assert "charset=utf-8" in response.headers["content-type"]
    assert_error(client.get("/api/docs/../../etc/passwd"), 404, NOT_FOUND)
    assert_error(client.get("/api/docs/secrets.txt"), 404, NOT_FOUND)


def test_swagger_ui_renders_the_schema_in_a_real_browser(stack):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is required (apt-get install chromium); .ci/run installs it")
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom",
             f"{stack.edge_url}/api/docs/"],
            capture_output=True, text=True, timeout=120)
    dom = result.stdout
    assert "swagger-ui" in dom, result.stderr[-2000:]
    assert "opblock" in dom, "no operations rendered"
    for path in ("/api/lms/courses/", "/api/lms/categories/", "/api/health/"):
        assert path in dom, path

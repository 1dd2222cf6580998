"""Generated files are current, the protos lint clean, and the OpenAPI document describes the API."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_files_are_not_stale():
    result = subprocess.run([sys.executable, "-m", "tools.codegen", "--check"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_lint_passes():
    buf = Path(sys.executable).with_name("buf")
    result = subprocess.run([str(buf), "lint"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_openapi_document_has_routes_bodies_and_schemas():
    document = json.loads((ROOT / "server/lms/system/openapi.json").read_text())
    assert document["openapi"].startswith("3.1")
    courses = document["paths"]["/api/lms/courses/"]
    assert set(courses) == {"get", "post"}
    assert {p["name"] for p in courses["get"]["parameters"] if "name" in p} >= {"page", "page_size"}
    assert "201" in courses["post"]["responses"]
    assert courses["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/courses.v1.CourseInput"}
    listed = courses["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    envelope = document["components"]["schemas"][listed["$ref"].rsplit("/", 1)[1]]
    assert envelope["properties"]["next"]["type"] == ["string", "null"]
    categories = document["paths"]["/api/lms/categories/"]["get"]["responses"]["200"]
    assert categories["content"]["application/json"]["schema"]["type"] == "array"
    detail = document["paths"]["/api/lms/courses/{course_id}/"]
    assert set(detail) == {"get", "put", "patch", "delete"}
    assert "204" in detail["delete"]["responses"]
    assert detail["get"]["security"] == [{}, {"bearerAuth": []}]  # anonymous catalogue access
    course = document["components"]["schemas"]["courses.v1.Course"]
    assert "title" in course["required"] and course["properties"]["price"]["type"] == "string"

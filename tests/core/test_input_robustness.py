"""Input robustness and DRF parity through the edge (issue 14): bounded text, int32 integers, NUL characters,
`null`, lists and scalars as DRF's serializers treat them, pagination, and the document's own examples."""
from __future__ import annotations

import json

import grpc
from google.protobuf import struct_pb2

from lms.courses.v1 import categories_pb2, categories_pb2_grpc
from lms.platform.auth import mint_token
from tests.helpers import assert_error, enroll, make_category, make_course, make_lesson, make_module
from tests.stack import SECRET

INT32_MAX_MESSAGE = "Ensure this value is less than or equal to 2147483647."


def test_every_text_field_has_a_bound_with_drfs_message(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    faqs = f"/api/lms/courses/{course['id']}/faqs/"
    assert_error(admin.post(faqs, {"question": "Q?", "answer": "x" * 65_537}), 400,
                 {"answer": ["Ensure this field has no more than 65536 characters."]})
    assert admin.post(faqs, {"question": "Q?", "answer": "x" * 65_536}).status_code == 201
    assert_error(admin.post(faqs, {"question": "q" * 501, "answer": "A"}), 400,
                 {"question": ["Ensure this field has no more than 500 characters."]})
    assert_error(admin.patch(f"/api/lms/courses/{course['id']}/", {"description": "d" * 65_537}), 400,
                 {"description": ["Ensure this field has no more than 65536 characters."]})
    module = make_module(admin, course["id"])
    lessons = f"/api/lms/courses/{course['id']}/modules/{module['id']}/lessons/"
    assert_error(admin.post(lessons, {"title": "L", "content_text": "t" * 65_537}), 400,
                 {"content_text": ["Ensure this field has no more than 65536 characters."]})
    # The largest legal rows still list (a page of them is within the edge's buffers).
    for _ in range(3):
        assert admin.post(faqs, {"question": "Q" * 500, "answer": "y" * 65_536}).status_code == 201
    listed = admin.get(faqs)
    assert listed.status_code == 200 and len(listed.json()) == 4
    assert admin.get(f"/api/lms/courses/{course['id']}/").status_code == 200


def test_integers_beyond_int32_are_the_fields_error(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    for value in (2_147_483_648, 99999999999999999999):
        assert_error(admin.post("/api/lms/assignments/", {"title": "A", "course": value}), 400,
                     {"course": [INT32_MAX_MESSAGE]})
        assert_error(admin.post("/api/lms/learning-paths/", {"title": "P", "course_ids": [value]}), 400,
                     {"course_ids": [INT32_MAX_MESSAGE]})
        assert_error(admin.post(f"/api/lms/courses/{course['id']}/modules/", {"title": "M", "order": value}), 400,
                     {"order": [INT32_MAX_MESSAGE]})
        assert_error(admin.post("/api/lms/courses/", {"title": "T", "description": "", "category_id": value}),
                     400, fields=["category_id"])
    assert_error(admin.post("/api/lms/assignments/", {"title": "A", "course": "abc"}), 400,
                 {"course": ["A valid integer is required."]})


def test_null_characters_are_rejected(tenant):
    admin = tenant.admin()
    assert_error(admin.get("/api/lms/courses/?search=a%00b"), 400, {"search": ["Null characters are not allowed."]})
    assert_error(admin.post("/api/lms/categories/", {"name": "a\x00b"}), 400,
                 {"name": ["Null characters are not allowed."]})
    course = make_course(admin)
    assert_error(admin.post(f"/api/lms/courses/{course['id']}/faqs/", {"question": "Q", "answer": "a\x00"}), 400,
                 {"answer": ["Null characters are not allowed."]})
    for claims in ({"user_id": "ev\x00il"}, {"user_id": "someone", "first_name": "N\x00"}):
        token = mint_token(SECRET, tenant_id=tenant.id, roles=["student"], **claims)
        response = admin.http.get("/api/lms/courses/", headers={"Authorization": f"Bearer {token}"})
        assert_error(response, 401, {"detail": "Given token not valid for any token type"})


def test_null_lists_and_scalars_are_treated_as_drf_does(tenant):
    admin = tenant.admin()
    category = make_category(admin, name="Programming")
    url = f"/api/lms/categories/{category['id']}/"
    assert_error(admin.patch(url, {"name": None}), 400, {"name": ["This field may not be null."]})
    assert admin.get(url).json()["name"] == "Programming"  # nothing changed
    assert_error(admin.patch(url, {"name": {"a": 1}}), 400, {"name": ["Not a valid string."]})
    assert_error(admin.patch(url, {"name": ["x"]}), 400, {"name": ["Not a valid string."]})
    assert admin.patch(url, {"description": 2024}).json()["description"] == "2024"  # CharField takes numbers
    course = make_course(admin, category_id=category["id"])
    bulk = f"/api/lms/enrollments/course/{course['id']}/bulk/"
    assert_error(admin.post(bulk, {"user_ids": "ghost"}), 400,
                 {"user_ids": ['Expected a list of items but got type "str".']})
    assert_error(admin.post(bulk, {"user_ids": 5}), 400, {"user_ids": ['Expected a list of items but got type "int".']})
    assert admin.get(f"/api/lms/enrollments/course/{course['id']}/").json()["count"] == 0  # no "ghost"
    assert admin.post(bulk, {"user_ids": ["ada", 42]}).json()["created"] == 2
    module = make_module(admin, course["id"], title=7)
    assert module["title"] == "7"
    assert_error(admin.post("/api/lms/assignments/", {"title": "A", "course": course["id"], "module": [1]}), 400,
                 {"module": ["A valid integer is required."]})
    assert_error(admin.post(f"/api/lms/courses/{course['id']}/modules/", {"title": None}), 400,
                 {"title": ["This field may not be null."]})
    # Reorder items are checked field by field, in DRF's nested shape.
    resources = f"/api/lms/courses/{course['id']}/resources/"
    first = admin.post(resources, {"title": "A", "resource_type": "link", "url": "https://example.com/a"}).json()
    assert_error(admin.post(resources + "reorder/", {"resources": [{"id": first["id"], "order": None}]}), 400,
                 {"resources": [{"order": ["This field may not be null."]}]})
    assert_error(admin.post(resources + "reorder/", {"resources": [{"id": "x", "order": 1}]}), 400,
                 {"resources": [{"id": ["A valid integer is required."]}]})


def test_grpc_callers_send_json_values_for_writable_fields(stack, tenant):
    admin = tenant.admin()
    stub = categories_pb2_grpc.CategoryServiceStub(stack.channel())
    created = stub.CreateCategory(categories_pb2.CreateCategoryRequest(
        category=categories_pb2.CategoryInput(name=struct_pb2.Value(string_value="Data Science"))),
        metadata=admin.metadata)
    assert created.name == "Data Science"
    try:
        stub.UpdateCategory(categories_pb2.UpdateCategoryRequest(
            category_id=created.id, category=categories_pb2.CategoryInput(
                name=struct_pb2.Value(null_value=struct_pb2.NULL_VALUE))), metadata=admin.metadata)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "This field may not be null." in error.details() or error.details()
    else:
        raise AssertionError("a null name was accepted")


def test_pagination_is_drfs_page_number_pagination(tenant):
    admin = tenant.admin()
    for _ in range(3):
        make_course(admin)
    assert_error(admin.get("/api/lms/courses/?page=0"), 404, {"detail": "Invalid page."})
    assert_error(admin.get("/api/lms/courses/?page=2"), 404, {"detail": "Invalid page."})
    for size in ("0", "-3"):
        page = admin.get(f"/api/lms/courses/?page_size={size}").json()
        assert page["count"] == 3 and len(page["results"]) == 3
    # Text where an integer is expected: DRF's 404 for a page, its default size for a page size (the
    # transcoder would answer 400 for the int32 fields; the edge reads them as DRF does).
    for page in ("abc", "1.5", "", "99999999999", "-99999999999", "1__0"):
        assert_error(admin.get("/api/lms/courses/", params={"page": page}), 404, {"detail": "Invalid page."})
    for page in (" 1", "+1", "01"):  # what Python's int() reads
        assert admin.get("/api/lms/courses/", params={"page": page}).json()["count"] == 3
    for size in ("abc", "", "2.5", "-99999999999"):
        page = admin.get("/api/lms/courses/", params={"page_size": size}).json()
        assert len(page["results"]) == 3 and page["next"] is None
    assert len(admin.get("/api/lms/courses/", params={"page_size": "99999999999"}).json()["results"]) == 3
    second = admin.get("/api/lms/courses/", params={"page": "2", "page_size": " 2"}).json()
    assert len(second["results"]) == 1 and "page_size=2" in second["previous"]


def test_null_for_a_typed_body_field_is_a_field_error(tenant):
    """Fields the transcoder parses (not JSON values) used to take null as absent; DRF refuses it."""
    admin, student = tenant.admin(), tenant.student()
    course = make_course(admin)
    lesson = make_lesson(admin, course["id"], make_module(admin, course["id"])["id"])
    enrollment = enroll(student, course["id"])
    url = f"/api/lms/enrollments/{enrollment['id']}/"
    assert_error(admin.patch(url, {"is_active": None}), 400, {"is_active": ["This field may not be null."]})
    assert_error(admin.patch(url, {"isActive": None}), 400, {"isActive": ["This field may not be null."]})
    assert admin.get(url).json()["is_active"] is True  # nothing changed
    assert admin.patch(url, {"is_active": True, "unknown": None}).status_code == 200  # not a typed field
    assert_error(admin.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {"user_id": None}), 400,
                 {"user_id": ["This field may not be null."]})
    assert_error(admin.post(f"/api/lms/courses/{course['id']}/instructors/", {"user_id": None}), 400,
                 {"user_id": ["This field may not be null."]})
    completion = "/api/lms/enrollments/lesson-completion/"
    assert_error(student.post(completion, {"lesson": None}), 400, {"lesson": ["This field may not be null."]})
    assert_error(student.post(completion, {"lesson": None, "x": {"lesson": None}}), 400,
                 {"lesson": ["This field may not be null."]})
    # null inside a nested value, or the text "null", is not a null field
    assert student.post(completion, {"lesson": lesson["id"], "x": {"lesson": None}}).status_code == 201
    named_null = admin.post(f"/api/lms/courses/{course['id']}/instructors/", {"user_id": "null"})
    assert named_null.json() != {"user_id": ["This field may not be null."]}, named_null.text


def test_the_documents_resource_example_works_without_a_file(tenant):
    from tests.files import samples

    admin = tenant.admin()
    course = make_course(admin)
    url = f"/api/lms/courses/{course['id']}/resources/"
    created = admin.post(url, {"title": "Python Cheat Sheet", "resource_type": "file", "order": 1})
    assert created.status_code == 201, created.text
    resource = created.json()
    assert resource["file_url"] is None and resource["resource_type"] == "file"
    patched = admin.http.patch(f"{url}{resource['id']}/", files={"file": ("cheat_sheet.pdf", samples.pdf())})
    assert patched.status_code == 200, patched.text
    assert patched.json()["file_url"].endswith("_cheat_sheet.pdf")
    link = admin.post(url, {"title": "Docs", "resource_type": "link", "url": "https://docs.python.org/"}).json()
    assert link["file_url"] is None


def test_submissions_take_source_code_and_plain_text(tenant):
    from tests.assignments.helpers import classroom, make_assignment
    from tests.files import samples

    teacher, course, _module, student = classroom(tenant)
    assignment = make_assignment(teacher, course["id"])
    source = b"def greet(name):\n    return f'Hello, {name}!'\n\nprint(greet('World'))\n"
    submitted = student.http.post("/api/lms/assignment-submissions/", data={"assignment": str(assignment["id"])},
                                  files={"submission_file": ("solution.py", source, "text/x-python")})
    assert submitted.status_code == 201, submitted.text
    url = submitted.json()["submission_file_url"]
    assert url.endswith("_solution.py")
    download = teacher.get(url.split(teacher.stack.edge_url, 1)[1])
    assert download.content == source and download.headers["content-type"].startswith("text/plain")
    assert download.headers["x-content-type-options"] == "nosniff"
    # A notebook is JSON text; markup is kept as text under a .txt name; binary never passes as text.
    notebook = json.dumps({"cells": [], "nbformat": 4}).encode()
    again = student.http.post("/api/lms/assignment-submissions/", data={"assignment": str(assignment["id"])},
                              files={"submission_file": ("analysis.ipynb", notebook)})
    assert again.status_code == 200 and again.json()["submission_file_url"].endswith("_analysis.ipynb")
    page = student.http.post("/api/lms/assignment-submissions/", data={"assignment": str(assignment["id"])},
                             files={"submission_file": ("page.html", b"<script>alert(1)</script>")})
    assert page.status_code == 200 and page.json()["submission_file_url"].endswith("_page.txt")
    binary = student.http.post("/api/lms/assignment-submissions/", data={"assignment": str(assignment["id"])},
                               files={"submission_file": ("solution.py", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64)})
    assert_error(binary, 400, fields=["submission_file"])
    archive = student.http.post("/api/lms/assignment-submissions/", data={"assignment": str(assignment["id"])},
                                files={"submission_file": ("code.zip", samples.scorm_zip(20_000))})
    assert archive.status_code == 200, archive.text

"""File resources through the edge: the document's multipart example, the file rules in the documented
error shapes, replacing and deleting files, with nothing left behind by a failure or a deletion."""
import json
import re
import subprocess

import pytest

from tests.files import samples
from tests.files.helpers import enroll, local_objects, path_of, register_rows
from tests.files.test_parser import BOUNDARY, form
from tests.helpers import FORBIDDEN, FORBIDDEN_NOT_ENROLLED, NOT_FOUND, UNAUTHENTICATED, assert_error, make_course

MiB = 1024 * 1024
CONTENT_TYPES_MESSAGE = ("Unsupported file type. Allowed types: PDF, DOCX, DOC (max 10 MB); JPG, PNG, GIF (max 5 MB); "
                         "MP4, WebM (max 100 MB).")
LINK_MESSAGE = "A link resource cannot have an uploaded file; only file resources can."


def resources_url(course_id: int) -> str:
    return f"/api/lms/courses/{course_id}/resources/"


def create_file_resource(actor, course_id: int, data: bytes, filename: str = "manual.pdf", **fields):
    form = {"title": "Course Manual", "resource_type": "file", **fields}
    return actor.post(resources_url(course_id), data=form, files={"file": (filename, data)})


def send_parts(actor, method: str, path: str, parts: list[tuple[str, str | None, bytes]]):
    """A multipart body with the parts in this order (filename None: a text field; "": an empty file input)."""
    return actor.http.request(method, path, content=form(parts),
                              headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})


def key_of(url: str) -> str:
    return url.split("/api/lms/files/", 1)[1]


def assert_nothing_stored(tenant, course_id: int) -> None:
    """No object, no register row, no resource."""
    assert local_objects(tenant.stack, tenant.id) == []
    assert register_rows(tenant.stack, tenant.id) == []
    assert tenant.stack.sql("SELECT id FROM resources WHERE course_id = :c", c=course_id) == []


def test_the_documented_curl_upload_creates_a_file_resource(tenant, tmp_path):
    admin = tenant.admin()
    course = make_course(admin, title="Introduction to Python Programming")
    data = samples.pdf(400_000)
    (tmp_path / "manual.pdf").write_bytes(data)
    result = subprocess.run(
        ["curl", "-sS", "-X", "POST", f"{tenant.stack.edge_url}/api/lms/courses/{course['id']}/resources/",
         "-H", f"Authorization: Bearer {admin.token}", "-F", "title=Course Manual", "-F", "resource_type=file",
         "-F", f"file=@{tmp_path / 'manual.pdf'}", "-w", "\n%{http_code}"],
        capture_output=True, text=True, timeout=60)
    body, _, status = result.stdout.rpartition("\n")
    assert (result.returncode, status) == (0, "201"), (result.stderr, result.stdout)
    resource = json.loads(body)
    assert resource == {"id": resource["id"], "title": "Course Manual", "resource_type": "file", "url": "",
                        "file_url": resource["file_url"], "order": 1}
    assert re.match(rf"^{tenant.stack.edge_url}/api/lms/files/courses/{tenant.id}/introduction-to-python-programming/"
                    r"resources/[0-9a-f]{16}_manual\.pdf$", resource["file_url"])
    download = admin.get(path_of(resource["file_url"]))
    assert (download.status_code, download.headers["content-type"]) == (200, "application/pdf")
    assert download.content == data
    # The list, the resource and the course detail show the same working URL.
    assert admin.get(resources_url(course["id"])).json() == [resource]
    assert admin.get(f"{resources_url(course['id'])}{resource['id']}/").json() == resource
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["resources"] == [resource]
    assert local_objects(tenant.stack, tenant.id) == [key_of(resource["file_url"])]
    assert register_rows(tenant.stack, tenant.id) == [(key_of(resource["file_url"]), "active")]


@pytest.mark.parametrize("build,filename,content_type", [
    (samples.docx, "syllabus.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.doc, "old notes.doc", "application/msword"),
    (samples.png, "diagram.png", "image/png"),
    (samples.webm, "demo.webm", "video/webm"),
], ids=["DOCX", "DOC", "PNG", "WebM"])
def test_documents_images_and_videos_round_trip_byte_for_byte(tenant, build, filename, content_type):
    admin = tenant.admin()
    course = make_course(admin)
    data = build()
    response = create_file_resource(admin, course["id"], data, filename, order="1")
    assert response.status_code == 201, response.text
    resource = response.json()
    assert (resource["resource_type"], resource["order"]) == ("file", 1)
    assert resource["file_url"].endswith("_" + filename.replace(" ", "_"))
    download = admin.get(path_of(resource["file_url"]))
    assert (download.headers["content-type"], download.content) == (content_type, data)


def test_enrolled_students_download_resources_others_do_not(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    data = samples.pdf()
    resource = create_file_resource(admin, course["id"], data).json()
    path = path_of(resource["file_url"])
    student = tenant.student()
    assert_error(student.get(resources_url(course["id"])), 403, FORBIDDEN_NOT_ENROLLED)
    assert_error(student.get(path), 403, FORBIDDEN)
    assert_error(tenant.anonymous().get(path), 401, UNAUTHENTICATED)
    enroll(tenant.stack, tenant.id, course["id"], student.user_id)
    assert student.get(resources_url(course["id"])).json() == [resource]
    assert student.get(path).content == data


def test_links_as_form_fields_and_json_need_no_file(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    urlencoded = admin.post(resources_url(course["id"]), data={
        "title": "Docs", "resource_type": "link", "url": "https://docs.python.org/3/"})
    assert urlencoded.status_code == 201, urlencoded.text
    # An HTML form with an empty file input: the browser sends the part with filename="" and no bytes.
    multipart = send_parts(admin, "POST", resources_url(course["id"]), [
        ("title", None, b"Tutorial"), ("resource_type", None, b"link"),
        ("url", None, b"https://docs.python.org/3/tutorial/"), ("file", "", b"")])
    assert multipart.status_code == 201, multipart.text
    assert multipart.json() == {"id": multipart.json()["id"], "title": "Tutorial", "resource_type": "link",
                                "url": "https://docs.python.org/3/tutorial/", "file_url": None, "order": 2}
    as_json = admin.post(resources_url(course["id"]), {"title": "PEP 8", "resource_type": "link",
                                                       "url": "https://peps.python.org/pep-0008/", "order": None})
    assert as_json.status_code == 201 and as_json.json()["order"] == 3
    assert local_objects(tenant.stack, tenant.id) == []


@pytest.mark.parametrize("case", ["empty_file", "wrong_type", "zip", "link_with_file",
                                  "link_after_file", "text_field_as_file", "bad_title", "bad_order"])
def test_bad_uploads_are_400_and_leave_nothing(tenant, case):
    admin = tenant.admin()
    course = make_course(admin)
    url = resources_url(course["id"])
    pdf = ("manual.pdf", samples.pdf())
    kwargs, expected = {
        "empty_file": ({"data": {"title": "Manual", "resource_type": "file"}, "files": {"file": ("a.pdf", b"")}},
                       {"file": ["The submitted file is empty."]}),
        "wrong_type": ({"data": {"title": "Manual", "resource_type": "file"},
                        "files": {"file": ("manual.pdf", b"MZ\x90\x00" + bytes(5000))}},
                       {"file": [CONTENT_TYPES_MESSAGE]}),
        "zip": ({"data": {"title": "Package", "resource_type": "file"},
                 "files": {"file": ("package.zip", samples.scorm_zip())}}, {"file": [CONTENT_TYPES_MESSAGE]}),
        "link_with_file": ({"data": {"title": "Docs", "resource_type": "link", "url": "https://docs.python.org/"},
                            "files": {"file": pdf}}, {"file": [LINK_MESSAGE]}),
        # The type comes after the file: the file is stored, then refused and removed.
        "link_after_file": ({"parts": [("file", *pdf), ("title", None, b"Docs"), ("resource_type", None, b"link"),
                                       ("url", None, b"https://docs.python.org/")]}, {"file": [LINK_MESSAGE]}),
        "text_field_as_file": ({"data": {"title": "Manual", "resource_type": "file", "file": "manual.pdf"},
                                "files": {"other": ("x.txt", b"x")}},
                               {"file": ["The submitted data was not a file. Check the encoding type on the form."]}),
        "bad_title": ({"data": {"title": "x" * 201, "resource_type": "file"}, "files": {"file": pdf}},
                      {"title": ["Ensure this field has no more than 200 characters."]}),
        "bad_order": ({"data": {"title": "Manual", "resource_type": "file", "order": "first"},
                       "files": {"file": pdf}}, {"order": ["A valid integer is required."]}),
    }[case]
    if "parts" in kwargs:
        response = send_parts(admin, "POST", url, kwargs["parts"])
    else:
        response = admin.post(url, **kwargs)
    assert_error(response, 400, expected)
    assert_nothing_stored(tenant, course["id"])


def test_too_large_is_413_and_leaves_nothing(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    response = create_file_resource(admin, course["id"], samples.pdf(10 * MiB + 1), "huge.pdf")
    assert_error(response, 413, {"detail": "The file is too large: PDF files may be at most 10 MB."})
    assert_nothing_stored(tenant, course["id"])
    response = create_file_resource(admin, course["id"], samples.png(5 * MiB + 1), "huge.png")
    assert_error(response, 413, {"detail": "The file is too large: PNG files may be at most 5 MB."})
    assert_nothing_stored(tenant, course["id"])


def test_only_the_course_staff_upload(tenant, other_tenant):
    teacher = tenant.instructor()
    course = make_course(teacher)
    for outsider in (tenant.student(), tenant.instructor()):
        assert_error(create_file_resource(outsider, course["id"], samples.pdf()), 403, FORBIDDEN)
    assert_error(create_file_resource(tenant.anonymous(), course["id"], samples.pdf()), 401, UNAUTHENTICATED)
    assert_error(create_file_resource(other_tenant.admin(), course["id"], samples.pdf()), 404, NOT_FOUND)
    assert_error(create_file_resource(teacher, 99999999, samples.pdf()), 404, NOT_FOUND)
    assert_nothing_stored(tenant, course["id"])
    assert create_file_resource(teacher, course["id"], samples.pdf()).status_code == 201


def test_replace_the_file_with_patch_or_put_and_the_old_one_goes(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    first = create_file_resource(admin, course["id"], samples.pdf()).json()
    url = f"{resources_url(course['id'])}{first['id']}/"
    # PATCH without a file changes fields and keeps the file (as JSON and as a form).
    renamed = admin.patch(url, {"title": "Manual v1"})
    assert renamed.json() == {**first, "title": "Manual v1"}
    assert send_parts(admin, "PATCH", url, [("order", None, b"1"), ("file", "", b"")]).json() == renamed.json()

    second_data = samples.docx()
    patched = admin.patch(url, data={"title": "Manual v2"}, files={"file": ("manual.docx", second_data)})
    assert patched.status_code == 200, patched.text
    second = patched.json()
    assert {**second, "file_url": None} == {**first, "title": "Manual v2", "file_url": None}
    assert second["file_url"] != first["file_url"] and second["file_url"].endswith("_manual.docx")
    assert admin.get(path_of(second["file_url"])).content == second_data
    assert_error(admin.get(path_of(first["file_url"])), 404, NOT_FOUND)
    assert local_objects(tenant.stack, tenant.id) == [key_of(second["file_url"])]

    third_data = samples.mp4()
    replaced = admin.put(url, data={"title": "Manual video", "resource_type": "file"},
                         files={"file": ("manual.mp4", third_data)})
    assert replaced.status_code == 200, replaced.text
    third = replaced.json()
    assert admin.get(path_of(third["file_url"])).content == third_data
    assert register_rows(tenant.stack, tenant.id) == [(key_of(third["file_url"]), "active")]
    assert local_objects(tenant.stack, tenant.id) == [key_of(third["file_url"])]
    # PUT without a file keeps the one the resource has.
    kept = admin.put(url, {"title": "Manual video", "resource_type": "file"})
    assert kept.status_code == 200 and kept.json() == third


def test_a_rejected_replacement_keeps_the_old_file(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    data = samples.pdf()
    resource = create_file_resource(admin, course["id"], data).json()
    url = f"{resources_url(course['id'])}{resource['id']}/"
    assert_error(admin.patch(url, files={"file": ("x.zip", samples.scorm_zip())}), 400,
                 {"file": [CONTENT_TYPES_MESSAGE]})
    assert_error(admin.patch(url, data={"title": ""}, files={"file": ("new.pdf", samples.pdf())}), 400,
                 {"title": ["This field may not be blank."]})
    assert_error(admin.patch(url, files={"file": ("big.pdf", samples.pdf(10 * MiB + 1))}), 413)
    assert_error(tenant.student().patch(url, files={"file": ("new.pdf", samples.pdf())}), 403, FORBIDDEN)
    assert admin.get(url).json() == resource
    assert admin.get(path_of(resource["file_url"])).content == data
    assert register_rows(tenant.stack, tenant.id) == [(key_of(resource["file_url"]), "active")]
    assert local_objects(tenant.stack, tenant.id) == [key_of(resource["file_url"])]


def test_links_and_files_switch_kinds(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    link = admin.post(resources_url(course["id"]), {"title": "Guide", "resource_type": "link",
                                                    "url": "https://docs.python.org/"}).json()
    url = f"{resources_url(course['id'])}{link['id']}/"
    assert_error(admin.patch(url, files={"file": ("guide.pdf", samples.pdf())}), 400, {"file": [LINK_MESSAGE]})
    assert local_objects(tenant.stack, tenant.id) == []
    as_file = admin.patch(url, data={"resource_type": "file"}, files={"file": ("guide.pdf", samples.pdf())})
    assert as_file.status_code == 200, as_file.text
    assert as_file.json()["file_url"].endswith("_guide.pdf")
    # Back to a link: the file is dropped and deleted.
    as_link = admin.patch(url, {"resource_type": "link", "url": "https://docs.python.org/3/"})
    assert as_link.status_code == 200, as_link.text
    assert as_link.json() == {**link, "url": "https://docs.python.org/3/"}
    assert_error(admin.get(path_of(as_file.json()["file_url"])), 404, NOT_FOUND)
    assert local_objects(tenant.stack, tenant.id) == [] and register_rows(tenant.stack, tenant.id) == []


def test_deleting_a_resource_deletes_its_file(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    doomed = create_file_resource(admin, course["id"], samples.pdf()).json()
    kept = create_file_resource(admin, course["id"], samples.png(), "kept.png").json()
    assert_error(tenant.student().delete(f"{resources_url(course['id'])}{doomed['id']}/"), 403, FORBIDDEN)
    response = admin.delete(f"{resources_url(course['id'])}{doomed['id']}/")
    assert response.status_code == 204 and response.content == b""
    assert_error(admin.get(path_of(doomed["file_url"])), 404, NOT_FOUND)
    assert local_objects(tenant.stack, tenant.id) == [key_of(kept["file_url"])]
    assert register_rows(tenant.stack, tenant.id) == [(key_of(kept["file_url"]), "active")]
    assert admin.get(resources_url(course["id"])).json() == [{**kept, "order": 1}]


def test_http2_clients_get_early_refusals_as_answers(tenant, tmp_path):
    """A link sent with a big file is refused as the file starts; HTTP/2 clients still get the 400."""
    admin = tenant.admin()
    course = make_course(admin)
    big = tmp_path / "big.pdf"
    big.write_bytes(samples.pdf(9 * MiB))
    for version in ("--http2-prior-knowledge", "--http1.1"):
        result = subprocess.run(
            ["curl", "-sS", version, "-o", "-", "-w", "\n%{http_code}", "-H", f"Authorization: Bearer {admin.token}",
             "-F", "title=Docs", "-F", "resource_type=link", "-F", "url=https://docs.python.org/",
             "-F", f"file=@{big}", f"{tenant.stack.edge_url}{resources_url(course['id'])}"],
            capture_output=True, text=True, timeout=120)
        body, _, status = result.stdout.rpartition("\n")
        assert (result.returncode, status) == (0, "400"), (version, result.stderr, result.stdout)
        assert json.loads(body) == {"file": [LINK_MESSAGE]}
    assert_nothing_stored(tenant, course["id"])

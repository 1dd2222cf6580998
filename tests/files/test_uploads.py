"""Uploads through the edge with local storage: every type round-trips, limits and wrong types are
rejected in the documented shapes and leave nothing behind, names are sanitised, rights are checked."""
import re
import subprocess

import pytest

from tests.files import samples
from tests.files.helpers import (
    ALL_TYPES_MESSAGE, IMAGE_MESSAGE, local_objects, path_of, register_rows, upload_media, upload_thumbnail,
)
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, make_course

MiB = 1024 * 1024
KEY = re.compile(r"^courses/(?P<tenant>[^/]+)/(?P<slug>[a-z0-9-]+)/(?P<kind>[a-z]+)/[0-9a-f]{16}_(?P<name>.+)$")


def assert_nothing_left(stack, tenant_id: str) -> None:
    assert local_objects(stack, tenant_id) == []
    assert register_rows(stack, tenant_id) == []


@pytest.mark.parametrize("name,build,filename,content_type", samples.ALL, ids=[s[0] for s in samples.ALL])
def test_each_allowed_type_round_trips_byte_for_byte(tenant, name, build, filename, content_type):
    admin = tenant.admin()
    course = make_course(admin, title="Introduction to Python Programming")
    data = build()
    response = upload_media(admin, course["id"], data, filename)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"key", "url", "filename", "content_type", "size"}
    assert (body["filename"], body["content_type"], body["size"]) == (filename, content_type, len(data))
    match = KEY.match(body["key"])
    assert match and match["tenant"] == tenant.id and match["slug"] == "introduction-to-python-programming"
    assert (match["kind"], match["name"]) == ("media", filename)
    assert body["url"] == f"{tenant.stack.edge_url}/api/lms/files/{body['key']}"
    download = admin.get(path_of(body["url"]))
    assert download.status_code == 200
    assert download.headers["content-type"] == content_type
    assert download.headers["accept-ranges"] == "bytes"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.content == data
    assert local_objects(tenant.stack, tenant.id) == [body["key"]]
    assert register_rows(tenant.stack, tenant.id) == [(body["key"], "active")]


def test_thumbnail_upload_replace_and_remove(tenant):
    admin = tenant.admin()
    course = make_course(admin, title="Data Science Fundamentals")
    first = samples.png()
    response = upload_thumbnail(admin, course["id"], first, "cover image.png")
    assert response.status_code == 200, response.text
    shown = response.json()
    assert {k: v for k, v in shown.items() if k not in ("thumbnail_url", "updated_at")} == \
           {k: v for k, v in course.items() if k not in ("thumbnail_url", "updated_at")}
    url = shown["thumbnail_url"]
    assert re.match(rf"^{tenant.stack.edge_url}/api/lms/files/courses/{tenant.id}/data-science-fundamentals/"
                    r"thumbnails/[0-9a-f]{16}_cover_image\.png$", url)
    # The URL works for everyone who can see the course: the list, the detail, anonymous visitors.
    listed = admin.get("/api/lms/courses/").json()["results"]
    assert [c["thumbnail_url"] for c in listed] == [url]
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["thumbnail_url"] == url
    public = tenant.anonymous().get(path_of(url))
    assert (public.status_code, public.headers["content-type"], public.content) == (200, "image/png", first)
    no_header = tenant.stack.client().get(path_of(url))  # an <img> tag sends no X-Tenant-ID: the key names it
    assert no_header.status_code == 200 and no_header.content == first

    second = samples.gif()
    replaced = upload_thumbnail(admin, course["id"], second, "cover.gif", "image/gif").json()["thumbnail_url"]
    assert replaced != url
    assert admin.get(path_of(replaced)).content == second
    assert_error(admin.get(path_of(url)), 404, NOT_FOUND)
    assert local_objects(tenant.stack, tenant.id) == [replaced.split("/api/lms/files/")[1]]

    removed = admin.delete(f"/api/lms/courses/{course['id']}/thumbnail/")
    assert removed.status_code == 204 and removed.content == b""
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["thumbnail_url"] == ""
    assert_nothing_left(tenant.stack, tenant.id)


@pytest.mark.parametrize("family", sorted(samples.LIMITS))
def test_each_limit_is_enforced_with_413_and_nothing_is_left(tenant, family):
    build, limit, type_name = samples.LIMITS[family]
    admin = tenant.admin()
    course = make_course(admin)
    response = upload_media(admin, course["id"], build(limit + 1), f"too-big.{type_name.lower()}")
    maximum = f"{limit // MiB} MB"
    assert_error(response, 413, {"detail": f"The file is too large: {type_name} files may be at most {maximum}."})
    assert_nothing_left(tenant.stack, tenant.id)


def test_files_at_the_limit_are_accepted(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    image = samples.png(5 * MiB)
    response = upload_thumbnail(admin, course["id"], image)
    assert response.status_code == 200, response.text
    assert admin.get(path_of(response.json()["thumbnail_url"])).content == image
    assert_error(upload_thumbnail(admin, course["id"], samples.png(5 * MiB + 1)), 413)


def test_the_type_comes_from_the_bytes_not_the_name_or_declared_type(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    # A PDF calling itself a PNG image, and a Windows program calling itself a PDF.
    assert_error(upload_thumbnail(admin, course["id"], samples.pdf(), "photo.png", "image/png"), 400,
                 {"thumbnail": [IMAGE_MESSAGE]})
    assert_error(upload_media(admin, course["id"], b"MZ\x90\x00" + bytes(5000), "manual.pdf", "application/pdf"),
                 400, {"file": [ALL_TYPES_MESSAGE]})
    assert_error(upload_media(admin, course["id"], b"<html><script>alert(1)</script></html>", "page.html"),
                 400, {"file": [ALL_TYPES_MESSAGE]})
    # A plain ZIP is not a DOCX, whatever its name says: it is accepted as the ZIP it is.
    response = upload_media(admin, course["id"], samples.scorm_zip(), "essay.docx")
    assert response.status_code == 201
    assert (response.json()["content_type"], response.json()["filename"]) == ("application/zip", "essay.zip")
    response.json()
    # A PNG named like a web page is stored and served as the PNG it is.
    response = upload_media(admin, course["id"], samples.png(), "../../etc/Évil name.html", "text/html")
    assert response.status_code == 201
    stored = response.json()
    assert (stored["filename"], stored["content_type"]) == ("Evil_name.png", "image/png")
    download = admin.get(path_of(stored["url"]))
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"] == 'inline; filename="Evil_name.png"'
    assert len(local_objects(tenant.stack, tenant.id)) == 2


def test_a_rejected_image_leaves_the_old_thumbnail_alone(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    url = upload_thumbnail(admin, course["id"], samples.jpg(), "a.jpg", "image/jpeg").json()["thumbnail_url"]
    assert_error(upload_thumbnail(admin, course["id"], b"GIF87" + bytes(100)), 400, fields=["thumbnail"])
    assert_error(upload_thumbnail(admin, course["id"], samples.png(6 * MiB)), 413)
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["thumbnail_url"] == url
    assert len(local_objects(tenant.stack, tenant.id)) == 1


def test_malformed_and_incomplete_forms(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    path = f"/api/lms/courses/{course['id']}/files/"
    assert_error(admin.post(path, {"title": "no file"}), 400, {"file": ["No file was submitted."]})
    assert_error(admin.post(path, data={"file": "just text"}, files={"other": ("x.txt", b"x")}), 400,
                 {"file": ["The submitted data was not a file. Check the encoding type on the form."]})
    assert_error(upload_media(admin, course["id"], b"", "empty.pdf"), 400, {"file": ["The submitted file is empty."]})
    assert_error(admin.post(path, content=b"plain", headers={"content-type": "text/plain"}), 415,
                 {"detail": 'Unsupported media type "text/plain" in request.'})
    assert_error(admin.post(path, content=b"--x\r\n", headers={"content-type": "multipart/form-data"}), 400,
                 {"detail": "Multipart form parse error - Invalid boundary in multipart: None"})
    truncated = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"
                 + samples.pdf(100_000))
    assert_error(admin.post(path, content=truncated, headers={"content-type": "multipart/form-data; boundary=b"}),
                 400, {"detail": "Multipart form parse error - The body ended before the closing boundary."})
    assert_error(admin.post(path, content=b"{bad json", headers={"content-type": "application/json"}), 400,
                 fields=["detail"])
    assert_nothing_left(tenant.stack, tenant.id)


def test_text_fields_and_several_parts_are_parsed(tenant):
    """Text fields come with the file (what resource create reads: title, resource_type, order)."""
    admin = tenant.admin()
    course = make_course(admin)
    data = samples.pdf(300_000)
    response = admin.post(f"/api/lms/courses/{course['id']}/files/",
                          data={"title": "Course Manual", "resource_type": "file"},
                          files={"unexpected": ("x.bin", b"dropped"), "file": ("manual.pdf", data)})
    assert response.status_code == 201, response.text
    assert admin.get(path_of(response.json()["url"])).content == data


def test_only_staff_of_the_course_upload(tenant, other_tenant):
    admin = tenant.admin()
    course = make_course(admin)
    assert_error(upload_media(tenant.student(), course["id"], samples.pdf(), "x.pdf"), 403, FORBIDDEN)
    assert_error(upload_thumbnail(tenant.instructor(), course["id"], samples.png()), 403, FORBIDDEN)
    assert_error(upload_media(other_tenant.admin(), course["id"], samples.pdf(), "x.pdf"), 404, NOT_FOUND)
    assert_error(upload_media(tenant.anonymous(), course["id"], samples.pdf(), "x.pdf"), 401, UNAUTHENTICATED)
    assert_error(upload_media(admin, 999999, samples.pdf(), "x.pdf"), 404, NOT_FOUND)
    assert_nothing_left(tenant.stack, tenant.id)


def test_http2_clients_get_the_error_too(tenant, tmp_path):
    """An answer before the body is complete reaches HTTP/2 clients as the error, not as a stream reset."""
    admin = tenant.admin()
    course = make_course(admin)
    big = tmp_path / "big.png"
    big.write_bytes(samples.png(20 * MiB))
    for version, actor, expected in (("--http2-prior-knowledge", admin, "413"), ("--http1.1", admin, "413"),
                                     ("--http2-prior-knowledge", tenant.student(), "403")):
        result = subprocess.run(
            ["curl", "-sS", version, "-o", "-", "-w", "\n%{http_code}", "-H", f"Authorization: Bearer {actor.token}",
             "-F", f"thumbnail=@{big}", f"{tenant.stack.edge_url}/api/lms/courses/{course['id']}/thumbnail/"],
            capture_output=True, text=True, timeout=120)
        body, _, status = result.stdout.rpartition("\n")
        assert (result.returncode, status) == (0, expected), (version, result.stderr, result.stdout)
        assert body.startswith('{"detail":')
    assert_nothing_left(tenant.stack, tenant.id)


def test_deleting_a_course_deletes_its_files(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    keep = make_course(admin)
    urls = [upload_media(admin, course["id"], samples.pdf(), "a.pdf").json()["url"],
            upload_media(admin, course["id"], samples.mp4(), "b.mp4").json()["url"],
            upload_thumbnail(admin, course["id"], samples.png()).json()["thumbnail_url"]]
    kept = upload_media(admin, keep["id"], samples.pdf(), "kept.pdf").json()
    assert len(local_objects(tenant.stack, tenant.id)) == 4
    assert admin.delete(f"/api/lms/courses/{course['id']}/").status_code == 204
    assert local_objects(tenant.stack, tenant.id) == [kept["key"]]
    assert register_rows(tenant.stack, tenant.id) == [(kept["key"], "active")]
    for url in urls:
        assert_error(admin.get(path_of(url)), 404, NOT_FOUND)


def test_media_files_can_be_deleted_by_course_staff(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    stored = upload_media(admin, course["id"], samples.docx(), "essay.docx").json()
    thumbnail = upload_thumbnail(admin, course["id"], samples.png()).json()["thumbnail_url"]
    assert_error(tenant.student().delete(path_of(stored["url"])), 403, FORBIDDEN)
    assert_error(admin.delete(path_of(thumbnail)), 403,
                 {"detail": "Only media-library files can be deleted here; delete the item the file belongs to."})
    response = admin.delete(path_of(stored["url"]))
    assert response.status_code == 204
    assert_error(admin.get(path_of(stored["url"])), 404, NOT_FOUND)
    assert_error(admin.delete(path_of(stored["url"])), 404, NOT_FOUND)
    assert len(local_objects(tenant.stack, tenant.id)) == 1

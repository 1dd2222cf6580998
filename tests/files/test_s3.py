"""S3 mode against a real S3-compatible server process (moto) through boto3: uploads stream into the
bucket, URLs are presigned GETs that work, rejected uploads leave no object (nor a pending multipart
upload), and deleting a course deletes its objects."""
from urllib.parse import urlsplit

import httpx
import pytest

from tests.files import samples
from tests.files.helpers import IMAGE_MESSAGE, path_of, register_rows, upload_media, upload_thumbnail
from tests.helpers import NOT_FOUND, assert_error, make_course

MiB = 1024 * 1024


def objects(stack, s3_server, tenant_id: str) -> list[str]:
    return s3_server.keys(stack.bucket, f"courses/{tenant_id}/")


def assert_nothing_left(stack, s3_server, tenant_id: str) -> None:
    assert objects(stack, s3_server, tenant_id) == []
    assert register_rows(stack, tenant_id) == []
    assert s3_server.multipart_uploads(stack.bucket) == []


@pytest.mark.parametrize("name,build,filename,content_type", samples.ALL, ids=[s[0] for s in samples.ALL])
def test_each_allowed_type_round_trips_through_the_bucket(s3_tenant, s3_server, name, build, filename,
                                                          content_type):
    stack = s3_tenant.stack
    admin = s3_tenant.admin()
    course = make_course(admin)
    data = build()
    response = upload_media(admin, course["id"], data, filename)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert (stored["content_type"], stored["size"]) == (content_type, len(data))
    assert s3_server.read(stack.bucket, stored["key"]) == data
    head = s3_server.client.head_object(Bucket=stack.bucket, Key=stored["key"])
    assert head["ContentType"] == content_type
    # The URL is a presigned GET straight from the store: it works without our token.
    url = urlsplit(stored["url"])
    assert f"{url.scheme}://{url.netloc}" == s3_server.url and "X-Amz-Signature=" in url.query
    download = httpx.get(stored["url"], timeout=30)
    assert (download.status_code, download.headers["content-type"], download.content) == (200, content_type, data)


def test_large_files_stream_as_multipart_uploads_and_ranges_work(s3_tenant, s3_server):
    stack = s3_tenant.stack
    admin = s3_tenant.admin()
    course = make_course(admin)
    data = samples.webm(23 * MiB + 12345)  # five parts of 5 MiB and a short last one
    stored = upload_media(admin, course["id"], data, "lecture.webm").json()
    assert s3_server.read(stack.bucket, stored["key"]) == data
    assert s3_server.multipart_uploads(stack.bucket) == []
    # The edge's file route serves S3 objects too, with Range support.
    path = f"/api/lms/files/{stored['key']}"
    partial = admin.get(path, headers={"Range": "bytes=7340032-7340131"})
    assert partial.status_code == 206
    assert partial.headers["content-range"] == f"bytes 7340032-7340131/{len(data)}"
    assert partial.content == data[7340032:7340132]
    assert admin.get(path).content == data


def test_limits_and_wrong_types_leave_no_object(s3_tenant, s3_server):
    stack = s3_tenant.stack
    admin = s3_tenant.admin()
    course = make_course(admin)
    too_big = upload_media(admin, course["id"], samples.mp4(100 * MiB + 1), "huge.mp4")
    assert_error(too_big, 413, {"detail": "The file is too large: MP4 files may be at most 100 MB."})
    assert_error(upload_thumbnail(admin, course["id"], samples.png(5 * MiB + 1)), 413)
    assert_error(upload_thumbnail(admin, course["id"], samples.pdf()), 400, {"thumbnail": [IMAGE_MESSAGE]})
    assert_nothing_left(stack, s3_server, s3_tenant.id)


def test_thumbnails_are_presigned_and_replaced_objects_go(s3_tenant, s3_server):
    stack = s3_tenant.stack
    admin = s3_tenant.admin()
    course = make_course(admin, title="Introduction to Python Programming")
    first = upload_thumbnail(admin, course["id"], samples.png(), "cover.png").json()["thumbnail_url"]
    assert urlsplit(first).path.startswith(
        f"/{stack.bucket}/courses/{s3_tenant.id}/introduction-to-python-programming/thumbnails/")
    listed = admin.get("/api/lms/courses/").json()["results"][0]["thumbnail_url"]
    assert httpx.get(listed, timeout=30).status_code == 200
    image = samples.jpg()
    upload_thumbnail(admin, course["id"], image, "cover.jpg", "image/jpeg")
    keys = objects(stack, s3_server, s3_tenant.id)
    assert len(keys) == 1 and keys[0].endswith("_cover.jpg")
    assert s3_server.read(stack.bucket, keys[0]) == image


def test_deleting_a_course_deletes_its_objects(s3_tenant, s3_server):
    stack = s3_tenant.stack
    admin = s3_tenant.admin()
    course = make_course(admin)
    stored = upload_media(admin, course["id"], samples.pdf(), "a.pdf").json()
    upload_thumbnail(admin, course["id"], samples.gif(), "b.gif", "image/gif")
    assert len(objects(stack, s3_server, s3_tenant.id)) == 2
    assert admin.delete(f"/api/lms/courses/{course['id']}/").status_code == 204
    assert_nothing_left(stack, s3_server, s3_tenant.id)
    assert_error(admin.get(path_of(f"{stack.edge_url}/api/lms/files/{stored['key']}")), 404, NOT_FOUND)


def test_resource_and_lesson_files_live_in_the_bucket_until_replaced_or_deleted(s3_tenant, s3_server):
    stack = s3_tenant.stack
    admin = s3_tenant.admin()
    course = make_course(admin, title="Introduction to Python Programming")
    manual = samples.pdf()
    response = admin.post(f"/api/lms/courses/{course['id']}/resources/",
                          data={"title": "Course Manual", "resource_type": "file"},
                          files={"file": ("manual.pdf", manual)})
    assert response.status_code == 201, response.text
    resource = response.json()
    assert urlsplit(resource["file_url"]).path.startswith(
        f"/{stack.bucket}/courses/{s3_tenant.id}/introduction-to-python-programming/resources/")
    assert httpx.get(resource["file_url"], timeout=30).content == manual

    module = admin.post(f"/api/lms/courses/{course['id']}/modules/", {"title": "Getting Started"}).json()
    lessons = f"/api/lms/courses/{course['id']}/modules/{module['id']}/lessons/"
    video = samples.webm()
    lesson = admin.post(lessons, data={"title": "Lecture", "lesson_type": "video"},
                        files={"content_file": ("lecture.webm", video)}).json()
    assert lesson["content_file"] == "lecture.webm"
    assert httpx.get(lesson["content_file_url"], timeout=30).content == video
    assert len(objects(stack, s3_server, s3_tenant.id)) == 2

    replacement = samples.mp4()
    replaced = admin.patch(f"{lessons}{lesson['id']}/", files={"content_file": ("lecture.mp4", replacement)}).json()
    keys = objects(stack, s3_server, s3_tenant.id)
    assert len(keys) == 2 and any(k.endswith("_lecture.mp4") for k in keys)
    assert not any(k.endswith("_lecture.webm") for k in keys)
    assert httpx.get(replaced["content_file_url"], timeout=30).content == replacement

    assert admin.delete(f"/api/lms/courses/{course['id']}/resources/{resource['id']}/").status_code == 204
    assert admin.delete(f"{lessons}{lesson['id']}/").status_code == 204
    assert_nothing_left(stack, s3_server, s3_tenant.id)
    # Refused uploads leave nothing in the bucket either.
    assert_error(admin.post(lessons, data={"title": "L", "lesson_type": "video"},
                            files={"content_file": ("talk.pdf", samples.pdf())}), 400,
                 {"content_file": ["Unsupported file type. Allowed types: MP4, WebM (max 100 MB)."]})
    assert_nothing_left(stack, s3_server, s3_tenant.id)

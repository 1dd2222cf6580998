"""Lesson content files through the edge: uploaded with a multipart create or change, checked against
the lesson's type, downloadable by staff and enrolled students, replaced and deleted without leftovers."""
import re

import pytest

from tests.content.test_resource_files import send_parts
from tests.files import samples
from tests.files.helpers import enroll, local_objects, path_of, register_rows
from tests.helpers import (
    FORBIDDEN, FORBIDDEN_NOT_ENROLLED, NOT_FOUND, UNAUTHENTICATED, assert_error, make_course, make_lesson, make_module,
)

MiB = 1024 * 1024
VIDEO_MESSAGE = "Unsupported file type. Allowed types: MP4, WebM (max 100 MB)."
CONTENT_TYPES_MESSAGE = ("Unsupported file type. Allowed types: PDF, DOCX, DOC (max 10 MB); JPG, PNG, GIF (max 5 MB); "
                         "MP4, WebM (max 100 MB).")


def lessons_url(course_id: int, module_id: int) -> str:
    return f"/api/lms/courses/{course_id}/modules/{module_id}/lessons/"


def key_of(url: str) -> str:
    return url.split("/api/lms/files/", 1)[1]


@pytest.fixture
def module(tenant):
    admin = tenant.admin()
    course = make_course(admin, title="Introduction to Python Programming")
    module = make_module(admin, course["id"])
    return admin, course, module, lessons_url(course["id"], module["id"])


def upload_lesson(actor, url: str, data: bytes, filename: str, method: str = "POST", **fields):
    return actor.http.request(method, url, data=fields, files={"content_file": (filename, data)})


def assert_nothing_stored(tenant) -> None:
    assert local_objects(tenant.stack, tenant.id) == []
    assert register_rows(tenant.stack, tenant.id) == []


def test_a_file_lesson_is_created_with_its_file_and_downloads(tenant, module):
    admin, course, mod, url = module
    data = samples.pdf(300_000)
    response = upload_lesson(admin, url, data, "Chapter 1 notes.pdf", title="Reading", lesson_type="file",
                             duration="15", is_published="true")
    assert response.status_code == 201, response.text
    lesson = response.json()
    assert lesson == {
        "id": lesson["id"], "title": "Reading", "description": "", "lesson_type": "file", "duration": 15,
        "content_url": "", "content_file": "Chapter_1_notes.pdf", "content_file_url": lesson["content_file_url"],
        "content_text": "", "order": 1, "is_published": True}
    assert re.match(rf"^{tenant.stack.edge_url}/api/lms/files/courses/{tenant.id}/introduction-to-python-programming/"
                    r"lessons/[0-9a-f]{16}_Chapter_1_notes\.pdf$", lesson["content_file_url"])
    path = path_of(lesson["content_file_url"])
    download = admin.get(path)
    assert (download.status_code, download.headers["content-type"], download.content) == (200, "application/pdf", data)
    # Every view of the lesson shows the same file.
    assert admin.get(f"{url}{lesson['id']}/").json() == lesson
    assert admin.get(url).json() == [lesson]
    assert admin.get(f"/api/lms/courses/{course['id']}/modules/").json()[0]["lessons"] == [lesson]
    # Enrolled students of the published course read the lesson and download its file; others may not.
    student = tenant.student()
    assert_error(student.get(f"{url}{lesson['id']}/"), 403, FORBIDDEN_NOT_ENROLLED)
    assert_error(student.get(path), 403, FORBIDDEN)
    assert_error(tenant.anonymous().get(path), 401, UNAUTHENTICATED)
    enroll(tenant.stack, tenant.id, course["id"], student.user_id)
    assert student.get(f"{url}{lesson['id']}/").json() == lesson
    assert student.get(path).content == data
    assert register_rows(tenant.stack, tenant.id) == [(key_of(lesson["content_file_url"]), "active")]
    # Unpublishing the lesson hides its file from students too (staff keep access).
    assert admin.patch(f"{url}{lesson['id']}/", json={"is_published": False}).status_code == 200
    assert_error(student.get(path), 404, NOT_FOUND)
    assert admin.get(path).content == data


def test_video_lessons_take_a_video_file_or_a_url(tenant, module):
    admin, _, _, url = module
    data = samples.mp4()
    video = upload_lesson(admin, url, data, "lecture.mp4", title="Lecture", lesson_type="video")
    assert video.status_code == 201, video.text
    assert (video.json()["content_url"], video.json()["content_file"]) == ("", "lecture.mp4")
    assert admin.get(path_of(video.json()["content_file_url"])).content == data
    webm = upload_lesson(admin, url, samples.webm(), "clip.webm", title="Clip", lesson_type="video",
                         content_url="https://videos.example.com/clip")
    assert webm.status_code == 201 and webm.json()["content_url"] == "https://videos.example.com/clip"
    by_url = admin.post(url, {"title": "Streamed", "lesson_type": "video", "content_url": "https://v.example.com/1"})
    assert by_url.status_code == 201 and by_url.json()["content_file"] == "" == by_url.json()["content_file_url"]
    assert len(local_objects(tenant.stack, tenant.id)) == 2


@pytest.mark.parametrize("case", ["pdf_for_video", "zip_for_file", "text_with_file", "link_with_file",
                                  "type_after_file", "file_without_file", "empty_file", "bad_duration"])
def test_files_that_do_not_fit_the_lesson_are_400_and_leave_nothing(tenant, module, case):
    admin, _, _, url = module
    parts, expected = {
        "pdf_for_video": ([("title", None, b"L"), ("lesson_type", None, b"video"),
                           ("content_file", "talk.pdf", samples.pdf())], {"content_file": [VIDEO_MESSAGE]}),
        "zip_for_file": ([("title", None, b"L"), ("lesson_type", None, b"file"),
                          ("content_file", "pkg.zip", samples.scorm_zip())], {"content_file": [CONTENT_TYPES_MESSAGE]}),
        "text_with_file": ([("title", None, b"L"), ("lesson_type", None, b"text"), ("content_text", None, b"Hi"),
                            ("content_file", "a.pdf", samples.pdf())],
                           {"content_file": ["A text lesson cannot have an uploaded file; only file and video "
                                             "lessons can."]}),
        "link_with_file": ([("title", None, b"L"), ("lesson_type", None, b"link"),
                            ("content_url", None, b"https://x.example.com"), ("content_file", "a.png", samples.png())],
                           {"content_file": ["A link lesson cannot have an uploaded file; only file and video "
                                             "lessons can."]}),
        # The type comes after the file: stored first, then refused (and removed) once the form is read.
        "type_after_file": ([("title", None, b"L"), ("content_file", "talk.pdf", samples.pdf()),
                             ("lesson_type", None, b"video")], {"content_file": [VIDEO_MESSAGE]}),
        "file_without_file": ([("title", None, b"L"), ("lesson_type", None, b"file"), ("content_file", "", b"")],
                              {"content_file": ["This field is required."]}),
        "empty_file": ([("title", None, b"L"), ("lesson_type", None, b"file"), ("content_file", "a.pdf", b"")],
                       {"content_file": ["The submitted file is empty."]}),
        "bad_duration": ([("title", None, b"L"), ("lesson_type", None, b"file"), ("duration", None, b"long"),
                          ("content_file", "a.pdf", samples.pdf())], {"duration": ["A valid integer is required."]}),
    }[case]
    assert_error(send_parts(admin, "POST", url, parts), 400, expected)
    assert admin.get(url).json() == []
    assert_nothing_stored(tenant)


def test_too_large_files_and_outsiders_leave_nothing(tenant, module, other_tenant):
    admin, course, mod, url = module
    assert_error(upload_lesson(admin, url, samples.pdf(10 * MiB + 1), "big.pdf", title="L", lesson_type="file"), 413,
                 {"detail": "The file is too large: PDF files may be at most 10 MB."})
    for outsider, status, body in ((tenant.student(), 403, FORBIDDEN), (tenant.instructor(), 403, FORBIDDEN),
                                   (other_tenant.admin(), 404, NOT_FOUND), (tenant.anonymous(), 401, UNAUTHENTICATED)):
        response = upload_lesson(outsider, url, samples.pdf(), "a.pdf", title="L", lesson_type="file")
        assert_error(response, status, body)
    other_module = make_module(admin, make_course(admin)["id"])
    assert_error(upload_lesson(admin, lessons_url(course["id"], other_module["id"]), samples.pdf(), "a.pdf",
                               title="L", lesson_type="file"), 404, NOT_FOUND)
    assert admin.get(url).json() == []
    assert_nothing_stored(tenant)


def test_replacing_the_file_deletes_the_old_one(tenant, module):
    admin, _, _, url = module
    lesson = upload_lesson(admin, url, samples.pdf(), "v1.pdf", title="Notes", lesson_type="file").json()
    lesson_url = f"{url}{lesson['id']}/"
    # JSON changes keep the file.
    assert admin.patch(lesson_url, {"duration": 30}).json() == {**lesson, "duration": 30}
    new_data = samples.docx()
    patched = upload_lesson(admin, lesson_url, new_data, "v2.docx", method="PATCH")
    assert patched.status_code == 200, patched.text
    assert patched.json()["content_file"] == "v2.docx"
    assert admin.get(path_of(patched.json()["content_file_url"])).content == new_data
    assert_error(admin.get(path_of(lesson["content_file_url"])), 404, NOT_FOUND)
    assert local_objects(tenant.stack, tenant.id) == [key_of(patched.json()["content_file_url"])]
    # PUT with a file replaces everything, the file included.
    put = upload_lesson(admin, lesson_url, samples.jpg(), "v3.jpg", method="PUT", title="Notes 3", lesson_type="file")
    assert put.status_code == 200, put.text
    assert (put.json()["title"], put.json()["content_file"], put.json()["duration"]) == ("Notes 3", "v3.jpg", 0)
    assert register_rows(tenant.stack, tenant.id) == [(key_of(put.json()["content_file_url"]), "active")]
    # A refused replacement keeps the current file.
    assert_error(upload_lesson(admin, lesson_url, samples.scorm_zip(), "x.zip", method="PATCH"), 400,
                 {"content_file": [CONTENT_TYPES_MESSAGE]})
    assert admin.get(lesson_url).json() == put.json()
    assert local_objects(tenant.stack, tenant.id) == [key_of(put.json()["content_file_url"])]


def test_a_changed_type_keeps_only_a_file_it_takes(tenant, module):
    admin, _, _, url = module
    video = upload_lesson(admin, url, samples.mp4(), "talk.mp4", title="Talk", lesson_type="video").json()
    lesson_url = f"{url}{video['id']}/"
    # An MP4 fits a file lesson too: kept.
    as_file = admin.patch(lesson_url, {"lesson_type": "file"})
    assert as_file.status_code == 200 and as_file.json()["content_file_url"] == video["content_file_url"]
    pdf = upload_lesson(admin, lesson_url, samples.pdf(), "slides.pdf", method="PATCH").json()
    assert pdf["content_file"] == "slides.pdf"
    # A PDF does not fit a video lesson: it is dropped, so the video needs its URL.
    assert_error(admin.patch(lesson_url, {"lesson_type": "video"}), 400,
                 {"content_url": ["This field is required for video lessons without an uploaded file."]})
    as_video = admin.patch(lesson_url, {"lesson_type": "video", "content_url": "https://v.example.com/talk"})
    assert as_video.status_code == 200, as_video.text
    assert (as_video.json()["content_file"], as_video.json()["content_file_url"]) == ("", "")
    assert_error(admin.get(path_of(pdf["content_file_url"])), 404, NOT_FOUND)
    assert_nothing_stored(tenant)
    # A text lesson keeps no file either.
    again = upload_lesson(admin, lesson_url, samples.webm(), "talk.webm", method="PATCH").json()
    assert again["content_file"] == "talk.webm"
    as_text = admin.put(lesson_url, {"title": "Talk", "lesson_type": "text", "content_text": "Transcript"})
    assert as_text.status_code == 200 and as_text.json()["content_file"] == ""
    assert_nothing_stored(tenant)


def test_deleting_a_lesson_or_its_module_deletes_the_files(tenant, module):
    admin, course, mod, url = module
    first = upload_lesson(admin, url, samples.pdf(), "a.pdf", title="A", lesson_type="file").json()
    second = upload_lesson(admin, url, samples.mp4(), "b.mp4", title="B", lesson_type="video").json()
    make_lesson(admin, course["id"], mod["id"], title="Text")
    other = make_module(admin, course["id"])
    kept = upload_lesson(admin, lessons_url(course["id"], other["id"]), samples.png(), "kept.png", title="K",
                         lesson_type="file").json()
    assert_error(tenant.student().delete(f"{url}{first['id']}/"), 403, FORBIDDEN)
    response = admin.delete(f"{url}{first['id']}/")
    assert response.status_code == 204 and response.content == b""
    assert_error(admin.get(path_of(first["content_file_url"])), 404, NOT_FOUND)
    assert len(local_objects(tenant.stack, tenant.id)) == 2
    assert admin.delete(f"/api/lms/courses/{course['id']}/modules/{mod['id']}/").status_code == 204
    assert_error(admin.get(path_of(second["content_file_url"])), 404, NOT_FOUND)
    assert local_objects(tenant.stack, tenant.id) == [key_of(kept["content_file_url"])]
    assert register_rows(tenant.stack, tenant.id) == [(key_of(kept["content_file_url"]), "active")]

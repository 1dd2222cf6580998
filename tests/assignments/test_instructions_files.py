"""Instruction files of assignments: uploaded with the create or a change, replaced, removed, cleaned up."""
import re

from tests.assignments.helpers import classroom, multipart
from tests.files import samples
from tests.files.helpers import local_objects, path_of, register_rows
from tests.helpers import FORBIDDEN, assert_error, make_course

URL = "/api/lms/assignments/"
KEY = re.compile(r"^courses/(?P<tenant>[^/]+)/(?P<slug>[a-z0-9-]+)/assignments/[0-9a-f]{16}_(?P<name>.+)$")
DOCUMENT_TYPES = ("Unsupported file type. Allowed types: PDF, DOCX, DOC (max 10 MB); JPG, PNG, GIF (max 5 MB).")


def _key(url: str) -> str:
    return url.split("/api/lms/files/", 1)[1]


def test_multipart_create_stores_the_instructions_for_enrolled_students(tenant, stack):
    teacher, course, module, student = classroom(tenant)
    data = samples.pdf()
    response = teacher.post(URL, data={"course": str(course["id"]), "title": "Functions Practice",
                                       "module": str(module["id"]), "due_date": "2024-02-20T23:59:59Z",
                                       "max_score": "40", "allow_late": "true"},
                            files={"instructions_file": ("instructions.pdf", data, "application/pdf")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["title"], body["module"], body["due_date"], body["max_score"], body["allow_late"]) == (
        "Functions Practice", module["id"], "2024-02-20T23:59:59Z", 40, True)
    match = KEY.match(_key(body["instructions_file_url"]))
    assert match and (match["tenant"], match["slug"], match["name"]) == (
        tenant.id, "introduction-to-python-programming", "instructions.pdf")
    assert register_rows(stack, tenant.id) == [(_key(body["instructions_file_url"]), "active")]
    assert student.get(path_of(body["instructions_file_url"])).content == data
    assert_error(tenant.student().get(path_of(body["instructions_file_url"])), 403, FORBIDDEN)

    # Empty form values of nullable fields are null, as DRF reads HTML forms; so is an empty file input
    # (a browser sends it with filename=""), wherever it comes in the form.
    body, content_type = multipart([("instructions_file", "", b""), ("course", None, str(course["id"]).encode()),
                                    ("title", None, b"No file"), ("module", None, b""), ("due_date", None, b"")])
    bare = teacher.post(URL, content=body, headers={"content-type": content_type})
    assert bare.status_code == 201, bare.text
    assert (bare.json()["module"], bare.json()["due_date"], bare.json()["instructions_file_url"]) == (None, None, "")


def test_replacing_and_removing_the_instructions_deletes_the_old_file(tenant, stack):
    teacher, course, _, _ = classroom(tenant)
    created = teacher.post(URL, data={"course": str(course["id"]), "title": "Essay"},
                           files={"instructions_file": ("brief.docx", samples.docx(), "application/octet-stream")})
    assert created.status_code == 201, created.text
    first = _key(created.json()["instructions_file_url"])
    url = f"{URL}{created.json()['id']}/"
    patched = teacher.patch(url, data={"title": "Essay v2"},
                            files={"instructions_file": ("brief.pdf", samples.pdf(), "application/pdf")})
    assert patched.status_code == 200, patched.text
    second = _key(patched.json()["instructions_file_url"])
    assert second != first and patched.json()["title"] == "Essay v2"
    assert local_objects(stack, tenant.id) == [second]
    kept = teacher.put(url, {"title": "Essay v3", "course": course["id"]}).json()
    assert _key(kept["instructions_file_url"]) == second  # PUT without a file keeps it
    removed = teacher.patch(url, {"instructions_file": None})
    assert removed.status_code == 200 and removed.json()["instructions_file_url"] == ""
    assert local_objects(stack, tenant.id) == [] and register_rows(stack, tenant.id) == []


def test_bad_instruction_uploads_leave_nothing(tenant, stack):
    teacher, course, _, student = classroom(tenant)
    other = make_course(tenant.instructor())
    form = {"course": str(course["id"]), "title": "Bad"}
    assert_error(teacher.post(URL, data=form, files={"instructions_file": ("v.mp4", samples.mp4(), "video/mp4")}),
                 400, {"instructions_file": [DOCUMENT_TYPES]})
    assert_error(teacher.post(URL, data={"course": str(course["id"])},
                              files={"instructions_file": ("a.pdf", samples.pdf(), "application/pdf")}),
                 400, {"title": ["This field is required."]})
    assert_error(teacher.post(URL, data={"course": str(other["id"]), "title": "Not mine"},
                              files={"instructions_file": ("a.pdf", samples.pdf(), "application/pdf")}),
                 403, FORBIDDEN)
    assert_error(teacher.post(URL, data={"course": "999999", "title": "Nowhere"},
                              files={"instructions_file": ("a.pdf", samples.pdf(), "application/pdf")}),
                 400, {"course": ['Invalid pk "999999" - object does not exist.']})
    assert_error(student.post(URL, data=form, files={"instructions_file": ("a.pdf", samples.pdf(), "application/pdf")}),
                 403, FORBIDDEN)
    # The file is stored for the course named before it; naming another one after it is refused.
    mine_too = make_course(teacher)
    body, content_type = multipart([("course", None, str(course["id"]).encode()), ("title", None, b"Two"),
                                    ("instructions_file", "a.pdf", samples.pdf(5000)),
                                    ("course", None, str(mine_too["id"]).encode())])
    assert_error(teacher.post(URL, content=body, headers={"content-type": content_type}),
                 400, {"course": ["Send one value: the file was stored for the first one."]})
    assert teacher.get(URL).json() == []
    assert local_objects(stack, tenant.id) == [] and register_rows(stack, tenant.id) == []

"""SCORM through the edge (and gRPC): upload, launch, the player's session routes, track, resume, completion,
hostile packages leaving nothing behind, export that re-imports; roles and tenants."""
from __future__ import annotations

import io
import re
import zipfile

import grpc

from lms.scorm.v1 import scorm_pb2, scorm_pb2_grpc
from tests.files.helpers import local_objects, path_of, register_rows
from tests.helpers import (
    FORBIDDEN, FORBIDDEN_NOT_ENROLLED, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course, make_lesson,
    make_module,
)
from tests.scorm.fixtures import GOLF_12, GOLF_2004, NEGATIVE, NEGATIVE_MESSAGES


def upload(actor, course_id: int, data: bytes, name: str = "package.zip"):
    return actor.post(f"/api/lms/courses/{course_id}/scorm/upload/", files={"package": (name, data, "application/zip")})


def scorm_course(admin):
    course = make_course(admin, title="Golf Explained")
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"], lesson_type="scorm", content_text="")
    text = make_lesson(admin, course["id"], module["id"], title="Read me <b>first</b>")
    return course, lesson, text


def test_upload_launch_track_resume_and_complete(tenant, other_tenant):
    admin = tenant.admin()
    course, lesson, _ = scorm_course(admin)
    student, outsider = tenant.student(first_name="Jo", last_name="Doe"), tenant.student()
    base = f"/api/lms/courses/{course['id']}/scorm"

    assert_error(upload(tenant.student(), course["id"], GOLF_12.read_bytes()), 403, FORBIDDEN)
    response = upload(admin, course["id"], GOLF_12.read_bytes())
    assert response.status_code == 201, response.text
    package = response.json()
    assert (package["version"], package["title"], package["file_count"]) == (
        "1.2", "Golf Explained - Run-time Basic Calls", 46)
    assert [(s["identifier"], s["launch_path"], s["scorm_type"]) for s in package["scos"]] == [
        ("item_1", "shared/launchpage.html", "sco")]
    assert package["scos"][0]["mastery_score"] is None
    keys = [k for k, state in register_rows(tenant.stack, tenant.id) if "/scorm/" in k]
    assert len(keys) == 47 and all(state == "active" for _, state in register_rows(tenant.stack, tenant.id))

    enroll(admin, course["id"], student.user_id)
    assert_error(outsider.get(f"{base}/launch/"), 403, FORBIDDEN_NOT_ENROLLED)
    assert_error(tenant.anonymous().get(f"{base}/launch/"), 401, UNAUTHENTICATED)
    assert_error(other_tenant.admin().get(f"{base}/launch/"), 404, NOT_FOUND)
    launch = student.get(f"{base}/launch").json()
    assert launch["version"] == "1.2"
    assert [(s["identifier"], s["status"]) for s in launch["scos"]] == [("item_1", "not attempted")]
    assert "token" not in launch["launch_url"] and re.search(r"/api/lms/scorm/sessions/[^/]+/[^/]+/player$",
                                                              launch["launch_url"])

    # The player, its runtime and the package's files need only the session (no bearer token).
    web = tenant.stack.client()
    player = web.get(path_of(launch["launch_url"]))
    assert player.status_code == 200 and player.headers["content-type"].startswith("text/html")
    assert "Scorm12API" in player.text and '"entry": "ab-initio"' in player.text
    assert f'"student_id": "{student.user_id}", "student_name": "Doe, Jo"' in player.text
    session_base = path_of(launch["launch_url"]).removesuffix("/player")
    runtime = web.get(f"{session_base}/runtime/scorm12.min.js")
    assert runtime.status_code == 200 and runtime.headers["content-type"].startswith("text/javascript")
    page = web.get(f"{session_base}/content/shared/launchpage.html")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html"
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["referrer-policy"] == "no-referrer"
    assert web.get(f"{session_base}/content/shared/style.css").headers["content-type"] == "text/css"
    assert_error(web.get(f"{session_base}/content/shared/nope.html"), 404, NOT_FOUND)
    assert_error(web.get(f"{session_base}/content/..%2F..%2Fimsmanifest.xml"), 404, NOT_FOUND)
    assert_error(web.get(session_base.rsplit("/", 1)[0] + "/forged/player"), 404, NOT_FOUND)

    # A runtime commit that suspends, then a relaunch resumes with location and suspend data.
    commit = f"{session_base}/commit?sco=item_1&attempt=1"
    cmi = {"core": {"lesson_status": "incomplete", "lesson_location": "page-3", "exit": "suspend",
                    "session_time": "0000:01:00.00", "score": {"raw": "40"}}, "suspend_data": "viewed=1,2,3"}
    answer = web.post(commit, {"cmi": cmi})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"result": True, "error_code": 0, "package_completed": False}
    assert_error(web.post(commit, {"cmi": {"suspend_data": "x" * 4097}}), 400,
                 {"cmi.suspend_data": ["Ensure this field has no more than 4096 characters."]})
    relaunch = student.get(f"{base}/launch/").json()
    assert [(s["identifier"], s["status"]) for s in relaunch["scos"]] == [("item_1", "incomplete")]
    resumed = web.get(path_of(relaunch["launch_url"])).text
    assert '"entry": "resume"' in resumed and '"lesson_location": "page-3"' in resumed
    assert '"suspend_data": "viewed=1,2,3"' in resumed and '"total_time": "0000:01:00.00"' in resumed

    # The documented track route completes the package: the SCORM lesson completes, progress follows.
    tracked = student.post(f"{base}/track/", {"progress": 100, "score": 85, "completed": True})
    assert tracked.status_code == 200, tracked.text
    body = tracked.json()
    assert (body["sco"], body["attempt"], body["completion_status"], body["score"], body["location"]) == (
        "item_1", 1, "completed", 85, "page-3")
    assert body["package_completed"] is True and body["total_time_seconds"] == 60
    progress = student.get(f"/api/lms/enrollments/progress/?course={course['id']}").json()
    assert progress["completed_lesson_ids"] == [lesson["id"]] and progress["completed_lessons"] == 1
    events = tenant.stack.sql("SELECT room, data FROM outbox_events WHERE tenant_id = :t AND type = 'scorm.completed'",
                              t=tenant.id)
    assert sorted(room for room, _ in events) == sorted([f"user_{student.user_id}", f"course_staff_{course['id']}"])
    assert_error(student.post(f"{base}/track/", {"progress": 101, "sco": "nope"}), 400, {
        "progress": ["Ensure this value is between 0 and 100."]})
    assert_error(student.post(f"{base}/track/", {"sco": "nope"}), 400,
                 {"sco": ['"nope" is not a SCO of this package.']})

    # Replacing the package keeps the tracking of SCOs that still exist.
    assert upload(admin, course["id"], GOLF_2004.read_bytes()).status_code == 201
    again = student.get(f"{base}/launch/").json()
    assert again["version"] == "2004 3rd Edition" and again["scos"][0]["status"] == "completed"
    old = [k for k in keys if k not in {k for k, _ in register_rows(tenant.stack, tenant.id)}]
    assert old  # the first package's objects went
    assert all(not any(o.endswith(k) for o in local_objects(tenant.stack, tenant.id)) for k in old)

    with tenant.stack.channel() as channel:
        stub = scorm_pb2_grpc.ScormServiceStub(channel)
        launched = stub.LaunchPackage(scorm_pb2.LaunchPackageRequest(course_id=course["id"]), metadata=student.metadata)
        assert launched.version == "2004 3rd Edition" and launched.scos[0].identifier == "item_1"
        try:
            stub.LaunchPackage(scorm_pb2.LaunchPackageRequest(course_id=course["id"]), metadata=outsider.metadata)
            raise AssertionError("an outsider launched")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.PERMISSION_DENIED

    # A learner who loses the enrollment loses the session's files and commits too.
    assert web.get(f"{session_base}/content/shared/style.css").status_code == 200
    tenant.stack.sql("UPDATE enrollments SET is_active = :f WHERE tenant_id = :t AND user_id = :u", f=False,
                     t=tenant.id, u=student.user_id)
    assert_error(web.get(f"{session_base}/content/shared/style.css"), 403, FORBIDDEN_NOT_ENROLLED)
    assert_error(web.post(commit, {"cmi": cmi}), 403, FORBIDDEN_NOT_ENROLLED)


def test_hostile_packages_are_refused_leaving_nothing(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    for path in NEGATIVE:
        response = upload(admin, course["id"], path.read_bytes(), path.name)
        assert response.status_code == 400, (path.name, response.text)
        message = " ".join(response.json()["package"])
        expected = NEGATIVE_MESSAGES[path.name] or "Unsupported file type"
        assert expected in message, (path.name, message)
    assert local_objects(tenant.stack, tenant.id) == []
    assert register_rows(tenant.stack, tenant.id) == []
    assert tenant.stack.sql("SELECT count(*) FROM scorm_packages WHERE tenant_id = :t", t=tenant.id) == [(0,)]
    assert_error(admin.get(f"/api/lms/courses/{course['id']}/scorm/launch/"), 404,
                 {"detail": "This course has no SCORM package."})


def test_export_reimports_with_the_same_structure(tenant):
    admin = tenant.admin()
    course, lesson, text = scorm_course(admin)
    second = make_module(admin, course["id"], title="Second & last")
    make_lesson(admin, course["id"], second["id"], title="Wrap-up", content_text="<script>alert(1)</script>")
    assert_error(tenant.student().get(f"/api/lms/courses/{course['id']}/scorm/export/"), 403, FORBIDDEN)
    for version, expected in (("", "1.2"), ("2004", "2004 4th Edition")):
        response = admin.get(f"/api/lms/courses/{course['id']}/scorm/export/" + (f"?version={version}" if version
                                                                                  else ""))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/zip"
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        pages = [n for n in archive.namelist() if n.startswith("lessons/")]
        assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in archive.read(p).decode() for p in pages)
        target = make_course(admin, title=f"Copy {version}")
        imported = upload(admin, target["id"], response.content)
        assert imported.status_code == 201, imported.text
        package = imported.json()
        assert package["version"] == expected and package["title"] == "Golf Explained"
        tree = package["organizations"][0]["items"]
        assert [m["title"] for m in tree] == [m["title"] for m in admin.get(
            f"/api/lms/courses/{course['id']}/modules/").json()]
        assert [c["title"] for c in tree[0]["children"]] == [lesson["title"], text["title"]]
        assert [c["title"] for c in tree[1]["children"]] == ["Wrap-up"]
    assert_error(admin.get(f"/api/lms/courses/{course['id']}/scorm/export/?version=3"), 400)


def test_empty_organizations_query_strings_and_spaces_in_names(tenant):
    from tests.scorm.fixtures import make_zip, manifest_xml

    admin = tenant.admin()
    course = make_course(admin)
    body = ('<organizations/><resources xml:base="content/">'
            '<resource identifier="start" type="webcontent" adlcp:scormtype="sco" href="my page.html?lang=en">'
            '<file href="my page.html"/></resource></resources>')
    package = make_zip({"imsmanifest.xml": manifest_xml(body), "content/my page.html": "<p>hi</p>"})
    response = upload(admin, course["id"], package)
    assert response.status_code == 201, response.text
    assert [(s["identifier"], s["launch_path"]) for s in response.json()["scos"]] == [
        ("start", "content/my page.html?lang=en")]
    launch = admin.get(f"/api/lms/courses/{course['id']}/scorm/launch/").json()
    player = tenant.stack.client().get(path_of(launch["launch_url"]))
    assert "/content/content/my%20page.html?lang=en" in player.text
    page = tenant.stack.client().get(path_of(launch["launch_url"]).removesuffix("/player")
                                     + "/content/content/my%20page.html?lang=en")
    assert (page.status_code, page.text) == (200, "<p>hi</p>")

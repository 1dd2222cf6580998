"""SCORM through the edge (and gRPC): upload, launch, the player's session routes, track, resume, completion,
hostile packages leaving nothing behind, export that re-imports; roles and tenants."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

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


def assert_valid_manifest(archive: zipfile.ZipFile, folder: Path) -> None:
    """The manifest validates against the XSDs the package ships (those its xsi:schemaLocation names), and the
    same schemas refuse it once it is broken (so the check is not vacuous)."""
    from lxml import etree

    archive.extractall(folder)  # (our own export)
    manifest = etree.parse(str(folder / "imsmanifest.xml"))
    locations = manifest.getroot().get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()
    pairs = list(zip(locations[::2], locations[1::2]))
    assert pairs and all((folder / location).is_file() for _, location in pairs)
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{location}"/>' for ns, location in pairs)
    (folder / "all.xsd").write_text(f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>')
    schema = etree.XMLSchema(etree.parse(str(folder / "all.xsd")))
    assert schema.validate(manifest), schema.error_log
    broken = etree.tostring(manifest).replace(b'scormtype="sco"', b'scormtype="lesson"').replace(
        b'scormType="sco"', b'scormType="lesson"')
    assert not schema.validate(etree.fromstring(broken))


def test_export_reimports_with_the_same_structure(tenant, tmp_path):
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
        assert_valid_manifest(archive, tmp_path / (version or "12"))
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


def test_concurrent_tracks_each_count(tenant):
    """Track requests sent at once (on PostgreSQL batched into shared statements, lms.scorm.tracking) each count:
    every commit's session time adds to the attempt's total, each learner keeps one row, and the stored location
    and suspend data come from the same commit."""
    from concurrent.futures import ThreadPoolExecutor

    admin = tenant.admin()
    course, _, _ = scorm_course(admin)
    assert upload(admin, course["id"], GOLF_12.read_bytes()).status_code == 201
    base = f"/api/lms/courses/{course['id']}/scorm"
    students = [tenant.student() for _ in range(3)]
    for student in students:
        enroll(admin, course["id"], student.user_id)
        assert student.get(f"{base}/launch/").status_code == 200

    def commit(student, n: int):
        cmi = {"core": {"lesson_status": "incomplete", "lesson_location": f"page-{n}", "exit": "suspend",
                        "session_time": "0000:00:10.00", "score": {"raw": str(n)}}, "suspend_data": f"n={n}"}
        return student.post(f"{base}/track/", {"cmi": cmi, "progress": 10})

    with ThreadPoolExecutor(12) as pool:
        responses = list(pool.map(lambda job: commit(*job), [(s, n) for n in range(8) for s in students]))
    assert [r.status_code for r in responses] == [200] * 24, [r.text for r in responses if r.status_code != 200]
    assert {r.json()["attempt"] for r in responses} == {1}
    rows = tenant.stack.sql("SELECT user_id, attempt, total_time, exit, location, suspend_data, score_raw "
                            "FROM scorm_tracks WHERE tenant_id = :t", t=tenant.id)
    assert sorted(row[:4] for row in rows) == sorted((s.user_id, 1, 80.0, "suspend") for s in students)
    for _, _, _, _, location, suspend_data, score in rows:
        assert location == f"page-{int(score)}" and suspend_data == f"n={int(score)}"
    relaunch = students[0].get(f"{base}/launch/").json()
    assert [s["status"] for s in relaunch["scos"]] == ["incomplete"]


def test_12_prerequisites_lock_items_in_the_player(tenant):
    from tests.scorm.fixtures import make_zip, manifest_xml

    admin = tenant.admin()
    course = make_course(admin)
    body = ('<organizations default="o"><organization identifier="o"><title>O</title>'
            '<item identifier="intro" identifierref="r1"><title>Intro</title></item>'
            '<item identifier="quiz" identifierref="r2"><title>Quiz</title>'
            '<adlcp:prerequisites type="aicc_script">intro</adlcp:prerequisites></item>'
            '</organization></organizations><resources>'
            '<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="intro.html"/>'
            '<resource identifier="r2" type="webcontent" adlcp:scormtype="sco" href="quiz.html"/></resources>')
    package = make_zip({"imsmanifest.xml": manifest_xml(body), "intro.html": "<p>1</p>", "quiz.html": "<p>2</p>"})
    assert upload(admin, course["id"], package).status_code == 201
    student = tenant.student()
    enroll(admin, course["id"], student.user_id)
    base = f"/api/lms/courses/{course['id']}/scorm"
    launch = student.get(f"{base}/launch/").json()
    web, player = tenant.stack.client(), path_of(launch["launch_url"])
    page = web.get(player).text
    assert "/content/intro.html" in page and '<span aria-disabled="true">Quiz</span> <small>locked</small>' in page
    assert_error(web.get(f"{player}?sco=quiz"), 403, {"detail": "The prerequisites of this item are not met yet."})
    assert student.post(f"{base}/track/", {"sco": "intro", "completed": True}).status_code == 200
    unlocked = web.get(f"{player}?sco=quiz")
    assert unlocked.status_code == 200 and "/content/quiz.html" in unlocked.text
    assert "/content/quiz.html" in web.get(player).text  # (the first item not completed)

"""scripts/backup.sh and scripts/restore.sh: a backup restored into a fresh database (and a fresh files
directory) serves the same course; scripts/bucket.py copies a bucket to a directory and back."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import httpx
import pytest

from tests.conftest import BACKENDS
from tests.files import samples
from tests.files.helpers import upload_thumbnail
from tests.helpers import make_course
from tests.stack import ROOT, free_port, make_stack

SCRIPTS = ROOT / "scripts"


def run(script: str, *args: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    result = subprocess.run([str(SCRIPTS / script), *args], env={**environ, "PYTHON": sys.executable, **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def without_origin(data, stack):
    return json.loads(json.dumps(data).replace(stack.edge_url, ""))


# backup.sh backs up PostgreSQL, the production database (SQLite: copy the data dir while stopped).
@pytest.mark.parametrize("stack", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_a_backup_restored_into_a_fresh_database_serves_the_same_course(stack, tenant, tmp_path):
    admin, student = tenant.admin(), tenant.student()
    course = make_course(admin, title="Backed up")
    thumbnail = samples.png()
    assert upload_thumbnail(admin, course["id"], thumbnail).status_code in (200, 201)
    assert student.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {}).status_code == 201
    before = admin.get(f"/api/lms/courses/{course['id']}/").json()
    enrolled_before = student.get("/api/lms/enrollments/my-courses/").json()

    backup = tmp_path / "backup"
    out = run("backup.sh", str(backup), LMS_DATABASE_URL=stack.database_url,
              LMS_STORAGE_URL=f"file://{stack.data_dir / 'files'}")
    assert "files in" in out and (backup / "database.dump").stat().st_size > 0
    # every tenant's rows are in the dump, though the tables force row-level security
    listed = (backup / "database.list").read_text()
    assert "TABLE DATA public courses" in listed

    restored_files = tmp_path / "restored-files"
    restored = make_stack("postgresql", tmp_path / "restored", LMS_STORAGE_URL=f"file://{restored_files}")
    try:
        run("restore.sh", str(backup), LMS_DATABASE_URL=restored.database_url,
            LMS_STORAGE_URL=f"file://{restored_files}")
        restored.start()  # `lms serve` migrates first: a no-op on the restored schema
        admin_again = restored.client(admin.token)
        after = admin_again.get(f"/api/lms/courses/{course['id']}/").json()
        # the same course; only the absolute URLs name the other service's address
        assert after["thumbnail_url"].startswith(restored.edge_url)
        assert without_origin(after, restored) == without_origin(before, stack)
        assert admin_again.get(urlsplit(after["thumbnail_url"]).path).content == thumbnail
        enrolled_after = restored.client(student.token).get("/api/lms/enrollments/my-courses/").json()
        assert without_origin(enrolled_after, restored) == without_origin(enrolled_before, stack)
        # and it keeps working: a new enrollment gets the next id, not a clash with a restored one
        other = restored.client(restored.token("student-new", tenant.id, ["student"]))
        assert other.post(f"/api/lms/enrollments/course/{course['id']}/enroll/", {}).status_code == 201
    finally:
        restored.stop()


@pytest.fixture
def moto(tmp_path):
    port = free_port()
    log = open(tmp_path / "moto.log", "ab")
    process = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.HTTPError:
            assert process.poll() is None and time.monotonic() < deadline, "moto_server did not start"
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_the_bucket_is_copied_to_a_directory_and_back(moto, tmp_path):
    env = {"LMS_S3_ENDPOINT_URL": moto, "LMS_S3_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "k",
           "AWS_SECRET_ACCESS_KEY": "s"}
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="k",
                      aws_secret_access_key="s")
    s3.create_bucket(Bucket="source")
    s3.create_bucket(Bucket="target")
    objects = {"courses/t1/a/cover.png": (samples.png(), "image/png"),
               "courses/t2/b/notes.pdf": (samples.pdf(), "application/pdf")}
    for key, (body, content_type) in objects.items():
        s3.put_object(Bucket="source", Key=key, Body=body, ContentType=content_type)
    s3.put_object(Bucket="source", Key="elsewhere/x", Body=b"x")

    def bucket(*args):
        result = subprocess.run([sys.executable, str(SCRIPTS / "bucket.py"), *args], capture_output=True, text=True,
                                env={**os.environ, **env}, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    copy = tmp_path / "copy"
    assert "2 objects copied" in bucket("pull", "s3://source/courses", str(copy))
    assert "0 objects copied" in bucket("pull", "s3://source/courses", str(copy))  # incremental
    assert "2 objects copied" in bucket("push", str(copy), "s3://target/courses")
    for key, (body, content_type) in objects.items():
        got = s3.get_object(Bucket="target", Key=key)
        assert (got["Body"].read(), got["ContentType"]) == (body, content_type)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="target")["Contents"]] == sorted(objects)

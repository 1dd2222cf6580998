"""Faults on PRIVATE instances, so the shared PostgreSQL and Redis are never touched: a private PostgreSQL
(initdb + pg_ctl on a temporary directory and a free port) stopped and started under load, a private Redis
killed under load, a private S3 (moto_server) killed with uploads and downloads in flight. Each test starts its
own stack (a different topology), so they are marked slow and kept few.
"""
from __future__ import annotations

import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

from lms.platform.auth import mint_token
from tests.core.test_database_faults import BIN_DIRS, PrivatePostgres
from tests.files.conftest import S3_ENV, S3Server
from tests.stack import SECRET, free_port, make_stack

pytestmark = pytest.mark.slow


def _admin(stack, tenant: str):
    return stack.client(mint_token(SECRET, user_id=f"admin-{tenant}", tenant_id=tenant, roles=["admin"]))


def _wait_http(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.1)


def test_postgresql_stopped_and_started_mid_load_loses_no_acknowledged_write(tmp_path):
    if not BIN_DIRS or "postgresql" not in os.environ.get("LMS_TEST_BACKENDS", "sqlite,postgresql"):
        pytest.skip("PostgreSQL binaries or the postgresql backend are not available")
    pg_directory = Path(tempfile.mkdtemp(prefix="lms-proof-pg-"))
    database = PrivatePostgres(pg_directory)
    database.init()
    database.start()
    stack = None
    try:
        app_url = database.create_app_database()
        stack = make_stack("sqlite", tmp_path / "stack", LMS_DATABASE_URL=app_url, LMS_DB_POOL_SIZE="4")
        stack.start()
        admin = _admin(stack, "pgfaults")
        acknowledged, answers, stop = [], [], threading.Event()
        lock = threading.Lock()

        def writer(n: int) -> None:
            i = 0
            while not stop.is_set():
                name = f"w{n}-{i}-{uuid.uuid4().hex[:6]}"
                i += 1
                try:
                    response = admin.post("/api/lms/categories/", {"name": name})
                except httpx.HTTPError as exc:  # a transport error is not an acknowledgement
                    with lock:
                        answers.append((599, str(exc), ""))
                    continue
                with lock:
                    answers.append((response.status_code, response.text, response.headers.get("retry-after", "")))
                    if response.status_code == 201:
                        acknowledged.append(name)
                if response.status_code != 201:
                    time.sleep(0.05)

        def wait_until(condition, seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while not condition() and time.monotonic() < deadline:
                time.sleep(0.05)

        def acknowledged_count() -> int:
            with lock:
                return len(acknowledged)

        # Conditions, not fixed sleeps (they cost 5 s a run): writes acknowledged before the stop, an answer
        # while PostgreSQL is down, and writes acknowledged again after it is back.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for n in range(4):
                pool.submit(writer, n)
            wait_until(lambda: acknowledged_count() >= 12, 30)
            database.stop("immediate")
            down = admin.get("/api/lms/categories/")
            deadline = time.monotonic() + 10
            while down.status_code == 200 and time.monotonic() < deadline:  # (a connection the pool still held)
                time.sleep(0.1)
                down = admin.get("/api/lms/categories/")
            database.start()
            wait_until(lambda: admin.get("/api/lms/courses/").status_code == 200, 20)
            before_recovery = acknowledged_count()
            wait_until(lambda: acknowledged_count() >= before_recovery + 12, 20)
            stop.set()
        assert down.status_code == 503 and down.headers.get("retry-after") == "1", down.text
        statuses = {status for status, _, _ in answers}
        assert statuses <= {201, 503}, [a for a in answers if a[0] not in (201, 503)][:5]
        assert all(retry == "1" for status, _, retry in answers if status == 503)
        assert 503 in statuses and sum(1 for s, _, _ in answers if s == 201) > 20
        assert admin.get("/api/lms/courses/").status_code == 200  # recovered without restarting the service
        with psycopg.connect(database.url.rsplit("/", 1)[0] + "/lms_faults", autocommit=True) as connection:
            stored = {row[0] for row in connection.execute("SELECT name FROM categories")}
        lost = sorted(set(acknowledged) - stored)
        assert not lost, f"{len(lost)} acknowledged writes lost: {lost[:10]}"
    finally:
        if stack is not None:
            stack.stop()
        database.stop("immediate")
        shutil.rmtree(pg_directory, ignore_errors=True)


class Process:
    """A private server process on a free port (redis-server, moto_server)."""

    def __init__(self, command: list[str], log: Path, env: dict | None = None):
        self.command, self.log, self.env = command, log, env
        self.process = None

    def start(self) -> "Process":
        self.process = subprocess.Popen(self.command, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
                                        env=self.env, start_new_session=True)
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def test_redis_and_storage_down(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis_port, s3_port = free_port(), free_port()
    redis = Process(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no"], tmp_path / "redis.log").start()
    moto = Process([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(s3_port)],
                   tmp_path / "moto.log", {**os.environ, **S3_ENV}).start()
    stack = None
    try:
        _wait_http(f"http://127.0.0.1:{s3_port}", moto.process, "moto_server")
        s3 = S3Server(f"http://127.0.0.1:{s3_port}")
        s3.client.create_bucket(Bucket="proof")
        stack = make_stack("sqlite", tmp_path / "stack", LMS_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
                           LMS_STORAGE_URL="s3://proof", LMS_S3_ENDPOINT_URL=s3.url, **S3_ENV)
        stack.start()
        admin = _admin(stack, "faults")
        course = admin.post("/api/lms/categories/", {"name": "Faults"}).json()
        course = admin.post("/api/lms/courses/", {"title": "Faults", "description": "d", "category_id": course["id"],
                                                  "status": "Published"}).json()
        files = f"/api/lms/courses/{course['id']}/files/"
        stored = admin.post(files, files={"file": ("a.pdf", b"%PDF-1.4\nok\n%%EOF\n", "application/pdf")})
        assert stored.status_code == 201, stored.text
        key = stored.json()["key"]

        # Redis down: every request still served, limits counted in process, one warning.
        redis.kill()
        statuses = [admin.get("/api/lms/courses/").status_code for _ in range(30)]
        statuses += [admin.post("/api/lms/categories/", {"name": f"R{i}"}).status_code for i in range(10)]
        assert set(statuses) == {200, 201} and statuses.count(201) == 10
        assert stack.log_text().count("redis unavailable") == 1, stack.log_text()[-3000:]

        # Storage down: uploads 503 with nothing recorded, downloads 503.
        moto.kill()
        active = "SELECT key FROM stored_files WHERE state = 'active' ORDER BY id"
        rows_before = stack.sql(active)
        upload = admin.post(files, files={"file": ("b.pdf", b"%PDF-1.4\nlost\n%%EOF\n", "application/pdf")})
        assert upload.status_code == 503, upload.text
        assert upload.headers.get("retry-after"), upload.headers
        # Nothing half-written: no new active file; the upload's register row stays `pending` for the sweeper,
        # which deletes the (possibly partial) object once the store is back (docs/files.md).
        assert stack.sql(active) == rows_before
        assert {state for _, state in stack.sql("SELECT key, state FROM stored_files")} <= {"active", "pending"}
        download = admin.get(f"/api/lms/files/{key}")
        assert download.status_code == 503, (download.status_code, download.text[:300])
        assert admin.get("/api/lms/courses/").status_code == 200  # everything else keeps serving
    finally:
        if stack is not None:
            stack.stop()
        redis.kill()
        moto.kill()

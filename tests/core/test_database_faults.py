"""A database that drops the service's connections or goes away makes no 500 (issue 14).

Runs against a PRIVATE PostgreSQL instance (initdb + pg_ctl on a temporary directory and a free port), so
the test may terminate its backends and stop it without touching the shared server.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.helpers import make_category, make_course
from tests.stack import SECRET, free_port, make_stack

from lms.platform.auth import mint_token

BIN_DIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PrivatePostgres:
    def __init__(self, directory: Path):
        self.bin = Path(BIN_DIRS[0])
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(_as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                     "--no-sync"]), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        subprocess.run(_as_postgres([
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"]), check=True, capture_output=True, timeout=90)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
                       capture_output=True, timeout=90)

    def create_app_database(self) -> str:
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute("CREATE ROLE lms_app LOGIN")
            admin.execute("CREATE DATABASE lms_faults OWNER lms_app")
        return f"postgresql://lms_app@127.0.0.1:{self.port}/lms_faults"

    def terminate_app_connections(self) -> int:
        with psycopg.connect(self.url, autocommit=True) as admin:
            rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = 'lms_faults' AND pid <> pg_backend_pid()").fetchall()
        return len(rows)


@pytest.fixture(scope="module")
def private_stack(tmp_path_factory):
    if not BIN_DIRS or os.environ.get("LMS_TEST_BACKENDS", "postgresql").find("postgresql") < 0:
        pytest.skip("PostgreSQL binaries or the postgresql backend are not available")
    directory = tmp_path_factory.mktemp("private-pg")
    # Its own directory under /tmp: pytest's are private to root, and PostgreSQL runs as `postgres`.
    pg_directory = Path(tempfile.mkdtemp(prefix="lms-private-pg-"))
    database = PrivatePostgres(pg_directory)
    database.init()
    database.start()
    try:
        app_url = database.create_app_database()
        stack = make_stack("sqlite", directory / "stack", LMS_DATABASE_URL=app_url, LMS_DB_POOL_SIZE="3")
        stack.start()
        try:
            yield database, stack
        finally:
            stack.stop()
    finally:
        database.stop("immediate")
        shutil.rmtree(pg_directory, ignore_errors=True)


def test_dead_pooled_connections_fail_no_request(private_stack):
    database, stack = private_stack
    admin_token = mint_token(SECRET, user_id="admin-1", tenant_id="faults", roles=["admin"])
    admin = stack.client(admin_token)
    course = make_course(admin, category_id=make_category(admin)["id"])
    health = f"{stack.edge_url}/api/health/"
    # Fill both pools (transactions and the autocommit read path) with connections, then kill them all.
    for _ in range(10):
        assert admin.get("/api/lms/courses/").status_code == 200
        assert admin.get(f"/api/lms/courses/{course['id']}/").status_code == 200
    for round_ in range(3):
        assert database.terminate_app_connections() > 0
        time.sleep(0.3)  # the terminations reach the sockets
        statuses = []
        for i in range(12):
            statuses.append(httpx.get(health, timeout=10).status_code)
            statuses.append(admin.get("/api/lms/courses/").status_code)
            statuses.append(admin.get(f"/api/lms/courses/{course['id']}/").status_code)
            statuses.append(admin.post("/api/lms/categories/", {"name": f"After kill {round_}-{i}"}).status_code)
        assert set(statuses) <= {200, 201}, statuses


def test_an_unreachable_database_is_503_with_retry_after(private_stack):
    database, stack = private_stack
    admin = stack.client(mint_token(SECRET, user_id="admin-2", tenant_id="faults", roles=["admin"]))
    assert admin.get("/api/lms/courses/").status_code == 200
    database.stop("immediate")
    try:
        for response in (admin.get("/api/lms/courses/"), admin.post("/api/lms/categories/", {"name": "Down"}),
                         admin.get("/api/lms/categories/")):
            assert response.status_code == 503, response.text
            assert response.headers.get("retry-after") == "1"
            assert response.json() == {"detail": "Service temporarily unavailable."}
        down = httpx.get(f"{stack.edge_url}/api/health/", timeout=10)
        assert down.status_code == 503 and down.json()["status"] == "unhealthy"
    finally:
        database.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if admin.get("/api/lms/courses/").status_code == 200:
            break
        time.sleep(0.5)
    statuses = [admin.get("/api/lms/courses/").status_code for _ in range(10)]
    assert statuses == [200] * 10
    assert httpx.get(f"{stack.edge_url}/api/health/", timeout=10).status_code == 200

"""A real running service for tests: `lms serve` (gRPC workers + Envoy [+ WebSocket server]) on free
ports, against a fresh SQLite file or a fresh PostgreSQL database owned by a non-superuser role
(so row-level security applies exactly as in production)."""
from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import grpc
import httpx

from lms.platform.auth import mint_token

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("LMS_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_APP_ROLE = "lms_app"
SECRET = "test-secret-" + "x" * 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports (workers listen on port, port+1, ...)."""
    for _ in range(200):
        first = free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports")


def create_pg_database() -> tuple[str, str]:
    """Creates a database owned by a non-superuser role; returns (app URL, database name)."""
    import psycopg

    name = f"lms_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PG_APP_ROLE}') "
                      f"THEN CREATE ROLE {PG_APP_ROLE} LOGIN; END IF; END$$")
        admin.execute(f"CREATE DATABASE {name} OWNER {PG_APP_ROLE}")
    host_part = PG_ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0]
    return f"postgresql://{PG_APP_ROLE}@{host_part}/{name}", name


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclasses.dataclass
class Stack:
    backend: str
    data_dir: Path
    database_url: str
    edge_port: int
    grpc_port: int
    ws_port: int
    env: dict
    process: subprocess.Popen | None = None
    pg_database: str = ""
    access_log: bool = False  # Envoy's access log in serve.log (tests that explain their failures with it)

    @property
    def edge_url(self) -> str:
        return f"http://127.0.0.1:{self.edge_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.edge_port}/ws/lms/"

    def token(self, user: str, tenant: str, roles=("student",), **profile) -> str:
        return mint_token(SECRET, user_id=user, tenant_id=tenant, roles=list(roles), **profile)

    def client(self, token: str | None = None, tenant: str | None = None) -> "Api":
        return Api(self, token, tenant)

    def channel(self, worker: int = 0) -> grpc.Channel:
        """A channel to gRPC worker `worker` (0 for the first)."""
        return grpc.insecure_channel(f"127.0.0.1:{self.grpc_port + worker}")

    def ws_direct_url(self, replica: int = 0) -> str:
        """URL of WebSocket server `replica` itself, bypassing the edge."""
        return f"ws://127.0.0.1:{self.ws_port + replica}/ws/lms/"

    def sql(self, statement: str, **params) -> list:
        """Runs SQL as the database owner/superuser, outside the service (to set up or inspect state)."""
        from sqlalchemy import create_engine, text

        if self.backend == "postgresql":
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.pg_database}"
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        else:
            url = self.database_url
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                result = connection.execute(text(statement), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.env['LMS_METRICS_PORT']}/metrics"

    def log_text(self) -> str:
        path = self.data_dir / "serve.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, timeout: float = 90) -> None:
        log = open(self.data_dir / "serve.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lms.cli", "serve"] + ([] if self.access_log else ["--no-access-log"]),
            env=self.env, stdout=log, stderr=log, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lms serve exited early:\n{self.log_text()[-5000:]}")
            try:
                if httpx.get(f"{self.edge_url}/api/health/", timeout=1).status_code == 200 and \
                        b"LMS is up" in (self.data_dir / "serve.log").read_bytes():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"lms serve did not become ready:\n{self.log_text()[-5000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.pg_database:
            drop_pg_database(self.pg_database)


def make_stack(backend: str, data_dir: Path, **extra_env: str) -> Stack:
    data_dir.mkdir(parents=True, exist_ok=True)
    pg_database = ""
    if backend == "postgresql":
        database_url, pg_database = create_pg_database()
    else:
        database_url = f"sqlite:///{data_dir / 'lms.sqlite3'}"
    edge_port, admin_port = free_port(), free_port()
    grpc_port = free_port_block(int(extra_env.get("LMS_WORKERS", "1")))
    ws_port = free_port_block(int(extra_env.get("LMS_WS_WORKERS", "1")))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LMS_")},
        "LMS_DATA_DIR": str(data_dir),
        "LMS_DATABASE_URL": database_url,
        "LMS_JWT_SECRET": SECRET,
        "LMS_EDGE_PORT": str(edge_port),
        "LMS_EDGE_ADMIN_PORT": str(admin_port),
        "LMS_GRPC_PORT": str(grpc_port),
        "LMS_GRPC_HOST": "127.0.0.1",
        "LMS_WS_PORT": str(ws_port),
        "LMS_PUBLIC_URL": f"http://127.0.0.1:{edge_port}",
        "LMS_RATE_LIMIT_USER": "1000000/h",
        "LMS_RATE_LIMIT_ANON": "1000000/h",
        "LMS_RATE_LIMIT_UPLOAD": "1000000/h",
        "LMS_DB_POOL_SIZE": "5",
        "LMS_DEBUG_QUERY_COUNT": "1",  # x-lms-query-count on every response, for N+1 tests
        "LMS_CORS_ALLOWED_ORIGIN_REGEXES": r"^http://localhost:\d+$",  # browser tests (tests/edge/test_cors.py)
        "LMS_METRICS_PORT": str(free_port()),  # Prometheus metrics (tests/core/test_observability.py)
        "PYTHONPATH": str(ROOT / "server"),
        **extra_env,
    }
    return Stack(backend=backend, data_dir=data_dir, database_url=database_url, edge_port=edge_port,
                 grpc_port=grpc_port, ws_port=ws_port, env=env, pg_database=pg_database)


class RepeatedQuery(AssertionError):
    """A request ran the same SQL query again and again (the N+1 pattern)."""


def fail_on_repeated_queries(response: httpx.Response) -> None:
    """The N+1 guard of every test client: the stack runs with LMS_DEBUG_QUERY_COUNT=1, so a response
    whose call ran one SELECT `lms.platform.querycount.REPEAT_LIMIT` times or more says so in
    `x-lms-repeated-query`; the request fails the test (the statement is in the stack's log)."""
    times = response.headers.get("x-lms-repeated-query")
    if times is not None:
        request = response.request
        raise RepeatedQuery(f"{request.method} {request.url.path} ran one query {times} times (N+1): "
                            f"fix the data access, see the warning in the stack's serve.log")


class Api:
    """An HTTP client of the edge acting as one caller."""

    def __init__(self, stack: Stack, token: str | None = None, tenant: str | None = None):
        self.stack = stack
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if tenant:
            headers["X-Tenant-ID"] = tenant
        self.http = httpx.Client(base_url=stack.edge_url, headers=headers, timeout=60,
                                 event_hooks={"response": [fail_on_repeated_queries]})

    def request(self, method: str, path: str, **kw) -> httpx.Response:
        return self.http.request(method, path, **kw)

    def get(self, path: str, **kw) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, json=None, **kw) -> httpx.Response:
        return self.http.post(path, json=json, **kw)

    def put(self, path: str, json=None, **kw) -> httpx.Response:
        return self.http.put(path, json=json, **kw)

    def patch(self, path: str, json=None, **kw) -> httpx.Response:
        return self.http.patch(path, json=json, **kw)

    def delete(self, path: str, **kw) -> httpx.Response:
        return self.http.delete(path, **kw)

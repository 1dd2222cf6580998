"""The API benchmark side by side with the DRF peer: one command, one run, one table.

    python -m bench.compare                 # everything (about 10 minutes)
    python -m bench.compare --quick         # 3 s runs, subquery peer only, no scaling check
    python -m bench.compare --cases list_p1,detail --sides ours --no-grpc --no-scaling

It seeds the same data into two PostgreSQL databases (the peer's with its own `manage.py seed`, ours with
`bench.seed` after `lms migrate`, in a database owned by the non-superuser role the service runs as, so
row-level security applies), then, in this order and with the same wrk settings (warm-up, then
`-t2 -c32 -d10s --latency --timeout 30s`, waiting for the database to go idle after each case):

1. the DRF peer (../shared/peers/drf, run from there with its own venv under gunicorn) in each count mode;
2. our service as `lms serve` runs it in production (Envoy + N gRPC workers, PostgreSQL);
3. the same four calls over gRPC straight to the workers (Python grpc.aio client, 64 concurrent);
4. the scaling check: course-list page 1 at 10,000 and at 1,000,000 enrollments (alternating, twice);

and prints the results with the targets, plus the SQL each side runs per endpoint. Enrollments a run
creates are removed (and the counters restored) before and after every enroll case. Results also go to
bench/out/compare-<time>.{md,json}. Every process it starts is stopped by its process group id.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import psycopg  # noqa: E402

from bench import seed  # noqa: E402

PG_ADMIN_URL = os.environ.get("LMS_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
APP_ROLE = "lms_app"
OUR_DB = "lms_bench"
JWT_SECRET = "bench-secret-" + "b" * 40
OUT = ROOT / "bench" / "out"
WRK = ROOT / "bench" / "wrk"
CASES = {  # name -> (path, wrk script, target ratio)
    "list_p1": ("/api/lms/courses/?page=1&page_size=10", "get.lua", 20.0),
    "list_ps100": ("/api/lms/courses/?page=1&page_size=100", "get.lua", 10.0),
    "detail": ("/api/lms/courses/42/", "get.lua", 3.0),
    "enroll": ("/", "enroll.lua", 2.0),
}
PEER_PATHS = {"detail": "/api/lms/courses/42/"}  # the same paths as ours
LIST_P99_TARGET_MS = 50.0
SCALING_TOLERANCE = 0.20
BENCH_USERS = ("wrk-", "grpc-", "qc-", "sql-")  # user-id prefixes of enrollments the benchmark creates


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def db_url(name: str, role: str | None = None) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    if role:
        base = re.sub(r"//[^@/]*@", f"//{role}@", base)
    return f"{base}/{name}"


def admin_execute(*statements: str, database: str = "postgres") -> None:
    with psycopg.connect(db_url(database), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def database_exists(name: str) -> bool:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def wait_idle(database: str, quiet_polls: int = 4, limit: float = 60) -> None:
    """Until `database` has had no active statement for a few polls: requests a closed-loop client already
    sent may still be running after it stops, and must not spill into the next case."""
    quiet, deadline = 0, time.monotonic() + limit
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        while time.monotonic() < deadline:
            busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                                "AND pid <> pg_backend_pid()", (database,)).fetchone()[0]
            quiet = quiet + 1 if busy == 0 else 0
            if quiet >= quiet_polls:
                return
            time.sleep(0.3)
    log(f"warning: {database} still busy after {limit:.0f} s")


# Processes ------------------------------------------------------------------------------------------

class Service:
    """A child process group, stopped by its process group id (TERM, then KILL after a grace period)."""

    def __init__(self, name: str, argv: list[str], *, env: dict, cwd: Path, log_path: Path):
        self.name, self.argv, self.env, self.cwd, self.log_path = name, argv, env, cwd, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=log_file,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 15) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def wait_http(self, url: str, headers: dict, timeout: float = 90, ready_text: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2) as response:
                    if response.status == 200 and (not ready_text or ready_text in self.log_path.read_text(
                            errors="replace")):
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not become ready; see {self.log_path}")


# wrk -----------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Measure:
    side: str
    label: str
    case: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx responses and socket errors
    note: str = ""


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url: str, script: str, token: str, args, *, seconds: float | None = None) -> dict:
    env = {**os.environ, "WRK_TOKEN": token, "COURSES": "1000"}
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--timeout", "30s", "-s", str(WRK / script)]
    if args.warmup > 0:
        subprocess.run([*base, f"-d{args.warmup:g}s", url], env=env, capture_output=True, check=True)
    out = subprocess.run([*base, f"-d{seconds or args.duration:g}s", "--latency", url], env=env,
                         capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = sum(int(n) for n in re.findall(r"non-20\d responses = (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
            "requests": requests, "bad": bad, "raw": out}


# The DRF peer -------------------------------------------------------------------------------------

def find_peer_dir(explicit: str | None) -> Path:
    candidates = [Path(explicit)] if explicit else [ROOT.parent / "shared/peers/drf",
                                                    ROOT.parent.parent / "shared/peers/drf"]
    for candidate in candidates:
        if (candidate / "manage.py").exists():
            return candidate.resolve()
    raise SystemExit(f"the DRF peer was not found (looked in {', '.join(map(str, candidates))}); use --peer-dir")


class Peer:
    def __init__(self, args):
        self.dir = find_peer_dir(args.peer_dir)
        self.venv = Path(args.peer_venv)
        self.db = args.peer_db
        self.gunicorn_args = args.peer_gunicorn.split()
        admin = psycopg.conninfo.conninfo_to_dict(PG_ADMIN_URL)
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "PG"))},
                    "PGHOST": admin.get("host", "127.0.0.1"), "PGPORT": str(admin.get("port", 5432)),
                    "PGUSER": admin.get("user", "postgres"), "PGPASSWORD": admin.get("password", "postgres"),
                    "PGDATABASE": self.db, "PYTHONDONTWRITEBYTECODE": "1",  # the peer's directory is read-only
                    "DJANGO_SETTINGS_MODULE": "drfpeer.settings"}

    def ensure_venv(self) -> None:
        if (self.venv / "bin" / "gunicorn").exists():
            return
        log(f"creating the peer's venv in {self.venv} (its requirements.txt)")
        subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
        subprocess.run([str(self.venv / "bin/pip"), "install", "-q", "-r", str(self.dir / "requirements.txt")],
                       check=True)

    def manage(self, *argv: str, mode: str = "join") -> str:
        return subprocess.run([str(self.venv / "bin/python"), "manage.py", *argv], cwd=self.dir,
                              env={**self.env, "PEER_COUNT_MODE": mode}, capture_output=True, text=True,
                              check=True).stdout

    def prepare(self, reuse: bool) -> None:
        self.ensure_venv()
        if reuse and database_exists(self.db):
            log(f"peer: reusing database {self.db}")
            return
        log(f"peer: creating and seeding database {self.db} (manage.py migrate, manage.py seed)")
        admin_execute(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)", f"CREATE DATABASE {self.db}")
        self.manage("migrate", "-v0")
        log("peer: " + " ".join(self.manage("seed").split()))

    def reset(self) -> None:
        with psycopg.connect(db_url(self.db), autocommit=True) as conn:
            conn.execute("DELETE FROM lms_enrollment WHERE " + " OR ".join(f"user_id LIKE '{p}%'" for p in BENCH_USERS))
            conn.execute("VACUUM ANALYZE lms_enrollment")

    def server(self, mode: str, port: int) -> Service:
        return Service(f"peer-{mode}", [str(self.venv / "bin/gunicorn"), "drfpeer.wsgi:application", "-b",
                                        f"127.0.0.1:{port}", *self.gunicorn_args, "--log-level", "warning"],
                       env={**self.env, "PEER_COUNT_MODE": mode}, cwd=self.dir,
                       log_path=OUT / f"peer-{mode}.log")

    def sql(self, mode: str) -> dict[str, list[str]]:
        dump = Path(tempfile.mkdtemp(prefix="peer-sql-"))
        try:
            subprocess.run([str(self.venv / "bin/python"), "scripts/count_queries.py", "--dump", str(dump)],
                           cwd=self.dir, env={**self.env, "PEER_COUNT_MODE": mode}, capture_output=True, text=True,
                           check=True)
            shapes = {}
            for case, name in (("list_p1", "list_p1_ps10"), ("list_ps100", "list_ps100"), ("detail", "detail_42"),
                               ("enroll", "enroll_new")):
                text = (dump / f"queries_{mode}_{name}.sql").read_text()
                shapes[case] = [" ".join(line for line in chunk.splitlines() if not line.startswith("--")).strip()
                                for chunk in text.split("\n\n") if chunk.strip()]
            return shapes
        finally:
            shutil.rmtree(dump, ignore_errors=True)
            self.reset()


# Our service --------------------------------------------------------------------------------------

def add_runner_arguments(parser: argparse.ArgumentParser, *, connections: int = 32, warmup: float = 3.0) -> None:
    """The options of this benchmark's runner (our side), with its defaults, for the benchmarks that reuse it
    (bench.forum_posts, bench.messaging_inbox, bench.gamification); read them with `runner_arguments`."""
    parser.add_argument("--quick", action="store_true", help="3 s runs after 1 s warm-up (for development)")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=warmup)
    parser.add_argument("--connections", type=int, default=connections)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--edge-concurrency", type=int, default=1)
    parser.add_argument("--service-env", action="append", default=[], metavar="LMS_NAME=VALUE",
                        help="a setting for our service (repeatable)")


def runner_arguments(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    return args


class Ours:
    @classmethod
    def on_database(cls, args, database: str) -> "Ours":
        """Our side with its own database `database` (owned by the application role, as `OUR_DB` is)."""
        ours = cls(args)
        ours.app_url, ours.admin_url = db_url(database, APP_ROLE), db_url(database)
        ours.env["LMS_DATABASE_URL"] = ours.app_url
        return ours

    def __init__(self, args):
        self.args = args
        self.app_url = db_url(OUR_DB, APP_ROLE)
        self.admin_url = db_url(OUR_DB)
        self.data_dir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
        self.edge_port, self.grpc_port = free_port(), free_port()
        while any(not _port_free(self.grpc_port + i) for i in range(args.workers)):
            self.grpc_port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("LMS_")},
            "LMS_DATA_DIR": str(self.data_dir), "LMS_DATABASE_URL": self.app_url, "LMS_JWT_SECRET": JWT_SECRET,
            "LMS_EDGE_PORT": str(self.edge_port), "LMS_EDGE_ADMIN_PORT": str(free_port()),
            "LMS_GRPC_PORT": str(self.grpc_port), "LMS_GRPC_HOST": "127.0.0.1", "LMS_WS_PORT": str(free_port()),
            "LMS_PUBLIC_URL": f"http://127.0.0.1:{self.edge_port}",
            # The benchmark's one admin would hit the default 1000/h budget within a second: raised.
            "LMS_RATE_LIMIT_USER": "1000000000/h", "LMS_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "server"),
            **dict(item.split("=", 1) for item in getattr(args, "service_env", ())),
        }
        from lms.platform.auth import mint_token

        self.token = mint_token(JWT_SECRET, user_id="bench-admin", tenant_id=seed.TENANT, roles=["admin"],
                                ttl_seconds=24 * 3600, first_name="Bench", last_name="Admin")

    def prepare(self, reuse: bool) -> None:
        if reuse and database_exists(OUR_DB):
            log(f"ours: reusing database {OUR_DB}")
            self.migrate()
            return
        log(f"ours: creating database {OUR_DB} (owner {APP_ROLE}), lms migrate, seeding")
        admin_execute(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
                      f"THEN CREATE ROLE {APP_ROLE} LOGIN; END IF; END$$",
                      f"DROP DATABASE IF EXISTS {OUR_DB} WITH (FORCE)", f"CREATE DATABASE {OUR_DB} OWNER {APP_ROLE}")
        self.migrate()
        seconds = seed.seed(self.admin_url, 200_000)
        log(f"ours: seeded in {seconds:.1f} s; counters consistent: {seed.counters_consistent(self.admin_url)}")

    def migrate(self) -> None:
        subprocess.run([sys.executable, "-m", "lms.cli", "migrate"], env=self.env, cwd=ROOT, check=True,
                       capture_output=True)

    def reset(self) -> None:
        seed.remove_benchmark_enrollments(self.admin_url, BENCH_USERS)

    def server(self) -> Service:
        return Service("lms", [sys.executable, "-m", "lms.cli", "serve", "--no-migrate", "--no-access-log",
                               "--workers", str(self.args.workers), "--edge-concurrency",
                               str(self.args.edge_concurrency)],
                       env=self.env, cwd=ROOT, log_path=OUT / "lms-serve.log")

    @property
    def grpc_targets(self) -> str:
        return ",".join(f"127.0.0.1:{self.grpc_port + i}" for i in range(self.args.workers))

    def sql(self) -> dict[str, list[str]]:
        """The statements each endpoint runs, captured in-process on the real code path (the servicers
        with this database): steady state, after a first call has warmed the caches."""
        return asyncio.run(_capture_our_sql(self.env))


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def _capture_our_sql(env: dict) -> dict[str, list[str]]:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from lms.app.runtime import build_runtime, close_runtime
        from lms.courses import detail
        from lms.courses.servicer import CourseServicer
        from lms.courses.v1 import courses_pb2
        from lms.enrollments.servicer import EnrollmentServicer
        from lms.enrollments.v1 import enrollments_pb2
        from lms.platform.auth import Principal
        from lms.platform.config import Settings
        from lms.platform.context import Call, reset_current_call, set_current_call

        runtime = build_runtime(Settings.from_env())
        captured: list[str] = []
        # Recorded where every statement passes: psycopg's cursor (the read path sends its statements
        # through psycopg directly, past SQLAlchemy's cursor events).
        original_execute = psycopg.AsyncCursor.execute

        async def recording_execute(cursor, query, *args, **kwargs):
            captured.append(" ".join(str(query).split()))
            return await original_execute(cursor, query, *args, **kwargs)

        psycopg.AsyncCursor.execute = recording_execute
        principal = Principal(user_id="bench-admin", tenant_id=seed.TENANT, roles=frozenset({"admin"}),
                              expires_at=time.time() + 3600)
        calls = {
            "list_p1": lambda: CourseServicer().ListCourses(courses_pb2.ListCoursesRequest(page=1, page_size=10), None),
            "list_ps100": lambda: CourseServicer().ListCourses(courses_pb2.ListCoursesRequest(page=1, page_size=100),
                                                               None),
            "detail": lambda: CourseServicer().GetCourse(courses_pb2.GetCourseRequest(course_id=42), None),
            "enroll": lambda: EnrollmentServicer().Enroll(enrollments_pb2.EnrollRequest(
                course_id=42, user_id=f"sql-{time.time_ns()}"), None),
        }
        shapes = {}
        try:
            for case, invoke in [*calls.items(), ("detail (cache miss)", calls["detail"])]:
                if case == "detail (cache miss)":
                    detail.clear_cache()
                # Steady state: the caller's first request also records its profile (so it is not on the read
                # path yet), and the read path's first statement opens its connection.
                for attempt in range(3 if case != "detail (cache miss)" else 1):
                    call = Call(runtime=runtime, method=case, metadata={}, principal=principal,
                                tenant_id=seed.TENANT)
                    token = set_current_call(call)
                    captured.clear()
                    try:
                        await invoke()
                        await call.finish(commit=True)
                    finally:
                        reset_current_call(token)
                shapes[case] = list(captured)
        finally:
            psycopg.AsyncCursor.execute = original_execute
            await close_runtime(runtime)
        return shapes
    finally:
        os.environ.clear()
        os.environ.update(saved)


# The run ------------------------------------------------------------------------------------------

def measure_http(side: str, label: str, base_url: str, token: str, cases: list[str], args, database: str,
                 reset) -> list[Measure]:
    results = []
    for case in cases:
        path, script, _ = CASES[case]
        if case == "enroll":
            reset()
        result = run_wrk(base_url + path, script, token, args)
        wait_idle(database)
        if case == "enroll":
            reset()
        results.append(Measure(side, label, case, result["rps"], result["p50_ms"], result["p99_ms"],
                               result["requests"], result["bad"]))
        log(f"{label:>22} {case:<11} {result['rps']:>9.1f} req/s  p50 {result['p50_ms']:>8.1f} ms  "
            f"p99 {result['p99_ms']:>8.1f} ms  bad {result['bad']}")
    return results


def measure_grpc(ours: Ours, cases: list[str], args) -> list[Measure]:
    results = []
    for case in cases:
        if case == "enroll":
            ours.reset()
        out = subprocess.run([sys.executable, "-m", "bench.grpc_load", "--targets", ours.grpc_targets, "--token",
                              ours.token, "--case", case, "--concurrency", str(args.grpc_concurrency), "--duration",
                              str(args.duration), "--warmup", str(args.warmup)], cwd=ROOT, env=ours.env,
                             capture_output=True, text=True, check=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        wait_idle(OUR_DB)
        if case == "enroll":
            ours.reset()
        results.append(Measure("ours-grpc", f"gRPC direct c={args.grpc_concurrency}", case, figures["calls_per_s"],
                               figures["p50_ms"], figures["p99_ms"], figures["calls"], figures["failures"]))
        log(f"{'gRPC direct':>22} {case:<11} {figures['calls_per_s']:>9.1f} calls/s p50 {figures['p50_ms']:>8.1f} ms"
            f"  p99 {figures['p99_ms']:>8.1f} ms  failed {figures['failures']}")
    return results


def measure_scaling(ours: Ours, args) -> list[dict]:
    path, script, _ = CASES["list_p1"]
    rounds = []
    try:
        for round_number in range(args.scaling_rounds):
            for enrollments in (10_000, 1_000_000):
                seconds = seed.reseed_enrollments(ours.admin_url, enrollments)
                result = run_wrk(f"http://127.0.0.1:{ours.edge_port}{path}", script, ours.token, args)
                wait_idle(OUR_DB)
                rounds.append({"round": round_number + 1, "enrollments": enrollments, "rps": result["rps"],
                               "p50_ms": result["p50_ms"], "p99_ms": result["p99_ms"], "bad": result["bad"],
                               "reseed_s": round(seconds, 1)})
                log(f"{'scaling':>22} {enrollments:>9,} enrollments  {result['rps']:>9.1f} req/s  "
                    f"p50 {result['p50_ms']:>8.1f} ms  p99 {result['p99_ms']:>8.1f} ms (reseeded in {seconds:.0f} s)")
    finally:
        seed.reseed_enrollments(ours.admin_url, 200_000)
    return rounds


def machine_info(peer: Peer | None) -> dict:
    info = {"date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "kernel": platform.release(),
            "cpus": os.cpu_count(), "python": platform.python_version()}
    with contextlib.suppress(OSError):
        models = {line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")}
        info["cpu"] = ", ".join(sorted(models))
    with contextlib.suppress(OSError):
        info["memory_gib"] = round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1)
    with psycopg.connect(PG_ADMIN_URL) as conn:
        info["postgresql"] = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        info["pg_settings"] = ", ".join(f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}" for name in (
            "shared_buffers", "work_mem", "max_parallel_workers_per_gather", "synchronous_commit", "jit"))
    info["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[0].strip()
    from lms.app.supervisor import envoy_binary

    info["envoy"] = subprocess.run([envoy_binary(), "--version"], capture_output=True, text=True).stdout.split(
        "version:")[-1].split("/")[1].strip()
    ours = ["grpcio", "SQLAlchemy", "psycopg", "protobuf"]
    from importlib.metadata import version

    info["ours"] = ", ".join(f"{name} {version(name)}" for name in ours)
    if peer is not None:
        frozen = subprocess.run([str(peer.venv / "bin/pip"), "freeze"], capture_output=True, text=True).stdout
        keep = ("Django", "djangorestframework", "gunicorn", "psycopg")
        info["peer"] = ", ".join(line.replace("==", " ") for line in frozen.splitlines() if line.startswith(keep))
    return info


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def report(args, info: dict, http: list[Measure], grpc_results: list[Measure], scaling: list[dict],
           sql: dict, load: tuple[str, str]) -> tuple[str, bool]:
    lines = []
    all_met = True
    peer_modes = [m for m in args.peer_modes if any(r.side == "peer" and r.label.endswith(m) for r in http)]

    def cell(side: str, case: str, label_suffix: str = "") -> Measure | None:
        for r in http:
            if r.side == side and r.case == case and r.label.endswith(label_suffix):
                return r
        return None

    lines.append(f"Machine: {info.get('cpus')} CPUs ({info.get('cpu', '?')}), {info.get('memory_gib', '?')} GiB, "
                 f"Linux {info['kernel']}; {info['postgresql']} ({info['pg_settings']}); Python {info['python']}; "
                 f"{info['wrk']}; Envoy {info['envoy']}.")
    lines.append(f"Date: {info['date_utc']}. Load average before / after the run: {load[0]} / {load[1]}.")
    lines.append(f"Ours: {info['ours']}; `lms serve --workers {args.workers} --edge-concurrency "
                 f"{args.edge_concurrency} --no-access-log`, LMS_LOG_LEVEL=WARNING, LMS_RATE_LIMIT_USER raised.")
    if "peer" in info:
        lines.append(f"Peer: {info['peer']}; gunicorn `{args.peer_gunicorn}`, count modes: {', '.join(peer_modes)}.")
    lines.append(f"wrk: warm-up {args.warmup:g} s, then -t{args.threads} -c{args.connections} -d{args.duration:g}s "
                 f"--latency --timeout 30s; database idle between cases.")
    lines.append("")
    header = "| endpoint | " + " | ".join(f"peer {m} req/s (p50 / p99)" for m in peer_modes) + \
             " | ours req/s | ratio | ours p50 | ours p99 | target | met |"
    lines.append(header)
    lines.append("|" + "---|" * (header.count("|") - 1))
    for case in args.cases:
        ours = cell("ours", case)
        peers = [cell("peer", case, m) for m in peer_modes]
        best = max((p.rps for p in peers if p), default=0.0)
        ratio = ours.rps / best if ours and best else float("nan")
        target = CASES[case][2]
        met = ours is not None and best > 0 and ratio >= target
        condition = f"≥ {target:g}× best peer"
        if case == "list_p1":
            condition += f", p99 ≤ {LIST_P99_TARGET_MS:g} ms"
            met = met and ours.p99_ms <= LIST_P99_TARGET_MS
        if ours is not None and ours.bad:
            met = False
        if ours is not None and best > 0:
            all_met &= met
        peer_cells = " | ".join(f"{p.rps:.1f} ({p.p50_ms:.0f} / {p.p99_ms:.0f} ms)" if p else "–" for p in peers)
        lines.append(f"| {case} | {peer_cells} | {ours.rps:.1f} | {ratio:.1f}× | {ours.p50_ms:.1f} ms | "
                     f"{ours.p99_ms:.1f} ms | {condition} | {'yes' if met else 'NO'} |" if ours else
                     f"| {case} | {peer_cells} | – | – | – | – | {condition} | – |")
    bad = [r for r in http + grpc_results if r.bad]
    if bad:
        lines.append("")
        lines.append("Failed requests: " + ", ".join(f"{r.label} {r.case}: {r.bad}" for r in bad))
    if grpc_results:
        lines.append("")
        lines.append(f"gRPC straight to the {args.workers} workers (Python grpc.aio client, {args.grpc_concurrency} "
                     f"concurrent calls, one channel per worker, same warm-up and duration):")
        lines.append("")
        lines.append("| call | calls/s | p50 | p99 | failed |")
        lines.append("|---|---|---|---|---|")
        for r in grpc_results:
            lines.append(f"| {r.case} | {r.rps:.1f} | {r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | {r.bad} |")
    if scaling:
        by_size = {n: [r["p50_ms"] for r in scaling if r["enrollments"] == n] for n in (10_000, 1_000_000)}
        small, large = statistics.mean(by_size[10_000]), statistics.mean(by_size[1_000_000])
        change = (large - small) / small
        met = abs(change) <= SCALING_TOLERANCE
        all_met &= met
        lines.append("")
        lines.append("Scaling, course list page 1 (ours; enrollments re-seeded between runs, alternating):")
        lines.append("")
        lines.append("| round | enrollments | req/s | p50 | p99 |")
        lines.append("|---|---|---|---|---|")
        for r in scaling:
            lines.append(f"| {r['round']} | {r['enrollments']:,} | {r['rps']:.1f} | {r['p50_ms']:.1f} ms | "
                         f"{r['p99_ms']:.1f} ms |")
        lines.append("")
        lines.append(f"Mean p50: {small:.1f} ms at 10,000, {large:.1f} ms at 1,000,000 enrollments: {change:+.0%} "
                     f"(target within ±{SCALING_TOLERANCE:.0%}): {'met' if met else 'NOT MET'}.")
    if sql:
        lines.append("")
        lines.append("SQL per request (statements as sent; BEGIN/COMMIT are not statements):")
        for side, shapes in sql.items():
            lines.append("")
            lines.append(f"{side}:")
            for case, statements in shapes.items():
                lines.append(f"- {case}: {len(statements)} statement(s)")
                for statement in statements:
                    lines.append(f"  - `{statement[:args.sql_width]}{'…' if len(statement) > args.sql_width else ''}`")
    lines.append("")
    lines.append(f"Every target met: {'yes' if all_met else 'NO'}.")
    return "\n".join(lines), all_met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 s runs after 1 s warm-up, subquery peer only, "
                                                              "no scaling check (for development)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"some of {','.join(CASES)}")
    parser.add_argument("--sides", default="peer,ours", help="peer, ours or both")
    parser.add_argument("--peer-modes", default="join,subquery", help="the peer's PEER_COUNT_MODE values to run")
    parser.add_argument("--peer-gunicorn", default="-w 2 -k sync", help="gunicorn options of the peer")
    parser.add_argument("--peer-dir", help="the DRF peer (default: ../shared/peers/drf from the repository)")
    parser.add_argument("--peer-venv", default=str(ROOT / "bench" / ".venv-peer"))
    parser.add_argument("--peer-db", default="drfpeer")
    parser.add_argument("--workers", type=int, default=1,
                        help="gRPC worker processes of `lms serve` (1 measured best here: bench/RESULTS.md)")
    parser.add_argument("--edge-concurrency", type=int, default=1, help="Envoy worker threads")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--grpc-concurrency", type=int, default=64)
    parser.add_argument("--no-grpc", action="store_true", help="skip the direct gRPC figures")
    parser.add_argument("--service-env", action="append", default=[], metavar="LMS_NAME=VALUE",
                        help="a setting for our service (repeatable), e.g. LMS_ACTIVITY_LOG=off to see what it costs")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 10,000 / 1,000,000 enrollments check")
    parser.add_argument("--scaling-rounds", type=int, default=2)
    parser.add_argument("--no-sql", action="store_true", help="do not print the SQL each side runs")
    parser.add_argument("--sql-width", type=int, default=220, help="characters of each statement shown")
    parser.add_argument("--reuse-dbs", action="store_true", help="keep the seeded databases of an earlier run")
    parser.add_argument("--drop-dbs", action="store_true", help="drop both databases at the end")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3, 1
        args.no_scaling = True
        if "--peer-modes" not in " ".join(argv or sys.argv):
            args.peer_modes = "subquery"
    args.cases = [c for c in args.cases.split(",") if c]
    args.sides = [s for s in args.sides.split(",") if s]
    args.peer_modes = [m for m in args.peer_modes.split(",") if m]
    unknown = [c for c in args.cases if c not in CASES]
    if unknown or not set(args.sides) <= {"peer", "ours"}:
        parser.error(f"unknown case or side: {unknown or args.sides}")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")
    OUT.mkdir(parents=True, exist_ok=True)
    # SIGTERM ends the run like Ctrl-C: through the `finally` below that stops every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load_before = load_average()
    peer = Peer(args) if "peer" in args.sides else None
    ours = Ours(args) if "ours" in args.sides else None
    http: list[Measure] = []
    grpc_results: list[Measure] = []
    scaling: list[dict] = []
    sql: dict = {}
    running: list[Service] = []
    try:
        if peer:
            peer.prepare(args.reuse_dbs)
        if ours:
            ours.prepare(args.reuse_dbs)
        if peer:
            for mode in args.peer_modes:
                peer.reset()
                port = free_port()
                server = peer.server(mode, port)
                running.append(server)
                server.start()
                server.wait_http(f"http://127.0.0.1:{port}/api/lms/courses/?page_size=1",
                                 {"Authorization": "Bearer probe"})
                log(f"peer ({mode} counts, gunicorn {args.peer_gunicorn}) on :{port}")
                http += measure_http("peer", f"peer {mode}", f"http://127.0.0.1:{port}", "wrk-user", args.cases,
                                     args, peer.db, peer.reset)
                server.stop()
                running.remove(server)
        if ours:
            ours.reset()
            server = ours.server()
            running.append(server)
            server.start()
            server.wait_http(f"http://127.0.0.1:{ours.edge_port}/api/health/", {}, ready_text="LMS is up")
            log(f"ours (lms serve, {args.workers} workers, Envoy concurrency {args.edge_concurrency}) "
                f"on :{ours.edge_port}")
            http += measure_http("ours", "ours", f"http://127.0.0.1:{ours.edge_port}", ours.token, args.cases, args,
                                 OUR_DB, ours.reset)
            if not args.no_grpc:
                grpc_results = measure_grpc(ours, args.cases, args)
            if not args.no_scaling:
                scaling = measure_scaling(ours, args)
            server.stop()
            running.remove(server)
        if not args.no_sql:
            if peer:
                for mode in args.peer_modes:
                    sql[f"peer ({mode} counts, Django queries as captured by its scripts/count_queries.py)"] = \
                        peer.sql(mode)
            if ours:
                sql["ours (captured on the servicers' code path; PostgreSQL's per-transaction tenant setting "
                    "included, the read path's per-connection one is sent only when a connection changes "
                    "tenant)"] = ours.sql()
                ours.reset()
    finally:
        for server in running:
            server.stop()
        if ours:
            shutil.rmtree(ours.data_dir, ignore_errors=True)
        if args.drop_dbs:
            if ours:
                admin_execute(f"DROP DATABASE IF EXISTS {OUR_DB} WITH (FORCE)")
            if peer:
                admin_execute(f"DROP DATABASE IF EXISTS {peer.db} WITH (FORCE)")
    info = machine_info(peer)
    text, all_met = report(args, info, http, grpc_results, scaling, sql, (load_before, load_average()))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT / f"compare-{stamp}.md").write_text(text + "\n")
    (OUT / f"compare-{stamp}.json").write_text(json.dumps({
        "args": {k: v for k, v in vars(args).items()}, "machine": info,
        "http": [dataclasses.asdict(r) for r in http], "grpc": [dataclasses.asdict(r) for r in grpc_results],
        "scaling": scaling, "sql": sql, "all_met": all_met}, indent=2))
    print()
    print(text)
    print(f"\n(written to {OUT / f'compare-{stamp}.md'})")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())

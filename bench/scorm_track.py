"""SCORM track on PostgreSQL through Envoy: the hottest SCORM route (a runtime commits every few seconds per
learner).

    python -m bench.scorm_track              # warm-up 3 s, then 10 s of wrk -t2 -c32 (bench.compare's settings)
    python -m bench.scorm_track --quick      # warm-up 1 s, then 3 s

It runs the service as bench.compare does (`lms serve --workers 1 --edge-concurrency 1 --no-access-log`,
LMS_LOG_LEVEL=WARNING, the per-user rate limit raised; bench.compare's `Service` and `run_wrk`), on a fresh
PostgreSQL database owned by the service's role (`tests.stack.make_stack`: row-level security applies). It
uploads the Golf SCORM 1.2 fixture into a course, enrolls the learners and lets wrk post a runtime's commit
(`bench/wrk/scorm_track.lua`: CMI data with status, location, score, session time, suspend data) to
`POST /api/lms/courses/{id}/scorm/track/`, the commits spread over `--learners` learners (one row each;
`--learners 1` is the worst case, every commit on one row). On the same stack and with the same settings it first
measures the reference rows `GET /api/health/` and the course list (page 1), so the figure can be read against
what the machine allowed at that moment, and prints the load average before and after. For each row it also
prints the CPU time the service's processes (gRPC worker, Envoy, supervisor) and the database's backends spent
per request, which another agent's load does not change much. Bound: at least 1,000
track requests/s. Exits 1 when it is missed. Needs PostgreSQL and wrk.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import httpx  # noqa: E402

from bench.compare import Service, load_average, run_wrk, wait_idle  # noqa: E402
from bench.procs import backend_pids, cpu_seconds, tree_pids  # noqa: E402
from tests.stack import PG_ADMIN_URL, drop_pg_database, make_stack  # noqa: E402

BOUND_RPS = 1000.0
FIXTURE = Path("/work/shared/fixtures/scorm/golf_scorm12_runtime_basic_calls.zip")
for parent in Path(__file__).resolve().parents:
    if (parent / "shared" / "fixtures" / "scorm").exists():
        FIXTURE = parent / "shared" / "fixtures" / "scorm" / "golf_scorm12_runtime_basic_calls.zip"
        break


def prepare(base_url: str, admin: str, learners: list[str]) -> int:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {admin}"}, timeout=60) as client:
        category = client.post("/api/lms/categories/", json={"name": "SCORM"}).json()
        course = client.post("/api/lms/courses/", json={"title": "Golf", "description": "Golf", "status": "Published",
                                                        "category_id": category["id"], "is_free": True}).json()
        response = client.post(f"/api/lms/courses/{course['id']}/scorm/upload/",
                               files={"package": ("golf.zip", FIXTURE.read_bytes(), "application/zip")})
        response.raise_for_status()
        for learner in learners:
            client.post(f"/api/lms/enrollments/course/{course['id']}/enroll/",
                        json={"user_id": learner}).raise_for_status()
    return course["id"]


def measured(url: str, script: str, token: str, args, root: int, database: str) -> dict:
    """wrk's figures, with the CPU time the service's processes and the database's backends spent per request
    meanwhile (what the route costs, whatever else the machine is running)."""
    if args.warmup > 0:  # (run_wrk's own warm-up, apart, so the CPU counted is the measured run's)
        run_wrk(url, script, token, argparse.Namespace(**{**vars(args), "warmup": 0}), seconds=args.warmup)
    service, backends = tree_pids(root), backend_pids(PG_ADMIN_URL, database)
    before = (cpu_seconds(service), cpu_seconds(backends))
    result = run_wrk(url, script, token, argparse.Namespace(**{**vars(args), "warmup": 0}))
    backends = sorted(set(backends) | set(backend_pids(PG_ADMIN_URL, database)))
    after = (cpu_seconds(service), cpu_seconds(backends))
    requests = max(1, result["requests"])
    result["service_ms"] = (after[0] - before[0]) * 1000 / requests
    result["database_ms"] = (after[1] - before[1]) * 1000 / requests
    wait_idle(database)
    return result


def row(label: str, result: dict) -> str:
    return (f"{label:<34} {result['rps']:>8.0f} req/s  p50 {result['p50_ms']:>7.2f} ms  p99 {result['p99_ms']:>7.2f} ms"
            f"  non-2xx/errors {result['bad']}  CPU per request: service {result['service_ms']:.2f} ms, "
            f"database {result['database_ms']:.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--learners", type=int, default=32)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        stack = make_stack("postgresql", Path(tmp), LMS_LOG_LEVEL="WARNING", LMS_DEBUG_QUERY_COUNT="0",
                           LMS_RATE_LIMIT_USER="1000000000/h")
        del stack.env["LMS_DB_POOL_SIZE"]  # (the service's default, as bench.compare runs it)
        server = Service("lms", [sys.executable, "-m", "lms.cli", "serve", "--no-access-log", "--workers", "1",
                                 "--edge-concurrency", "1"], env=stack.env, cwd=ROOT,
                         log_path=Path(tmp) / "serve.log")
        try:
            server.start()
            server.wait_http(f"{stack.edge_url}/api/health/", {}, ready_text="LMS is up")
            learners = [f"learner-{n}" for n in range(args.learners)]
            course_id = prepare(stack.edge_url, stack.token("bench-admin", "bench", ["admin"]), learners)
            token = stack.token(learners[0], "bench", ["student"])
            os.environ["WRK_TOKENS"] = ",".join(stack.token(user, "bench", ["student"]) for user in learners)
            # The same stack's cheap routes first: what this machine and set-up allow at all right now.
            root, database = server.process.pid, stack.pg_database
            health = measured(f"{stack.edge_url}/api/health/", "get.lua", token, args, root, database)
            courses = measured(f"{stack.edge_url}/api/lms/courses/?page=1&page_size=10", "get.lua", token, args,
                               root, database)
            result = measured(f"{stack.edge_url}/api/lms/courses/{course_id}/scorm/track/", "scorm_track.lua", token,
                              args, root, database)
            tracked = stack.sql("SELECT count(*), sum(total_time) FROM scorm_tracks")[0]
        finally:
            server.stop()
            if stack.pg_database:
                drop_pg_database(stack.pg_database)
    met = result["rps"] >= BOUND_RPS and result["bad"] == 0
    print(f"lms serve --workers 1 --edge-concurrency 1 --no-access-log; wrk -t{args.threads} -c{args.connections}, "
          f"warm-up {args.warmup:g} s, then {args.duration:g} s; {args.learners} learners")
    print(f"load average before / after: {load_before} / {load_average()}")
    print(row("reference GET /api/health/", health))
    print(row("reference GET /api/lms/courses/", courses))
    print(row("POST .../scorm/track/", result) + f"  (bound >= {BOUND_RPS:.0f} req/s: {'met' if met else 'NOT MET'})")
    print(f"tracking rows: {tracked[0]}, total time recorded: {tracked[1] or 0:.0f} s")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

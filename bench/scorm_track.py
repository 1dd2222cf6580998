"""SCORM track on PostgreSQL through Envoy: the hottest SCORM route (a runtime commits every few seconds per
learner).

    python -m bench.scorm_track              # 10 s after a 2 s warm-up, wrk -t2 -c32 (bench.compare's settings)
    python -m bench.scorm_track --quick      # 4 s

It runs the service as the test stack does (`tests.stack.make_stack`: `lms serve`, PostgreSQL with row-level
security), uploads the Golf SCORM 1.2 fixture into a course, enrolls the learners and lets wrk post a runtime's
commit (`bench/wrk/scorm_track.lua`: CMI data with status, location, score, session time, suspend data) to
`POST /api/lms/courses/{id}/scorm/track/`, the commits spread over `--learners` learners (one row each;
`--learners 1` is the worst case, every commit waiting for the one row's lock). It first measures
`GET /api/health/` on the same stack with the same settings, so a figure can be read against what the machine
allowed at that moment. Bound: at least 1,000 requests/s. Exits 1 when it is missed.
Needs PostgreSQL and wrk.
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

from bench.compare import run_wrk  # noqa: E402
from tests.stack import make_stack  # noqa: E402

BOUND_RPS = 1000.0
FIXTURE = Path("/work/shared/fixtures/scorm/golf_scorm12_runtime_basic_calls.zip")
for parent in Path(__file__).resolve().parents:
    if (parent / "shared" / "fixtures" / "scorm").exists():
        FIXTURE = parent / "shared" / "fixtures" / "scorm" / "golf_scorm12_runtime_basic_calls.zip"
        break


def prepare(stack, learners: list[str]) -> int:
    admin = stack.token("bench-admin", "bench", ["admin"])
    headers = {"Authorization": f"Bearer {admin}"}
    with httpx.Client(base_url=stack.edge_url, headers=headers, timeout=60) as client:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--learners", type=int, default=32)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 4.0, 1.0
    with tempfile.TemporaryDirectory() as tmp:
        stack = make_stack("postgresql", Path(tmp), LMS_LOG_LEVEL="WARNING", LMS_DEBUG_QUERY_COUNT="0")
        stack.start()
        try:
            learners = [f"learner-{n}" for n in range(args.learners)]
            course_id = prepare(stack, learners)
            token = stack.token(learners[0], "bench", ["student"])
            os.environ["WRK_TOKENS"] = ",".join(stack.token(user, "bench", ["student"]) for user in learners)
            url = f"{stack.edge_url}/api/lms/courses/{course_id}/scorm/track/"
            settings = argparse.Namespace(threads=2, connections=args.connections, duration=args.duration,
                                          warmup=args.warmup)
            # The same stack's cheapest route first: what this machine and set-up allow at all right now.
            baseline = run_wrk(f"{stack.edge_url}/api/health/", "get.lua", token, settings)
            result = run_wrk(url, "scorm_track.lua", token, settings)
        finally:
            stack.stop()
    print(f"baseline GET /api/health/: {baseline['rps']:.0f} req/s  p50 {baseline['p50_ms']:.2f} ms  "
          f"p99 {baseline['p99_ms']:.2f} ms")
    met = result["rps"] >= BOUND_RPS and result["bad"] == 0
    print(f"scorm track: {result['rps']:.0f} req/s  p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms  "
          f"non-2xx/errors {result['bad']}  (bound >= {BOUND_RPS:.0f} req/s: {'met' if met else 'NOT MET'})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

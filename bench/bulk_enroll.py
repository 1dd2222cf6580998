"""Bulk enrollment: 10,000 user ids in one request must enroll in under 1 s, on SQLite and PostgreSQL.

    python -m bench.bulk_enroll                  # both backends
    python -m bench.bulk_enroll --backend sqlite

Starts the real stack (`lms serve`: Envoy + one gRPC worker) on each backend, creates a course,
warms up with a small bulk request, then times `POST /api/lms/enrollments/course/{id}/bulk/` with
10,000 new user ids through Envoy (client wall time, request to response), repeats it with the same
ids (all already enrolled), and prints the figures. Exits 1 if a first run takes 1 s or more.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

from tests.stack import make_stack  # noqa: E402

USERS = 10_000
BOUND_SECONDS = 1.0


def measure(backend: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        stack = make_stack(backend, Path(tmp), LMS_LOG_LEVEL="WARNING")
        stack.start()
        try:
            tenant = f"bench-{uuid.uuid4().hex[:8]}"
            admin = stack.client(stack.token("bench-admin", tenant, ["admin"]))
            category = admin.post("/api/lms/categories/", json={"name": "Bench"}).json()
            course = admin.post("/api/lms/courses/", json={"title": "Bulk", "description": "",
                                                           "category_id": category["id"],
                                                           "status": "Published"}).json()
            url = f"/api/lms/enrollments/course/{course['id']}/bulk/"
            admin.post(url, json={"user_ids": [f"warm-{i}" for i in range(100)]}).raise_for_status()
            ids = [f"user-{i:05d}-{uuid.uuid4().hex[:6]}" for i in range(USERS)]
            started = time.perf_counter()
            first = admin.post(url, json={"user_ids": ids})
            first_seconds = time.perf_counter() - started
            assert first.json()["created"] == USERS, first.text
            started = time.perf_counter()
            again = admin.post(url, json={"user_ids": ids})
            again_seconds = time.perf_counter() - started
            assert again.json()["already_enrolled"] == USERS, again.text
            return first_seconds, again_seconds
        finally:
            stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args(argv)
    failed = False
    print(f"bulk enroll of {USERS:,} users through Envoy (bound {BOUND_SECONDS:.1f} s)")
    print(f"{'backend':<12}{'new users':>12}{'all enrolled':>15}")
    for backend in args.backend or ["sqlite", "postgresql"]:
        first, again = measure(backend)
        failed |= first >= BOUND_SECONDS
        print(f"{backend:<12}{first:>11.3f}s{again:>14.3f}s{'' if first < BOUND_SECONDS else '   OVER BOUND'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

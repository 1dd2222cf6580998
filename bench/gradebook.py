"""Gradebook export: 10,000 students x 10 graded assignments as CSV through Envoy, on SQLite and PostgreSQL.

    python -m bench.gradebook                  # both backends
    python -m bench.gradebook --backend sqlite

Starts the real stack (`lms serve`: Envoy + one gRPC worker) on each backend, bulk-enrolls 10,000
students in a course with 10 assignments, writes a graded submission for every student and assignment
straight into the database (100,000 rows), then times `GET /api/lms/assignments/gradebook/?course=ID`
through Envoy: time to the first byte, total time and size. The CSV is streamed a batch of students at a
time, so the edge's 1 MiB limit on unary responses does not apply. Exits 1 if an export takes 5 s or more.
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

STUDENTS = 10_000
ASSIGNMENTS = 10
BOUND_SECONDS = 5.0


def measure(backend: str) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        stack = make_stack(backend, Path(tmp), LMS_LOG_LEVEL="WARNING")
        stack.start()
        try:
            tenant = f"bench-{uuid.uuid4().hex[:8]}"
            admin = stack.client(stack.token("bench-admin", tenant, ["admin"]))
            category = admin.post("/api/lms/categories/", json={"name": "Bench"}).json()
            course = admin.post("/api/lms/courses/", json={"title": "Gradebook", "description": "",
                                                           "category_id": category["id"],
                                                           "status": "Published"}).json()
            for n in range(ASSIGNMENTS):
                admin.post("/api/lms/assignments/", json={"title": f"Exercise {n + 1}",
                                                          "course": course["id"]}).raise_for_status()
            ids = [f"student-{i:05d}-{uuid.uuid4().hex[:6]}" for i in range(STUDENTS)]
            admin.post(f"/api/lms/enrollments/course/{course['id']}/bulk/", json={"user_ids": ids}).raise_for_status()
            # Money stores hundredths as integers on SQLite and NUMERIC(12,2) on PostgreSQL.
            grade = "(e.id % 100) * 100 + 50" if backend == "sqlite" else "(e.id % 100) + 0.5"
            stack.sql(
                "INSERT INTO assignment_submissions (tenant_id, assignment_id, student_id, attempt, response_text, "
                "submission_file, submitted_at, is_late, grade, feedback, graded_by) "
                f"SELECT e.tenant_id, a.id, e.user_id, 1, 'answer', '', CURRENT_TIMESTAMP, false, {grade}, '', 'bench' "
                "FROM enrollments e JOIN assignments a ON a.course_id = e.course_id WHERE e.course_id = :c",
                c=course["id"])
            url = f"/api/lms/assignments/gradebook/?course={course['id']}"
            started = time.perf_counter()
            first_byte = None
            size = 0
            rows = 0
            with admin.http.stream("GET", url) as response:
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    if first_byte is None:
                        first_byte = time.perf_counter() - started
                    size += len(chunk)
                    rows += chunk.count(b"\n")
            total = time.perf_counter() - started
            assert rows == STUDENTS + 1, rows
            return first_byte or total, total, size, rows
        finally:
            stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args(argv)
    failed = False
    print(f"gradebook of {STUDENTS:,} students x {ASSIGNMENTS} assignments through Envoy (bound {BOUND_SECONDS:.1f} s)")
    print(f"{'backend':<12}{'first byte':>12}{'total':>10}{'size':>12}")
    for backend in args.backend or ["sqlite", "postgresql"]:
        first, total, size, _ = measure(backend)
        failed |= total >= BOUND_SECONDS
        print(f"{backend:<12}{first:>11.3f}s{total:>9.3f}s{size / 1024 / 1024:>9.2f} MiB"
              f"{'' if total < BOUND_SECONDS else '   OVER BOUND'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

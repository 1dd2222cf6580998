"""Gamification on PostgreSQL through Envoy: leaderboard latency over a large ledger, and what awarding costs.

    python -m bench.gamification            # both parts
    python -m bench.gamification --quick    # shorter runs, 100,000 ledger rows

1. Leaderboards: 1,000,000 ledger rows over 50,000 users and 1,000 courses (with the running totals the
   awards consumer keeps), then `GET /api/lms/user-points/leaderboard/?limit=100` tenant-wide and per course
   with wrk (the caller a mid-table learner, so their own rank is counted too). Bound: p99 < 20 ms.
2. Award overhead: lesson completions (`POST .../lesson-completion/`, each a new lesson of a learner enrolled
   in every course of the benchmark catalogue) with the awards consumer off and on, same data and settings,
   one after the other. Awards are made in the background from the committed events, so the request does no
   award work; what remains is the consumer's share of the worker's CPU. Bound: throughput with awards on
   at least 90 % of off. Also prints how long the consumer took to catch up once the load stopped.
Exits 1 when a bound is missed. Needs PostgreSQL and wrk.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

from bench import seed  # noqa: E402
from bench.compare import run_wrk  # noqa: E402
from tests.stack import PG_ADMIN_URL, make_stack  # noqa: E402

LEADERBOARD_P99_MS = 20.0
OVERHEAD_BOUND = 0.10
LESSONS = 25_000  # bench.seed's catalogue: 1,000 courses x 5 modules x 5 lessons


def admin_url(database: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"


def psql(database: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(database), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def seed_ledger(database: str, rows: int, users: int) -> float:
    """`rows` ledger rows over `users` users and the catalogue's courses, and the totals they add up to."""
    started = time.perf_counter()
    t = seed.TENANT
    psql(database,
         "SELECT setseed(0.7)",
         f"""INSERT INTO points_ledger (tenant_id, user_id, rule, points, cause_type, cause_id, course_id,
                 score_percent, description, created_at)
             SELECT '{t}', 'learner-' || (i % {users}), 'lesson_completed', 1 + (i * 37) % 20, 'lesson.completed',
                    'lesson:' || i, 1 + (i * 13) % {seed.COURSES}, NULL, 'A lesson completed.',
                    timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second'
             FROM generate_series(1, {rows}) i""",
         f"""INSERT INTO points_totals (tenant_id, scope, user_id, total_points, reached_at)
             SELECT '{t}', 0, user_id, sum(points), max(created_at) FROM points_ledger GROUP BY user_id""",
         f"""INSERT INTO points_totals (tenant_id, scope, user_id, total_points, reached_at)
             SELECT '{t}', course_id, user_id, sum(points), max(created_at) FROM points_ledger
             GROUP BY course_id, user_id""",
         f"""INSERT INTO directory_users (tenant_id, user_id, email, first_name, last_name, avatar_url, phone, roles,
                 updated_at)
             SELECT '{t}', 'learner-' || u, 'learner' || u || '@example.com', 'First' || u, 'Last' || u, '', '',
                    'student', timestamptz '2024-01-01 00:00:00+00' FROM generate_series(0, {users - 1}) u""",
         "VACUUM ANALYZE points_ledger", "VACUUM ANALYZE points_totals", "VACUUM ANALYZE directory_users")
    return time.perf_counter() - started


def enroll_everywhere(database: str, user: str) -> None:
    psql(database, f"""INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active)
                       SELECT '{seed.TENANT}', c, '{user}', now(), true FROM generate_series(1, {seed.COURSES}) c""",
         "VACUUM ANALYZE enrollments")


def wrk_args(args, connections: int):
    return argparse.Namespace(threads=2, connections=connections, duration=args.duration, warmup=args.warmup)


def leaderboards(args, stack, database: str) -> list[tuple[str, dict]]:
    rows = 100_000 if args.quick else 1_000_000
    users = 5_000 if args.quick else 50_000
    took = seed_ledger(database, rows, users)
    print(f"seeded {rows:,} ledger rows over {users:,} users and {seed.COURSES:,} courses in {took:.1f} s")
    token = stack.token(f"learner-{users // 2}", seed.TENANT, ["student"])
    results = []
    for label, query in (("global top-100", "limit=100"), ("course top-100", "course_id=17&limit=100")):
        url = f"{stack.edge_url}/api/lms/user-points/leaderboard/?{query}"
        result = run_wrk(url, "get.lua", token, wrk_args(args, args.connections))
        results.append((label, result))
        print(f"leaderboard {label:15} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
              f"p99 {result['p99_ms']:6.2f} ms  non-2xx/errors {result['bad']}")
    return results


def completions(args, mode: str) -> tuple[dict, float]:
    """Lesson completions with the awards consumer `mode` ("off"/"on"); (wrk result, catch-up seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        stack = make_stack("postgresql", Path(tmp), LMS_LOG_LEVEL="WARNING", LMS_CONSUMERS=mode,
                           LMS_DEBUG_QUERY_COUNT="0")
        stack.start()
        try:
            seed._run(admin_url(stack.pg_database), seed.CATALOGUE, [])
            psql(stack.pg_database, "VACUUM ANALYZE")
            learner = "bench-learner"
            enroll_everywhere(stack.pg_database, learner)
            token = stack.token(learner, seed.TENANT, ["student"])
            url = f"{stack.edge_url}/api/lms/enrollments/lesson-completion/"
            run_completions(url, token, args, offset=LESSONS // 2, seconds=args.warmup)  # lessons not measured
            result = run_completions(url, token, args, offset=0, seconds=args.duration)
            catch_up = 0.0
            if mode == "on":
                started = time.perf_counter()
                completed = stack.sql("SELECT count(*) FROM lesson_completions")[0][0]
                while time.perf_counter() - started < 120:
                    paid = stack.sql("SELECT count(*) FROM points_ledger WHERE rule = 'lesson_completed'")[0][0]
                    if paid >= completed:
                        break
                    time.sleep(0.1)
                catch_up = time.perf_counter() - started
            return result, catch_up
        finally:
            stack.stop()


def run_completions(url: str, token: str, args, *, offset: int, seconds: float) -> dict:
    """wrk over lessons n = offset + 1... (bench/wrk/lesson_completion.lua): two threads, each its own run."""
    os.environ.update(LESSONS=str(LESSONS), OFFSET=str(offset))
    return run_wrk(url, "lesson_completion.lua", token,
                   argparse.Namespace(threads=2, connections=args.connections, duration=seconds, warmup=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--part", choices=("all", "leaderboard", "overhead"), default="all")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = min(args.duration, 4.0), min(args.warmup, 1.0)
    ok = True
    if args.part in ("all", "leaderboard"):
        with tempfile.TemporaryDirectory() as tmp:
            stack = make_stack("postgresql", Path(tmp), LMS_LOG_LEVEL="WARNING", LMS_DEBUG_QUERY_COUNT="0")
            stack.start()
            try:
                seed._run(admin_url(stack.pg_database), seed.CATALOGUE, [])
                for label, result in leaderboards(args, stack, stack.pg_database):
                    ok &= result["p99_ms"] < LEADERBOARD_P99_MS and result["bad"] == 0
            finally:
                stack.stop()
    if args.part in ("all", "overhead"):
        off, _ = completions(args, "off")
        on, catch_up = completions(args, "on")
        overhead = 1 - on["rps"] / off["rps"]
        print(f"lesson completion, awards off {off['rps']:8.0f} req/s  p99 {off['p99_ms']:6.2f} ms")
        print(f"lesson completion, awards on  {on['rps']:8.0f} req/s  p99 {on['p99_ms']:6.2f} ms  "
              f"(consumer caught up {catch_up:.1f} s after the load)")
        print(f"award overhead {overhead * 100:+.1f} % of throughput (bound {OVERHEAD_BOUND * 100:.0f} %)")
        ok &= overhead < OVERHEAD_BOUND and off["bad"] == 0 and on["bad"] == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

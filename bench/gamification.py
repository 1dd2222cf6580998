"""Gamification on PostgreSQL through Envoy: leaderboards over a large ledger, and what awarding costs.

    python -m bench.gamification            # 10 s of wrk -t2 -c10 per case after a 2 s warm-up
    python -m bench.gamification --quick    # 4 s per case after 1 s
    python -m bench.gamification --part leaderboard   # or: overhead

It runs the service as `bench.compare` does (its runner and settings: `lms serve --workers 1 --edge-concurrency 1
--no-access-log`, Envoy, one gRPC worker, in a database owned by the non-superuser role the service runs as, so
row-level security applies), seeds bench.seed's data set (1,000 Published courses, 200,000 enrollments), then
with SQL: 1,000,000 ledger rows over 50,000 users (20 awards each, in 20 different courses: ~1,000 users per
course), the running totals they add up to, the users' directory entries, a few opt-outs and four automatic
badges (lessons completed 10 and 100, points total 1,000, one course completed), as a tenant would have.

1. Leaderboards, caller a mid-table learner (so their own rank is counted too): `GET
   /api/lms/user-points/leaderboard/?limit=100` tenant-wide and with `course_id`. Bound: p99 < 20 ms.
   Reference rows of the same run and settings: `GET /api/health/` and the course list (page 1).
2. Award overhead: `POST /api/lms/enrollments/lesson-completion/` (bench/wrk/lesson_completion.lua: each request
   a new lesson of a learner enrolled in every course), with the awards consumer off and on
   (`LMS_CONSUMERS`), a server started per round and a new learner per round, in the order off, on, on, off,
   twice by default (throughput rises as the database warms: the order makes a steady drift hit both sides
   alike). Awards are made in the background from the committed events, so the request does no award work;
   what they cost it is the consumer's share of the machine, which each round also measures as CPU time: of
   the service's processes and the database's backends, from the start of the measured run until the awards
   caught up, per completion. Bound: awards add under 10 % to that CPU, and take under 10 % of the throughput
   (means over the rounds). Also prints how long the consumer took to catch up once the load stopped.

Prints the load average next to every figure (the machine may be shared). Exits 1 when a bound is missed.
Needs PostgreSQL and wrk.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import psycopg  # noqa: E402

from bench import compare, seed  # noqa: E402
from bench.compare import (  # noqa: E402
    APP_ROLE, add_runner_arguments, admin_execute, load_average, log, Ours, run_wrk, runner_arguments, wait_idle,
)
from bench.procs import backend_pids, cpu_seconds, tree_pids  # noqa: E402

DATABASE = "lms_bench_gamification"
LEDGER_ROWS, USERS, COURSES_PER_USER = 1_000_000, 50_000, 20
LEADERBOARD_P99_MS = 20.0
OVERHEAD_BOUND = 0.10
LESSONS = 25_000  # bench.seed's catalogue: 1,000 courses x 5 modules x 5 lessons
ROUNDS = ("off", "on", "on", "off")


def seed_gamification(admin_url: str) -> float:
    """The ledger, its totals, the directory, opt-outs and badges (see the module doc); seconds taken."""
    started = time.perf_counter()
    t, per_user = seed.TENANT, LEDGER_ROWS // USERS
    with psycopg.connect(admin_url, autocommit=True) as conn:
        # Award i goes to user i % USERS and pays 1-20 points (pseudo-random: totals spread, with ties); the
        # user's k-th award (k = i / USERS) is in course 1 + (7u + 53k) % 1000: 20 distinct courses per user,
        # 1,000 users per course.
        conn.execute(f"""
            INSERT INTO points_ledger (tenant_id, user_id, rule, points, cause_type, cause_id, course_id,
                score_percent, description, created_at)
            SELECT '{t}', 'learner-' || (i % {USERS}), 'lesson_completed', 1 + (i::bigint * 7919) % 9973 % 20,
                'lesson.completed',
                'lesson:' || i, 1 + ((i % {USERS}) * 7 + (i / {USERS}) * 53) % {seed.COURSES}, NULL,
                'A lesson completed.', timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second'
            FROM generate_series(0, {USERS * per_user - 1}) i""")
        conn.execute(f"""
            INSERT INTO points_totals (tenant_id, scope, user_id, total_points, reached_at)
            SELECT '{t}', 0, user_id, sum(points), max(created_at) FROM points_ledger GROUP BY user_id""")
        conn.execute(f"""
            INSERT INTO points_totals (tenant_id, scope, user_id, total_points, reached_at)
            SELECT '{t}', course_id, user_id, sum(points), max(created_at) FROM points_ledger
            GROUP BY course_id, user_id""")
        conn.execute(f"""
            INSERT INTO directory_users (tenant_id, user_id, email, first_name, last_name, avatar_url, phone, roles,
                updated_at)
            SELECT '{t}', 'learner-' || u, 'learner' || u || '@example.com', 'First' || u, 'Last' || u, '', '',
                'student', timestamptz '2024-01-01 00:00:00+00' FROM generate_series(0, {USERS - 1}) u""")
        conn.execute(f"""
            INSERT INTO leaderboard_opt_outs (tenant_id, user_id, created_at)
            SELECT '{t}', 'learner-' || u, now() FROM generate_series(0, {USERS - 1}, 97) u""")
        conn.execute(f"""
            INSERT INTO badges (tenant_id, name, description, image, criteria_type, threshold, course_id,
                min_grade_percent, is_active, awarded_count, created_at, updated_at)
            VALUES ('{t}', 'Ten lessons', '', '', 'lessons_completed', 10, NULL, 0, true, 0, now(), now()),
                   ('{t}', 'A hundred lessons', '', '', 'lessons_completed', 100, NULL, 0, true, 0, now(), now()),
                   ('{t}', 'A thousand points', '', '', 'points_total', 1000, NULL, 0, true, 0, now(), now()),
                   ('{t}', 'A course done', '', '', 'courses_completed', 1, NULL, 0, true, 0, now(), now())""")
        conn.execute(f"""
            INSERT INTO points_rank_counts (tenant_id, scope, total_points, users)
            SELECT '{t}', scope, total_points, count(*) FROM points_totals GROUP BY scope, total_points""")
        for table in ("points_ledger", "points_totals", "points_rank_counts", "directory_users", "leaderboard_opt_outs",
                      "badges"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def enroll_everywhere(admin_url: str, user: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"""INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active)
                         SELECT '{seed.TENANT}', c, %s, now(), true FROM generate_series(1, {seed.COURSES}) c""",
                     (user,))
        conn.execute("VACUUM ANALYZE enrollments")


def token_of(user: str, roles: list[str], first: str, last: str) -> str:
    from lms.platform.auth import mint_token

    return mint_token(compare.JWT_SECRET, user_id=user, tenant_id=seed.TENANT, roles=roles, ttl_seconds=3600,
                      first_name=first, last_name=last)


def get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def line(label: str, result: dict, load: str, extra: str = "") -> str:
    return (f"{label:44} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms"
            f"  bad {result['bad']}  load {load}{extra}")


def start(ours: Ours, consumers: str):
    ours.env["LMS_CONSUMERS"] = consumers
    server = ours.server()
    server.start()
    try:
        server.wait_http(f"http://127.0.0.1:{ours.edge_port}/api/health/", {}, ready_text="LMS is up")
    except BaseException:
        server.stop()
        raise
    return server


def leaderboards(ours: Ours, args) -> bool:
    base = f"http://127.0.0.1:{ours.edge_port}"
    caller = f"learner-{USERS // 2}"  # about mid-table tenant-wide, and in course 1 (its first award)
    token = token_of(caller, ["student"], "Mid", "Table")
    cases = [("reference: GET /api/health/", "/api/health/"),
             ("reference: course list page 1", "/api/lms/courses/?page=1&page_size=10"),
             ("leaderboard global top-100", "/api/lms/user-points/leaderboard/?limit=100"),
             ("leaderboard course top-100", "/api/lms/user-points/leaderboard/?course_id=1&limit=100")]
    ok = True
    server = start(ours, "on")
    try:
        for _, path in cases:  # the caller's first request records their profile (then reads take the read path)
            assert get(base + path, token) == 200
        wait_idle(DATABASE)
        for label, path in cases:
            result = run_wrk(base + path, "get.lua", token, args)
            print(line(label, result, load_average()), flush=True)
            wait_idle(DATABASE)
            if label.startswith("leaderboard"):
                ok &= result["p99_ms"] < LEADERBOARD_P99_MS and result["bad"] == 0
    finally:
        server.stop()
    return ok


def skip_earlier_events(admin_url: str) -> None:
    """Moves the awards consumer's cursor past every event so far: an "on" round pays for its own completions,
    not for those of an earlier "off" round."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        last = conn.execute("SELECT coalesce(max(id), 0) FROM outbox_events").fetchone()[0]
        conn.execute("INSERT INTO outbox_consumers (name, last_id, lease_owner, lease_until) "
                     "VALUES ('gamification', %s, '', '2000-01-01') ON CONFLICT (name) DO UPDATE "
                     "SET last_id = excluded.last_id, lease_owner = '', lease_until = excluded.lease_until", (last,))
        unnumbered = conn.execute("SELECT count(*) FROM outbox_events WHERE id IS NULL").fetchone()[0]
    if unnumbered:
        log(f"warning: {unnumbered} events not numbered yet: the next round's consumer will read them")


def catch_up(admin_url: str, learner: str, limit: float = 120) -> float | None:
    """Seconds until every lesson completion of `learner` is paid (None: not within `limit`), polled on one
    connection."""
    started = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        while time.perf_counter() - started < limit:
            done, paid = conn.execute(
                "SELECT (SELECT count(*) FROM lesson_completions c JOIN enrollments e ON e.id = c.enrollment_id "
                "WHERE e.user_id = %s), (SELECT count(*) FROM points_ledger WHERE user_id = %s "
                "AND rule = 'lesson_completed')", (learner, learner)).fetchone()
            if paid >= done:
                return time.perf_counter() - started
            time.sleep(0.1)
    return None


def completions(ours: Ours, args, round_number: int, mode: str) -> dict:
    """One round of lesson completions with the awards consumer `mode`, by a new learner (fresh lessons): wrk's
    figures, and the CPU the service's processes and the database's backends spent per completion from the
    start of the measured run until the awards caught up and the database was idle."""
    learner = f"bench-learner-{int(time.time())}-{round_number}"  # (unique across runs of a reused database)
    enroll_everywhere(ours.admin_url, learner)
    token = token_of(learner, ["student"], "Bench", f"Learner{round_number}")
    url = f"http://127.0.0.1:{ours.edge_port}/api/lms/enrollments/lesson-completion/"
    skip_earlier_events(ours.admin_url)
    server = start(ours, mode)
    try:
        wait_idle(DATABASE)
        os.environ.update(LESSONS=str(LESSONS), OFFSET=str(LESSONS // 2))  # warm-up: lessons not measured
        run_wrk(url, "lesson_completion.lua", token, argparse.Namespace(
            threads=2, connections=args.connections, duration=args.warmup, warmup=0))
        if mode == "on":
            catch_up(ours.admin_url, learner)
        wait_idle(DATABASE)
        os.environ["OFFSET"] = "0"
        service, backends = tree_pids(server.process.pid), backend_pids(compare.PG_ADMIN_URL, DATABASE)
        cpu_before = cpu_seconds(service) + cpu_seconds(backends)
        result = run_wrk(url, "lesson_completion.lua", token, argparse.Namespace(
            threads=2, connections=args.connections, duration=args.duration, warmup=0))
        result["load"] = load_average()
        result["catch_up_s"] = catch_up(ours.admin_url, learner) if mode == "on" else None
        wait_idle(DATABASE)
        backends = sorted(set(backends) | set(backend_pids(compare.PG_ADMIN_URL, DATABASE)))
        result["cpu_ms"] = (cpu_seconds(service) + cpu_seconds(backends) - cpu_before) * 1000 / max(
            1, result["requests"])
        return result
    finally:
        server.stop()


def overhead(ours: Ours, args) -> bool:
    results: dict[str, list[dict]] = {"off": [], "on": []}
    for number, mode in enumerate(ROUNDS * args.overhead_cycles, start=1):
        result = completions(ours, args, number, mode)
        results[mode].append(result)
        caught = "" if result["catch_up_s"] is None else f"  (awards caught up {result['catch_up_s']:.1f} s after)"
        print(line(f"lesson completion, round {number}, awards {mode}", result, result["load"],
                   f"  CPU {result['cpu_ms']:.2f} ms per completion{caught}"), flush=True)
    rps = {mode: statistics.mean(r["rps"] for r in rs) for mode, rs in results.items()}
    cpu = {mode: statistics.mean(r["cpu_ms"] for r in rs) for mode, rs in results.items()}
    cost, slower = cpu["on"] / cpu["off"] - 1, 1 - rps["on"] / rps["off"]
    print(f"mean: awards off {rps['off']:.0f} req/s and {cpu['off']:.2f} ms of CPU per completion, on {rps['on']:.0f} "
          f"req/s and {cpu['on']:.2f} ms: award overhead {cost * 100:+.1f} % of the CPU a completion costs, "
          f"{slower * 100:+.1f} % of throughput (bound {OVERHEAD_BOUND * 100:.0f} %, each)", flush=True)
    clean = all(r["bad"] == 0 for rs in results.values() for r in rs)
    caught_up = all(r["catch_up_s"] is not None for r in results["on"])
    return cost < OVERHEAD_BOUND and slower < OVERHEAD_BOUND and clean and caught_up


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_runner_arguments(parser, connections=10, warmup=2.0)
    parser.add_argument("--part", choices=("all", "leaderboard", "overhead"), default="all")
    parser.add_argument("--overhead-cycles", type=int, default=2, metavar="N",
                        help="rounds of the overhead part: N times off, on, on, off (default 2)")
    parser.add_argument("--reuse-db", action="store_true", help=f"keep {DATABASE} (seeded) from an earlier run")
    parser.add_argument("--keep-db", action="store_true", help=f"do not drop {DATABASE} at the end")
    args = runner_arguments(parser, argv)
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s after a {args.warmup:g} s warm-up; "
          f"`lms serve --workers {args.workers} --edge-concurrency {args.edge_concurrency} --no-access-log`; "
          f"load average before: {load_average()}", flush=True)
    ours = Ours.on_database(args, DATABASE)
    ok = True
    try:
        if args.reuse_db and compare.database_exists(DATABASE):
            log(f"reusing {DATABASE}")
            ours.migrate()
        else:
            admin_execute(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
                          f"THEN CREATE ROLE {APP_ROLE} LOGIN; END IF; END$$",
                          f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)",
                          f"CREATE DATABASE {DATABASE} OWNER {APP_ROLE}")
            ours.migrate()
            took = seed.seed(ours.admin_url, 200_000)
            took += seed_gamification(ours.admin_url)
            log(f"seeded in {took:.0f} s: {LEDGER_ROWS:,} ledger rows over {USERS:,} users and "
                f"{seed.COURSES:,} courses")
        if args.part in ("all", "leaderboard"):
            ok &= leaderboards(ours, args)
        if args.part in ("all", "overhead"):
            ok &= overhead(ours, args)
    finally:
        shutil.rmtree(ours.data_dir, ignore_errors=True)
        if not args.keep_db:
            try:
                admin_execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            except Exception as error:  # noqa: BLE001 - cleanup is best effort
                log(f"could not drop {DATABASE}: {error}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
